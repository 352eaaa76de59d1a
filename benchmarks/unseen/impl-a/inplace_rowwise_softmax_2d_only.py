# Source: nikunjpanchal22/code_clone_classification, python_t4_full/Clone_4849.py (as shown by the
# code index): two definitions of softmax for (m, n) batches; the second, which wins, shifts,
# exponentiates and divides the caller's array in place and returns it. Target: softmax.
# The file uses np without importing it; the import below is the only line added.
import numpy as np

def softmax(z) :
	assert len(z.shape) == 2
	s = np.max(z, axis = 1)
	s = s [:, np.newaxis]
	e_x = np.exp(z - s)
	div = np.sum(e_x, axis = 1)
	div = div [:, np.newaxis]
	return e_x / div




def softmax(z):
    assert len(z.shape) == 2
    z -= np.max(z, axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=1, keepdims=True)
    return z
