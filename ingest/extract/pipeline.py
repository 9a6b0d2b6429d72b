"""extract_mentions: article text -> claim mentions, each with its quote, offsets and rule."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict, dataclass, replace

from . import learned
from .assertions import find_assertions
from .budget import Budget
from .claimants import (
    ANONYMOUS_GROUP,
    INSTITUTION,
    MEDIA,
    Attribution,
    ClaimantResolver,
    anonymous_group,
    country_of,
    find_attributions,
    is_country_level,
    resolver_for,
    side_of,
    with_country,
)
from .classify import Kind, classify, kind_of_noun
from .dates import claim_date, find_dates, period_start
from .lexicon import NORTH_KOREA
from .measure import measure_with_reason, troop_subtype
from .numbers import find_quantities
from .prefilter import WordScan, may_hold, needle_finder
from .text import Sentence, clause_span, split_sentences, trim

_OF_WHICH = re.compile(r"\bof\s+(?:which|them|those|these)\s+(?:\w+\s+)?$", re.IGNORECASE)
# Subtypes that state a status rather than a count: kept beside a figure in the same sentence.
_STATUS_SUBTYPES = {"in_combat"}
_SENT_SUBTYPES = {"deployed", "additional_deployment"}
_INCLUDING = re.compile(r"\b(?:including|such\s+as|among\s+them|notably)\b[^.;]*$", re.I)
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
    model = learned.current()  # the learned stage's model, looked for once per article
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
                best[1].claimant,
                claim_date(dates, best[1].anchor, published, text=text),
                best[1].rule,
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
            model,
        )
        if last is not None:
            para_kind = (sent.paragraph, last)
        if found:  # where the North and the war are named: read for a sentence's mentions only
            near_nk = _about_north_korea(text, sentences, i)
            near_russia = _about_russia(text, sentences, i)
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
    _credit_relayed(text, out, all_mentions, dominant)
    _bulletin_author(text, out, all_mentions)
    _named_later(out, all_mentions)
    _report_author(out, all_mentions, set(resolver.table.values()))
    _harmonise_qualifiers(out)
    return out


# "a lawmaker said, citing the spy agency", "after a briefing by Seoul's spy agency",
# "citing a briefing from Ukraine's intelligence chief": the asserter is the one cited
_RELAY_CUE = re.compile(
    r"\b(?:citing|cited|quoting|after\s+(?:a|being|the)\s+(?:closed-door\s+)?"
    r"(?:briefing|briefed)\s+(?:by|from|with)|briefing\s+(?:by|from)|briefed\s+by|"
    r"(?:relaying|relayed)\s+(?:a\s+|the\s+)?(?:briefing|report|assessment)\s+(?:by|from|of))\s+",
    re.IGNORECASE,
)
_RELAY_CUE_SCAN = WordScan(_RELAY_CUE)  # tried only at the words a cue may start
# who relays rather than asserts: members of parliament
_RELAYER = re.compile(
    r"\bRep\.|\b(?:lawmakers?|legislators?|MPs?|parliamentarians?|assembly\s?m[ae]n|"
    r"members?\s+of\s+(?:parliament|the\s+\w+\s+committee))\b",
    re.IGNORECASE,
)
# a claimant that only points back: "him", "the agency", "it said"
_POINTER = re.compile(
    r"(?:he|she|him|her|it|they|them|(?:the\s+)?(?:agency|ministry|office|service|military|"
    r"official|officials|spokesperson|spokesman|spokeswoman|minister|source|sources))"
    r"|(?-i:(?:As|But|And|While|When|Meanwhile|However|Also|Then|This|That|These|Those)"
    r"(?:\s+(?:the|I|we|he|she|it|they))?)",
    re.IGNORECASE,
)
# a title standing for the person named before it: "the Chairperson said", "the president added"
_TITLE = re.compile(
    r"(?:the\s+)?(?:chairperson|chairman|chairwoman|president|leader|premier|commander|"
    r"commander-in-chief|supreme\s+leader)",
    re.IGNORECASE,
)


# "a top Russian official said …" in the lead, the official named in the next sentences
_ONE_OFFICIAL = re.compile(
    r"(?:(?:top|senior|high-ranking|leading)\s+)?\S+(?:\s\S+)?\s+official", re.IGNORECASE
)


_REPORT = re.compile(r"\b(?:report|study|assessment|review|analysis)\b", re.IGNORECASE)


def _report_author(out: list[Mention], alias_mentions, canonical: set[str]) -> None:
    """'according to an international monitoring report released Thursday by …': a report
    described but not named is the one the institution named next in the text wrote."""
    for m in out:
        name = m.claimant or ""
        if name in canonical or not _REPORT.search(name) or len(name.split()) < 4:
            continue
        bodies = [
            (s, n)
            for s, _, n in alias_mentions
            if INSTITUTION.search(n)
            and not is_country_level(n)
            and n not in MEDIA
            and side_of(n) is None  # an international body, not a national one
        ]
        after = [n for s, n in bodies if m.quote_start <= s <= m.quote_end + 1500]
        before = [n for s, n in bodies if s < m.quote_start]
        author = after[0] if after else (before[-1] if before else None)
        if author:
            m.claimant = author
            m.rule += "; claimant the body named as the report's author"


_PERSON_NAME = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z'’-]+)+$")


def _named_later(out: list[Mention], alias_mentions) -> None:
    """Wire style names the official after the lead: 'a top Russian official said …' then
    'Security Council secretary Sergei Shoigu said …' is that official."""
    for m in out:
        name = m.claimant or ""
        if not _ONE_OFFICIAL.fullmatch(name) or anonymous_group(name) is None:
            continue
        side = side_of(name)
        later = [
            n
            for s, _, n in alias_mentions
            if m.quote_end <= s <= m.quote_end + 500
            and side_of(n) == side
            and not is_country_level(n)
            and _PERSON_NAME.search(n)  # a named person, not an institution
            and not INSTITUTION.search(n.split()[-1])
        ]
        if side and later:
            m.claimant = later[0]
            m.rule += "; claimant the official named after the lead"


_BULLETIN = re.compile(
    r"\s*(?:['’]s\s+)?(?:latest\s+|daily\s+|weekly\s+|intelligence\s+)?(?:update|bulletin|"
    r"assessment|situation\s+report|statement|briefing)\b",
    re.IGNORECASE,
)


def _bulletin_author(text: str, out: list[Mention], alias_mentions) -> None:
    """A text that opens as a named body's own update ("Latest Defence Intelligence update on
    …") speaks for that body wherever no one else is named."""
    opening = len(text) - len(text.lstrip())
    first_end = text.find("\n", opening + 1)
    first_end = len(text) if first_end < 0 else first_end
    author = next(
        (
            n
            for s, e, n in alias_mentions
            if s < first_end and n not in MEDIA and _BULLETIN.match(text, e)
        ),
        None,
    )
    if author is None:
        return
    for m in out:
        if m.rule.endswith("claimant article") or "claimant article;" in m.rule:
            m.claimant = author
            m.rule += "; claimant the author of the bulletin"


