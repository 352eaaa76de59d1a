# Source: spcl/substation, substation/attention.py (commit e3b19ec6): softmax along a required
# dimension and its backward-data from the softmax output y and upstream dy. Targets: softmax,
# softmax_backward_data. The dace imports and the attention kernels are left out.
import numpy as np


def softmax(x, dim):
    """Perform softmax on x along dimension dim."""
    exps = np.exp(x - x.max(axis=dim, keepdims=True))
    return exps / exps.sum(axis=dim, keepdims=True)


def softmax_backward_data(y, dy, dim):
    """Backward-data of softmax.

    Note that this requires y as input, not x (for simplicity)!

    """
    elem_prod = y * dy
    sums = elem_prod.sum(axis=dim, keepdims=True)
    return elem_prod - y * sums
