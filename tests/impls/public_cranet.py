# After shizuku/cranet, src/dpln/function.py: softmax shifted by the max of the whole batch, and
# a batched Jacobian (batch_size, n, n).
import numpy as np


def softmax(z: np.ndarray, axis=-1) -> np.ndarray:
    t = np.exp(z - np.max(z))
    return np.divide(t, np.sum(t, axis=axis, keepdims=True))


def softmax_derivative(z: np.ndarray) -> np.ndarray:
    x = softmax(z)
    s = x[:, :, np.newaxis]
    diag = np.array([np.diagflat(s[i, :, :]) for i in range(s.shape[0])])
    outer = np.matmul(s, s.transpose((0, 2, 1)))
    return diag - outer
