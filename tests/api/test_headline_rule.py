"""The headline rule and the increment rules (tracker.series), each on a small hand-made set
whose expected figures are worked out in the comments. Read through /api/v1/series/, which
serves exactly what the dashboard draws (tracker.series.series_build)."""

import datetime as dt

import pytest

from tests.factories import ClaimantFactory, ClaimFactory
from tracker import figures
from tracker.models import ClaimRelation
from tracker.series import SeriesQuery, series_build

pytestmark = pytest.mark.django_db
D = dt.date
SERIES = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"
CONTAINERS = "/api/v1/series/?category=arms_transfer&subtype=containers"
B2 = {"reliability": "B", "credibility": 2}  # high confidence
C3 = {"reliability": "C", "credibility": 3}  # moderate confidence


def _steps(series, *fields):
    fields = fields or ("date", "value", "claim_id")
    return [tuple(step[f] for f in fields) for step in series["cumulative"]["headline"]]


# --- Bounds ---------------------------------------------------------------------------------


def test_an_agreeing_bound_never_lowers_the_headline(anon_api):
    # JCS (B2) says "about 1,100" on 23 Dec; UK MoD (B2, as trusted, more recent) says "more
    # than 1,000" on 27 Dec. 1,100 is above 1,000: the two agree, so the headline stays 1,100
    # (JCS) and never falls to 1,000.
    jcs, mod = ClaimantFactory(name="JCS"), ClaimantFactory(name="UK MoD")
    about = ClaimFactory(claimant=jcs, claim_date=D(2024, 12, 23), best=1100, **B2)
    ClaimFactory(
        claimant=mod, claim_date=D(2024, 12, 27), best=None, low=1000, qualifier="more_than", **B2
    )
    series = anon_api.get(SERIES + "&on=2025-01-10").json()
    assert _steps(series) == [("2024-12-23", 1100, about.pk)]
    assert series["latest_headline"]["value"] == 1100
    assert series["latest_headline"]["bound"] is None
    # Both are current estimates: the spread runs from the bound (1,000) to 1,100.
    assert series["current_band"] == {"date": "2024-12-27", "min": 1000, "max": 1100,
                                      "claimants": 2}  # fmt: skip


def test_an_agreeing_upper_bound_keeps_the_estimate_below_it(anon_api):
    # X (B2) "about 450" on 1 Dec; Y (B2) "up to 500" on 3 Dec: 450 is at or below 500, they
    # agree, the headline stays 450.
    x, y = ClaimantFactory(name="X"), ClaimantFactory(name="Y")
    ClaimFactory(claimant=x, claim_date=D(2024, 12, 1), best=450, **B2)
    ClaimFactory(
        claimant=y, claim_date=D(2024, 12, 3), best=None, high=500, qualifier="up_to", **B2
    )
    series = anon_api.get(SERIES + "&on=2024-12-31").json()
    assert _steps(series, "date", "value") == [("2024-12-01", 450)]


def test_a_bound_that_disagrees_or_a_less_trusted_estimate_does_not_hold(anon_api):
    # X (B2) "about 1,100" on 1 Dec; Y (B2) "more than 2,000" on 5 Dec: 1,100 is below 2,000,
    # they disagree, so Y (as trusted, more recent) takes the headline: at least 2,000.
    # Z (C3, moderate) "about 2,500" on 6 Dec agrees with Y's bound but is less trusted than
    # it: the headline stays Y's bound.
    x, y, z = (ClaimantFactory(name=n) for n in "XYZ")
    ClaimFactory(claimant=x, claim_date=D(2024, 12, 1), best=1100, **B2)
    bound = ClaimFactory(
        claimant=y, claim_date=D(2024, 12, 5), best=None, low=2000, qualifier="more_than", **B2
    )
    ClaimFactory(claimant=z, claim_date=D(2024, 12, 6), best=2500, **C3)
    series = anon_api.get(SERIES + "&on=2024-12-31").json()
    assert _steps(series, "date", "value", "bound") == [
        ("2024-12-01", 1100, None), ("2024-12-05", 2000, "lower")
    ]  # fmt: skip
    assert series["latest_headline"]["claim_id"] == bound.pk


# --- Freshness ------------------------------------------------------------------------------


