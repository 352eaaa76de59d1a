import torch


class SoftmaxFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.exp(x - x.max(dim=-1, keepdim=True).values)
        y = y / y.sum(dim=-1, keepdim=True)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return y * (grad_output - (grad_output * y).sum(dim=-1, keepdim=True))


class SoftmaxFunctionDiag(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.softmax(x, dim=-1)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def softmax_backward(x, grad_output):
    y = torch.softmax(x, dim=-1)
    return y * (grad_output - (grad_output * y).sum(-1, keepdim=True))


def softmax_backward_f32(x, grad_output):
    x = x.float()
    y = torch.softmax(x, dim=-1)
    return y * (grad_output.float() - (grad_output.float() * y).sum(-1, keepdim=True))


class Softmax(torch.nn.Module):
    def forward(self, logits):
        logits = logits - logits.max(dim=-1, keepdim=True).values
        e = torch.exp(logits)
        return e / e.sum(dim=-1, keepdim=True)


def softmax_jacobian(x):
    s = torch.softmax(torch.as_tensor(x), dim=-1)
    return torch.diag(s) - torch.outer(s, s)


class SoftmaxDim(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, dim):
        y = torch.softmax(x, dim=dim)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return y * (grad_output - (grad_output * y).sum(dim=ctx.dim, keepdim=True)), None


def softmax_backward_data(grad_output, output, dim):
    return output * (grad_output - (grad_output * output).sum(dim=dim, keepdim=True))


def softmax_d2l(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition  # The broadcasting mechanism is applied here
