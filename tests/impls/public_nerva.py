# After wiegerw/nerva, python/mlps/nerva_numpy/softmax_functions.py with the helpers it takes
# from matrix_operations.py (same package) inlined: row-wise and column-wise softmax and their
# Jacobians for one sample, with and without the max shift, and the log-softmax Jacobian.
import numpy as np

Matrix = np.ndarray


def is_vector(x):
    return len(x.shape) == 1


def is_column_vector(x):
    return is_vector(x) or x.shape[1] == 1


def is_row_vector(x):
    return is_vector(x) or x.shape[0] == 1


def identity(n):
    return np.eye(n)


def hadamard(X, Y):
    return X * Y


def Diag(x):
    return np.diagflat(x)


def column_repeat(x, n):
    assert is_column_vector(x)
    if len(x.shape) == 1:
        x = x[:, np.newaxis]
    return np.tile(x, (1, n))


def row_repeat(x, m):
    assert is_row_vector(x)
    if len(x.shape) == 1:
        x = x[np.newaxis, :]
    return np.tile(x, (m, 1))


def columns_sum(X):
    return np.sum(X, axis=0)


def rows_sum(X):
    return np.sum(X, axis=1)


def columns_max(X):
    return np.max(X, axis=0)


def rows_max(X):
    return np.max(X, axis=1)


def exp(X):
    return np.exp(X)


def inverse(X):
    return 1 / X


def stable_softmax_colwise(X: Matrix) -> Matrix:
    D, N = X.shape
    E = exp(X - row_repeat(columns_max(X), D))
    return hadamard(E, row_repeat(inverse(columns_sum(E)), D))


def stable_softmax_colwise_jacobian(x: Matrix) -> Matrix:
    assert is_column_vector(x)
    y = stable_softmax_colwise(x)
    return Diag(y) - y * y.T


def softmax_rowwise(X: Matrix) -> Matrix:
    N, D = X.shape
    E = exp(X)
    return hadamard(E, column_repeat(inverse(rows_sum(E)), D))


def softmax_rowwise_jacobian(x: Matrix) -> Matrix:
    assert is_row_vector(x)
    y = softmax_rowwise(x)
    return Diag(y) - y.T * y


def stable_softmax_rowwise(X: Matrix) -> Matrix:
    N, D = X.shape
    E = exp(X - column_repeat(rows_max(X), D))
    return hadamard(E, column_repeat(inverse(rows_sum(E)), D))


def stable_softmax_rowwise_jacobian(x: Matrix) -> Matrix:
    assert is_row_vector(x)
    y = stable_softmax_rowwise(x)
    return Diag(y) - y.T * y


def log_softmax_rowwise_jacobian(x: Matrix) -> Matrix:
    assert is_row_vector(x)
    N, D = x.shape
    return identity(D) - row_repeat(softmax_rowwise(x), D)
