"""extract_mentions: article text -> claim mentions, each with its quote, offsets and rule."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict, dataclass, replace

from .assertions import find_assertions
from .budget import Budget
from .claimants import (
    MEDIA,
    Attribution,
    ClaimantResolver,
    country_of,
    find_attributions,
    is_country_level,
    resolver_for,
    with_country,
)
from .classify import Kind, classify, kind_of_noun
from .dates import claim_date, find_dates, period_start
from .lexicon import NORTH_KOREA
from .measure import measure_of
from .numbers import find_quantities
from .text import Sentence, clause_span, split_sentences

_OF_WHICH = re.compile(r"\bof\s+(?:which|them|those|these)\s+(?:\w+\s+)?$", re.IGNORECASE)
# Subtypes that state a status rather than a count: kept beside a figure in the same sentence.
_STATUS_SUBTYPES = {"in_combat"}
_SENT_SUBTYPES = {"deployed", "additional_deployment"}
# "put the figure higher, at 15,000", "the number ... is likely in the low thousands": a figure
# for the thing the paragraph is already counting
_FIGURE_REF = re.compile(
    r"(?:\b(?:put|puts|putting|placed?|places|estimated?|estimates)\s+(?:the|its|their|that|this)"
    r"\s+(?:figure|number|total|tally|count|toll|estimate)\s*,?\s*(?:(?:even\s+|much\s+|far\s+)?"
    r"(?:higher|lower)\s*,?\s*)?(?:at|as\s+high\s+as|as\s+low\s+as|closer\s+to)\s+"
    r"|\b(?:the|that|this|its|their)\s+(?:figure|number|total|tally|count|toll)\b(?!\s+of\b)"
    r"[^.;]{0,60}?\b(?:is|was|are|were|stands\s+at|stood\s+at|reached|rose\s+to|ranges?|ranged|var(?:y|ies|ied))\s+"
    r"(?:\w+ly\s+)?(?:in\s+)?)$",
    re.IGNORECASE,
)


@dataclass
class Mention:
    """One claim mention. Keys match the gold files of the eval set (plus a few extras)."""

    category: str
    subtype: str
    low: float | int | None
    best: float | int | None
    high: float | int | None
    qualifier: str
    unit: str
    claimant: str | None
    claim_date: str | None
    quote: str
    quote_start: int
    quote_end: int
    rule: str
    weapon_system: str = ""
    measure: str = ""
    period_start: str | None = None
    period_end: str | None = None
    score: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Speaker:
    claimant: str | None
    date: dt.date | None
    basis: str  # sentence rule, "paragraph", "article" or "none"


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def _as_date(published: dt.date | str | None) -> dt.date | None:
    if published is None or isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


def extract_mentions(
    text: str,
    *,
    published: dt.date | str | None = None,
    aliases: ClaimantResolver | dict[str, str] | list[tuple[str, str]] | None = None,
    budget: Budget | None = None,
) -> list[Mention]:
    """All claim mentions in an article body.

    `published` resolves relative dates ("said Monday"); `aliases` is the claimant alias table
    (alias -> canonical name, merged over the defaults) or a prepared ClaimantResolver.
    Offsets (quote_start, quote_end) index into `text`. With a `budget`, sentences are
    skipped once it is spent or when too long (budget.reasons says which).
    """
    published = _as_date(published)
    resolver = resolver_for(aliases)
    sentences = split_sentences(text)
    all_mentions = resolver.mentions(text)
    attributions = [
        []
        if budget is not None and budget.skips(s.start, s.end)
        else find_attributions(text, s.start, s.end, resolver, None, all_mentions)
        for s in sentences
    ]
    dominant, country = _dominant(attributions)
    if country:  # role phrases ("a military official") speak for the article's side
        attributions = [
            [(r, replace(a, claimant=with_country(a.claimant, country))) for r, a in cands]
            for cands in attributions
        ]
    nk_in_article = NORTH_KOREA.search(text) is not None
    out: list[Mention] = []
    para_kind: tuple[int, Kind | None] = (-1, None)  # what the paragraph counts so far
    carried: _Speaker | None = None
    recent: list[str] = []  # claimants named so far, latest first
    for i, sent in enumerate(sentences):
        if budget is not None and budget.skips(sent.start, sent.end):
            continue
        if carried and (i == 0 or sentences[i - 1].paragraph != sent.paragraph):
            carried = None
        dates = find_dates(text, sent.start, sent.end, published)
        best = max(attributions[i], key=lambda ra: ra[0], default=None)
        speaker: _Speaker
        if best is not None:
            speaker = _Speaker(
                best[1].claimant, claim_date(dates, best[1].anchor, published), best[1].rule
            )
            speaker.claimant = _refine(speaker.claimant, best[1], all_mentions)
            speaker.claimant = _antecedent(
                text[best[1].start : max(best[1].end, best[1].anchor)], speaker.claimant, recent
            )
            speaker.claimant = _full_name(text, best[1], speaker.claimant, resolver)
            if speaker.claimant and speaker.claimant not in recent:
                recent.insert(0, speaker.claimant)
            carried = speaker
        elif carried is not None:
            speaker = _Speaker(carried.claimant, carried.date, "paragraph")
        else:
            speaker = _Speaker(dominant, published, "article" if dominant else "none")
        near_nk = _about_north_korea(text, sentences, i)
        near_russia = _about_russia(text, sentences, i)
        if para_kind[0] != sent.paragraph:
            para_kind = (sent.paragraph, None)
        found, last = _sentence_mentions(
            text,
            sent,
            dates,
            speaker,
            _is_heading(text, sentences, i),
            para_kind[1],
            _paragraph_start(sentences, i),
        )
        if last is not None:
            para_kind = (sent.paragraph, last)
        for m in found:
            # Border stories name the North once and then say "balloons"; elsewhere the North
            # must be close by, or the figure may be Russia's or Ukraine's.
            if (
                m.category == "arms_transfer"
                and not near_russia
                and _LAUNCH_OR_SHOW.search(text, sent.start, sent.end)
            ):
                continue  # "North Korea fired 10 missiles into the sea": a test, not a transfer
            if near_nk or (m.category == "border_activity" and nk_in_article):
                out.append(m)
    _harmonise_qualifiers(out)
    return out


def _paragraph_start(sentences: list[Sentence], i: int) -> int:
    """Where the paragraph of sentence i starts, or the sentence before it when the paragraph
    is that one sentence (a standfirst refers back to the headline above it)."""
    j = i
    while j > 0 and sentences[j - 1].paragraph == sentences[i].paragraph:
        j -= 1
    return sentences[j - 1].start if j == i and i > 0 else sentences[j].start


def _referred_kind(text: str, q, lo: int, para_lo: int, para_kind: Kind | None) -> Kind | None:
    """'put the figure higher, at 15,000': the paragraph's last counted thing, else the last
    counted noun named in the paragraph."""
    if not _FIGURE_REF.search(text, max(lo, q.start - 120), q.start):
        return None
    kind = para_kind or kind_of_noun(text, para_lo, q.start)
    if kind is None:
        return None
    return replace(kind, rule=kind.rule + "+figure-ref", end=q.end)


def _sentence_mentions(
    text: str,
    sent: Sentence,
    dates,
    speaker: _Speaker,
    heading: bool,
    para_kind: Kind | None = None,
    para_lo: int | None = None,
) -> tuple[list[Mention], Kind | None]:
    found: list[Mention] = []
    quantities = find_quantities(text, sent.start, sent.end)
    prev_end = sent.start
    prev_kind = None
    cores: list[tuple[int, int]] = []
    for j, q in enumerate(quantities):
        hi = quantities[j + 1].start if j + 1 < len(quantities) else sent.end
        kind = classify(text, q, sent.start, hi, prev_end)
        if (
            kind is None
            and prev_kind
            and _OF_WHICH.search(text, max(prev_end, q.start - 25), q.start)
        ):
            # "260 balloons were spotted, of which some 120 landed": the same noun
            kind = replace(prev_kind, rule=prev_kind.rule + "+of-which", end=q.end)
        if kind is None:
            kind = _referred_kind(
                text,
                q,
                sent.start,
                sent.start if para_lo is None else para_lo,
                prev_kind or para_kind,
            )
        prev_end = q.end
        if kind is None:
            continue
        prev_kind = kind
        cores.append((q.start, max(kind.end, q.end)))
        s, e = clause_span(text, q.start, max(kind.end, q.end), sent.start, sent.end)
        if e - s < 25:
            s, e = sent.start, sent.end
        clause = text[s:e]
        p_start = period_start(dates, s, e)
        found.append(
            Mention(
                kind.category,
                kind.subtype,
                _num(q.low),
                _num(q.best),
                _num(q.high),
                q.qualifier,
                kind.unit,
                speaker.claimant,
                _iso(speaker.date),
                text[s:e],
                s,
                e,
                f"{kind.rule}; qualifier {q.qualifier}; claimant {speaker.basis}",
                kind.weapon_system,
                measure_of(kind.subtype, clause),
                _iso(p_start),
                _iso(speaker.date) if p_start else None,
                _score(0.8, speaker.basis),
            )
        )
    numeric = {(m.category, m.subtype) for m in found}
    seen: set[tuple[str, str]] = set()
    for a in [] if heading else find_assertions(text, sent.start, sent.end):
        if a.subtype not in _STATUS_SUBTYPES and (
            (a.category, a.subtype) in numeric
            # "dispatched more troops, likely around 1,000": the figure is the deployment
            or (a.subtype in _SENT_SUBTYPES and any(sub in _SENT_SUBTYPES for _, sub in numeric))
            or any(s < a.core[1] and a.core[0] < e for s, e in cores)
        ):
            continue  # a figure in this sentence already carries the claim
        if (a.category, a.subtype) in seen:
            continue
        seen.add((a.category, a.subtype))
        found.append(
            Mention(
                a.category,
                a.subtype,
                None,
                None,
                None,
                "none",
                a.unit,
                speaker.claimant,
                _iso(speaker.date),
                text[a.start : a.end],
                a.start,
                a.end,
                f"{a.rule}; claimant {speaker.basis}",
                a.weapon_system,
                "",
                None,
                None,
                _score(0.6, speaker.basis),
            )
        )
    found.sort(key=lambda m: m.quote_start)
    return found, prev_kind


def _about_north_korea(text: str, sentences: list[Sentence], i: int) -> bool:
    """North Korea named in the sentence or in one of the three before it."""
    lo = sentences[max(0, i - 3)].start
    return NORTH_KOREA.search(text, lo, sentences[i].end) is not None


_RUSSIA_OR_WAR = re.compile(
    r"\b(?:Russia|Russian|Russians|Moscow|Kremlin|Putin|Kursk|Ukraine|Ukrainian|Kyiv|Kiev)"
)


# What North Korea does with weapons at home: tests, parades, handovers to its own units
_LAUNCH_OR_SHOW = re.compile(
    r"\b(?:fired|fires|firing|launched|launches|launching|test-fired|tested|testing|unveil\w*|"
    r"display\w*|parade\w*|showcased|inspected|handed\s+(?:over\s+)?(?:[\w-]+\s+){0,6}?to\s+"
    r"(?:its\s+)?(?:front-?line|frontline|army|military)\s+units)\b",
    re.I,
)


def _about_russia(text: str, sentences: list[Sentence], i: int) -> bool:
    """Russia or the war named in the sentence or one of the three before it."""
    lo = sentences[max(0, i - 3)].start
    return _RUSSIA_OR_WAR.search(text, lo, sentences[i].end) is not None


def _is_heading(text: str, sentences: list[Sentence], i: int) -> bool:
    """A subheading inside the body: a short one-line paragraph without final punctuation.

    It announces the section that follows, so a bare assertion in it is not a claim of its
    own (the first line, the headline, is kept).
    """
    s = sentences[i]
    alone = (i == 0 or sentences[i - 1].paragraph != s.paragraph) and (
        i + 1 == len(sentences) or sentences[i + 1].paragraph != s.paragraph
    )
    return (
        s.paragraph > 0
        and alone
        and len(text[s.start : s.end]) < 90
        and (text[s.end - 1] not in '.!?"”’')
    )


def _dominant(attributions) -> tuple[str | None, str | None]:
    """The article's main source: the most cited specific claimant, and its country."""
    counts: Counter[str] = Counter()
    for cands in attributions:
        for rank, a in cands:
            if rank >= 1.5 and a.claimant not in MEDIA:
                counts[a.claimant] += 1 if is_country_level(a.claimant) else 2
    if not counts:
        return None, None
    name = counts.most_common(1)[0][0]
    country = country_of(name)
    if country is None:
        country = next((country_of(n) for n, _ in counts.most_common() if country_of(n)), None)
    return name, country


