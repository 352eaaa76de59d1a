# After spcl/npbench, npbench/benchmarks/deep_learning/softmax/softmax_numba_o.py: a numba-jitted
# (object mode) softmax over the last axis.
import numpy as np
import numba as nb


@nb.jit(nopython=False, forceobj=True, parallel=False, fastmath=True)
def softmax(x):
    top = np.max(x, axis=-1, keepdims=True)
    e = np.exp(x - top)
    return e / np.sum(e, axis=-1, keepdims=True)
