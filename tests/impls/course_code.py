# Homework-style helpers, one function per layer and direction.
import numpy as np


def softmax_forward(a):
    ea = np.exp(a)
    return ea / np.sum(ea)


def softmax_backward(b, gb):
    # b: output of softmax_forward, gb: gradient w.r.t. b
    t2 = np.diag(b) - np.outer(b, b)
    return np.dot(gb.transpose(), t2)


def softmax_prime(Z):
    T = np.exp(Z)
    A = T / np.sum(T, axis=0)
    return A * (1 - A)


def softmax_grad_dist(dist, dL_ddist):
    """dL/dlogit_k = dist_k * (dL/ddist_k - sum_c dL/ddist_c * dist_c)."""
    s = float(np.dot(dL_ddist, dist))
    return dist * (dL_ddist - s)


def softmax_pure_python(xs):
    import math

    exps = [math.exp(x) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]
