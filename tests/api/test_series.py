"""/api/v1/series/ on a hand-made set whose answer is worked out here, step by step."""

import datetime as dt

import pytest

from tests.factories import ClaimantFactory, ClaimFactory
from tracker.models import ClaimRelation
from tracker.series import SeriesQuery, series_build

pytestmark = pytest.mark.django_db
D = dt.date
# Judged as of the end of January 2025: every estimate below is then current (fresh).
CASUALTIES = "/api/v1/series/?category=casualties&subtype=killed_or_wounded&on=2025-01-31"


@pytest.fixture
def cumulative():
    jcs = ClaimantFactory(name="JCS", reliability="B")
    gur = ClaimantFactory(name="GUR", reliability="C")

    def claim(who, day, **fig):
        grade = {"reliability": "B", "credibility": 2} if who is jcs else {
            "reliability": "C", "credibility": 3
        }  # fmt: skip
        fig.setdefault("best", None)
        return ClaimFactory(claimant=who, claim_date=day, **grade, **fig)

    jcs_1 = claim(jcs, D(2024, 12, 1), best=100)  # high confidence
    gur_1 = claim(gur, D(2024, 12, 10), low=200, high=400, qualifier="range")  # moderate
    old = claim(jcs, D(2024, 12, 15), best=999)
    jcs_2 = claim(jcs, D(2024, 12, 20), low=1000, best=1100, high=1200)
    ClaimRelation.objects.create(from_claim=jcs_2, to_claim=old, kind="supersedes")
    gur_2 = claim(gur, D(2024, 12, 25), low=3000, qualifier="at_least")
    pending = claim(jcs, D(2024, 12, 30), best=5000, status="pending")
    return locals()


def test_cumulative_steps_headline_and_band(anon_api, cumulative):
    c = cumulative
    series = anon_api.get(CASUALTIES).json()
    assert series["unit"] == "troops"
    lines = {line["claimant"]: line["points"] for line in series["cumulative"]["claimants"]}
    # Superseded (999) and pending (5000) claims are not drawn.
    assert [(p["date"], p["value"]) for p in lines["JCS"]] == [
        ("2024-12-01", 100), ("2024-12-20", 1100)
    ]  # fmt: skip
    # GUR: the midpoint of 200–400, then "at least 3,000" drawn as a lower bound.
    assert [(p["date"], p["value"], p["bound"]) for p in lines["GUR"]] == [
        ("2024-12-10", 300, None), ("2024-12-25", 3000, "lower")
    ]  # fmt: skip
    # Headline: JCS (high confidence) beats GUR (moderate) even when GUR says more, later.
    headline = [(s["date"], s["value"], s["claim_id"]) for s in series["cumulative"]["headline"]]
    assert headline == [("2024-12-01", 100, c["jcs_1"].pk), ("2024-12-20", 1100, c["jcs_2"].pk)]
    assert series["latest_headline"]["value"] == 1100
    assert series["latest_headline"]["claimant"] == "JCS"
    # Band across claimants' latest estimates (low, value, high of each).
    band = [(b["date"], b["min"], b["max"], b["claimants"]) for b in series["cumulative"]["band"]]
    assert band == [
        ("2024-12-01", 100, 100, 1),
        ("2024-12-10", 100, 400, 2),
        ("2024-12-20", 200, 1200, 2),
        ("2024-12-25", 1000, 3000, 2),
    ]


def test_pending_claims_count_only_for_editors_who_ask(anon_api, editor_api, cumulative):
    asked = "&include_pending=true"
    public = anon_api.get(CASUALTIES + asked).json()
    assert public["latest_headline"]["value"] == 1100
    editor = editor_api.get(CASUALTIES + asked).json()
    assert editor["latest_headline"]["value"] == 5000
    assert editor["latest_headline"]["claim_id"] == cumulative["pending"].pk
    assert editor_api.get(CASUALTIES).json()["latest_headline"]["value"] == 1100


def test_filters_narrow_the_series(anon_api, cumulative):
    only_high = anon_api.get(CASUALTIES + "&min_confidence=high").json()
    assert [line["claimant"] for line in only_high["cumulative"]["claimants"]] == ["JCS"]
    gur = cumulative["gur"].pk
    only_gur = anon_api.get(CASUALTIES + f"&claimant={gur}").json()
    assert only_gur["latest_headline"]["value"] == 3000
    assert only_gur["latest_headline"]["bound"] == "lower"
    early = anon_api.get(CASUALTIES + "&date_to=2024-12-10").json()
    assert early["latest_headline"]["value"] == 100


def test_equal_trust_headline_goes_to_the_most_recent(anon_api):
    x, y = ClaimantFactory(name="X"), ClaimantFactory(name="Y")
    ClaimFactory(claimant=x, claim_date=D(2025, 1, 1), best=500)
    ClaimFactory(claimant=y, claim_date=D(2025, 1, 5), best=600)
    ClaimFactory(claimant=x, claim_date=D(2025, 1, 9), best=550)
    series = anon_api.get(CASUALTIES).json()
    assert [(s["date"], s["value"]) for s in series["cumulative"]["headline"]] == [
        ("2025-01-01", 500), ("2025-01-05", 600), ("2025-01-09", 550)
    ]  # fmt: skip


