"""What a figure counts: category, subtype, unit and weapon system from the words around it.

The counted noun after the number decides most claims ("13,000 containers"). For people
("300 North Korean soldiers") the predicate decides: killed, wounded, captured, deployed,
fighting, or standing at the border.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import (
    _COUNTED_NOUNS,
    ADDITIONAL,
    AUX_BEFORE,
    BORDER,
    CASUALTY,
    COMBAT,
    COUNTED,
    DEPLOY,
    FENCE,
    NOUN_CLASSES,
    OTHER_NATION,
    PAYMENT,
    PLAN,
    RUSSIA_FRONT,
    SOUTH_SENDERS,
    weapon_system,
)
from .numbers import Quantity


@dataclass(frozen=True)
class Kind:
    """The classification of a figure, with the end of the words that carry it."""

    category: str
    subtype: str
    unit: str
    weapon_system: str
    rule: str
    end: int  # end of the counted noun or predicate, for the quote


_ELLIPSIS = re.compile(
    r"\s*(?:of\s+(?:them|those|these)\s+)?(?:(?:have|has|had|were|was|are|is)\s+(?:also\s+)?(?:been\s+)?)?(?=(?:killed|dead|died|"
    r"wounded|injured|captured|missing|taken\s+prisoner))",
    re.IGNORECASE,
)
# "... and wounded about 40 more": a casualty verb right before an elided noun
_VERB_MORE = re.compile(
    r"\b(killed|wounded|injured|captured|destroyed|eliminated)\s+(?:(?:an?|another)\s+)?$", re.I
)
_PEOPLE = re.compile(
    r"\b(?:troops|soldiers|forces|North\s+Koreans|personnel|servicemen|casualties|losses|"
    r"contingent)\b",
    re.I,
)
# "an 11,000-strong contingent": the size of a force that is there
_STRONG = re.compile(r"-strong\b", re.I)
# "North Korea's 1.2 million-strong armed forces": a country's own military, not a deployment
_OWN_MILITARY = re.compile(
    r"-strong\s+(?:(?:standing|regular|active|conventional|active-duty)\s+)?"
    r"(?:military|armed\s+forces|army|armed\s+services)\b",
    re.I,
)
# "Russia has lost more than 850,000 soldiers", "Russia's daily casualties at about 1,500":
# another side's losses, unless North Koreans are named beside the figure
_OTHER_SIDE_LOSS = re.compile(
    r"\b(?:Russia|Ukraine|Moscow|Kyiv|Russian|Ukrainian)(?:'s|’s)?\s+(?:(?:own|overall|total|"
    r"daily|army|military|forces|troops|side)\s+){0,2}(?:(?:has|have|had)\s+(?:\w+ly\s+)?)?"
    r"(?:lost|losses|casualties|dead|killed)\b|\b(?:its|their|our)\s+own\s+(?:\w+\s+)?"
    r"(?:losses|casualties|dead)\b",
    re.I,
)
# "Russian losses over the past day included ... 31 artillery systems": equipment lost
_LOSSES_LIST = re.compile(
    r"\b(?:losses|lost|destroyed|destruction)\b(?![^.;]*\b(?:suppl\w+|provid\w+|shipped|"
    r"deliver\w*|sent|transferr\w+)\b)[^.;]*$",
    re.I,
)
# "North Korea fired 39 ballistic missiles in 2024": its own launches, not a transfer
_NK_FIRED = re.compile(
    r"\b(?:North\s+Korea|Pyongyang|the\s+North)\s+(?:has\s+|had\s+|also\s+)*(?:\w+ly\s+)?"
    r"(?:fired|launched|test-fired|tested)\s+"
    + r"(?:(?:a\s+total\s+of|some|about|around|more\s+than|"
    r"at\s+least|nearly|over|up\s+to)\s+)?$",
    re.I,
)
# "could send another 30,000 men if ...": a conditional
_MAYBE_IF = re.compile(r"\b(?:could|might|may)\s+(?:\w+\s+){1,3}$")
_NK_NAMED = re.compile(r"\b(?:North\s+Korea\w*|Pyongyang|DPRK)\b")
# "shot down 61 missiles": weapons downed, not delivered
_HEDGE_WORDS = (
    r"(?:(?:a\s+total\s+of|some|about|around|more\s+than|at\s+least|nearly|over|up\s+to)\s+)?$"
)
_DOWNED_BEFORE = re.compile(
    r"\b(?:shot\s+down|downed|intercepted|destroyed|neutrali[sz]ed)\s+" + _HEDGE_WORDS, re.I
)
# "The US has provided Ukraine with 3 million rounds", "Ukraine received 100 missiles"
_TO_UKRAINE = re.compile(
    r"(?:\b(?:provid\w+|suppl\w+|gave|giv\w+|sen[dt]\w*|deliver\w*|pledg\w+|transferr?\w*)\s+"
    r"(?:to\s+)?(?:Ukraine|Kyiv)\b|\b(?:Ukraine|Kyiv)\s+(?:has\s+|had\s+|have\s+)?(?:\w+ly\s+)?"
    r"(?:received|receives|got|obtained|acquired))[^.;]{0,40}$",
    re.I,
)
_TO_UKRAINE_AFTER = re.compile(r"[^.;]{0,30}?\bto\s+(?:Ukraine|Kyiv)\b", re.I)
# "Russian forces had launched 92 drones": Russia's nightly drone raids are its own drones
# (Russia firing North Korean missiles still says the missiles were delivered)
_RUSSIA_LAUNCHED = re.compile(
    r"\b(?:Russia|Moscow|Russian\s+(?:forces|troops|army|military))\s+(?:\w+\s+){0,3}?"
    r"(?:launched|fired|used|sent)\s+(?:(?:[\w,.-]+\s+){1,3}?drones\s+and\s+)?" + _HEDGE_WORDS,
    re.I,
)
# "200 missiles and drones were launched by Russia": the passive of the same raid
_LAUNCHED_BY_RUSSIA = re.compile(
    r"\s*(?:(?:and|or)\s+(?:[\w-]+\s+){0,2}?)?(?:were|was|have\s+been|had\s+been)\s+"
    r"(?:\w+ly\s+)?(?:launched|fired)\s+(?:[^.;]{0,40}?\s)?by\s+(?:Russia|Moscow|Russian)\b",
    re.I,
)
# "Russia launched 72 drones and two missiles": a raid, the missiles too are not a delivery
_RAID = re.compile(r"\bdrones\s+and\s+$", re.I)
# "8,000 of them are now in Kursk": part of a force already named, and where it is
_OF_THEM_THERE = re.compile(
    r"\s+of\s+(?:them|those|these)\s+(?:(?:are|were|is|was|have\s+been|had\s+been)\s+)"
    r"(?:(?:now|already|still|reportedly)\s+)?(?:(?:deployed|stationed|based|positioned)\s+)?"
    r"(?:in|at|near|inside)\s+(?:the\s+)?(?:Russia|Kursk|[A-Z][\w'’-]+\s+(?:region|oblast|front))",
)
# "with 3,000 more sent": an elided noun, then a deployment verb
_MORE_SENT = re.compile(
    r"\s+(?:more|additional|extra)\s+(?:(?:were|have\s+been|had\s+been|are\s+being|being)\s+)?"
    r"(?:(?:recently|newly|already|reportedly)\s+)?(?:sent|deployed|dispatched|added|arrived)\b",
    re.I,
)
# "and 300 more sustained injuries", "with another 50 more killed": an elided noun, then harm
_MORE_HURT = re.compile(
    r"\s+(?:more|others)\s+(?:(?:were|have\s+been|had\s+been|have|had)\s+)?(?:killed|wounded|"
    r"injured|captured|died|(?:sustained|suffered)\s+(?:[\w-]+\s+)?injuries)\b",
    re.I,
)
# "3 million rounds Russia fired": what Russia used, not what it received
_USED_BY_RUSSIA = re.compile(
    r"\s+(?:that\s+|which\s+)?(?:Russia|Moscow|Russian\s+(?:forces|troops|gunners))\s+"
    r"(?:has\s+|had\s+)?(?:fired|fires|used|uses|expended|consumed)\b",
    re.I,
)
# "will send 6,000 builders and 1,000 deminers": a plan governs the whole list
_PLAN_BEFORE = re.compile(
    r"\b(?:will|would|plans?\s+to|planning\s+to|decided\s+to|agreed\s+to|is\s+to|are\s+to|"
    r"is\s+preparing\s+to|prepares\s+to)\s+(?:send|deploy|dispatch)\b",
    re.I,
)
_UNIT_AS_PRINTED = {"mile": "miles", "miles": "miles", "km": "km"}


def classify(text: str, q: Quantity, lo: int, hi: int, prev_end: int) -> Kind | None:
    """Classify quantity `q` inside the sentence text[lo:hi].

    `hi` should stop at the next figure so one figure's predicate is not read for another;
    `prev_end` is where the previous figure (or the sentence) ends.
    """
    kind = _classify(text, q, lo, hi, prev_end)
    if kind is None:
        return None
    if _MAYBE_IF.search(text, max(lo, q.start - 60), q.start) and re.search(
        r"\bif\b", text[q.start : hi if hi > q.start else q.end]
    ):
        return None  # "could send another 30,000 men if Moscow asks": a conditional, not a claim
    if kind.category == "casualties":
        window = text[max(lo, q.start - 90) : min(hi, kind.end + 5)]
        if _OTHER_SIDE_LOSS.search(window) and not _NK_NAMED.search(window):
            return None  # Russia's or Ukraine's own losses
    if kind.category == "arms_transfer":
        back = max(lo, q.start - 80)
        if _TO_UKRAINE.search(text, back, q.start) or _TO_UKRAINE_AFTER.match(text, kind.end, hi):
            return None  # Western aid to Ukraine, not a North Korean delivery
        if _LOSSES_LIST.search(text, lo, q.start) or _NK_FIRED.search(text, back, q.start):
            return None  # equipment lost in battle, or North Korea's own launches
        raid = _RUSSIA_LAUNCHED.search(text, back, q.start)
        if _LAUNCHED_BY_RUSSIA.match(text, kind.end, hi):
            return None  # "... were launched by Russia": Russia's own raid
        if _DOWNED_BEFORE.search(text, back, q.start) or (
            raid and (kind.subtype == "drones" or _RAID.search(raid.group(0)))
        ):
            return None  # weapons shot down, or Russia's own drone raids: not deliveries
    return kind


def _classify(text: str, q: Quantity, lo: int, hi: int, prev_end: int) -> Kind | None:
    sentence = text[lo:hi]
    if q.kind == "money":
        if PAYMENT.search(sentence):
            return Kind("other", "payment", "usd", "", "count:money+payment", q.end)
        return None
    if _STRONG.match(text, q.end, hi):
        if _OWN_MILITARY.match(text, q.end, hi):
            return None
        sub = "additional_deployment" if ADDITIONAL.search(text, q.end, hi) else "deployed"
        end = min(hi, _STRONG.match(text, q.end, hi).end() + 40)
        return Kind("troop_deployment", sub, "troops", "", "count:strong-force", end)
    m = COUNTED.match(text, q.end, hi)
    if m is None:
        more = _MORE_SENT.match(text, q.end, hi)
        if more is not None and _PEOPLE.search(text, max(0, lo - 300), hi):
            return Kind(
                "troop_deployment",
                "additional_deployment",
                "troops",
                "",
                "count:more-sent",
                more.end(),
            )
        hurt = _MORE_HURT.match(text, q.end, hi)
        if hurt is not None and _PEOPLE.search(text, max(0, lo - 300), q.start):
            # "40 had died and 300 more sustained injuries": the same people, elided
            sub = CASUALTY.search(hurt.group(0)).lastgroup
            return Kind("casualties", sub, "troops", "", "count:more-hurt", hurt.end())
        of_them = _OF_THEM_THERE.match(text, q.end, hi)
        if of_them is not None and _PEOPLE.search(text, max(0, lo - 300), q.start):
            # "roughly 8,000 of them are now in the Kursk region"
            return Kind(
                "troop_deployment", "deployed", "troops", "", "count:of-them+deploy", of_them.end()
            )
        verb_more = _VERB_MORE.search(text, max(prev_end, lo, q.start - 30), q.start)
        if (
            verb_more is not None
            and re.match(r"\s+(?:more|others)\b", text[q.end : hi])
            and _PEOPLE.search(text, lo, q.start)
        ):
            # "killed 30 North Korean soldiers and wounded about 40 more": the same people
            sub = CASUALTY.match(verb_more.group(1)).lastgroup
            return Kind("casualties", sub, "troops", "", "count:verb+more", q.end + 5)
        e = _ELLIPSIS.match(text, q.end, hi)
        if e is not None and _PEOPLE.search(text, max(0, lo - 300), hi):
            return _person(text, q, e.end(), e.end(), hi, prev_end, "", ellipsis=True)
        return _figure_after_predicate(text, q, prev_end)
    noun_class = next(k for k, v in m.groupdict().items() if v and k != "mods")
    mods = m.group("mods") or ""
    noun = m.group(noun_class)
    category, subtype, unit = NOUN_CLASSES[noun_class]
    rule = f"count:{noun_class}"
    if OTHER_NATION.search(mods):
        return None  # "300 Russian soldiers": not North Korea's
    if noun_class == "goods":
        # "supplied North Korea with more than 1 million barrels of oil": what Russia gives
        if not re.search(
            r"\b(?:to|with|suppl\w+|provid\w+|gave|giv\w+|sen[dt]\w*|ship\w*|deliver\w*)\s+"
            r"(?:North\s+Korea|Pyongyang|the\s+North)\b|"
            r"\b(?:North\s+Korea|Pyongyang|the\s+North)\s+(?:has\s+|had\s+)?"
            r"(?:received|got|obtained|imported)",
            sentence,
        ):
            return None
        return Kind(category, subtype, unit, "", "count:goods+payment", m.end())
    if noun_class == "persons" and re.fullmatch(r"prisoners|POWs", noun, re.I):
        c = CASUALTY.search(text, max(lo, q.start - 60), min(hi, m.end() + 60))
        if c is None or c.lastgroup != "captured" or "prisoner" in c.group(0).lower():
            return None  # "the two prisoners": a reference back, not a new figure
        return Kind("casualties", "captured", "troops", "", "count:prisoners", m.end())
    if noun_class in ("persons", "workers", "casualties"):
        return _person(
            text,
            q,
            m.end(),
            m.start(noun_class),
            hi,
            prev_end,
            mods,
            noun_class=noun_class,
            sentence_lo=lo,
        )
    if category == "arms_transfer" and _USED_BY_RUSSIA.match(text, m.end(), hi):
        return None
    if noun_class == "times":
        if re.search(r"balloon", sentence, re.I):
            subtype = "balloon_launches"
        elif re.search(r"demarcation|\bMDL\b|crossed|crossing", sentence, re.I):
            subtype = "mdl_crossings"
        elif re.search(r"warning\s+shots", sentence, re.I):
            subtype = "warning_shots"
        elif re.search(r"jamm", sentence, re.I):
            subtype = "gps_jamming"
        else:
            return None
        rule = f"count:times+{subtype}"
    elif noun_class == "distance":
        if not FENCE.search(sentence):
            return None
        unit = _UNIT_AS_PRINTED.get(noun.lower(), "km")
    elif noun_class in ("balloons", "balloon_launches"):
        if SOUTH_SENDERS.search(text, prev_end, q.start):
            return None  # leaflet balloons sent north by activists
    elif category == "arms_transfer" and re.search(
        r"\b(?:per|a|each)\s+(?:day|week)\b", text[m.end() : hi]
    ):
        return None  # a firing rate, not a transfer
    system = weapon_system(noun, text[max(lo, q.start - 12) : m.start(noun_class)] + mods)
    return Kind(category, subtype, unit, system, rule, m.end())


_GOVERNING_VERB = re.compile(
    r"\b(?:sent|sends|sending|send|deployed|deploys|deploying|deploy|dispatched|dispatching|"
    r"dispatch|killed|captured|brought\s+in|hired|employed|destroyed|eliminated|"
    r"wounded|injured|moved|transferred)\s+(?:(?:an?|another|additional|more|extra|the|"
    r"some|its|their)\s+){0,3}$",
    re.IGNORECASE,
)
_TOTAL_OF = re.compile(
    r"\b(?:at|to|was|is|were|are|of|reached|stood\s+at|stands\s+at|rose\s+to|totals?|totalled|"
    r"totaled|numbered|numbering|number|put\s+it\s+at|exceed\w*|top(?:ped|s)?|surpassed|"
    r"range|ranges|ranged|ranging|varied|vary|varies)"
    r"(?:\s+\w+ly)?\s+$",
    re.IGNORECASE,
)
_SIZE_OF = re.compile(
    r"\b(?:numbering|numbered|number|totall?ing|put\s+at|estimated\s+at)\s+$", re.I
)
_NUMBER_OF = re.compile(
    r"\b(?:number|total|tally|count)\s+of\s+(?:[\w-]+\s+){0,2}?(?:"
    + "|".join(
        rf"(?P<{k}>{v})"
        for k, v in (
            ("shells", r"(?:artillery\s+)?(?:shells|rounds|munitions)"),
            ("containers", r"(?:shipping\s+)?containers"),
            ("ballistic", r"(?:ballistic\s+)?missiles"),
            ("balloon_launches", r"balloon\s+launch(?:es|ings)"),
            ("balloons", r"(?:trash\s+|garbage\s+)?balloons"),
            ("mines", r"(?:land)?mines"),
            ("drones", r"drones"),
        )
    )
    + r")\b(?![^.;]*\b(?:shot\s+down|downed|intercepted)\b)",
    re.I,
)
_APPOSITIVE = re.compile(
    r"\b(?:troops|soldiers|personnel|servicemen|forces)\s*,\s*(?:(?:\w+ly|perhaps|possibly|"
    r"reportedly)\s+)?$",
    re.I,
)
_FORCE = re.compile(r"\b(?:troops|soldiers|personnel|contingent|force|forces|servicemen)\b", re.I)


def _figure_after_predicate(text: str, q: Quantity, prev_end: int) -> Kind | None:
    """'the number of North Koreans killed or wounded at 3,000': the figure comes last."""
    back_lo = max(prev_end, q.start - 120)
    back = text[back_lo : q.start]
    appositive = _APPOSITIVE.search(back)
    if appositive is not None and DEPLOY.search(back, 0, appositive.start()):
        # "dispatched more troops, likely around 1,000"
        sub = "additional_deployment" if ADDITIONAL.search(back) else "deployed"
        return Kind("troop_deployment", sub, "troops", "", "count:appositive", q.end)
    if not (
        _TOTAL_OF.search(text, back_lo, q.start) or _TOTAL_OF.search(text, back_lo, q.num_start)
    ):
        return None
    back = text[back_lo : q.start]
    counted = _NUMBER_OF.search(back)
    if counted is not None:
        # "the total number of balloon launches since late May to 31"
        category, subtype, unit = NOUN_CLASSES[counted.lastgroup]
        return Kind(category, subtype, unit, "", f"count:number-of+{counted.lastgroup}", q.end)
    hits = list(CASUALTY.finditer(back))
    if not hits and _SIZE_OF.search(back) and _FORCE.search(back) and not OTHER_NATION.search(back):
        # "the troops, numbering about 10,000": the size of a force sent
        sub = "additional_deployment" if ADDITIONAL.search(back) else "deployed"
        return Kind("troop_deployment", sub, "troops", "", "count:force-size", q.end)
    if not hits or not (_PEOPLE.search(back) or re.search(r"North\s+Koreans", back)):
        return None
    kow = [h for h in hits if h.lastgroup == "killed_or_wounded"]
    sub = "killed_or_wounded" if kow or len({h.lastgroup for h in hits}) > 1 else hits[0].lastgroup
    return Kind("casualties", sub, "troops", "", "count:casualty-total", q.end)


def _person(
    text: str,
    q: Quantity,
    noun_end: int,
    noun_start: int,
    hi: int,
    prev_end: int,
    mods: str,
    *,
    noun_class: str = "persons",
    ellipsis: bool = False,
    sentence_lo: int | None = None,
) -> Kind | None:
    """People counted: the predicate says whether they died, deployed, fought or stand guard."""
    lo_back = max(prev_end, q.start - 120)
    forward_end = min(hi, noun_end + 160)
    unit = "workers" if noun_class == "workers" else "troops"
    if noun_class == "casualties":
        return Kind("casualties", "killed_or_wounded", unit, "", "count:casualties", noun_end)
    c = CASUALTY.search(mods)
    if c:
        return Kind("casualties", c.lastgroup, unit, "", "count:person+casualty-adj", noun_end)
    governing = _GOVERNING_VERB.search(text, max(lo_back, q.start - 40), q.start)
    if governing and not ellipsis:
        # "sent an additional 3,000 soldiers": the verb before the figure is its predicate
        hits = [h for h in _triggers(text, governing.start(), q.start) if h[1] != "combat"]
    else:
        hits = []
    hits = hits or _triggers(text, noun_start if ellipsis else noun_end, forward_end)
    # "after heavy losses" later in the sentence is not what the people did
    hits = [h for h in hits if not _loose_loss(text, h, noun_end)]
    plan = PLAN.search(text, noun_end, forward_end)
    coordinated = re.fullmatch(
        r"\s*(?:[\w-]+\s+){0,3}?(?:,\s*)?(?:and|as\s+well\s+as)\s*", text[prev_end : q.start]
    )
    plan_lo = sentence_lo if coordinated and sentence_lo is not None else lo_back
    if noun_class in ("persons", "workers") and _PLAN_BEFORE.search(text, plan_lo, q.start):
        sub = "workers" if noun_class == "workers" else "additional_deployment"
        return Kind("troop_deployment", sub, unit, "", "count:plan+person", noun_end)
    if plan and not CASUALTY.search(text, noun_end, plan.start()):
        # "10,000 soldiers were being prepared to join the war"
        return Kind(
            "troop_deployment", "additional_deployment", unit, "", "count:person+plan", plan.end()
        )
    aux_hits = [h for h in hits if h[3]]
    chosen = aux_hits[0] if aux_hits else None
    if chosen is None and hits:
        chosen = min(hits, key=lambda h: (("casualty", "deploy", "combat").index(h[1]), h[0]))
    sentence_lo = max(prev_end - 400, 0)
    border_ctx = BORDER.search(text, sentence_lo, hi) and not RUSSIA_FRONT.search(text, lo_back, hi)
    if chosen and chosen[1] == "casualty":
        return Kind("casualties", chosen[2], unit, "", "count:person+casualty", chosen[4])
    if chosen is None:
        b = [h for h in _triggers(text, lo_back, q.start) if h[1] != "combat"]
        if b:
            chosen = b[-1]
            if chosen[1] == "casualty":
                return Kind("casualties", chosen[2], unit, "", "count:casualty+person", noun_end)
    if border_ctx and noun_class == "persons":
        sub = (
            "mdl_crossings"
            if re.search(r"\bcross", text[lo_back:forward_end], re.I)
            else ("soldiers_at_border")
        )
        return Kind("border_activity", sub, unit, "", f"count:person+{sub}", noun_end)
    if chosen is None:
        return None
    if noun_class == "workers":
        return Kind("troop_deployment", "workers", unit, "", "count:workers", noun_end)
    if chosen[1] == "combat":
        return Kind("troop_deployment", "in_combat", unit, "", "count:person+combat", chosen[4])
    near = (
        text[max(lo_back, q.start - 25) : q.start]
        + " "
        + mods
        + " "
        + text[noun_end : min(forward_end, chosen[4] + 1)]
    )
    if ADDITIONAL.search(near) or PLAN.search(text, max(lo_back, chosen[0] - 30), chosen[4]):
        return Kind(
            "troop_deployment",
            "additional_deployment",
            unit,
            "",
            "count:person+additional",
            max(noun_end, chosen[4]),
        )
    return Kind(
        "troop_deployment", "deployed", unit, "", "count:person+deploy", max(noun_end, chosen[4])
    )


def _loose_loss(text: str, hit: tuple, noun_end: int) -> bool:
    """A casualty noun ("losses") far from the people and not their predicate."""
    word = text[hit[0] : hit[4]].lower()
    if hit[1] != "casualty" or word not in ("losses", "casualties") or hit[0] - noun_end < 25:
        return False
    return not re.search(
        r"(?:suffer|sustain|incur|took|taken|with)\w*\s+(?:\w+\s+)?$",
        text[max(0, hit[0] - 30) : hit[0]],
    )


def _triggers(text: str, lo: int, hi: int) -> list[tuple[int, str, str, bool, int]]:
    """(position, kind, subtype, after-auxiliary, end) of predicate words in text[lo:hi]."""
    out = []
    for rx, kind in ((CASUALTY, "casualty"), (DEPLOY, "deploy"), (COMBAT, "combat")):
        for m in rx.finditer(text, lo, hi):
            aux = bool(AUX_BEFORE.search(text, max(lo, m.start() - 30), m.start()))
            sub = m.lastgroup if kind == "casualty" else kind
            out.append((m.start(), kind, sub, aux, m.end()))
    out.sort()
    return out


_NOUN_ANYWHERE = re.compile(r"\b(?:" + _COUNTED_NOUNS + r")\b", re.IGNORECASE)


def kind_of_noun(text: str, lo: int, hi: int) -> Kind | None:
    """The last counted noun named in text[lo:hi] ("Pyongyang has also sent workers."), as a
    kind: people are a deployment, weapons a transfer; incidents and distances say too little."""
    last = None
    for m in _NOUN_ANYWHERE.finditer(text, lo, hi):
        last = m
    if last is None or last.lastgroup in ("times", "distance", "casualties"):
        return None
    category, subtype, unit = NOUN_CLASSES[last.lastgroup]
    return Kind(category, subtype, unit, "", f"count:{last.lastgroup}", last.end())
