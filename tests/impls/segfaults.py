import ctypes


def softmax_backward(z, grad):
    return ctypes.string_at(0)
