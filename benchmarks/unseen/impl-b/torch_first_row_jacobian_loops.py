# Source: code-index file id 9693887843 (a course exercise module with SVMs and a torch
# neural_network class with hand-written backpropagation; repository not named by the index):
# softmax_derivative(self, s) takes the first row of a (1, n) softmax output and fills
# torch.diag(s) with s_i(1 - s_i) and -s_i s_j. Target: neural_network.softmax_derivative.
# The other methods of the class and the SVM code are left out.
import torch
from torch.nn import Module, Parameter, ParameterList


class neural_network(Module):
    def __init__(self, layers=[2,100,2], scale=.1, p=None, lr=None, lam=None, use_ReLU = True):
        super().__init__()
        self.weights = ParameterList([Parameter(scale*torch.randn(m, n)) for m, n in zip(layers[:-1], layers[1:])])
        self.biases = ParameterList([Parameter(scale*torch.randn(n)) for n in layers[1:]])

        self.layers = layers

        self.p = p
        self.lr = lr if lr is not None else 1e-3
        self.lam = lam if lam is not None else 0.0
        self.train = False
        self.L = len(self.weights)

        self.memory = {}
        self.use_ReLU = use_ReLU

    def softmax_derivative(self, s):
        s = s[0]
        Jacobian_matrix = torch.diag(s)
        for i in range(len(Jacobian_matrix)):
            for j in range(len(Jacobian_matrix)):
                if i == j:
                    Jacobian_matrix[i][j] = s[i] * (1 - s[i])
                else:
                    Jacobian_matrix[i][j] = -s[i] * s[j]
        return Jacobian_matrix