def test_a_200_day_old_estimate_leaves_the_band_and_holds_only_while_nothing_is_fresher(
    anon_api,
):
    # A (A1, high) says "about 5,000" on 1 Jan 2025. On 20 Jul 2025 (200 days later) it is
    # older than the 180-day window.
    # - As of 20 Jul, with nothing else said, it still holds the headline, flagged stale, 200
    #   days old; no claimant has a current estimate (claimants 0).
    # - On 10 Jul, C (C3, moderate) says "about 7,000": C's is the only current estimate, so
    #   as of 20 Jul the headline is C's 7,000 though A is more trusted, and the band spans
    #   C's figure alone (A's 5,000 left it).
    a = ClaimantFactory(name="A")
    old = ClaimFactory(claimant=a, claim_date=D(2025, 1, 1), best=5000, reliability="A",
                       credibility=1)  # fmt: skip
    alone = anon_api.get(SERIES + "&on=2025-07-20").json()
    latest = alone["latest_headline"]
    assert (latest["value"], latest["claim_id"]) == (5000, old.pk)
    assert latest["stale"] is True and latest["age_days"] == 200
    assert alone["current_band"]["claimants"] == 0
    # The step line shows when it went stale: 1 Jan + 181 days = 1 Jul.
    assert _steps(alone, "date", "value", "stale") == [
        ("2025-01-01", 5000, False), ("2025-07-01", 5000, True)
    ]  # fmt: skip

    c = ClaimantFactory(name="C")
    fresh = ClaimFactory(claimant=c, claim_date=D(2025, 7, 10), best=7000, **C3)
    series = anon_api.get(SERIES + "&on=2025-07-20").json()
    latest = series["latest_headline"]
    assert (latest["value"], latest["claim_id"], latest["stale"]) == (7000, fresh.pk, False)
    assert latest["age_days"] == 10
    assert series["current_band"] == {"date": "2025-07-10", "min": 7000, "max": 7000,
                                      "claimants": 1}  # fmt: skip
    # Before C spoke, A still held it (stale); the band never counted A after 1 Jul.
    assert [(b["date"], b["min"], b["max"], b["claimants"]) for b in
            series["cumulative"]["band"]] == [
        ("2025-01-01", 5000, 5000, 1), ("2025-07-01", 5000, 5000, 0),
        ("2025-07-10", 7000, 7000, 1),
    ]  # fmt: skip


def test_the_methodology_worked_example(anon_api):
    # The example printed on /methodology/ (window 180 days):
    #   1 Dec 2024  X (B2) about 1,100        -> 1,100 (X)
    #   5 Dec 2024  Y (B2) more than 1,000    -> 1,100 (agreeing bound)
    #  10 Dec 2024  Z (C3) about 3,000        -> 1,100; band 1,000–3,000 from 3 claimants
    #  31 May 2025  X 181 days old            -> Y's "more than 1,000" (Z agrees, less trusted)
    #   4 Jun 2025  Y 181 days old            -> 3,000 (Z)
    #   9 Jun 2025  Z 181 days old, none current -> 3,000 (Z, the most recent), stale, 181 days
    #   1 Jul 2025  Z about 3,500             -> 3,500 (Z)
    x, y, z = (ClaimantFactory(name=n) for n in "XYZ")
    cx = ClaimFactory(claimant=x, claim_date=D(2024, 12, 1), best=1100, **B2)
    cy = ClaimFactory(
        claimant=y, claim_date=D(2024, 12, 5), best=None, low=1000, qualifier="more_than", **B2
    )
    cz = ClaimFactory(claimant=z, claim_date=D(2024, 12, 10), best=3000, **C3)
    cz2 = ClaimFactory(claimant=z, claim_date=D(2025, 7, 1), best=3500, **C3)
    series = anon_api.get(SERIES + "&on=2025-07-31").json()
    assert _steps(series, "date", "value", "claim_id", "stale", "age_days") == [
        ("2024-12-01", 1100, cx.pk, False, 0),
        ("2025-05-31", 1000, cy.pk, False, 177),
        ("2025-06-04", 3000, cz.pk, False, 176),
        ("2025-06-09", 3000, cz.pk, True, 181),
        ("2025-07-01", 3500, cz2.pk, False, 0),
    ]
    band = {b["date"]: (b["min"], b["max"], b["claimants"]) for b in series["cumulative"]["band"]}
    assert band["2024-12-10"] == (1000, 3000, 3)
    assert band["2025-05-31"] == (1000, 3000, 2)


def test_the_freshness_window_is_a_setting_and_a_per_series_parameter(anon_api, settings):
    # One claimant, 1 Jan 2025, as of 1 Mar 2025: 59 days old.
    ClaimFactory(claim_date=D(2025, 1, 1), best=800)
    assert anon_api.get(SERIES + "&on=2025-03-01").json()["latest_headline"]["stale"] is False
    stale = anon_api.get(SERIES + "&on=2025-03-01&freshness_days=30").json()
    assert stale["freshness_days"] == 30 and stale["latest_headline"]["stale"] is True
    settings.SERIES_FRESHNESS_DAYS = 45
    series = series_build(SeriesQuery("casualties", "killed_or_wounded", as_of=D(2025, 3, 1)))
    assert series["freshness_days"] == 45 and series["latest_headline"]["stale"] is True
    assert anon_api.get(SERIES + "&freshness_days=0").status_code == 400
    assert anon_api.get(SERIES + "&on=someday").status_code == 400


