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
# "has shipped", "have been delivered", "has steadily delivered", "has also sent": so far
_PERFECT = re.compile(
    r"\b(?:have|has)\s+(?:\w+ly\s+|also\s+|already\s+)?(?:been\s+)?(?:\w+ed|sent|given|built)\b",
    re.IGNORECASE,
)
# "containers that can hold almost 5 million shells": the figure is what the shipments hold
_CAPACITY = re.compile(
    r"\b(?:that|which)\s+(?:can|could|may|might|would)\s+(?:\w+\s+)?(?:hold|contain|carry)\s+"
    r"(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
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


# "a total of 12,000 troops": the words just before the figure say it is a total
_TOTAL_BEFORE = re.compile(
    r"\b(?:a\s+total\s+of|in\s+all|altogether)\s+(?:(?:about|around|some|roughly|nearly|almost|"
    r"approximately|more\s+than|over|at\s+least|up\s+to)\s+)?$",
    re.IGNORECASE,
)
# "is expected to send", "has decided to dispatch": a plan, not troops sent
_PLANNED = re.compile(
    r"\b(?:expected|decided|decision|plans?|planning|planned|preparing|agreed|ready|will|would|"
    r"intends?|pledged|promised)\b",
    re.IGNORECASE,
)
# "has sent 15,000 troops": the perfect of a sending verb counts everyone sent so far
_HAS_SENT = re.compile(
    r"\b(?:has|have)\s+(?:\w+ly\s+|also\s+|already\s+)?(?:sent|dispatched)\s+"
    r"(?:(?:about|around|some|roughly|nearly|almost|approximately|more\s+than|over|at\s+least)\s+)?$",
    re.IGNORECASE,
)
# Where a figure's own part of a clause ends: the next coordinated predicate ("and deployed
# additional forces", ", noting that 3,000 more…") speaks of something else.
_NEXT_PREDICATE = re.compile(
    r"(?:,\s*|\s+)(?:and|but|while|whereas|noting|adding|saying|after|before|with)\b", re.I
)


def _own_part(clause: str, counted: str) -> tuple[str, str]:
    """(text before the figure, the figure's own part of `clause`): from the clause start to the
    end of the counted words and on up to the next coordinated predicate, so that a cue of
    another figure ("the 11,000 sent last year, noting that 3,000 additional…") is not read
    as this one's."""
    at = clause.find(counted) if counted else -1
    if at < 0:
        return "", clause
    end = at + len(counted)
    cut = _NEXT_PREDICATE.search(clause, end)
    return clause[:at], clause[: cut.start() if cut else len(clause)]


def troop_subtype(
    subtype: str, sentence: str, clause: str = "", counted: str = "", qualifier: str = ""
) -> tuple[str, str]:
    """The troop vocabulary for a figure first filed as `subtype`: (subtype, reason).

    `sentence` holds the figure, `clause` is its clause, `counted` the figure and its noun.
    Cues are read in the figure's own part of the clause (`_own_part`)."""
    clause = clause or sentence
    counted = counted or clause
    if subtype == "workers" and _SPECIALISTS.search(counted):
        return "additional_deployment", "military specialists sent as a contingent"
    if subtype not in ("deployed", "additional_deployment"):
        return subtype, ""
    before, own = _own_part(clause, counted if counted != clause else "")
    if _TOTAL_BEFORE.search(before) and not _PLANNED.search(before):
        return "sent_total", "sent in total (a total of)"
    if subtype == "deployed" and _SENT_TOTAL.search(sentence) and not _THERE_NOW.search(clause):
        return "sent_total", "sent in total"
    if subtype == "deployed" and _SPECIALISTS.search(counted):
        return "additional_deployment", "military specialists sent as a contingent"
    if subtype == "deployed" and _ONE_EVENT.search(own) and not _CUMULATIVE.search(own):
        cue = _ONE_EVENT.search(own).group(0)
        return "additional_deployment", f"one batch ({cue.lower()})"
    if (
        subtype == "deployed"
        and qualifier != "vague"  # "has sent thousands": a sum says nothing about the total
        and _HAS_SENT.search(before)
        and not _THERE_NOW.search(own)
        and not _ONE_EVENT.search(own)
    ):
        return "sent_total", "sent so far (has sent)"
    return subtype, ""


def measure_with_reason(subtype: str, clause: str, counted: str = "") -> tuple[str, str]:
    """('cumulative' | 'increment', why) for a figure of `subtype` stated in `clause`;
    `counted` (the figure and its noun) limits one-event cues to the figure's own part of the
    clause (`_own_part`)."""
    before, own = _own_part(clause, counted)
    period = _PERIOD.search(clause)
    if subtype in _CASUALTY_KINDS:
        if period and not _CUMULATIVE.search(clause):
            return "increment", f"a stated period ({period.group(0).lower()})"
        return "cumulative", "casualty figures are running totals unless a period is stated"
    if subtype == "additional_deployment":
        cue = _ONE_EVENT.search(own)
        return "increment", f"one batch ({cue.group(0).lower()})" if cue else "one batch"
    if subtype == "sent_total":
        return "cumulative", "sent in total"
    cum = _CUMULATIVE.search(clause)
    if cum:
        return "cumulative", cum.group(0).lower()
    capacity = _CAPACITY.search(before)
    if capacity:  # "containers that could hold 5 million shells": what was shipped so far
        return "cumulative", f"a capacity estimate ({capacity.group(0).strip().lower()})"
    event = _ONE_EVENT.search(own) or period
    if event:
        return "increment", event.group(0).lower()
    if subtype in _RUNNING_KINDS:
        return "cumulative", "a stock as of the claim date"
    suffered = _SUFFERED.search(clause)
    if suffered:
        return "cumulative", suffered.group(0).lower()
    if _PERFECT.search(clause):
        return "cumulative", "perfect tense (so far)"
    return "increment", "one event"


def measure_of(subtype: str, clause: str) -> str:
    """'cumulative' or 'increment' for a figure of `subtype` stated in `clause`."""
    return measure_with_reason(subtype, clause)[0]
