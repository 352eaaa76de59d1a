"""A wrong backward pass that rewrites the checker from inside: the truth, the comparison,
the report class. None of it may make it pass."""

import numpy as np

import symsoft.impl.check
import symsoft.impl.report
import symsoft.symbolic.numeric


def _tamper():
    symsoft.symbolic.numeric.softmax_vjp = lambda z, g: g * (1 - g)
    symsoft.impl.check._compare = lambda *args, **kwargs: None
    symsoft.impl.report.ImplReport.passed = property(lambda self: True)
    symsoft.impl.report.ImplReport.exit_code = property(lambda self: 0)


_tamper()


def softmax_backward(z, grad):
    _tamper()
    return grad * (1 - grad)
