def softmax_jacobian(z):
    while True:
        pass
