"""Admiralty grading (NATO AJP-2.1) and the confidence label derived from it.

`confidence_for` is the only place the mapping lives; the UI legend reads CONFIDENCE_RULES.
"""

from __future__ import annotations

RELIABILITY: dict[str, str] = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}

CREDIBILITY: dict[int, str] = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}

CONFIDENCE_LEVELS: dict[str, str] = {"high": "High", "moderate": "Moderate", "low": "Low"}
CONFIDENCE_RANK: dict[str, int] = {"low": 1, "moderate": 2, "high": 3}

# Shown as the legend wherever confidence appears.
CONFIDENCE_RULES: dict[str, str] = {
    "high": "Source A or B, and information rated 1 or 2",
    "moderate": "Source A–C and information rated 1–3, but not high",
    "low": "Anything else (including grades that cannot be judged: F or 6)",
}


def confidence_for(reliability: str, credibility: int) -> str:
    """The confidence label (high / moderate / low) for an Admiralty grade such as B2."""
    if reliability in ("A", "B") and credibility in (1, 2):
        return "high"
    if reliability in ("A", "B", "C") and credibility in (1, 2, 3):
        return "moderate"
    return "low"


def confidence_at_least(minimum: str) -> list[str]:
    """Labels at or above `minimum`, for filters such as min_confidence=moderate."""
    floor = CONFIDENCE_RANK[minimum]
    return [label for label, rank in CONFIDENCE_RANK.items() if rank >= floor]
