# After spcl/npbench, npbench/benchmarks/deep_learning/softmax/softmax_cupy.py: CuPy under the
# name np.
import cupy as np


def softmax(x):
    top = np.max(x, axis=-1, keepdims=True)
    e = np.exp(x - top)
    return e / np.sum(e, axis=-1, keepdims=True)
