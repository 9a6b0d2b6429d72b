"""`credibility.assess` reads a voice's claims only within the window of the claim it judges
and stops on a voice once nothing more of it can count (and, for the refresh, which reads the
grade alone, stops once the grade is decided). These tests hold it to the plain rule:
every claim of every voice compared, on random windows of claims (dates, figures, bounds, vague
figures, claims without a number, claimants and outlets, grades A–F), in date order and not."""

from __future__ import annotations

import datetime as dt
import random
from datetime import timedelta

import pytest

from tracker import credibility
from tracker.credibility import (
    CONTRADICTION_DAYS,
    KNOWN_RELIABILITY,
    OFFICIAL_KINDS,
    Assessment,
    ClaimFacts,
    Voices,
    assess,
    figure_range,
    numberless_can_agree,
    ranges_agree,
    ranges_contradict,
)
from tracker.models import Claim


def plain_assess(me: ClaimFacts, others: list[ClaimFacts], *, claim: Claim, window: timedelta):
    """The rule as the methodology page states it, with no shortcut: every other claim looked
    at, the first of each independent voice that agrees and that contradicts kept."""
    if me.vague:
        return Assessment(6, reason="Too vague to compare (“thousands of”).")
    numberless = numberless_can_agree(claim.category, claim.subtype)
    agreeing: dict[frozenset, ClaimFacts] = {}
    contradicting: dict[frozenset, ClaimFacts] = {}
    for other in others:
        if other.vague or not other.voice or other.reliability == "E":
            continue  # counts for nothing
        if not me.voice.isdisjoint(other.voice):
            continue  # not independent
        apart = abs(other.claim_date - me.claim_date)
        if other.pk == me.pk or apart > window:
            continue
        if me.figure is None or other.figure is None:
            if me.figure is None and other.figure is None and numberless:
                agreeing.setdefault(other.voice, other)
            continue
        if ranges_agree(me.figure, other.figure):
            if not (me.bound and other.bound):
                agreeing.setdefault(other.voice, other)
        elif (
            claim.measure == "cumulative"
            and apart <= timedelta(days=CONTRADICTION_DAYS)
            and other.reliability in KNOWN_RELIABILITY
            and ranges_contradict(me.figure, other.figure)
        ):
            contradicting.setdefault(other.voice, other)
    # The grade from what was found, as assess decides it (the counting is not what changed).
    own = sum(1 for kind, _ in me.voice if kind == "outlet")
    n_agree, n_contra = len(agreeing) + max(0, own - 1), len(contradicting)
    abroad = any(
        o.official and o.reliability in ("A", "B", "C") and o.country and me.country
        and o.country != me.country
        for o in agreeing.values()
    )  # fmt: skip
    if not (agreeing or contradicting or own > 1):
        return Assessment(6)
    grade = (
        3 if n_agree and n_contra
        else (5 if n_contra >= 2 else 4) if n_contra
        else 1 if n_agree >= 2 or abroad
        else 2 if n_agree == 1
        else 6
    )  # fmt: skip
    return grade, [o.pk for o in agreeing.values()], [o.pk for o in contradicting.values()]


def random_facts(rng: random.Random, n: int) -> list[ClaimFacts]:
    """`n` claims of one series over four months: a few claimants and outlets (some claims
    printed by several outlets), figures near one another (so that many agree and contradict),
    bounds, ranges, vague figures and claims without a number."""
    start = dt.date(2026, 7, 1)
    facts = []
    for pk in range(1, n + 1):
        qualifier = rng.choice(["exact", "approximately", "more_than", "up_to", "range", "vague"])
        best = float(rng.choice([100, 105, 120, 150, 200, 300, 1000]))
        low = high = None
        if qualifier == "range":
            low, high, best = best * 0.9, best * 1.3, None
        elif qualifier == "more_than":
            low, best = best, None
        elif qualifier == "up_to":
            high, best = best, None
        if rng.random() < 0.1:
            low = best = high = None
        if rng.random() < 0.75:
            who = rng.randrange(6)
            voice = frozenset({("claimant", who)})
            reliability, country = "ABCDEE"[who], rng.choice(["kr", "us", "ua", ""])
            official = rng.choice(sorted(OFFICIAL_KINDS) + ["media"]) in OFFICIAL_KINDS
        else:
            outlets = rng.sample(range(5), rng.choice([0, 1, 1, 2, 3]))
            voice = frozenset(("outlet", o) for o in outlets)
            reliability, country, official = rng.choice("ABCDEF"), "", False
        facts.append(
            ClaimFacts(
                pk=pk,
                claim_date=start + timedelta(days=rng.randrange(120)),
                status=rng.choice(["pending", "approved"]),
                suggested=True,
                figure=figure_range(low, best, high),
                vague=qualifier == "vague",
                bound=qualifier in credibility.BOUNDS,
                voice=voice,
                reliability=reliability,
                country=country,
                official=official,
            )
        )
    return sorted(facts, key=lambda f: (f.claim_date, f.pk))


@pytest.mark.parametrize("seed", range(40))
def test_assess_finds_what_comparing_every_claim_finds(seed):
    rng = random.Random(seed)
    facts = random_facts(rng, rng.randrange(2, 160))
    category, subtype = rng.choice([("casualties", "killed"), ("other", "other")])
    claim = Claim(
        category=category,
        subtype=subtype,
        measure=rng.choice(["cumulative", "increment"]),
        claim_date=dt.date(2026, 9, 1),
    )
    window = timedelta(days=rng.choice([7, 30]))
    shuffled = rng.sample(facts, len(facts))
    in_order, out_of_order = Voices(facts), Voices(shuffled)
    assert in_order.in_date_order and (len(facts) < 3 or not out_of_order.in_date_order)
    # Out of date order every claim is read, in the order given: the same grade, and the first
    # claim of each voice is the first in that order.
    for others, voices in ((facts, in_order), (shuffled, out_of_order)):
        for me in facts:
            expected = plain_assess(me, others, claim=claim, window=window)
            found = assess(me, voices, claim=claim, window=window)
            if isinstance(expected, Assessment):
                assert found == expected
            else:
                assert (found.grade, found.agreeing, found.contradicting) == expected
            # What the refresh asks: the grade alone, decided sooner where it can be.
            quick = assess(me, voices, claim=claim, window=window, grade_only=True)
            assert (quick.grade, quick.reason) == (found.grade, found.reason)


def test_a_window_of_claims_is_read_by_date_not_whole():
    """A claim is compared with its own voice's claims within the window only: a claimant's
    claim ten weeks away neither agrees nor contradicts, however many there are."""
    base = dt.date(2026, 9, 1)

    def fact(pk, day, who, figure):
        return ClaimFacts(
            pk=pk, claim_date=base + timedelta(days=day), status="pending", suggested=True,
            figure=(figure, figure), vague=False, bound=False,
            voice=frozenset({("claimant", who)}), reliability="B", country="kr",
            official=False,
        )  # fmt: skip

    far = [fact(pk, -70, 2, 1000.0) for pk in range(10, 60)]
    near = [fact(2, 3, 3, 1020.0)]
    me = fact(1, 0, 1, 1000.0)
    voices = Voices(sorted([*far, me, *near], key=lambda f: (f.claim_date, f.pk)))
    assert [
        m[1].pk for m in voices.around(frozenset({("claimant", 2)}), base.toordinal(), 30)
    ] == []
    claim = Claim(category="casualties", subtype="killed", measure="cumulative", claim_date=base)
    found = assess(me, voices, claim=claim, window=timedelta(days=30))
    assert (found.grade, found.agreeing) == (2, [2])
