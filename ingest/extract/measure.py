"""Cumulative or increment: is a figure a running total as of a date, or one event?

DESIGN.md: totals are built from this, so it errs towards "cumulative" only on explicit
cues or for kinds that are reported as running figures (casualties, troops in place).
Each answer comes with its reason (the cue word, or the kind's default), and troop figures get
the troop vocabulary (tracker/vocab.py): "sent a total of N, rotations included" is
`sent_total`; "N have arrived", "another N", "a new batch" is `additional_deployment`;
"N are there now", "stationed" is `deployed`.
"""

from __future__ import annotations

import re

_PERIOD = re.compile(
    r"\b(?:in|over|during|within)\s+(?:the\s+)?(?:past|last|previous|preceding)\s+"
    r"(?:\w+\s+)?(?:days?|weeks?|months?|24\s+hours)\b|\b(?:overnight|yesterday|in\s+a\s+single\s+"
    r"(?:day|week|battle|attack)|in\s+one\s+day|per\s+day|a\s+day|daily)\b",
    re.IGNORECASE,
)
_CUMULATIVE = re.compile(
    r"\b(?:since|so\s+far|in\s+total|a\s+total\s+of|total(?:ling|ing)?|to\s+date|thus\s+far|"
    r"as\s+of|cumulative(?:ly)?|altogether|overall|in\s+all|until\s+now|up\s+to\s+now)\b",
    re.IGNORECASE,
)
_ONE_EVENT = re.compile(
    r"\b(?:(?:have|has|had)\s+(?:\w+\s+)?arrived|newly\s+arrived|arriving|latest|another|additional|new\s+batch|(?:second|third|fourth|"
    r"fresh|new)\s+(?:batch|wave|group|contingent|rotation|deployment)|shipment|more\s+"
    r"(?:troops|soldiers|forces|personnel)|reinforcements|this\s+weekend|over\s+the\s+weekend|"
    r"one\s+day)\b",
    re.IGNORECASE,
)
_SUFFERED = re.compile(
    r"\b(?:have|has)\s+(?:\w+ly\s+)?(?:suffered|sustained|incurred|lost)\b", re.I
)
_RUNNING_KINDS = {
    "killed",
    "wounded",
    "killed_or_wounded",
    "captured",
    "missing",
    "deployed",
    "sent_total",
    "soldiers_at_border",
}
_CASUALTY_KINDS = {"killed", "wounded", "killed_or_wounded", "captured", "missing"}
# "sent a total of 15,000, rotations included", "15,000 have been sent in total"
_SENT_TOTAL = re.compile(
    r"\b(?:sent|dispatched|deployed|rotated)\b[^.;]{0,40}\b(?:a\s+total\s+of|in\s+total|in\s+all|"
    r"altogether|so\s+far|to\s+date|cumulative(?:ly)?)\b|\b(?:a\s+total\s+of|in\s+total|in\s+all|"
    r"altogether|so\s+far|to\s+date)\b[^.;]{0,60}\b(?:sent|dispatched|deployed)\b|"
    r"\b(?:rotations?|replacements?)\s+(?:included|includ\w+)|\bincluding\s+(?:rotations?|"
    r"replacements?)",
    re.IGNORECASE,
)
_THERE_NOW = re.compile(
    r"\b(?:are|is|remain|remained|still)\s+(?:\w+\s+)?(?:there|in\s+Russia|stationed|in\s+theat(?:re|er))"
    r"\b|\b(?:stationed|currently|now)\b",
    re.IGNORECASE,
)


# military specialists sent after the combat troops: engineers, sappers, military builders
_SPECIALISTS = re.compile(
    r"\b(?:(?:combat\s+|military\s+)?engineer(?:s|ing\s+troops|ing\s+units?)|sappers|deminers|"
    r"military\s+(?:construction\s+)?(?:builders|construction\s+workers)|construction\s+troops)\b",
    re.IGNORECASE,
)


def troop_subtype(
    subtype: str, sentence: str, clause: str = "", counted: str = ""
) -> tuple[str, str]:
    """The troop vocabulary for a figure first filed as `subtype`: (subtype, reason).

    `sentence` holds the figure, `clause` is its clause, `counted` the figure and its noun."""
    clause = clause or sentence
    counted = counted or clause
    if subtype == "workers" and _SPECIALISTS.search(counted):
        return "additional_deployment", "military specialists sent as a contingent"
    if subtype not in ("deployed", "additional_deployment"):
        return subtype, ""
    if subtype == "deployed" and _SENT_TOTAL.search(sentence) and not _THERE_NOW.search(clause):
        return "sent_total", "sent in total"
    if subtype == "deployed" and _SPECIALISTS.search(counted):
        return "additional_deployment", "military specialists sent as a contingent"
    if subtype == "deployed" and _ONE_EVENT.search(clause) and not _CUMULATIVE.search(clause):
        cue = _ONE_EVENT.search(clause).group(0)
        return "additional_deployment", f"one batch ({cue.lower()})"
    return subtype, ""


def measure_with_reason(subtype: str, clause: str) -> tuple[str, str]:
    """('cumulative' | 'increment', why) for a figure of `subtype` stated in `clause`."""
    period = _PERIOD.search(clause)
    if subtype in _CASUALTY_KINDS:
        if period and not _CUMULATIVE.search(clause):
            return "increment", f"a stated period ({period.group(0).lower()})"
        return "cumulative", "casualty figures are running totals unless a period is stated"
    if subtype == "additional_deployment":
        cue = _ONE_EVENT.search(clause)
        return "increment", f"one batch ({cue.group(0).lower()})" if cue else "one batch"
    if subtype == "sent_total":
        return "cumulative", "sent in total"
    cum = _CUMULATIVE.search(clause)
    if cum:
        return "cumulative", cum.group(0).lower()
    event = _ONE_EVENT.search(clause) or period
    if event:
        return "increment", event.group(0).lower()
    if subtype in _RUNNING_KINDS:
        return "cumulative", "a stock as of the claim date"
    suffered = _SUFFERED.search(clause)
    if suffered:
        return "cumulative", suffered.group(0).lower()
    if re.search(r"\b(?:have|has)\s+(?:been\s+)?\w+ed\b", clause):
        return "cumulative", "perfect tense (so far)"
    return "increment", "one event"


def measure_of(subtype: str, clause: str) -> str:
    """'cumulative' or 'increment' for a figure of `subtype` stated in `clause`."""
    return measure_with_reason(subtype, clause)[0]
