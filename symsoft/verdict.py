"""Verdicts shared by every check symsoft makes."""

from __future__ import annotations

from enum import Enum

__all__ = ["Verdict"]


class Verdict(str, Enum):
    """The outcome of one check; only ``VERIFIED`` and ``VERIFIED_NUMERICALLY`` count as passing."""

    VERIFIED = "verified"
    VERIFIED_NUMERICALLY = "verified-numerically"
    REFUTED = "refuted"
    CONDITIONAL = "conditional"
    #: wrong only under a guessed meaning of a letter the document does not define
    DEPENDS_ON_READING = "depends-on-reading"
    NOT_UNDERSTOOD = "not-understood"
    NOT_DECIDED = "not-decided"

    @property
    def passed(self) -> bool:
        return self in (Verdict.VERIFIED, Verdict.VERIFIED_NUMERICALLY)

    def __str__(self) -> str:
        return self.value