def test_increments_are_summed_once_per_event(anon_api):
    jcs, gur = ClaimantFactory(name="JCS"), ClaimantFactory(name="GUR")
    shipment = {"category": "arms_transfer", "subtype": "containers", "unit": "containers"}
    shipment |= {"measure": "increment", "qualifier": "approximately"}
    ClaimFactory(
        claimant=gur, claim_date=D(2024, 10, 2), period_end=D(2024, 9, 30), best=1000, **shipment
    )
    gur_2000 = ClaimFactory(claimant=gur, claim_date=D(2024, 10, 31), best=2000, **shipment)
    # The same shipment reported by JCS, and recorded as corroborating GUR's: one event,
    # counted once in the combined line (the relation says so, not the equal date and figure).
    jcs_2000 = ClaimFactory(claimant=jcs, claim_date=D(2024, 10, 31), best=2000, **shipment)
    ClaimRelation.objects.create(from_claim=jcs_2000, to_claim=gur_2000, kind="corroborates")
    ClaimFactory(claimant=jcs, claim_date=D(2024, 11, 30), best=9999, status="pending", **shipment)
    series = anon_api.get("/api/v1/series/?category=arms_transfer&subtype=containers").json()
    increments = series["increments"]
    assert increments["total"] == 3000
    combined = [(p["date"], p["value"], p["running_total"]) for p in increments["combined"]]
    assert combined == [("2024-09-30", 1000, 1000), ("2024-10-31", 2000, 3000)]
    lines = {line["claimant"]: line["points"] for line in increments["claimants"]}
    assert [p["running_total"] for p in lines["GUR"]] == [1000, 3000]
    assert [p["running_total"] for p in lines["JCS"]] == [2000]
    assert series["cumulative"]["headline"] == []


def test_the_api_returns_what_the_dashboard_function_returns(anon_api, cumulative):
    query = SeriesQuery(category="casualties", subtype="killed_or_wounded", as_of=D(2025, 1, 31))
    expected = series_build(query)  # no base: approved only, as for anonymous callers
    assert anon_api.get(CASUALTIES).json() == expected


def test_bad_series_queries_are_400(anon_api):
    assert anon_api.get("/api/v1/series/").status_code == 400
    assert anon_api.get("/api/v1/series/?category=casualties&subtype=drones").status_code == 400
    bad_date = CASUALTIES + "&date_from=soon"
    assert anon_api.get(bad_date).status_code == 400


def test_empty_series_is_well_formed(anon_api):
    series = anon_api.get(CASUALTIES).json()
    assert series["latest_headline"] is None
    assert series["cumulative"] == {"claimants": [], "headline": [], "band": []}
    assert series["increments"]["total"] == 0


def _reference_headline(claims, *, window=180, until=None):
    """The headline rule (tracker.series.HEADLINE_RULE) written the slow, obvious way: on every
    claim date and every day an estimate goes stale (up to `until`), every claimant's latest
    estimate so far (one per day: the later claim); the current ones (at most `window` days
    old), else the most recent; the most trusted (confidence, reliability, credibility, date);
    a bound gives way to the most trusted estimate of the same or better trust that it agrees
    with (among the current ones, else among all)."""
    from tracker import trust
    from tracker.series import RELIABILITY_RANK, point_value

    until = until or dt.date.today()
    expiries = {c.claim_date + dt.timedelta(days=window + 1) for c in claims}
    days = sorted({c.claim_date for c in claims} | {d for d in expiries if d <= until})

    def rank(c):
        return (
            trust.CONFIDENCE_RANK[c.confidence], RELIABILITY_RANK[c.reliability], -c.credibility
        )  # fmt: skip

    def key(c):
        return (*rank(c), c.claim_date, c.pk)

    steps, last = [], None
    for day in days:
        latest = {}
        for c in sorted(claims, key=lambda c: (c.claim_date, c.pk)):
            if c.claim_date <= day:
                latest[c.claimant_id] = c
        fresh = [c for c in latest.values() if (day - c.claim_date).days <= window]
        newest = max(c.claim_date for c in latest.values())
        pool = fresh or list(latest.values())
        top = max(fresh or [c for c in pool if c.claim_date == newest], key=key)
        value, bound = point_value(top.low, top.best, top.high)
        if bound:
            agreeing = []
            for c in pool:
                v, b = point_value(c.low, c.best, c.high)
                agrees = v >= value if bound == "lower" else v <= value
                if b is None and rank(c) >= rank(top) and agrees:
                    agreeing.append(c)
            if agreeing:
                top = max(agreeing, key=key)
                value = point_value(top.low, top.best, top.high)[0]
        state = (value, top.pk, not fresh)
        if state != last:
            steps.append((day.isoformat(), value, top.pk))
            last = state
    return steps


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_headline_matches_the_rule_on_random_claims(anon_api, seed):
    import random

    rng = random.Random(seed)
    claimants = [ClaimantFactory(name=f"R{seed}-{i}") for i in range(5)]
    claims = []
    for _ in range(60):
        reliability, credibility = rng.choice("ABCF"), rng.randrange(1, 7)
        figure = rng.choice(
            [
                {"best": float(rng.randrange(1, 5000))},
                {"best": None, "low": float(rng.randrange(1, 5000)), "qualifier": "more_than"},
                {"best": None, "high": float(rng.randrange(1, 5000)), "qualifier": "up_to"},
                {"best": None, "low": 1000.0, "high": float(rng.randrange(1000, 5000))},
            ]
        )
        claims.append(
            ClaimFactory(
                claimant=rng.choice(claimants),
                claim_date=D(2025, 1, 1) + dt.timedelta(days=rng.randrange(300)),
                reliability=reliability,
                credibility=credibility,
                **figure,
            )
        )
    # A 60-day window over 300 days: estimates go stale and come back all through the series.
    url = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"
    series = anon_api.get(url + "&freshness_days=60&on=2026-01-31").json()
    got = [(s["date"], s["value"], s["claim_id"]) for s in series["cumulative"]["headline"]]
    assert got == _reference_headline(claims, window=60, until=D(2026, 1, 31))
