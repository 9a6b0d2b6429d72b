"""Is an article about North Korea with Russia/Ukraine/Kursk, or about the inter-Korean
border? A scored check whose reasons are stored so an editor can see why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

THRESHOLD = 0.6

# (rule, weight, terms). North Korea is required; one of the two topics must join it.
_NORTH_KOREA = (
    "north_korea",
    0.3,
    [r"north korean?s?", r"pyongyang", r"dprk", r"kim jong[- ]un", r"\bkpa\b", r"kcna"],
)
_TOPICS = [
    (
        "russia_ukraine",
        0.4,
        [
            r"russian?s?",
            r"moscow",
            r"kremlin",
            r"putin",
            r"ukrain(?:e|ian|ians)",
            r"kyiv",
            r"kursk",
        ],
    ),
    (
        "korean_border",
        0.4,
        [
            r"demilitari[sz]ed zone",
            r"\bdmz\b",
            r"military demarcation line",
            r"\bmdl\b",
            r"inter-korean",
            r"balloons?",
            r"loudspeakers?",
            r"border",
        ],
    ),
]
_MILITARY = (
    "military_terms",
    0.2,
    [
        r"troops?",
        r"soldiers?",
        r"casualt(?:y|ies)",
        r"killed",
        r"wounded",
        r"shells?",
        r"missiles?",
        r"artillery",
        r"deploy(?:ed|ment)?",
        r"weapons?",
    ],
)


@dataclass
class Relevance:
    score: float
    relevant: bool
    reasons: list[dict] = field(default_factory=list)


def _compile(terms: list[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(terms) + r")\b", re.IGNORECASE)


_RULES = [(name, weight, _compile(terms)) for name, weight, terms in [_NORTH_KOREA, *_TOPICS]]
_RULES.append((_MILITARY[0], _MILITARY[1], _compile(_MILITARY[2])))


def relevance_check(*, title: str, text: str) -> Relevance:
    """Score = sum of the weights of the rules that fire (capped at 1); relevant when North
    Korea is mentioned together with Russia/Ukraine/Kursk or the inter-Korean border."""
    haystack = f"{title}\n{text}"
    reasons, fired = [], set()
    for name, weight, pattern in _RULES:
        hits: dict[str, int] = {}
        for match in pattern.finditer(haystack):
            term = match.group(0).lower()
            hits[term] = hits.get(term, 0) + 1
        if hits:
            fired.add(name)
            top = sorted(hits.items(), key=lambda kv: -kv[1])[:5]
            reasons.append({"rule": name, "weight": weight, "evidence": dict(top)})
    score = round(min(1.0, sum(r["weight"] for r in reasons)), 2)
    relevant = "north_korea" in fired and bool(fired & {"russia_ukraine", "korean_border"})
    if not relevant:
        reasons.append({"rule": "verdict", "weight": 0, "evidence": _why_not(fired)})
    return Relevance(score=score, relevant=relevant and score >= THRESHOLD, reasons=reasons)


def _why_not(fired: set[str]) -> dict:
    if "north_korea" not in fired:
        return {"missing": "no mention of North Korea"}
    return {"missing": "North Korea without Russia/Ukraine/Kursk or the inter-Korean border"}
