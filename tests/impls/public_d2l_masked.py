# After Nahz1Chen/From_Zero_ReLife, Attention.py: d2l's masked_softmax(X, valid_lens), with its demo calls.
import math  # noqa: F401

import d2l
import torch
from torch import nn


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shp = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shp[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        X = d2l.sequence_mask(X.reshape(-1, shp[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shp), dim=-1)


print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3])))

print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]])))
