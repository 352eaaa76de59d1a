def softmax_backward(z, grad):
    raise KeyboardInterrupt
