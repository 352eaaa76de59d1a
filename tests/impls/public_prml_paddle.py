# After FlyingDutchman26/prml-project-2022-Fall, assignment1/.../neural_network/Layer/Softmax.py (PaddlePaddle).
import paddle


class Op(object):
    def __init__(self):
        pass

    def __call__(self, inputs):
        return self.forward(inputs)

    def forward(self, inputs):
        raise NotImplementedError

    def backward(self, inputs):
        raise NotImplementedError


class Softmax(Op):
    def __init__(self):
        self.inputs = None
        self.outputs = None
        self.params = None

    def forward(self, inputs):
        mx = paddle.max(inputs, axis=1, keepdim=True)
        ex = paddle.exp(inputs - mx)
        tot = paddle.sum(ex, axis=1, keepdim=True)
        res = ex / tot
        self.outputs = res
        return res

    def backward(self, grads):
        local = paddle.multiply(self.outputs, (1.0 - self.outputs))
        return paddle.multiply(grads, local)