def _credit_relayed(text: str, out: list[Mention], alias_mentions, dominant: str | None) -> None:
    """Relayed claims go to the original asserter; pointer words to the nearest named one.

    A lawmaker relaying a briefing ("told reporters, citing the NIS") is credited to the cited
    source, in that sentence and wherever the same relayer speaks later in the article.
    """
    relays = []  # (position, source)
    relayers: set[str] = set()
    for cue in _RELAY_CUE_SCAN.finditer(text):
        near = [
            (is_country_level(n), s, n)
            for s, _, n in alias_mentions
            if cue.end() <= s < cue.end() + 110 and n not in MEDIA and not _RELAYER.search(n)
        ]
        # a named body ("Seoul's spy agency"), never a bare country
        src = next((n for level, _, n in near if not level), None)
        if src is None:
            continue
        relays.append((cue.start(), src))
        line_lo = text.rfind("\n", 0, cue.start()) + 1
        for m in out:  # the one who relays in the sentence of the cue
            if line_lo <= m.quote_start <= cue.start() + 200 and m.claimant and m.claimant != src:
                if _RELAYER.search(m.claimant) or re.fullmatch(
                    r"[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*", m.claimant
                ):
                    relayers.add(m.claimant)
        # nested speech: whoever speaks in the sentence of "citing X" passes on X's claim
        s_lo = max(text.rfind(". ", 0, cue.start()) + 2, line_lo)
        s_end = [i for i in (text.find(". ", cue.end()), text.find("\n", cue.end())) if i >= 0]
        s_hi = min(s_end) if s_end else len(text)
        for m in out:
            if s_lo <= m.quote_start < s_hi and m.claimant and m.claimant != src:
                m.claimant = src
                m.rule += "; claimant cited in the sentence: the original asserter"
    named = [
        m.claimant
        for m in out
        if m.claimant
        and not _POINTER.fullmatch(m.claimant.strip())
        and not _RELAYER.search(m.claimant)
    ]
    last_named: str | None = None
    for m in out:
        name = m.claimant or ""
        if name and _TITLE.fullmatch(name.strip()):
            person = [
                n
                for s, _, n in alias_mentions
                if s < m.quote_start
                and not INSTITUTION.search(n)
                and not is_country_level(n)
                and n not in MEDIA
            ]
            if person:
                m.claimant = person[-1]
                m.rule += "; claimant a title: the person named before"
                continue
        if relays and name and (name in relayers or _RELAYER.search(name)):
            before = [(m.quote_start - p, s) for p, s in relays if p <= m.quote_end + 200]
            src = min(before)[1] if before else relays[0][1]
            m.claimant = src
            m.rule += "; claimant relayed: the cited source"
        elif name and _POINTER.fullmatch(name.strip()):
            ahead = named[0] if named else None
            if dominant and (_POINTER.fullmatch(dominant.strip()) or _RELAYER.search(dominant)):
                dominant = None
            m.claimant = last_named or dominant or ahead or m.claimant
            m.rule += "; claimant a pointer: the nearest named claimant"
        if (
            m.claimant
            and not _POINTER.fullmatch(m.claimant.strip())
            and not _RELAYER.search(m.claimant)
        ):
            last_named = m.claimant


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
    model: learned.Model | None = None,
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
        subtype, sub_why = kind.subtype, ""
        if kind.category == "troop_deployment":
            subtype, sub_why = troop_subtype(
                kind.subtype,
                text[sent.start : sent.end],
                clause,
                text[q.start : kind.end],
                q.qualifier,
            )
        measure, why = measure_with_reason(subtype, clause, text[q.start : max(kind.end, q.end)])
        found.append(
            Mention(
                kind.category,
                subtype,
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
                f"{kind.rule}; qualifier {q.qualifier}; claimant {speaker.basis}"
                + (f"; {subtype}: {sub_why}" if sub_why else "")
                + f"; measure {measure}: {why}",
                kind.weapon_system,
                measure,
                _iso(p_start),
                _iso(speaker.date) if p_start else None,
                _score(0.8, speaker.basis),
            )
        )
    numeric = {(m.category, m.subtype) for m in found}
    # "suffered 3,000 casualties, heavy losses": the figure already carries the claim (a share
    # of the losses, "a third were deaths", is a claim of its own)
    counted_casualties = any(m.category == "casualties" for m in found)
    # "200 artillery systems, including 170mm self-propelled guns": a named system of its own
    systems = {(m.category, m.subtype, m.weapon_system) for m in found}
    seen: set[tuple[str, str]] = set()
    for a in [] if heading else find_assertions(text, sent.start, sent.end):
        if a.subtype not in _STATUS_SUBTYPES and (
            (
                (a.category, a.subtype) in numeric
                and not (
                    a.category == "arms_transfer"
                    and a.weapon_system
                    and (a.category, a.subtype, a.weapon_system) not in systems
                    and _INCLUDING.search(text, max(sent.start, a.core[0] - 60), a.core[0])
                )
            )
            # "dispatched more troops, likely around 1,000": the figure is the deployment
            or (a.subtype in _SENT_SUBTYPES and any(sub in _SENT_SUBTYPES for _, sub in numeric))
            or (
                any(s < a.core[1] and a.core[0] < e for s, e in cores)
                and "share" not in a.rule  # "half of the 11,000-strong force was killed"
            )
            or (a.category == "casualties" and counted_casualties and "share" not in a.rule)
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
    found.extend(_learned_mentions(text, sent, found, speaker, heading, model))
    found.sort(key=lambda m: m.quote_start)
    return found, prev_kind


def _learned_mentions(
    text: str,
    sent: Sentence,
    found: list[Mention],
    speaker: _Speaker,
    heading: bool,
    model: learned.Model | None,
) -> list[Mention]:
    """The learned sentence stage: a claim without a number of a category the rules did not
    find in this sentence, when the model (`learned.current()`) says the sentence states one."""
    if model is None and not learned.is_collecting():
        return []
    sentence = text[sent.start : sent.end]
    hits = {
        ("num:" if _has_number(m) else "assert:")
        + m.category
        + ("/" + m.subtype if m.subtype else "")
        for m in found
    } | {("num:" if _has_number(m) else "assert:") + m.category for m in found}
    feats = learned.sentence_features(sentence, first=sent.index == 0, rule_hits=hits)
    learned.record(sent.start, sent.end, feats)
    if model is None or heading:
        return []
    have = {m.category for m in found if not _has_number(m)}
    out = []
    for cat in learned.CATEGORIES:
        if cat in have:
            continue
        p = model.prob(cat, feats)
        if p < learned.THRESHOLD:
            continue
        sub, unit = learned.guess_subtype(cat, sentence)
        s, e = trim(text, sent.start, sent.end)
        out.append(
            Mention(
                cat,
                sub,
                None,
                None,
                None,
                "none",
                unit,
                speaker.claimant,
                _iso(speaker.date),
                text[s:e],
                s,
                e,
                f"learned:{cat} p={p:.2f}; claimant {speaker.basis}",
                score=_score(round(0.3 + 0.3 * p, 2), speaker.basis),
            )
        )
    return out


def _has_number(m: Mention) -> bool:
    return m.low is not None or m.best is not None or m.high is not None


def _about_north_korea(text: str, sentences: list[Sentence], i: int) -> bool:
    """North Korea named in the sentence or in one of the three before it."""
    lo, hi = sentences[max(0, i - 3)].start, sentences[i].end
    return may_hold(text, lo, hi, _NK_NEEDLES) and NORTH_KOREA.search(text, lo, hi) is not None


_NK_NEEDLES = needle_finder(NORTH_KOREA)  # a window without any of them holds no match


_RUSSIA_OR_WAR = re.compile(
    r"\b(?:Russia|Russian|Russians|Moscow|Kremlin|Putin|Kursk|Ukraine|Ukrainian|Kyiv|Kiev)"
)
_RUSSIA_NEEDLES = needle_finder(_RUSSIA_OR_WAR)


# What North Korea does with weapons at home: tests, parades, handovers to its own units
_LAUNCH_OR_SHOW = re.compile(
    r"\b(?:fired|fires|firing|launched|launches|launching|test-fired|tested|testing|unveil\w*|"
    r"display\w*|parade\w*|showcased|inspected|handed\s+(?:over\s+)?(?:[\w-]+\s+){0,6}?to\s+"
    r"(?:its\s+)?(?:front-?line|frontline|army|military)\s+units)\b",
    re.I,
)


def _about_russia(text: str, sentences: list[Sentence], i: int) -> bool:
    """Russia or the war named in the sentence or one of the three before it."""
    lo, hi = sentences[max(0, i - 3)].start, sentences[i].end
    return (
        may_hold(text, lo, hi, _RUSSIA_NEEDLES) and _RUSSIA_OR_WAR.search(text, lo, hi) is not None
    )


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
                broad = is_country_level(a.claimant) or anonymous_group(a.claimant) is not None
                counts[a.claimant] += 1 if broad else 2
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
        if country_of(n) == country
        and not is_country_level(n)
        and n not in MEDIA
        and INSTITUTION.search(n)  # an agency, not a person ("Ukraine said" is not Zelensky)
    ]
    before = [(attr.start - s, n) for s, n in same if s < attr.start]
    if before:
        return min(before)[1]
    after = [(s - attr.start, n) for s, n in same if s > attr.start]
    return min(after)[1] if after else name


def _full_name(text: str, attr: Attribution, name: str | None, resolver) -> str | None:
    """'Kim also said', 'Nakatani said': a bare surname is the person named in full earlier in
    the article (the nearest such name before)."""
    group = anonymous_group(text[attr.start : attr.end])
    if group is None and is_country_level(name or ""):
        # "by US and Ukrainian officials": the alias is only the first country of the group
        m = ANONYMOUS_GROUP.match(text, attr.start, min(len(text), attr.start + 90))
        group = anonymous_group(m.group(0)) if m else None
    if group:
        return group  # "US officials said": an anonymous group speaks for itself
    word = text[attr.start : attr.end].strip()
    if name != word or not re.fullmatch(r"[A-Z][a-z][\w'’-]+", word):
        return name
    if word not in text[: attr.start]:
        return name  # each branch below holds the word itself: no scan can match
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
