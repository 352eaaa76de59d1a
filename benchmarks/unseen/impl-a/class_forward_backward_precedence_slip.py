# Source: seanmabli/aiinpy, example/src/softmax.py (commit 1711fc49): a class whose forward is exp
# over the whole array without the max shift, and whose backward(input) returns a Jacobian built
# from the logits with an operator-precedence slip. Targets: softmax.forward, softmax.backward.
import numpy as np

class softmax:
  def __repr__(self):
    return 'softmax()'

  def forward(self, input):
    return np.exp(input) / np.sum(np.exp(input))

  def backward(self, input):
    forward = np.exp(input) / np.sum(np.exp(input))
    out = np.zeros((len(input), len(input)))
    for i in range(len(input)):
      for j in range(len(input)):
        out[i, j] = forward[i] * (1 if i == j else 0 - forward[j])
    return out
