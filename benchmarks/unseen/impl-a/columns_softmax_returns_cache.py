# Source: kewin1807/Mnist_fashion_neural_network, activationFunction.py (commit 0c4c5172):
# deeplearning.ai-style activations returning (A, cache); softmax over axis 0 (samples in
# columns), max and sum without keepdims. Target: softmax. Sigmoid/ReLU helpers are left out.
import numpy as np 

def softmax(Z):       
    e_Z = np.exp(Z - np.max(Z,  axis=0))
    A = e_Z / e_Z.sum(axis = 0)
    return A, Z
