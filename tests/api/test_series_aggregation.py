"""Dense series are aggregated (tracker.series.aggregate) without changing the headline, and the
series cache follows the data: an approval shows on the very next request."""

import datetime as dt
import random

import pytest
from django.core.cache import cache

from tests.api.test_series import _reference_headline
from tests.factories import ClaimantFactory, ClaimFactory
from tracker import cache as data_cache
from tracker import series as series_module
from tracker.series import BUCKETS, SeriesQuery, series_build

pytestmark = pytest.mark.django_db
D = dt.date
CASUALTIES = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"
QUERY = SeriesQuery(category="casualties", subtype="killed_or_wounded")


@pytest.fixture
def dense():
    """A year of claims from six claimants, cumulative and increments, ranges and bounds."""
    rng = random.Random(11)
    claimants = [ClaimantFactory(name=f"D{i}", reliability="ABCDEF"[i]) for i in range(6)]
    claims = []
    for _ in range(400):
        day = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(365))
        figure = rng.choice(
            [
                {"best": float(rng.randrange(1, 9000))},
                {"best": None, "low": 100.0 * rng.randrange(1, 30), "high": 5000.0},
                {"best": None, "low": float(rng.randrange(1, 9000)), "qualifier": "at_least"},
            ]
        )
        claims.append(
            ClaimFactory(
                claimant=rng.choice(claimants),
                claim_date=day,
                credibility=rng.randrange(1, 7),
                **figure,
            )
        )
    for _ in range(150):
        ClaimFactory(
            claimant=rng.choice(claimants),
            claim_date=D(2024, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            best=float(rng.randrange(1, 50)),
            measure="increment",
        )
    return claims


def _build(monkeypatch, max_points):
    monkeypatch.setattr(series_module, "MAX_POINTS", max_points)
    return series_build(QUERY)


def _points(series):
    cumulative, increments = series["cumulative"], series["increments"]
    return (
        sum(len(line["points"]) for line in cumulative["claimants"])
        + len(cumulative["headline"])
        + len(cumulative["band"])
        + sum(len(line["points"]) for line in increments["claimants"])
        + len(increments["combined"])
    )


def test_aggregated_series_keep_the_headline_cap_the_points_and_band_every_daily_value(
    monkeypatch, dense
):
    # One set of 550 claims for every cap (building it is the slow part).
    daily = _build(monkeypatch, 100_000)
    assert daily["aggregated"]["bucket"] == "day"
    assert _points(daily) == daily["aggregated"]["points"] > 600
    # The daily headline is the rule itself, computed on every claim.
    got = [(s["date"], s["value"], s["claim_id"]) for s in daily["cumulative"]["headline"]]
    assert got == _reference_headline([c for c in dense])
    for cap in (600, 200, 40):
        agg = _build(monkeypatch, cap)
        _assert_keeps_the_headline_and_caps_the_points(daily, agg, cap)
        _assert_bands_cover_every_daily_value(daily, agg)


def _assert_keeps_the_headline_and_caps_the_points(daily: dict, agg: dict, cap: int) -> None:
    info = agg["aggregated"]
    assert info["bucket"] in BUCKETS
    assert info["claims"] == 550
    # (On PostgreSQL dense increments come summed per claimant and day: fewer daily points.)
    assert info["points"] <= info["points_daily"] <= _points(daily)
    assert info["points"] == _points(agg)
    if info["bucket"] != "year":
        assert info["points"] <= cap
    # Exactly the same latest headline, and headline steps are daily steps (the bucket's last).
    assert agg["latest_headline"] == daily["latest_headline"]
    daily_steps = daily["cumulative"]["headline"]
    assert all(step in daily_steps for step in agg["cumulative"]["headline"])
    assert agg["cumulative"]["headline"][-1] == daily_steps[-1]
    # Increments: the same totals, the same final running totals per claimant.
    assert agg["increments"]["total"] == daily["increments"]["total"]
    assert sum(p["value"] for p in agg["increments"]["combined"]) == pytest.approx(
        daily["increments"]["total"]
    )
    assert agg["increments"]["combined"][-1] == {
        **daily["increments"]["combined"][-1],
        "value": agg["increments"]["combined"][-1]["value"],
    }
    for a, d in zip(agg["increments"]["claimants"], daily["increments"]["claimants"], strict=True):
        assert a["points"][-1]["running_total"] == d["points"][-1]["running_total"]
        assert sum(p["bucket_points"] for p in a["points"]) == len(d["points"])


def _assert_bands_cover_every_daily_value(daily: dict, agg: dict) -> None:
    key = BUCKETS[agg["aggregated"]["bucket"]]
    for a_line, d_line in zip(
        agg["cumulative"]["claimants"], daily["cumulative"]["claimants"], strict=True
    ):
        by_bucket = {key(p["date"]): p for p in a_line["points"]}
        assert len(by_bucket) == len(a_line["points"])  # one point per claimant per bucket
        for point in d_line["points"]:
            kept = by_bucket[key(point["date"])]
            assert kept["date"] >= point["date"]
            low = point["value"] if point["low"] is None else point["low"]
            high = point["value"] if point["high"] is None else point["high"]
            assert kept["band_low"] <= low <= point["value"] <= high <= kept["band_high"]
        # The kept estimate is the bucket's last one, unchanged.
        last = {key(p["date"]): p for p in d_line["points"]}
        for bucket, kept in by_bucket.items():
            expected = {**last[bucket]}
            assert {k: kept[k] for k in expected} == expected
    band = {key(b["date"]): b for b in agg["cumulative"]["band"]}
    for b in daily["cumulative"]["band"]:
        kept = band[key(b["date"])]
        assert kept["min"] <= b["min"] <= b["max"] <= kept["max"]


def test_sparse_series_is_not_aggregated(anon_api):
    ClaimFactory(best=100, claim_date=D(2024, 12, 1))
    series = anon_api.get(CASUALTIES + "&on=2025-01-31").json()
    assert series["aggregated"] == {
        "bucket": "day",
        "max_points": series_module.MAX_POINTS,
        "points": 3,  # one step, one headline step, one band point
        "points_daily": 3,
        "claims": 1,
    }
    assert "band_low" not in series["cumulative"]["claimants"][0]["points"][0]


def test_approving_a_claim_changes_the_next_series_response(anon_api, editor_api):
    ClaimFactory(best=100, claim_date=D(2024, 12, 1))
    pending = ClaimFactory(best=900, claim_date=D(2024, 12, 5), status="pending")
    assert anon_api.get(CASUALTIES).json()["latest_headline"]["value"] == 100
    assert anon_api.get(CASUALTIES).json()["latest_headline"]["value"] == 100  # cached
    assert editor_api.post(f"/api/v1/claims/{pending.pk}/approve").status_code == 200
    assert anon_api.get(CASUALTIES).json()["latest_headline"]["value"] == 900


def test_series_is_served_from_the_cache_until_the_data_changes(anon_api, monkeypatch):
    ClaimFactory(best=100, claim_date=D(2024, 12, 1))
    calls = []
    real = series_module.series_build
    monkeypatch.setattr(
        series_module, "series_build", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    anon_api.get(CASUALTIES)
    anon_api.get(CASUALTIES)
    assert len(calls) == 1
    ClaimFactory(best=200, claim_date=D(2024, 12, 2))  # a save bumps the data version
    assert anon_api.get(CASUALTIES).json()["latest_headline"]["value"] == 200
    assert len(calls) == 2


class BrokenCache:
    """A cache whose server is down: every call raises, as django-redis does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_series_and_dashboard_are_served_uncached_when_the_cache_is_down(
    anon_api, client, monkeypatch
):
    ClaimFactory(best=100, claim_date=D(2024, 12, 1))
    monkeypatch.setattr(data_cache, "cache", BrokenCache())
    response = anon_api.get(CASUALTIES)
    assert response.status_code == 200
    assert response.json()["latest_headline"]["value"] == 100
    assert client.get("/").status_code == 200
    assert client.get("/totals/").status_code == 200
    ClaimFactory(best=200, claim_date=D(2024, 12, 2))  # the signal must not fail either
    assert anon_api.get(CASUALTIES).json()["latest_headline"]["value"] == 200


def test_the_cache_is_shared_with_the_dashboard(client, editor_client):
    ClaimFactory(best=1234, claim_date=D(2024, 12, 1))
    pending = ClaimFactory(best=5678, claim_date=D(2024, 12, 5), status="pending")
    assert "1,234" in client.get("/").content.decode()
    pending.status = "approved"
    pending.save()
    page = client.get("/").content.decode()
    assert "5,678" in page
    assert cache.get(data_cache.VERSION_PREFIX + "cat:casualties") is not None
