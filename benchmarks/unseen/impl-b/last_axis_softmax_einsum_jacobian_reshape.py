# Source: code-index file id 40732065962 (core/cell/operands/collections/activation_function of a
# computation-graph project; repository not named by the index): softmax over the last axis with
# the max shift, and d_softmax(x) returning the batched Jacobian (m, d, d) from the logits,
# reshaping 1-D input to (1, d) first. Targets: softmax, d_softmax. The SoftmaxActivation class
# and its base-class import are left out.
import numpy as np


def softmax(x):
    """
    Parameters

    x: input matrix of shape (m, d)
    where 'm' is the number of samples (in case of batch gradient descent of size m)
    and 'd' is the number of features
    """
    z = x - np.max(x, axis=-1, keepdims=True)
    numerator = np.exp(z)
    denominator = np.sum(numerator, axis=-1, keepdims=True)
    softmax_r = numerator / denominator
    return softmax_r


def d_softmax(x):
    """
    Parameters

    x: input matrix of shape (m, d)
    where 'm' is the number of samples (in case of batch gradient descent of size m)
    and 'd' is the number of features
    """
    if len(x.shape) == 1:
        x = np.array(x).reshape(1, -1)
    else:
        x = np.array(x)
    m, d = x.shape
    a = softmax(x)
    tensor1 = np.einsum('ij,ik->ijk', a, a)
    tensor2 = np.einsum('ij,jk->ijk', a, np.eye(d, d))
    return tensor2 - tensor1