def _refine(name: str | None, attr: Attribution, mentions) -> str | None:
    """'Seoul said' in a story sourced to a Seoul agency: name that agency (nearest before,
    else nearest after)."""
    if not name or not is_country_level(name) or " and " in name:
        return name
    country = country_of(name)
    same = [
        (s, n)
        for s, _, n in mentions
        if country_of(n) == country and not is_country_level(n) and n not in MEDIA
    ]
    before = [(attr.start - s, n) for s, n in same if s < attr.start]
    if before:
        return min(before)[1]
    after = [(s - attr.start, n) for s, n in same if s > attr.start]
    return min(after)[1] if after else name


def _full_name(text: str, attr: Attribution, name: str | None, resolver) -> str | None:
    """'Kim also said', 'Nakatani said': a bare surname is the person named in full earlier in
    the article (the nearest such name before)."""
    word = text[attr.start : attr.end].strip()
    if name != word or not re.fullmatch(r"[A-Z][a-z][\w'’-]+", word):
        return name
    w = re.escape(word)
    best = None
    for m in re.finditer(
        r"(?:\b(?:[A-Z][\w.'’-]*\s+){1,4}"
        + w
        + r"\b(?![\s-][A-Z]))|(?:\b"
        + w
        + r"(?:\s+[A-Z][\w'’]*(?:-[a-z]+)?){1,2}\b)",
        text[: attr.start],
    ):
        best = m
    if best is None:
        return name
    full = best.group(0).strip()
    if re.match(r"(?:The|A|An|At|In|On|But|And)\s", full):
        full = full.split(None, 1)[1]
    return resolver.resolve(full) or name


