import time

while True:  # a training loop at module level
    time.sleep(0.01)


def softmax(x):
    return x
