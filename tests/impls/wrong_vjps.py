import numpy as np


def _softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_grad_missing_sum(dout, x):
    s = _softmax(x)
    return dout * s * (1 - s)


def softmax_backward_keepdims(z, grad):
    s = _softmax(z)
    return s * (grad - np.sum(grad * s, axis=1))


def softmax_backward_jacobian(z, grad):
    s = _softmax(z)
    return np.diag(s) - np.outer(s, s)


def backward_fused(logits, grad_out):
    # gradient of softmax: probs - targets
    return _softmax(logits) - grad_out


def softmax_backward_global(z, grad):
    s = _softmax(z)
    return s * (grad - np.sum(grad * s))


def softmax_backward_log(z, grad):
    s = _softmax(z)
    return grad - s * grad.sum(axis=-1, keepdims=True)


def softmax_backward_sign(z, grad):
    s = _softmax(z)
    return s * (np.sum(grad * s, axis=-1, keepdims=True) - grad)


def softmax_backward_no_s(z, grad):
    s = _softmax(z)
    return grad - np.sum(grad * s, axis=-1, keepdims=True)


def softmax_backward_naive(z, grad):
    e = np.exp(z)
    s = e / e.sum(axis=-1, keepdims=True)
    return s * (grad - (grad * s).sum(axis=-1, keepdims=True))


def softmax_backward_times(z, grad):
    # not a known mistake: just s * g
    return _softmax(z) * grad


def softmax_backward_raises(z, grad):
    raise NotImplementedError("TODO: backward pass")
