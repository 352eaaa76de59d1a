# After ValeriiaSedova/DeepLearning_ex1, src_to_implement/Layers/SoftMax.py: exp without the max
# shift, and both the normalisation and <g, s> summed over the whole array.
import numpy as np


class SoftMax:
    def __init__(self):
        pass

    def forward(self, input_tensor):
        self.input_tensor = input_tensor
        self.output_tensor = np.exp(input_tensor) / np.exp(input_tensor).sum()
        return self.output_tensor

    def backward(self, error_tensor):
        total = (error_tensor * self.output_tensor).sum()
        return self.output_tensor * (error_tensor - total)
