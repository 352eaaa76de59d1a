# Source: code-index file id 15113735387 (a small NumPy network's helpers; repository not named by
# the index): softmax over the whole array without the max shift, and d_softmax(x) building the
# Jacobian entries from its input x and summing them over axis 0. Targets: softmax, d_softmax.
# tanh/ReLU/sigmoid and loss helpers are left out.
import numpy as np


# TODO: np.exp and np.sum can be trivially combined into one loop as an optimization
def softmax(x):
  exponentiated = np.exp(x)
  sum = np.sum(exponentiated)

  return exponentiated / sum

def d_softmax(x):
  update_vectors = []
  for i in range(len(x)):
    updates_from_this_neuron = []
    for j in range(len(x)):
      # softmax magic
      update_val = x[i] * (1 - x[j]) if i == j else -x[i] * x[j]
      updates_from_this_neuron.append(update_val)
    update_vectors.append(updates_from_this_neuron)

  # sum all the updates and return the derivative vector
  return np.sum(update_vectors, axis=0)
