"""Cumulative or increment: is a figure a running total as of a date, or one event?

DESIGN.md: totals are built from this, so it errs towards "cumulative" only on explicit
cues or for kinds that are reported as running figures (casualties, troops in place).
"""

from __future__ import annotations

import re

_CUMULATIVE = re.compile(
    r"\b(?:since|so\s+far|in\s+total|a\s+total\s+of|total(?:ling|ing)?|to\s+date|thus\s+far|"
    r"as\s+of|cumulative(?:ly)?|altogether|overall|in\s+all|until\s+now|up\s+to\s+now)\b",
    re.IGNORECASE,
)
_ONE_EVENT = re.compile(
    r"\b(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|overnight|"
    r"this\s+weekend|over\s+the\s+weekend|in\s+a\s+single|latest|another|additional|new\s+batch|"
    r"shipment|one\s+day|a\s+day)\b",
    re.IGNORECASE,
)
_RUNNING_KINDS = {
    "killed",
    "wounded",
    "killed_or_wounded",
    "captured",
    "missing",
    "deployed",
    "soldiers_at_border",
}


def measure_of(subtype: str, clause: str) -> str:
    """'cumulative' or 'increment' for a figure of `subtype` stated in `clause`."""
    if _CUMULATIVE.search(clause):
        return "cumulative"
    if _ONE_EVENT.search(clause) or subtype == "additional_deployment":
        return "increment"
    if subtype in _RUNNING_KINDS or re.search(r"\b(?:have|has)\s+(?:been\s+)?\w+ed\b", clause):
        return "cumulative"
    return "increment"
