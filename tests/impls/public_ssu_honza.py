# After HonzaMac99/SSU, 2_BackProp/mlp/softmax_layer.py (course skeleton in progress): no numpy
# import, a constructor that takes a name, and delta(Y, delta_next) in place of a backward pass
# (it reads an undefined X).
class SoftmaxLayer(object):
    def __init__(self, name):
        super(SoftmaxLayer, self).__init__()
        self.name = name

    def has_params(self):
        return False

    def forward(self, X):
        norm = np.sum(np.exp(X))  # noqa: F821
        return np.exp(X) / norm  # noqa: F821

    def delta(self, Y, delta_next):
        norm = np.sum(np.exp(X))  # noqa: F821
        Y = (Y * norm - Y) / (norm**2)
        return delta_next.T @ Y
