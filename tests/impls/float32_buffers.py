"""A layer written like a GPU kernel: float32 buffers, and a dtype check that rejects float64."""

import numpy as np


class Float32Softmax:
    """Right, in single precision; refuses any other dtype as a mixed-precision guard."""

    def forward(self, x):
        if x.dtype != np.float32:
            raise TypeError(f"expected float32 input, got {x.dtype}")
        shifted = x - np.max(x, axis=-1, keepdims=True)
        e = np.exp(shifted)
        self.out = np.zeros_like(x, dtype=np.float32)
        self.out[...] = e / np.sum(e, axis=-1, keepdims=True)
        return self.out

    def backward(self, grad):
        if grad.dtype != np.float32:
            raise TypeError(f"expected float32 gradient, got {grad.dtype}")
        s = self.out
        return s * (grad - np.sum(grad * s, axis=-1, keepdims=True))


def softmax_backward_f32(z, grad):
    """The wrong formula (the sum term missing), in a float32-only function."""
    if z.dtype != np.float32:
        raise TypeError("float32 only")
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    return grad * s * (1 - s)
