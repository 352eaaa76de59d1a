# Source: aew61/mlpy, src/mlpy/activation_functions/softmax.py (commit 5ac120b5): a stable softmax
# for vectors and row batches, and an elementwise "derivative" softmax_prime returning ones
# (used as grad * softmax_prime(z)). Targets: softmax, softmax_prime.
# SYSTEM IMPORTS
import numpy


# PYTHON PROJECT IMPORTS


def softmax(X):
    # this general process of Y = exp(Y - max(X)); return Y / sum(Y) is equivalent
    # to exp(X) / sum(exp(X)), but is more numerically stable.

    if len(X.shape) == 1:
        Y = numpy.exp(X - numpy.max(X))
        return Y / numpy.sum(Y)
    else:
        Y = numpy.exp(X - numpy.max(X, axis=1, keepdims=True))
        return Y / numpy.sum(Y, axis=1, keepdims=True)


def softmax_prime(X):
    return numpy.ones(X.shape)
