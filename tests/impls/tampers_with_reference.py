"""A wrong backward pass that rewrites the checker from inside: the truth, the comparison,
the report class. None of it may make it pass."""

import numpy as np

import symsoft.implcheck
import symsoft.implreport
import symsoft.numeric


def _tamper():
    symsoft.numeric.softmax_vjp = lambda z, g: g * (1 - g)
    symsoft.implcheck._compare = lambda *args, **kwargs: None
    symsoft.implreport.ImplReport.passed = property(lambda self: True)
    symsoft.implreport.ImplReport.exit_code = property(lambda self: 0)


_tamper()


def softmax_backward(z, grad):
    _tamper()
    return grad * (1 - grad)
