"""Suggested credibility (Admiralty 1–6) for extracted claims, from corroboration.

The rule, as the methodology page and docs/credibility.md state it:

- A claim is compared with the other claims of its series (same category, subtype, normalised
  unit and measure), not rejected, whose claim date lies within the merge window
  (`CLAIM_MERGE_WINDOW_DAYS`, default 30 days) of its own.
- Only *independent voices* count: a claim's voice is its claimant, or, when the article
  asserts it itself, the outlets that printed it. Two claims are independent when their voices
  differ. A claim with no claimant printed by several outlets has that many voices.
- Two figures **agree** when their ranges overlap once each estimate is given 10% either side
  ("more than 1,000" agrees with "about 1,100"; 1,100 agrees with 1,050), unless both are
  bounds ("more than 1,000" and "more than 5,000" say too little). Two claims without a number
  agree (they assert the same thing) unless the subtype is a catch-all ("other"). A vague
  figure ("thousands of") counts for nothing.
- A figure **contradicts** when the nearer ends of the two ranges are more than 1.5 times
  apart (about 3,000 against more than 10,000) and the two were said within
  CONTRADICTION_DAYS (7) of each other: figures move, so an older estimate is not contradicted
  by a newer one. Only running figures (cumulative) can contradict: two shipments of
  different size are two shipments.
- Voices graded E (unreliable) neither confirm nor contradict; a contradiction counts only from
  a voice whose reliability is known (A–D).

Grade:
  1 confirmed — agreed by an official claimant (military, intelligence, government,
    international body) of another country graded A–C, or by two or more independent voices,
    and contradicted by none;
  2 probably true — agreed by one independent voice, contradicted by none;
  3 possibly true — agreed and contradicted;
  4 doubtful — contradicted by one voice, agreed by none;
  5 improbable — contradicted by two or more voices, agreed by none;
  6 cannot be judged — nothing to compare.

`credibility_assess` is a read; `tracker.services.claim_credibility_refresh` writes it to
pending claims whose credibility is still the suggestion (never to a grade an editor set).
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter

from django.db import connection
from django.db.models import QuerySet

from tracker.merge import merge_window_days
from tracker.models import Claim, Claimant, ClaimSource

# The rule in plain words, shown on the methodology page; credibility_assess implements it.
RULES: list[tuple[int, str]] = [
    (1, "Confirmed: an official claimant of another country (graded A–C) agrees, or two or "
     "more independent claimants or outlets agree, and nobody contradicts it."),
    (2, "Probably true: one independent claimant or outlet agrees, nobody contradicts it."),
    (3, "Possibly true: some independent claimants agree and others contradict it."),
    (4, "Doubtful: one independent claimant of known reliability contradicts it, none agrees."),
    (5, "Improbable: two or more contradict it, none agrees."),
    (6, "Cannot be judged: nothing to compare it with."),
]  # fmt: skip

TOLERANCE = 0.10  # an estimate stands for ±10% of itself
FAR = 1.5  # ranges further apart than this factor contradict
OFFICIAL_KINDS = frozenset({"military", "intelligence", "government", "international"})
KNOWN_RELIABILITY = frozenset("ABCD")
BOUNDS = frozenset({"at_least", "more_than", "up_to", "fewer_than"})
# Figures move: only a claim made within this many days of another can contradict it.
CONTRADICTION_DAYS = 7
# At most this many pending suggestions are recomputed when one claim arrives (nearest first).
MAX_REFRESH = 200


@dataclass
class Assessment:
    """A suggested credibility with the claims that decided it."""

    grade: int
    agreeing: list[int] = field(default_factory=list)
    contradicting: list[int] = field(default_factory=list)
    reason: str = "Nothing to compare it with."


def figure_range(low, best, high) -> tuple[float, float] | None:
    """The range a figure allows: 'more than 1,000' → (1000, ∞), 'up to 50' → (0, 50),
    'about 1,100' → (1100, 1100); None without a number."""
    if low is None and best is None and high is None:
        return None
    lo = low if low is not None else (best if best is not None else 0.0)
    hi = high if high is not None else (best if best is not None else math.inf)
    return float(lo), float(hi)


def ranges_agree(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Overlap once each end is widened by TOLERANCE."""
    (a_low, a_high), (b_low, b_high) = widened(a), widened(b)
    return a_low <= b_high and b_low <= a_high


def widened(figure: tuple[float, float]) -> tuple[float, float]:
    """A range with each end widened by TOLERANCE (ranges_agree compares these)."""
    return figure[0] * (1 - TOLERANCE), figure[1] * (1 + TOLERANCE)


