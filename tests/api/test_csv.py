"""One claims CSV and one series CSV, whichever route serves them: the dashboard's /claims.csv
and /series.csv and the API's ?format=csv give the same header and the same rows, readable by
Python's csv module and by pandas, with a BOM, a charset, a dated name and no formulas."""

import csv
import datetime as dt
import io
import re

import pandas as pd
import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ClaimSourceFactory,
    OutletFactory,
)
from tracker import __version__
from tracker.csvexport import CLAIM_COLUMNS, SERIES_COLUMNS, csv_cell

pytestmark = pytest.mark.django_db
FILTERS = "category=casualties&min_confidence=high"


def _body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


@pytest.fixture
def claims():
    jcs = ClaimantFactory(name="South Korea Joint Chiefs of Staff", short_name="JCS")
    main = ClaimFactory(
        claimant=jcs, low=1000, best=1100, high=1200, qualifier="range", credibility=2
    )
    yonhap = ArticleFactory(
        title="JCS: about 1,100 killed or wounded",
        url="https://yonhap.example/a1",
        outlet=OutletFactory(name="Yonhap", domain="yonhap.example"),
        published_at=timezone.make_aware(dt.datetime(2024, 12, 23, 9)),
    )
    reuters = ArticleFactory(
        title="Reuters | North Korean losses",
        url="https://reuters.example/b2",
        outlet=OutletFactory(name="Reuters", domain="reuters.example"),
        published_at=timezone.make_aware(dt.datetime(2024, 12, 24, 9)),
    )
    ClaimSourceFactory(claim=main, article=yonhap, quote="about 1,100 killed or wounded")
    ClaimSourceFactory(claim=main, article=reuters, quote="some 1,100 casualties")
    low_trust = ClaimFactory(reliability="E", credibility=5)
    pending = ClaimFactory(status="pending", best=4242)
    other = ClaimFactory(category="arms_transfer", subtype="drones", unit="drones", best=12)
    return {"main": main, "low_trust": low_trust, "pending": pending, "other": other}


def test_dashboard_and_api_give_the_same_claims_csv(client, anon_api, claims):
    dashboard = client.get(f"/claims.csv?{FILTERS}")
    api = anon_api.get(f"/api/v1/claims/?format=csv&{FILTERS}")
    from_dashboard, from_api = _rows(dashboard), _rows(api)
    assert list(from_dashboard[0]) == list(from_api[0]) == list(CLAIM_COLUMNS)
    assert from_dashboard == from_api  # one claim passes both filters: the same row
    [row] = from_api
    main = claims["main"]
    assert row["id"] == str(main.pk)
    assert row["claim_url"] == f"http://testserver/claims/{main.pk}/"
    assert row["figure"] == "1,000–1,200 troops"
    assert (row["low"], row["best"], row["high"]) == ("1000", "1100", "1200")
    assert (row["norm_low"], row["norm_best"], row["norm_high"]) == ("1000", "1100", "1200")
    assert (row["unit"], row["norm_unit"], row["measure"]) == ("troops", "troops", "cumulative")
    assert (row["category"], row["subtype"], row["qualifier"]) == (
        "casualties",
        "killed_or_wounded",
        "range",
    )
    assert row["claim_date"] == "2024-12-23"
    assert row["claimant"] == "South Korea Joint Chiefs of Staff"
    assert (row["reliability"], row["credibility"], row["confidence"]) == ("B", "2", "high")
    assert row["status"] == "approved"
    # Every source, in the claim page's order (publication date), split by one separator;
    # the separator inside a title becomes a space.
    assert row["source_count"] == "2"
    assert row["source_outlets"].split(" | ") == ["Yonhap", "Reuters"]
    assert row["source_urls"].split(" | ") == [
        "https://yonhap.example/a1",
        "https://reuters.example/b2",
    ]
    assert row["source_quotes"].split(" | ") == [
        "about 1,100 killed or wounded",
        "some 1,100 casualties",
    ]
    assert row["source_titles"].split(" | ")[1] == "Reuters North Korean losses"


