import numpy as np


def softmax(x):
    """Compute softmax values for each sets of scores in x."""
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum()


def softmax_grad(s):
    # input s is softmax value of the original input x. Its shape is (1,n)
    # i.e. s = np.array([0.3, 0.7]), x = np.array([0, 1])

    # make the matrix whose size is n^2.
    jacobian_m = np.diag(s)

    for i in range(len(jacobian_m)):
        for j in range(len(jacobian_m)):
            if i == j:
                jacobian_m[i][j] = s[i] * (1 - s[i])
            else:
                jacobian_m[i][j] = -s[i] * s[j]
    return jacobian_m


def softmax_grad_vectorized(softmax):
    # Reshape the 1-d softmax to 2-d so that np.dot will do the matrix multiplication
    s = softmax.reshape(-1, 1)
    return np.diagflat(s) - np.dot(s, s.T)


def softmax_derivative(x):
    # derivative of softmax: s * (1 - s)
    s = softmax(x)
    return s * (1 - s)


def softmax_jacobian_from_logits(z):
    # the author forgot that the formula needs the softmax output, not z
    jac = np.zeros((len(z), len(z)))
    for i in range(len(z)):
        for j in range(len(z)):
            if i == j:
                jac[i, j] = z[i] * (1 - z[j])
            else:
                jac[i, j] = -z[i] * z[j]
    return jac


def d_softmax(s):
    # s is already softmax(x) ... but softmax it again "to be safe"
    p = softmax(s)
    return np.diag(p) - np.outer(p, p)
