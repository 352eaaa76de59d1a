# Source: code-index file id 60312837743 (a Spanish NumPy "fractal cell" transformer script;
# repository not named by the index): softmax_vec over a whole vector with the max shift, and
# the vector-Jacobian product from the gate values: g * (dvals - sum(dvals * g)).
# Targets: softmax_vec, softmax_grad_from_values. The transformer blocks are left out.
import numpy as np


def softmax_vec(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def softmax_grad_from_values(gates: np.ndarray, dvals: np.ndarray) -> np.ndarray:
    """Jacobiano-vector del softmax: d_logits = g*(dvals - sum(dvals*g))."""
    s = (dvals * gates).sum()
    return gates * (dvals - s)
