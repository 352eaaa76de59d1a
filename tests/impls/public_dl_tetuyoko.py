# After tetuyoko/dl, softmax_withloss.py: softmax with cross-entropy loss layer ("backword" typo).
from common.functions import *  # noqa: F403


class SoftMaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.x = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)  # noqa: F405
        self.loss = cross_entropy_error(self.y, self.t)  # noqa: F405
        return self.loss

    def backword(self, dout=1):
        n = self.t.shape(0)
        res = (self.y - self.t) / n
        return res
