# After the notebook at https://github.com/quadraaa/cs231n (softmax forward/backward through a
# computational graph): forward returns (out, cache dict) without a max shift; backward takes
# (dout, cache) and returns a dict of intermediate gradients, dx among them.
import numpy as np


def softmax_forward(x):
    exps = np.exp(x)
    sexps = np.sum(exps, axis=1).reshape(-1, 1)
    divexps = (1 / sexps).reshape(-1, 1)
    return exps * divexps, {"exps": exps, "sexps": sexps, "divexps": divexps}


def softmax_backward(dout, cache, print_=False):
    grads = {}
    dexps_0 = cache["divexps"] * dout
    grads["dexps_0"] = dexps_0
    ddivexps = np.sum(cache["exps"] * dout, axis=1).reshape(-1, 1)
    grads["ddivexps"] = ddivexps
    dsexps = -1.0 / (cache["sexps"] ** 2) * ddivexps
    grads["dsexps"] = dsexps
    dexps_1 = dsexps / (np.sum(cache["exps"], axis=1).reshape(-1, 1)) * cache["exps"]
    grads["dexps_1"] = dexps_1
    dx = cache["exps"] * (dexps_0 + dexps_1)
    grads["dx"] = dx
    if print_:
        print(dx.shape)
    return grads


a = np.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 5.0]])
out, cache = softmax_forward(a)
grads = softmax_backward(dout=np.ones(a.shape), cache=cache)
