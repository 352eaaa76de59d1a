# Source: code-index file id 19138980473 (a NumPy CNN-from-scratch module; repository not named
# by the index): row-wise stable softmax and a batched Jacobian (m, n, n) built with einsum from
# the logits. Targets: softmax, softmax_gradient. Sigmoid, loss and convolution helpers are left out.
import numpy as np


def softmax(X):
    X = np.copy(X)
    X = X - np.max(X, axis=1, keepdims=True)
    exp_X = np.exp(X)
    return exp_X / np.sum(exp_X, axis=1, keepdims=True)


def softmax_gradient(X):
    smax = softmax(X)
    outer = np.einsum('ij,ik->ijk', smax, smax)
    diagonal = np.einsum('ij,jk->ijk', smax, np.eye(smax.shape[1]))
    jacobian = diagonal - outer
    return jacobian
