"""What the renderers need of a check result, as protocols.

The result objects call the HTML renderer from their Jupyter hook (``_repr_html_``), so the
text and HTML renderers depend on the shape of a result, not on the module that makes it:
dependencies point one way, from the checkers to the renderers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from symsoft.verdict import Verdict

__all__ = ["Report", "Step"]


class Step(Protocol):
    """One checked step (:class:`symsoft.check.checker.StepResult`)."""

    @property
    def line(self) -> int: ...
    @property
    def lhs(self) -> str: ...
    @property
    def rhs(self) -> str: ...
    @property
    def verdict(self) -> Verdict: ...
    @property
    def method(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def counterexample(self) -> Mapping[str, Any] | None: ...
    @property
    def condition(self) -> str | None: ...
    @property
    def where(self) -> str: ...


class Report(Protocol):
    """One checked document (:class:`symsoft.check.checker.DocumentReport`)."""

    @property
    def path(self) -> str: ...
    @property
    def steps(self) -> Sequence[Step]: ...
    @property
    def summary(self) -> Mapping[str, int]: ...
    @property
    def definitions(self) -> Sequence[str]: ...
    @property
    def failed(self) -> bool: ...
    @property
    def understood(self) -> bool: ...