def _antecedent(phrase: str, name: str | None, recent: list[str]) -> str | None:
    """'according to the agency': the latest claimant whose name has that head noun;
    'Lt. Gen. Park, the agency's director, replied': the agency."""
    owner = re.search(
        r",\s+the\s+([a-z]+)['’]s\s+(?:director|chief|head|spokesperson|spokesman|spokeswoman)"
        r"\s*,\s*$",
        phrase,
    )
    if owner and recent:
        head = owner.group(1).lower()
        return next((r for r in recent if head in r.lower().split()), name)
    phrase = re.sub(
        r"\s+(?:also|previously|earlier|has|have|had|then|again|separately)?\s*$", "", phrase
    )
    m = re.fullmatch(r"(?:the|this|that)\s+(?:[a-z]+\s+)?([a-z]+)", phrase.strip(), re.I)
    if not m or not recent:
        return name
    head = m.group(1).lower()
    # the latest claimant with that head noun, else simply the latest one named; a proper
    # name ("the General Staff") is not a reference back unless an earlier claimant has it
    fallback = name if m.group(1)[0].isupper() else recent[0]
    return next((r for r in recent if head in r.lower().split()), fallback)


def _harmonise_qualifiers(mentions: list[Mention]) -> None:
    """The same figure stated bare and hedged in one article is the hedged claim."""
    hedged = {(m.category, m.subtype, m.best) for m in mentions if m.qualifier == "approximately"}
    for m in mentions:
        if m.qualifier == "exact" and (m.category, m.subtype, m.best) in hedged:
            m.qualifier = "approximately"
            m.rule += "; qualifier from the hedged mention of the same figure"


def _score(base: float, basis: str) -> float:
    return round(base - {"paragraph": 0.1, "article": 0.2, "none": 0.2}.get(basis, 0.0), 2)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None