def ranges_contradict(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """The nearer ends are more than FAR apart."""
    upper, lower = max(a[0], b[0]), min(a[1], b[1])
    return upper > FAR * lower


@dataclass(frozen=True)
class ClaimFacts:
    """What the rule reads of one claim (loaded in one query for a whole window)."""

    pk: int
    claim_date: date
    status: str
    suggested: bool
    figure: tuple[float, float] | None
    vague: bool  # "thousands of": too vague to confirm or contradict anything
    bound: bool  # "more than", "at least", "up to", "fewer than": not an estimate
    voice: frozenset  # {("claimant", id)} or {("outlet", id), ...}
    reliability: str  # the voice's: claimant's grade, or the best of its outlets'
    country: str
    official: bool
    credibility: int | None = None  # the grade stored now


_FACT_FIELDS = (
    "pk", "claim_date", "status", "credibility_suggested", "qualifier", "norm_low", "norm_best",
    "norm_high", "reliability", "claimant_id", "claimant__reliability", "claimant__country",
    "claimant__kind", "credibility",
)  # fmt: skip
_SERIES_FIELDS = ("category", "subtype", "norm_unit", "measure")  # what series_claims matches


def claim_facts(claims: QuerySet[Claim]) -> list[ClaimFacts]:
    """ClaimFacts of `claims`, in two queries (claims, then outlets of claimless ones)."""
    return _facts(list(claims.order_by("claim_date", "pk").values_list(*_FACT_FIELDS)))


def series_facts(claims: list[Claim], *, days: int) -> list[list[ClaimFacts]]:
    """For each of `claims`, each of another series: claim_facts(series_claims(claim,
    days=days)), all read in one query (and one for the outlets of claimless claims).

    Every new pending claim of an article asks this, so the query is written out (the same
    as `Claim.objects.filter(<series and window of each claim, or'ed>).exclude(status=
    rejected).order_by("claim_date", "pk").values_list(*_FACT_FIELDS, *_SERIES_FIELDS)`):
    building it with the ORM cost more CPU than reading its rows."""
    if len({_series_of(c) for c in claims}) != len(claims):
        raise ValueError("series_facts reads claims of distinct series")
    if not claims:
        return []
    window = timedelta(days=days)
    params: list = []
    for claim in claims:
        params += [*_series_of(claim), claim.claim_date - window, claim.claim_date + window]
    params.append(Claim.Status.REJECTED)
    with connection.cursor() as cursor:
        cursor.execute(_series_facts_sql(len(claims)), params)
        rows = cursor.fetchall()
    facts = dict(zip((_series_of(c) for c in claims), ([] for _ in claims), strict=True))
    series_at = len(_FACT_FIELDS)  # the series fields follow the facts' in each row
    for row, fact in zip(rows, _facts(rows), strict=True):
        facts[tuple(row[series_at:])].append(fact)
    return list(facts.values())


@functools.cache
def _series_facts_sql(n_series: int) -> str:
    """series_facts' query for `n_series` series (placeholders: each series' four fields and
    its first and last date, then the status left out)."""
    name = connection.ops.quote_name
    claim_table, claimant_table = name(Claim._meta.db_table), name(Claimant._meta.db_table)

    def column(field: str) -> str:
        if field == "pk":
            return f"c.{name(Claim._meta.pk.column)}"
        if field.startswith("claimant__"):
            return f"k.{name(Claimant._meta.get_field(field.split('__', 1)[1]).column)}"
        return f"c.{name(Claim._meta.get_field(field.removesuffix('_id')).column)}"

    claimant_id = f"c.{name(Claim._meta.get_field('claimant').column)}"
    series = " AND ".join(f"{column(f)} = %s" for f in _SERIES_FIELDS)
    one = f"({series} AND {column('claim_date')} BETWEEN %s AND %s)"
    return (
        f"SELECT {', '.join(column(f) for f in (*_FACT_FIELDS, *_SERIES_FIELDS))} "
        f"FROM {claim_table} c LEFT OUTER JOIN {claimant_table} k "
        f"ON k.{name(Claimant._meta.pk.column)} = {claimant_id} "
        f"WHERE ({' OR '.join([one] * n_series)}) AND {column('status')} <> %s "
        f"ORDER BY {column('claim_date')} ASC, {column('pk')} ASC"
    )


def _series_of(claim: Claim) -> tuple:
    return tuple(getattr(claim, name) for name in _SERIES_FIELDS)


def _facts(rows: list[tuple]) -> list[ClaimFacts]:
    """ClaimFacts of rows of _FACT_FIELDS (values_list, in that order; more may follow)."""
    at = _FACT_FIELDS.index("claimant_id")
    claimless = [r[0] for r in rows if r[at] is None]
    outlets: dict[int, dict[int, str]] = {}
    if claimless:
        printed = ClaimSource.objects.filter(
            claim_id__in=claimless, article__outlet__isnull=False
        ).values_list("claim_id", "article__outlet_id", "article__outlet__reliability")
        for claim_id, outlet_id, grade in printed:
            outlets.setdefault(claim_id, {})[outlet_id] = grade
    facts = []
    claimant_voices: dict[int, frozenset] = {}  # one voice per claimant, shared by its claims
    for (
        pk, claim_date, status, suggested, qualifier, norm_low, norm_best, norm_high,
        reliability, claimant_id, claimant_reliability, claimant_country, claimant_kind,
        credibility, *_,
    ) in rows:  # fmt: skip
        if claimant_id is not None:
            voice = claimant_voices.get(claimant_id)
            if voice is None:
                voice = claimant_voices[claimant_id] = frozenset({("claimant", claimant_id)})
            grade = claimant_reliability
            country = (claimant_country or "").strip().lower()
            official = claimant_kind in OFFICIAL_KINDS
        else:
            printed_by = outlets.get(pk, {})
            voice = frozenset(("outlet", o) for o in printed_by)
            grade = min(printed_by.values(), default=reliability)
            country, official = "", False
        # ClaimFacts(pk=pk, …) without the frozen dataclass's __init__ (one object.__setattr__
        # per field: half the cost of reading a series' rows); the same object, still frozen.
        fact = _new(ClaimFacts)
        _setattr(
            fact,
            "__dict__",
            {
                "pk": pk,
                "claim_date": claim_date,
                "status": status,
                "suggested": suggested,
                "figure": figure_range(norm_low, norm_best, norm_high),
                "vague": qualifier == "vague",
                "bound": qualifier in BOUNDS,
                "voice": voice,
                "reliability": grade,
                "country": country,
                "official": official,
                "credibility": credibility,
            },
        )
        facts.append(fact)
    return facts


_new, _setattr = object.__new__, object.__setattr__


def series_claims(claim: Claim, *, days: int) -> QuerySet[Claim]:
    """Claims of `claim`'s series and measure, not rejected, within `days` of its date
    (itself included)."""
    window = timedelta(days=days)
    return Claim.objects.filter(
        category=claim.category,
        subtype=claim.subtype,
        norm_unit=claim.norm_unit,
        measure=claim.measure,
        claim_date__range=(claim.claim_date - window, claim.claim_date + window),
    ).exclude(status=Claim.Status.REJECTED)


def numberless_can_agree(category: str, subtype: str) -> bool:
    """Two claims without a number agree only where the subtype names one thing ("in combat",
    "rocket launchers"), not in catch-alls ("other", "other weapons")."""
    return category != "other" and subtype != "other_weapons"


class Voices:
    """The claims that can confirm or contradict others (not vague, with a voice that counts:
    not graded E), grouped by voice in their order: assessing many claims of one window
    (`claim_credibility_refresh`) skips a voice shared with the claim at once, not claim by
    claim. When the claims come in date order (as `claim_facts` and `series_facts` read them),
    `assess` reads only the claims of a group within the window of the claim it judges (two
    bisections) instead of every claim of the group: a refresh judges up to MAX_REFRESH claims
    against a window that holds thousands at a million claims."""

    def __init__(self, facts: list[ClaimFacts]) -> None:
        # voice -> (position, claim, its day as an ordinal, its figure widened or None)
        self.groups: dict[frozenset, list[tuple[int, ClaimFacts, int, tuple | None]]] = {}
        days = [f.claim_date.toordinal() for f in facts]
        for at, other in enumerate(facts):
            if not other.vague and other.voice and other.reliability != "E":
                figure = None if other.figure is None else widened(other.figure)
                self.groups.setdefault(other.voice, []).append((at, other, days[at], figure))
        # In date order (as claim_facts and series_facts read them), a group's claims within a
        # window are a run of it, found by bisecting on their day.
        self.in_date_order = all(a <= b for a, b in zip(days, days[1:], strict=False))

    def around(self, voice: frozenset, day: int, window: int) -> list[tuple]:
        """The members of `voice`'s group (as in `groups`) whose day lies within `window` days
        of `day`, in their order; all of them when the facts were not in date order."""
        members = self.groups[voice]
        if not self.in_date_order:
            return members
        first = bisect_left(members, day - window, key=_day)
        return members[first : bisect_right(members, day + window, lo=first, key=_day)]


_day = itemgetter(2)  # a member's day (Voices.groups)


def assess(
    me: ClaimFacts,
    others: list[ClaimFacts] | Voices,
    *,
    claim: Claim,
    window: timedelta | None = None,
    grade_only: bool = False,
) -> Assessment:
    """The rule on loaded facts for a claim of `claim`'s series: `others` are the claims around
    it (any order; `me` and rows outside the window are skipped), or `Voices` of them.
    `window`: the merge window (merge_window_days), when the caller read it once for many.
    `grade_only`: for a caller that reads the grade alone (the refresh): stop comparing once a
    voice agrees and another contradicts, which makes it 3 whatever follows; the claims named
    behind it may then be fewer."""
    measure = claim.measure
    numberless = numberless_can_agree(claim.category, claim.subtype)
    window = timedelta(days=merge_window_days()) if window is None else window
    if me.vague:
        return Assessment(6, reason="Too vague to compare (“thousands of”).")
    voices = others if isinstance(others, Voices) else Voices(others)
    # voice -> (position in `others`, the first claim of that voice that agrees / contradicts)
    agreeing: dict[frozenset, tuple[int, ClaimFacts]] = {}
    contradicting: dict[frozenset, tuple[int, ClaimFacts]] = {}
    my_voice, my_day, window_days = me.voice, me.claim_date.toordinal(), window.days
    mine = None if me.figure is None else widened(me.figure)
    # A voice is settled once it has agreed and contradicted (or agreed, where nothing can
    # contradict): its later claims change neither, as only its first of each counts.
    can_contradict = measure == "cumulative" and mine is not None
    # A claim the article asserts itself, printed by several outlets: each further outlet agrees.
    own_agree = max(0, sum(1 for kind, _ in me.voice if kind == "outlet") - 1)
    for voice in voices.groups:
        if grade_only and contradicting and (agreeing or own_agree):
            break  # agreed and contradicted: 3, as below
        if not my_voice.isdisjoint(voice):
            continue  # not independent
        for at, other, day, theirs in voices.around(voice, my_day, window_days):
            apart = abs(day - my_day)  # days
            if apart > window_days or other.pk == me.pk:
                continue
            if mine is None or theirs is None:
                if mine is None and theirs is None and numberless:
                    agreeing.setdefault(voice, (at, other))
                    break  # settled: a claim without a number contradicts nothing
                continue
            if mine[0] <= theirs[1] and theirs[0] <= mine[1]:  # ranges_agree
                if not (me.bound and other.bound):  # two bounds agree on too little
                    agreeing.setdefault(voice, (at, other))
                    if not can_contradict or voice in contradicting:
                        break
            elif (
                can_contradict
                and apart <= CONTRADICTION_DAYS
                and other.reliability in KNOWN_RELIABILITY
                and ranges_contradict(me.figure, other.figure)
            ):
                contradicting.setdefault(voice, (at, other))
                if voice in agreeing:
                    break
    if not agreeing and not contradicting and len(me.voice) <= 1:
        return Assessment(6)  # nobody agrees or contradicts, no further outlet: as below
    # In the order of `others` (the first claim of each voice), as one pass over it finds them.
    agreeing = {v: o for v, (_, o) in sorted(agreeing.items(), key=lambda kv: kv[1][0])}
    contradicting = {v: o for v, (_, o) in sorted(contradicting.items(), key=lambda kv: kv[1][0])}
    n_agree = len(agreeing) + own_agree
    n_contra = len(contradicting)
    official_abroad = any(
        o.official and o.reliability in ("A", "B", "C") and o.country and me.country
        and o.country != me.country
        for o in agreeing.values()
    )  # fmt: skip
    agree_ids = [o.pk for o in agreeing.values()]
    contra_ids = [o.pk for o in contradicting.values()]
    if n_agree and n_contra:
        grade, reason = 3, "Agreed by some independent claimants and contradicted by others."
    elif n_contra:
        grade = 5 if n_contra >= 2 else 4
        reason = f"Contradicted by {n_contra} independent claimant(s), agreed by none."
    elif n_agree >= 2 or official_abroad:
        grade = 1
        reason = (
            "Confirmed by an official claimant of another country."
            if official_abroad
            else f"Agreed by {n_agree} independent claimants or outlets."
        )
    elif n_agree == 1:
        grade, reason = 2, "Agreed by one independent claimant or outlet."
    else:
        return Assessment(6)
    return Assessment(grade, agree_ids, contra_ids, reason)


def credibility_assess(claim: Claim) -> Assessment:
    """The credibility the evidence suggests for `claim`, with the claims behind it."""
    facts = claim_facts(series_claims(claim, days=merge_window_days()))
    me = next((f for f in facts if f.pk == claim.pk), None)
    if me is None:  # a rejected claim, or one not saved: judge it as it stands
        facts += claim_facts(Claim.objects.filter(pk=claim.pk))
        me = next((f for f in facts if f.pk == claim.pk), None)
    if me is None:
        return Assessment(6)
    return assess(me, facts, claim=claim)


def credibility_suggest(claim: Claim) -> int:
    """The suggested credibility (1–6) of `claim`; 6 when there is nothing to compare."""
    return credibility_assess(claim).grade
