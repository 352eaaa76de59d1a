# After IvanUkrRada/P-MforAI, task_1/softmax.py: row-wise layer whose backward method is
# called "backwards".
import numpy as np


class Softmax:
    def __init__(self):
        self.cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        e = np.exp(x - np.max(x, axis=1, keepdims=True))
        p = e / np.sum(e, axis=1, keepdims=True)
        self.cache = p
        return p

    def backwards(self, dout: np.ndarray) -> np.ndarray:
        s = self.cache
        inner = np.sum(dout * s, axis=1, keepdims=True)
        return s * (dout - inner)
