# Source: code-index file id 45557048717 (a NumPy transformer layers module; repository not named
# by the index): softmax with a temperature and an axis argument, and d_softmax(d_out,
# softmax_out, axis) returning s * (d_out - sum(d_out * s)). Targets: softmax, d_softmax.
# The Parameter import, LayerNorm and the other layers are left out.
import numpy as np


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError("Temperature must be positive")
    x = x / temperature
    e_x = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e_x / e_x.sum(axis=axis, keepdims=True)

def d_softmax(d_out, softmax_out, axis=-1):
    # Jacobian of softmax: diag(s) - s*s.T
    # For batch processing, this needs to be applied carefully.
    # A more numerically stable way for d_out * softmax_out is:
    return softmax_out * (d_out - np.sum(d_out * softmax_out, axis=axis, keepdims=True))
