# Source: code-index file id 40684294808 (a Colab-style MNIST MLP script; repository not named by
# the index): softmax looping over rows with the max shift, and softmax_grad returning the
# elementwise ratio s / (1 - s). Targets: softmax, softmax_grad. Other activations and the data
# helpers are left out.
import numpy as np


def softmax(X):
  XX = np.zeros(X.shape)
  if len(X.shape) == 2:   # if the parameter X is 2 dimension
    for i in range(X.shape[0]):
      e = np.exp(X[i] - np.max(X[i]))
      es = np.sum(e)
      XX[i] = e / es
    return XX
  else:                   # if the parameter X is 1 dimension
    e = np.exp(X - np.max(X))
    es = np.sum(e)
    return e / es
  

def softmax_grad(X):
  soft_max = softmax(X)
  return soft_max/(1-soft_max)
