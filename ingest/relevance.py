"""Is an article about North Korea with Russia/Ukraine/Kursk, or about the inter-Korean
border? A scored check whose reasons are stored so an editor can see why."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.extract.prefilter import unsafe

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


def _compile_lowered(terms: list[str]) -> re.Pattern:
    """`_compile(terms)` for a text already lower(), as a case-sensitive pattern that `re`
    can skip through: each term's opening \\b is said, after its first letter, as "no word
    character before that letter" (the same test, since the letter is one), so that every
    alternative opens with a literal letter and `re` jumps from one such letter to the next
    instead of trying the pattern at every character."""
    alternatives = []
    for term in terms:
        term = term.removeprefix(r"\b")
        if not re.match(r"[a-z]", term):  # a letter first: \b before it is (?<!\w)
            raise ValueError(f"a relevance term must open with a lower-case letter: {term!r}")
        alternatives.append(term[0] + r"(?<!\w.)" + term[1:])
    return re.compile(r"(?:" + "|".join(alternatives) + r")\b")


_ALL = [_NORTH_KOREA, *_TOPICS, _MILITARY]
_RULES = [(name, weight, _compile(terms)) for name, weight, terms in _ALL]
# The same rules for the lower() of a text without the characters lower() does not fold as
# re.IGNORECASE does (prefilter.unsafe): the terms are lower-case ASCII, and for every other
# character c, lower() is one character that is a word character when c is one and is an
# ASCII letter only when c matches that letter under IGNORECASE
# (tests/ingest/test_relevance.py checks this of every character), so the matches are the
# same, at the same places, and each one's text is the lower() of the original's.
_LOWERED_RULES = [(name, weight, _compile_lowered(terms)) for name, weight, terms in _ALL]


def relevance_check(*, title: str, text: str) -> Relevance:
    """Score = sum of the weights of the rules that fire (capped at 1); relevant when North
    Korea is mentioned together with Russia/Ukraine/Kursk or the inter-Korean border."""
    haystack = f"{title}\n{text}"
    rules = _RULES
    if not unsafe(haystack):
        haystack, rules = haystack.lower(), _LOWERED_RULES
    reasons, fired = [], set()
    for name, weight, pattern in rules:
        # each term's count, in the order of its first match
        hits = Counter(map(str.lower, pattern.findall(haystack)))
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
