# After Ther-nullptr/efficient_operators, efficient_softmax.py: an autograd.Function that saves
# the output, and an nn.Module that applies it.
import torch


class MySoftmaxFunc(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.softmax(x, dim=-1)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        inner = (grad_output * out).sum(dim=-1, keepdims=True)
        return (grad_output - inner) * out


class MySoftmax(torch.nn.Module):
    def __init__(self):
        super(MySoftmax, self).__init__()

    def forward(self, x):
        return MySoftmaxFunc.apply(x)
