"""A right backward pass that writes to file descriptor 1 every way it can."""

import os
import sys
import threading
import time

import numpy as np

os.write(1, b"{not json, from import\n")


def _late():
    time.sleep(0.05)
    print("printed by a thread after the function returned }", flush=True)


def softmax_backward(z, grad):
    os.write(1, b"raw bytes on fd 1 {\n")
    sys.__stdout__.write("through sys.__stdout__ [\n")
    sys.__stdout__.flush()
    os.write(2, b"raw bytes on fd 2\n")
    threading.Thread(target=_late, daemon=True).start()
    s = np.exp(z - z.max(axis=-1, keepdims=True))
    s = s / s.sum(axis=-1, keepdims=True)
    return s * (grad - (grad * s).sum(axis=-1, keepdims=True))
