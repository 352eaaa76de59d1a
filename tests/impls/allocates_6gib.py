import numpy as np


def softmax_backward(z, grad):
    block = np.ones(6 * 2**30 // 8)  # 6 GiB, touched
    return grad * block[0]