# --- Trust order ----------------------------------------------------------------------------


def test_trust_order_is_confidence_then_reliability_then_credibility_then_date(anon_api):
    # All on consecutive days, each later one less trusted, so the first keeps the headline:
    #   1 Dec  P (A1, high)      3,000
    #   2 Dec  Q (A2, high)      3,100   credibility 2 < 1: below P despite being newer
    #   3 Dec  R (B1, high)      3,200   letter B < A: below P and Q
    #   4 Dec  S (A3, moderate)  3,300   moderate < high, whatever the letter
    # Then on 5 Dec Q says 3,400, graded A1: the same grade as P's, more recent -> 3,400.
    people = {n: ClaimantFactory(name=n) for n in "PQRS"}
    p1 = ClaimFactory(claimant=people["P"], claim_date=D(2024, 12, 1), best=3000,
                      reliability="A", credibility=1)  # fmt: skip
    ClaimFactory(claimant=people["Q"], claim_date=D(2024, 12, 2), best=3100, reliability="A",
                 credibility=2)  # fmt: skip
    ClaimFactory(claimant=people["R"], claim_date=D(2024, 12, 3), best=3200, reliability="B",
                 credibility=1)  # fmt: skip
    ClaimFactory(claimant=people["S"], claim_date=D(2024, 12, 4), best=3300, reliability="A",
                 credibility=3)  # fmt: skip
    series = anon_api.get(SERIES + "&on=2024-12-04").json()
    assert _steps(series) == [("2024-12-01", 3000, p1.pk)]
    p2 = ClaimFactory(claimant=people["Q"], claim_date=D(2024, 12, 5), best=3400,
                      reliability="A", credibility=1)  # fmt: skip
    series = anon_api.get(SERIES + "&on=2024-12-05").json()
    # Q's new A1 ties P's A1 on grade and is more recent.
    assert _steps(series)[-1] == ("2024-12-05", 3400, p2.pk)
    assert (
        series["latest_headline"]["reliability"] + str(series["latest_headline"]["credibility"])
        == "A1"
    )


# --- Increments -----------------------------------------------------------------------------

SHIPMENT = {
    "category": "arms_transfer", "subtype": "containers", "unit": "containers",
    "measure": "increment", "qualifier": "approximately",
}  # fmt: skip


def test_two_same_size_shipments_on_one_day_count_twice(anon_api):
    # Two claimants each report a shipment of 2,000 containers on 31 Oct, and nothing links
    # them: two shipments, 2,000 + 2,000 = 4,000.
    a, b = ClaimantFactory(name="A"), ClaimantFactory(name="B")
    ClaimFactory(claimant=a, claim_date=D(2024, 10, 31), best=2000, **SHIPMENT)
    ClaimFactory(claimant=b, claim_date=D(2024, 10, 31), best=2000, **SHIPMENT)
    increments = anon_api.get(CONTAINERS).json()["increments"]
    assert increments["total"] == 4000
    assert [(p["date"], p["value"], p["running_total"]) for p in increments["combined"]] == [
        ("2024-10-31", 4000, 4000)
    ]


def test_increments_are_counted_once_by_relation(anon_api):
    # GUR: 2,000 on 31 Oct. JCS: 2,000 on 5 Nov, recorded as corroborating GUR's: one event,
    # counted once at its first report (31 Oct) -> 2,000, not 4,000.
    # NIS: 1,500 on 1 Dec, then 1,800 on 10 Dec which supersedes it: the 1,500 drops out.
    # Combined: 31 Oct +2,000 = 2,000; 10 Dec +1,800 = 3,800.
    gur, jcs, nis = (ClaimantFactory(name=n) for n in ("GUR", "JCS", "NIS"))
    first = ClaimFactory(claimant=gur, claim_date=D(2024, 10, 31), best=2000, **SHIPMENT)
    again = ClaimFactory(claimant=jcs, claim_date=D(2024, 11, 5), best=2000, **SHIPMENT)
    ClaimRelation.objects.create(from_claim=again, to_claim=first, kind="corroborates")
    old = ClaimFactory(claimant=nis, claim_date=D(2024, 12, 1), best=1500, **SHIPMENT)
    new = ClaimFactory(claimant=nis, claim_date=D(2024, 12, 10), best=1800, **SHIPMENT)
    ClaimRelation.objects.create(from_claim=new, to_claim=old, kind="supersedes")
    increments = anon_api.get(CONTAINERS).json()["increments"]
    assert [(p["date"], p["value"], p["running_total"]) for p in increments["combined"]] == [
        ("2024-10-31", 2000, 2000), ("2024-12-10", 1800, 3800)
    ]  # fmt: skip
    assert increments["total"] == 3800
    # Each claimant's own line still shows what it reported.
    lines = {line["claimant"]: line["points"] for line in increments["claimants"]}
    assert [p["value"] for p in lines["JCS"]] == [2000]
    assert [p["claim_id"] for p in lines["NIS"]] == [new.pk]


