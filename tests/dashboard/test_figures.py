"""Figure builders on known data: the right traces and numbers, hostile text escaped, points
capped."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.dashboard.conftest import HOSTILE_QUOTE
from tests.factories import ClaimantFactory, ClaimFactory
from tracker import dashboard, figures, services, weapons
from tracker.models import Claim, ClaimRelation, WeaponSystem
from tracker.series import SeriesQuery, series_build

pytestmark = pytest.mark.django_db


def _series(**kw):
    return series_build(SeriesQuery(category="casualties", subtype="killed_or_wounded", **kw))


def test_totals_figure_draws_a_step_line_per_claimant_and_the_headline():
    jcs = ClaimantFactory(name="JCS", short_name="JCS", reliability="B")
    gur = ClaimantFactory(name="GUR", short_name="GUR", reliability="C")
    ClaimFactory(claimant=jcs, best=1100, claim_date=dt.date(2024, 12, 23), credibility=2)
    ClaimFactory(claimant=gur, best=3000, claim_date=dt.date(2024, 12, 24), credibility=3,
                 reliability="C")  # fmt: skip
    ClaimFactory(claimant=jcs, best=3000, low=2500, high=3500, claim_date=dt.date(2025, 1, 13))
    fig = figures.totals_figure(_series(as_of=dt.date(2025, 1, 31)))
    by_name = {trace.name: trace for trace in fig.data if trace.name}
    assert list(by_name["JCS"].y) == [1100, 3000]
    assert by_name["JCS"].line.shape == "hv"
    assert list(by_name["GUR"].y) == [3000]
    headline = by_name["Headline (the most trusted current estimate)"]
    # JCS (high) stays the headline even when GUR (moderate) says more.
    assert list(headline.y) == [1100, 3000, 3000]
    assert by_name["Range across claimants"].fill == "tonexty"
    assert fig.layout.title.text.startswith("Running total")
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text == "North Korean soldiers killed or wounded"
    assert fig.layout.showlegend


def test_totals_figure_sums_increments_counting_a_shared_event_once():
    a, b = ClaimantFactory(name="A"), ClaimantFactory(name="B")
    kw = dict(category="border_activity", subtype="balloons", unit="balloons", measure="increment")
    first = ClaimFactory(claimant=a, best=100, claim_date=dt.date(2024, 6, 1), **kw)
    again = ClaimFactory(claimant=b, best=100, claim_date=dt.date(2024, 6, 1), **kw)
    # One event because B's report is recorded as corroborating A's (not because they match).
    ClaimRelation.objects.create(from_claim=again, to_claim=first, kind="corroborates")
    ClaimFactory(claimant=a, best=50, claim_date=dt.date(2024, 6, 9), **kw)
    series = series_build(SeriesQuery(category="border_activity", subtype="balloons"))
    fig = figures.totals_figure(series)
    combined = next(t for t in fig.data if t.name and t.name.startswith("All reported events"))
    assert list(combined.y) == [100, 150]


def test_hostile_quotes_are_escaped_in_the_timeline_figure():
    claim = ClaimFactory(best=5, unit="<b>troops</b>")
    from tests.factories import ArticleFactory
    from tracker.models import ClaimSource

    ClaimSource.objects.create(
        claim=claim, article=ArticleFactory(text=HOSTILE_QUOTE), quote=HOSTILE_QUOTE
    )
    rows, _ = dashboard.timeline_points(Claim.objects.all())
    payload = figures.timeline_figure(rows).to_json()
    assert "<script>" not in payload and "<img" not in payload and "<b>troops" not in payload
    hover = json.loads(payload)["data"][0]["text"][0].replace("<br>", " ")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in hover
    assert "&lt;b&gt;troops&lt;/b&gt;" in hover


def test_hostile_claimant_names_are_escaped_in_totals_and_sparklines():
    evil = ClaimantFactory(name="<img src=x onerror=alert(1)>", short_name="")
    ClaimFactory(claimant=evil, best=10)
    series = _series()
    for fig in (figures.totals_figure(series), figures.sparkline(series)):
        payload = fig.to_json()
        assert "<img" not in payload
    assert "&lt;img src=x onerror=alert(1)&gt;" in figures.totals_figure(series).to_json()


def test_clicks_lead_only_to_relative_claim_urls():
    claim = ClaimFactory(best=10)
    rows, _ = dashboard.timeline_points(Claim.objects.all())
    fig = figures.timeline_figure(rows)
    urls = [u for trace in fig.data for u in (trace.customdata or [])]
    assert urls == [f"/claims/{claim.pk}/"]


def test_timeline_has_a_panel_per_category_with_log_axes_and_error_bars():
    ClaimFactory(best=3000, low=2700, high=3300)
    ClaimFactory(category="arms_transfer", subtype="artillery_shells", unit="rounds",
                 best=None, low=1_000_000, qualifier="more_than", credibility=4)  # fmt: skip
    rows, truncated = dashboard.timeline_points(Claim.objects.all())
    fig = figures.timeline_figure(rows)
    assert not truncated
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Casualties", "Arms transfer"]
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    casualty = next(t for t in fig.data if t.yaxis == "y")
    assert list(casualty.error_y.array) == [300] and list(casualty.error_y.arrayminus) == [300]
    assert {t.name for t in fig.data} == {"High confidence", "Low confidence"}


def test_timeline_points_are_capped_to_the_latest():
    for day in range(1, 13):
        ClaimFactory(best=day, claim_date=dt.date(2025, 1, day))
    rows, truncated = dashboard.timeline_points(Claim.objects.all(), limit=5)
    assert truncated
    assert [r["claim_date"].day for r in rows] == [8, 9, 10, 11, 12]


def test_thin_keeps_the_latest_point_and_the_limit():
    points = [{"date": str(i), "value": i} for i in range(10_000)]
    kept = figures.thin(points, 300)
    assert len(kept) == 300
    assert kept[0]["value"] == 0 and kept[-1]["value"] == 9_999


def test_a_chart_never_carries_more_than_the_cap():
    claimants = [ClaimantFactory(name=f"K{i}") for i in range(3)]
    Claim.objects.bulk_create(
        [
            Claim(category="casualties", subtype="killed_or_wounded", best=i, norm_best=i,
                  qualifier="approximately", unit="troops", norm_unit="troops",
                  claim_date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                  claimant=claimants[i % 3], reliability="B", credibility=2,
                  confidence="high", status="approved")
            for i in range(6000)
        ]
    )  # fmt: skip
    fig = figures.totals_figure(_series())
    total = sum(len(trace.x or ()) for trace in fig.data)
    assert total <= figures.MAX_POINTS_PER_CHART * 1.1
    assert (
        json.loads(fig.to_json())["data"][-1]["x"][-1]
        == (dt.date(2020, 1, 1) + dt.timedelta(days=5999)).isoformat()
    )


def test_empty_series_still_has_a_titled_chart_with_a_note_and_no_axes():
    fig = figures.totals_figure(_series())
    assert fig.layout.title.text
    assert fig.layout.annotations[0].text == "No approved claims match these filters"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert not fig.data and not fig.layout.showlegend


def test_weapons_figure_puts_each_system_on_its_own_row():
    weapons.registry_load(WeaponSystem, weapons.registry_entries())
    for claim in (
        ClaimFactory(category="arms_transfer", subtype="rocket_launchers", unit="launchers",
                     weapon_system="240mm MRL", best=200),
        ClaimFactory(category="arms_transfer", subtype="anti_tank_missiles", unit="",
                     weapon_system="Bulsae-4", best=None, qualifier="none"),
    ):  # fmt: skip
        services.claim_weapons_set(claim=claim)
    fig = figures.weapons_figure(dashboard.weapon_points(Claim.objects.all()))
    rows = {label.replace("<br>", " ") for label in fig.layout.yaxis.categoryarray}
    assert rows == {"M1991 240 mm multiple rocket launcher", "Bulsae-4 anti-tank guided missile"}
