# After cdbrown-physics/NNFS, softmax.py: forward only, result stored in self.output (returns None).
import numpy as np


class softmax:
    def forward(self, inputs):
        ex = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))

        pr = ex / np.sum(ex, axis=1, keepdims=True)
        self.output = pr
