import numpy as np
import this_module_does_not_exist  # noqa: F401


def softmax(x):
    return np.exp(x) / np.exp(x).sum()
