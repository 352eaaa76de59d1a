# After knarfamlap/neural_nets_from_scratch, examples/softmax_example.py: a loop Jacobian whose
# argument is the softmax output (the demo passes probabilities), called x.
import numpy as np


def softmax(x):
    return np.exp(x) / np.sum(np.exp(x), axis=0)


def softmax_prime(x):
    jac = np.ones((len(x), len(x)))
    for i in range(len(x)):
        for j in range(len(x)):
            if i == j:
                jac[i][j] = x[i] * (1 - x[j])
            else:
                jac[i][j] = -x[i] * x[j]
    return jac


x = [0.4975, 0.5024]
print(softmax_prime(x))
