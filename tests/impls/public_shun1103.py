# After shun1103/2019B3_Programming, p2_NeouralNetwork/my_answer/ex3_3.py: a class named Softmax
# that computes the logistic sigmoid; backprop(dz) and module-level demo code.
import numpy as np


class Softmax:
    def __init__(self):
        self.z = None

    def forward(self, x):
        self.z = 1.0 / (1.0 + np.exp(-x))
        return self.z

    def backprop(self, dz):
        return dz * self.z * (1 - self.z)


x = np.array([-0.5, 0.0, 1.0, 2.0])
softmax = Softmax()
print("forward: {0}".format(softmax.forward(x)))
print("backward: {0}".format(softmax.backprop(1.0)))
