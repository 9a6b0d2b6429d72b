"""Suggested credibility (Admiralty 1–6) for extracted claims, from corroboration.

The rule, as the methodology page and docs/credibility.md state it:

- A claim is compared with the other claims of its series (same category, subtype, normalised
  unit and measure), not rejected, whose claim date lies within the merge window
  (`CLAIM_MERGE_WINDOW_DAYS`, default 30 days) of its own.
- Only *independent voices* count: a claim's voice is its claimant, or, when the article
  asserts it itself, the outlets that printed it. Two claims are independent when their voices
  differ. A claim with no claimant printed by several outlets has that many voices.
- Two figures **agree** when their ranges overlap once each estimate is given 10% either side
  ("more than 1,000" agrees with "about 1,100"; 1,100 agrees with 1,050). Two claims without a
  number agree (they assert the same thing).
- A figure **contradicts** when the nearer ends of the two ranges are more than 1.5 times
  apart (about 3,000 against more than 10,000). Only running figures (cumulative) can
  contradict: two shipments of different size are two shipments.
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

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from tracker.models import Claim

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


def merge_window_days() -> int:
    return int(getattr(settings, "CLAIM_MERGE_WINDOW_DAYS", 30))


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
    return a[0] * (1 - TOLERANCE) <= b[1] * (1 + TOLERANCE) and b[0] * (1 - TOLERANCE) <= a[1] * (
        1 + TOLERANCE
    )


def ranges_contradict(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """The nearer ends are more than FAR apart."""
    upper, lower = max(a[0], b[0]), min(a[1], b[1])
    return upper > FAR * lower


@dataclass(frozen=True)
class _Voice:
    keys: frozenset  # ("claimant", id) or ("outlet", id)
    reliability: str
    country: str
    official: bool


def _voices(claims: list[Claim]) -> dict[int, _Voice]:
    voices = {}
    for claim in claims:
        claimant = claim.claimant
        if claimant is not None:
            voices[claim.pk] = _Voice(
                frozenset({("claimant", claimant.pk)}),
                claimant.reliability,
                (claimant.country or "").strip().lower(),
                claimant.kind in OFFICIAL_KINDS,
            )
            continue
        outlets = {s.article.outlet for s in claim.sources.all() if s.article.outlet_id}
        keys = frozenset(("outlet", o.pk) for o in outlets)
        best = min((o.reliability for o in outlets), default=claim.reliability)
        voices[claim.pk] = _Voice(keys, best, "", False)
    return voices


def claims_compared_with(claim: Claim) -> list[Claim]:
    """The claims `claim` is compared with: same series and measure, not rejected, claim dates
    within the merge window."""
    window = timedelta(days=merge_window_days())
    return list(
        Claim.objects.filter(
            category=claim.category,
            subtype=claim.subtype,
            norm_unit=claim.norm_unit,
            measure=claim.measure,
            claim_date__range=(claim.claim_date - window, claim.claim_date + window),
        )
        .exclude(Q(pk=claim.pk) | Q(status=Claim.Status.REJECTED))
        .select_related("claimant")
        .prefetch_related("sources__article__outlet")
        .order_by("claim_date", "pk")
    )


def credibility_assess(claim: Claim) -> Assessment:
    """The credibility the evidence suggests for `claim`, with the claims behind it."""
    others = claims_compared_with(claim)
    own = _voices([claim])[claim.pk]
    voices = _voices(others)
    mine = figure_range(claim.norm_low, claim.norm_best, claim.norm_high)
    agreeing: dict[frozenset, Claim] = {}
    contradicting: dict[frozenset, Claim] = {}
    for other in others:
        voice = voices[other.pk]
        if not voice.keys or voice.keys & own.keys or voice.reliability == "E":
            continue  # not independent, or a voice that counts for nothing
        theirs = figure_range(other.norm_low, other.norm_best, other.norm_high)
        if mine is None or theirs is None:
            if mine is None and theirs is None:
                agreeing.setdefault(voice.keys, other)
            continue
        if ranges_agree(mine, theirs):
            agreeing.setdefault(voice.keys, other)
        elif (
            claim.measure == "cumulative"
            and voice.reliability in KNOWN_RELIABILITY
            and ranges_contradict(mine, theirs)
        ):
            contradicting.setdefault(voice.keys, other)
    # A claim the article asserts itself, printed by several outlets: each further outlet agrees.
    extra_outlets = max(0, len(own.keys) - 1) if claim.claimant_id is None else 0
    n_agree = len(agreeing) + extra_outlets
    n_contra = len(contradicting)
    official_abroad = any(
        voices[c.pk].official
        and voices[c.pk].reliability in "ABC"
        and voices[c.pk].country
        and own.country
        and voices[c.pk].country != own.country
        for c in agreeing.values()
    )
    agree_ids = [c.pk for c in agreeing.values()]
    contra_ids = [c.pk for c in contradicting.values()]
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


def credibility_suggest(claim: Claim) -> int:
    """The suggested credibility (1–6) of `claim`; 6 when there is nothing to compare."""
    return credibility_assess(claim).grade