def test_pandas_reads_both_csvs_alike_with_no_options(client, anon_api, claims):
    frames = [
        pd.read_csv(io.BytesIO(_body(client.get("/claims.csv")))),
        pd.read_csv(io.BytesIO(_body(anon_api.get("/api/v1/claims/?format=csv")))),
    ]
    for frame in frames:
        assert list(frame.columns) == list(CLAIM_COLUMNS)  # the BOM is not in the first name
        assert frame["best"].dtype.kind in "if" and frame["id"].dtype.kind == "i"
    by_id = [frame.set_index("id").sort_index() for frame in frames]
    pd.testing.assert_frame_equal(by_id[0], by_id[1])
    assert set(by_id[0].index) == {claims[k].pk for k in ("main", "low_trust", "other")}
    assert by_id[0].loc[claims["main"].pk, "best"] == 1100


def test_anonymous_users_get_approved_claims_only_editors_all(anon_api, editor_api, claims):
    pending = str(claims["pending"].pk)
    assert pending not in {r["id"] for r in _rows(anon_api.get("/api/v1/claims/?format=csv"))}
    editor_rows = _rows(editor_api.get("/api/v1/claims/?format=csv&status=pending"))
    assert [r["id"] for r in editor_rows] == [pending]
    assert editor_rows[0]["status"] == "pending"


def test_pending_claims_never_reach_anonymous_dashboard_csv(client, editor_client, claims):
    pending = str(claims["pending"].pk)
    assert pending not in {r["id"] for r in _rows(client.get("/claims.csv?pending=on"))}
    assert pending in {r["id"] for r in _rows(editor_client.get("/claims.csv?pending=on"))}


@pytest.mark.parametrize("url", ["/claims.csv", "/api/v1/claims/?format=csv"])
def test_csv_is_utf8_with_bom_charset_and_a_dated_name(client, claims, url):
    ClaimFactory(summary="Ким Чен Ын — 金正恩")
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="claims-{today}.csv"'
    assert response["X-Tracker-Version"] == __version__
    link = response["Link"]
    assert 'rel="license"' in link and "creativecommons.org/licenses/by/4.0/" in link
    assert "/claims.csv.cite?url=" in link and 'rel="describedby"' in link
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbfid,claim_url,")
    assert body.count(b"\xef\xbb\xbf") == 1
    assert "Ким Чен Ын — 金正恩" in body.decode("utf-8-sig")