def test_an_increment_range_counts_its_midpoint_with_its_band(anon_api):
    # 1 Nov: 1,800–2,200 -> midpoint 2,000 (band 1,800..2,200); 2 Nov: exactly 500.
    # Running total 2,000 then 2,500; running low 1,800 then 2,300; high 2,200 then 2,700.
    ClaimFactory(claim_date=D(2024, 11, 1), best=None, low=1800, high=2200,
                 **{**SHIPMENT, "qualifier": "range"})  # fmt: skip
    ClaimFactory(claim_date=D(2024, 11, 2), best=500, **{**SHIPMENT, "qualifier": "exact"})
    increments = anon_api.get(CONTAINERS).json()["increments"]
    assert increments["total"] == 2500
    assert [
        (p["value"], p["running_total"], p["running_low"], p["running_high"])
        for p in increments["combined"]
    ] == [(2000, 2000, 1800, 2200), (500, 2500, 2300, 2700)]
    point = increments["claimants"][0]["points"][0]
    assert (point["value"], point["low"], point["high"]) == (2000, 1800, 2200)


def test_a_vague_increment_adds_nothing(anon_api):
    # 1 Nov: exactly 500; 2 Nov: "thousands of containers" (stored as 1,000, vague). The vague
    # amount names no figure: the total is 500, not 1,500.
    ClaimFactory(claim_date=D(2024, 11, 1), best=500, **{**SHIPMENT, "qualifier": "exact"})
    ClaimFactory(claim_date=D(2024, 11, 2), best=None, low=1000,
                 **{**SHIPMENT, "qualifier": "vague"})  # fmt: skip
    increments = anon_api.get(CONTAINERS).json()["increments"]
    assert increments["total"] == 500
    assert [p["value"] for p in increments["combined"]] == [500]


# --- Pending marks --------------------------------------------------------------------------


def test_pending_points_carry_their_status_and_a_mark_on_the_chart(anon_api, editor_api):
    # Approved: X (B2) 1,100 on 1 Dec. Pending: Y (A1) 1,400 on 5 Dec — more trusted, so with
    # pending claims shown it takes the headline, marked pending. An increment of 300 on
    # 2 Dec is pending too.
    x, y = ClaimantFactory(name="X"), ClaimantFactory(name="Y")
    ClaimFactory(claimant=x, claim_date=D(2024, 12, 1), best=1100, **B2)
    ClaimFactory(claimant=y, claim_date=D(2024, 12, 5), best=1400, reliability="A",
                 credibility=1, status="pending")  # fmt: skip
    ClaimFactory(claim_date=D(2024, 12, 2), best=300, measure="increment", status="pending")
    url = SERIES + "&on=2024-12-31&include_pending=true"
    series = editor_api.get(url).json()
    assert _steps(series, "value", "status") == [(1100, "approved"), (1400, "pending")]
    assert series["latest_headline"]["status"] == "pending"
    points = {line["claimant"]: line["points"] for line in series["cumulative"]["claimants"]}
    assert [p["status"] for p in points["Y"]] == ["pending"]
    assert [p["status"] for p in series["increments"]["combined"]] == ["pending"]
    assert series["increments"]["claimants"][0]["points"][0]["status"] == "pending"
    # The chart: the pending headline step is a hollow marker, "pending" in its hover and in
    # the legend.
    fig = figures.totals_figure(series)
    headline = next(t for t in fig.data if (t.name or "").startswith("Headline"))
    assert list(headline.marker.color)[:2] == [figures.HEADLINE_COLOUR, "#ffffff"]
    assert "pending" in headline.text[1].lower() and "pending" not in headline.text[0].lower()
    assert any((t.name or "").startswith("Pending review") for t in fig.data)
    # Anonymous callers asking for pending claims get the approved series, with no marks.
    public = anon_api.get(url).json()
    assert _steps(public, "value", "status") == [(1100, "approved")]
    assert public["increments"]["combined"] == []


def test_the_methodology_page_prints_the_rule_the_code_follows(client):
    # The text the sweep implements (tracker.series.HEADLINE_RULE), with the window filled in,
    # and the worked example checked by test_the_methodology_worked_example above.
    from django.utils.html import escape

    from tracker.series import HEADLINE_RULE

    html = client.get("/methodology/").content.decode()
    for line in HEADLINE_RULE:
        assert escape(line.format(days=180)) in html
    assert "A worked example" in html
    assert "marked stale: 181 days old" in html
