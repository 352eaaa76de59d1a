"""Softmax over attention scores (batch, queries, keys): code that takes 3-D input only."""

import numpy as np


class ScoresSoftmax:
    """A layer of an attention block: softmax over the keys of (batch, queries, keys) scores."""

    def forward(self, scores):
        if scores.ndim != 3:
            raise ValueError(f"expected (batch, queries, keys) scores, got shape {scores.shape}")
        e = np.exp(scores - scores.max(axis=2, keepdims=True))
        self.p = e / e.sum(axis=2, keepdims=True)
        return self.p

    def backward(self, grad):
        if grad.ndim != 3:
            raise ValueError("expected a 3-D gradient")
        return self.p * (grad - (grad * self.p).sum(axis=2, keepdims=True))


def softmax_dim(x, dim):
    """Softmax over a given dim, as torch.softmax(x, dim) takes it."""
    e = np.exp(x - np.max(x, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def attention_softmax_backward(scores, grad, axis=2):
    """A backward pass over the keys axis of 3-D scores, axis given as a keyword."""
    if scores.ndim != 3:
        raise ValueError("3-D scores only")
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    p = e / e.sum(axis=axis, keepdims=True)
    return p * (grad - (grad * p).sum(axis=axis, keepdims=True))


def attention_softmax_wrong_axis(scores, axis=1):
    """Normalises over the queries (axis 1) of (batch, queries, keys): wrong."""
    if scores.ndim != 3:
        raise ValueError("3-D scores only")
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention_backward_grad_first(dP, P):
    """(dP, P) for 3-D scores: the gradient first, the attention weights P = softmax second."""
    if P.ndim != 3:
        raise ValueError("3-D only")
    return P * (dP - (dP * P).sum(axis=-1, keepdims=True))