@pytest.mark.parametrize("url", ["/claims.csv", "/api/v1/claims/?format=csv"])
def test_text_cells_that_start_a_formula_are_neutralised_numbers_are_not(client, url):
    starts = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
    for i, start in enumerate(starts):
        claim = ClaimFactory(summary=start, best=i + 1)
        ClaimSourceFactory(claim=claim, quote=start)
    negative = ClaimFactory(best=-5, qualifier="exact", summary="a plain summary")
    rows = {r["id"]: r for r in _rows(client.get(url))}
    for row in rows.values():
        for cell in (row["summary"], row["source_quotes"], row["figure"]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert sorted(r["summary"] for r in rows.values() if r["summary"].startswith("'")) == sorted(
        "'" + start for start in starts
    )
    row = rows[str(negative.pk)]
    assert row["best"] == row["norm_best"] == "-5"  # a number column stays a number
    assert row["figure"] == "'-5 troops"  # the text reading of it is text


def test_csv_cell_neutralises_text_only():
    assert csv_cell(-3.5) == "-3.5" and csv_cell(-2) == "-2" and csv_cell(1100.0) == "1100"
    assert csv_cell(dt.date(2024, 12, 23)) == "2024-12-23" and csv_cell(None) == ""
    assert [csv_cell(t) for t in ("-3.5", "=A1", "ok")] == ["'-3.5", "'=A1", "ok"]


def test_dashboard_csv_queries_do_not_grow_with_the_rows(
    client, django_assert_max_num_queries, claims
):
    for _ in range(30):
        ClaimSourceFactory(claim=ClaimFactory())
    with django_assert_max_num_queries(4):  # claims, sources, weapon systems (+ none per row)
        rows = _rows(client.get("/claims.csv"))
    assert len(rows) == 33


def test_citation_sidecar_names_version_address_and_access_date(client, claims):
    response = client.get("/claims.csv.cite?url=/claims.csv%3Fcategory%3Dcasualties")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"version {__version__}" in text
    assert "http://testserver/claims.csv?category=casualties" in text
    assert f"(accessed {timezone.localdate().isoformat()})" in text
    assert "CC BY 4.0" in text
    # The Link header of a CSV points at the sidecar for that very CSV.
    link = client.get("/claims.csv?category=casualties")["Link"]
    sidecar = re.match(r"<http://testserver([^>]+)>", link).group(1)
    assert (
        "http://testserver/claims.csv?category=casualties" in client.get(sidecar).content.decode()
    )
    # Only this site's paths are cited.
    other = client.get("/claims.csv.cite?url=//evil.example/x").content.decode()
    assert "evil" not in other and "http://testserver/claims.csv " in other


# --- Series -----------------------------------------------------------------------------------


@pytest.fixture
def series_claims():
    jcs = ClaimantFactory(name="JCS")
    gur = ClaimantFactory(name="GUR", reliability="C")
    first = ClaimFactory(claimant=jcs, best=1100, claim_date=dt.date(2024, 12, 23))
    second = ClaimFactory(
        claimant=gur,
        low=2000,
        best=None,
        high=3000,
        qualifier="range",
        reliability="C",
        credibility=3,
        claim_date=dt.date(2025, 1, 5),
    )
    ClaimFactory(claimant=jcs, status="pending", best=4242, claim_date=dt.date(2025, 1, 9))
    shipment = ClaimFactory(
        category="casualties",
        measure="increment",
        claimant=gur,
        best=300,
        claim_date=dt.date(2025, 1, 7),
    )
    return {"first": first, "second": second, "shipment": shipment}


SERIES = "category=casualties&subtype=killed_or_wounded&date_to=2025-02-01"


def test_series_csv_has_a_row_per_point_per_line(anon_api, series_claims):
    response = anon_api.get(f"/api/v1/series/?{SERIES}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="series-casualties-killed_or_wounded-{today}.csv"'
    )
    rows = _rows(response)
    assert list(rows[0]) == list(SERIES_COLUMNS)
    series = anon_api.get(f"/api/v1/series/?{SERIES}").json()
    cumulative, increments = series["cumulative"], series["increments"]
    expected = (
        sum(len(line["points"]) for line in cumulative["claimants"])
        + len(cumulative["headline"])
        + sum(len(line["points"]) for line in increments["claimants"])
        + len(increments["combined"])
    )
    assert len(rows) == expected
    by_line = {}
    for row in rows:
        by_line.setdefault(row["line"], []).append(row)
    assert set(by_line) == {"estimate", "headline", "increment", "increments_total"}
    gur = next(r for r in by_line["estimate"] if r["claimant"] == "GUR")
    second = series_claims["second"]
    assert (gur["date"], gur["value"], gur["low"], gur["high"]) == (
        "2025-01-05",
        "2500",
        "2000",
        "3000",
    )
    assert gur["claim_url"] == f"http://testserver/claims/{second.pk}/"
    # On 5 Jan both estimates are current: JCS (B2) holds the headline; the band runs from
    # its 1,100 to the top of GUR's range.
    assert (gur["headline"], gur["band_low"], gur["band_high"]) == ("1100", "1100", "3000")
    assert gur["status"] == "approved" and gur["unit"] == "troops"
    [total] = by_line["increments_total"]
    assert (total["date"], total["value"], total["running_total"]) == ("2025-01-07", "300", "300")
    assert "4242" not in _body(anon_api.get(f"/api/v1/series/?{SERIES}&format=csv")).decode()


def test_dashboard_series_csv_is_the_api_series_csv(client, anon_api, series_claims):
    api = _rows(anon_api.get(f"/api/v1/series/?{SERIES}&format=csv"))
    dashboard = _rows(client.get(f"/series.csv?{SERIES}"))
    assert dashboard == api
    frame = pd.read_csv(io.BytesIO(_body(client.get(f"/series.csv?{SERIES}"))))
    assert list(frame.columns) == list(SERIES_COLUMNS)
    assert frame["value"].dtype.kind == "f" or frame["value"].dtype.kind == "i"


def test_dashboard_series_csv_shows_pending_points_to_editors_only(
    client, editor_client, series_claims
):
    anonymous = _body(client.get(f"/series.csv?{SERIES}&pending=on")).decode()
    assert "4242" not in anonymous
    rows = _rows(editor_client.get(f"/series.csv?{SERIES}&pending=on"))
    assert any(r["value"] == "4242" and r["status"] == "pending" for r in rows)


def test_series_csv_errors_are_400(anon_api):
    assert anon_api.get("/api/v1/series/?category=nope&format=csv").status_code == 400
