"""The symbolic model of softmax: symbols, the three differentiation routes, and NumPy twins."""
