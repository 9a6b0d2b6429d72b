"""`?as_of=`: what the tracker showed at a past moment (tracker.asof, issue 18).

A scripted history with a frozen clock — one claimant's estimates approved, corrected and
retracted over February 2025 — and the answers worked out by hand for each day:

    1 Feb  A approved: 1,000 killed or wounded (dated 30 Jan)
   10 Feb  B approved: 3,000 (dated 8 Feb)             -> headline 3,000 (B is newer)
   20 Feb  A corrected to 1,500 (still approved)       -> headline 3,000, A reads 1,500
    1 Mar  B retracted (rejected, with a reason)       -> headline 1,500 (A again)
"""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClaimantFactory, ClaimFactory, ClaimSourceFactory, UserFactory
from tracker import asof, services
from tracker.models import Claim

pytestmark = pytest.mark.django_db

SERIES = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"


def _at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def _frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def history():
    reviewer = UserFactory(username="reviewer", is_staff=True, is_superuser=True)
    corrector = UserFactory(username="corrector", is_staff=True, is_superuser=True)
    with _frozen(_at("2025-02-01")):
        jcs = ClaimantFactory(name="Joint Chiefs", short_name="JCS")
        a = ClaimFactory(claimant=jcs, best=1000, claim_date=dt.date(2025, 1, 30),
                         status=Claim.Status.PENDING)  # fmt: skip
        ClaimSourceFactory(claim=a, quote="about 1,000 soldiers were killed or wounded")
        services.claim_approve(claim=a, reviewer=reviewer)
    with _frozen(_at("2025-02-10")):
        b = ClaimFactory(claimant=jcs, best=3000, claim_date=dt.date(2025, 2, 8),
                         status=Claim.Status.PENDING)  # fmt: skip
        ClaimSourceFactory(claim=b, quote="about 3,000 soldiers were killed or wounded")
        services.claim_approve(claim=b, reviewer=reviewer)
    with _frozen(_at("2025-02-20")):
        services.claim_update(claim=a, editor=corrector, best=1500, confirm_figures=True)
        a.refresh_from_db()
        if a.status != Claim.Status.APPROVED:  # an edit may send it back to review
            services.claim_approve(claim=a, reviewer=reviewer)
    with _frozen(_at("2025-03-01")):
        services.claim_reject(claim=b, reviewer=reviewer, reason="Misread figure")
    return {"a": a.pk, "b": b.pk}


def _bests(client, as_of: str | None) -> dict[int, float]:
    url = "/api/v1/claims/" + (f"?as_of={as_of}" if as_of else "")
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["id"]: row["best"] for row in response.json()["results"]}


def _headline(client, as_of: str | None):
    response = client.get(SERIES + (f"&as_of={as_of}" if as_of else ""))
    assert response.status_code == 200, response.content
    latest = response.json()["latest_headline"]
    return None if latest is None else latest["value"]


@pytest.mark.parametrize(
    ("as_of", "a", "b", "headline"),
    [
        ("2025-01-31", None, None, None),
        ("2025-02-05", 1000, None, 1000),
        ("2025-02-15", 1000, 3000, 3000),
        ("2025-02-25", 1500, 3000, 3000),
        ("2025-03-05", 1500, None, 1500),
        (None, 1500, None, 1500),
    ],
)
def test_claims_and_headline_as_they_stood(anon_api, history, as_of, a, b, headline):
    expected = {k: v for k, v in ((history["a"], a), (history["b"], b)) if v is not None}
    assert _bests(anon_api, as_of) == expected
    assert _headline(anon_api, as_of) == headline


def test_a_time_of_day_separates_two_changes_on_one_day(anon_api, history):
    # B was approved at noon on 10 February: at 11:59 the tracker did not show it yet.
    assert set(_bests(anon_api, "2025-02-10T11:59")) == {history["a"]}
    assert set(_bests(anon_api, "2025-02-10T12:00")) == {history["a"], history["b"]}


def test_claim_detail_as_of(anon_api, history):
    a, b = history["a"], history["b"]
    assert anon_api.get(f"/api/v1/claims/{a}/?as_of=2025-02-05").json()["best"] == 1000
    assert anon_api.get(f"/api/v1/claims/{a}/?as_of=2025-02-25").json()["best"] == 1500
    assert anon_api.get(f"/api/v1/claims/{a}/?as_of=2025-01-31").status_code == 404
    assert anon_api.get(f"/api/v1/claims/{b}/?as_of=2025-02-15").status_code == 200
    assert anon_api.get(f"/api/v1/claims/{b}/?as_of=2025-03-05").status_code == 404


def test_csv_as_of(client, history):
    response = client.get("/claims.csv?as_of=2025-02-25")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [line for line in body.splitlines()[1:] if line.strip()]
    assert len(rows) == 2
    assert "1500" in body.replace(",", "") and "3000" in body.replace(",", "")


def test_page_as_of_shows_the_banner_the_headline_then_and_a_link_to_today(client, history):
    page = client.get("/totals/?category=casualties&subtype=killed_or_wounded&as_of=2025-02-15")
    assert page.status_code == 200
    html = page.content.decode()
    assert "As of 15 February 2025" in html
    assert "3,000" in html
    assert 'href="/totals/?category=casualties&amp;subtype=killed_or_wounded"' in html
    today = client.get("/totals/?category=casualties&subtype=killed_or_wounded").content.decode()
    assert "As of 15 February" not in today


def test_the_banner_links_the_release_then_current_and_the_feed_from_that_moment(
    client, anon_api, history, settings, tmp_path
):
    settings.RELEASES_ROOT = tmp_path / "releases"
    for day in ("2025-02-12", "2025-02-22"):  # one release before the moment, one after
        with _frozen(_at(day)):
            call_command("release")
    html = client.get("/totals/?as_of=2025-02-15").content.decode()
    assert 'The release then current: <a href="/releases/#release-1">Release 1 (2025-02-12)' in html
    # The feed link resumes after the last change shown then: it carries exactly the rest.
    since = re.search(r'href="/api/v1/changes/\?since=(\d+)"', html).group(1)
    assert f'href="/feeds/changes.atom?since={since}"' in html
    rest = anon_api.get(f"/api/v1/changes/?since={since}").json()["results"]
    assert [(c["kind"], c["claim"]) for c in rest] == [
        ("corrected", history["a"]),
        ("retracted", history["b"]),
    ]
    assert "held no claims yet" not in html
    before = client.get("/totals/?as_of=2025-02-05").content.decode()
    assert "No dataset release had been made yet." in before
    # Before the first claim was entered, the banner says why the page is empty.
    empty = client.get("/totals/?as_of=2025-01-15").content.decode()
    assert "The tracker held no claims yet then: its records begin on 1 February 2025" in empty


def test_as_of_answers_do_not_leak_into_todays_cache(anon_api, history):
    # Past first, then today, then the past again: each reads its own rows.
    assert _headline(anon_api, "2025-02-15") == 3000
    assert _headline(anon_api, None) == 1500
    assert _headline(anon_api, "2025-02-15") == 3000
    assert _bests(anon_api, None) == {history["a"]: 1500}


@pytest.mark.parametrize("value", ["2025-13-01", "yesterday", "2025-02-30", "2099-01-01"])
def test_a_bad_as_of_is_a_400_naming_the_parameter(anon_api, client, value):
    response = anon_api.get(f"/api/v1/claims/?as_of={value}")
    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]
    page = client.get(f"/totals/?as_of={value}")
    assert page.status_code == 400
    assert "as_of" in page.content.decode()


def test_as_of_costs_a_constant_number_of_queries_more(anon_api, history):
    anon_api.get("/api/v1/claims/?category=casualties")  # warm anything lazily loaded
    with CaptureQueriesContext(connection) as plain:
        anon_api.get("/api/v1/claims/?category=casualties&page_size=50")
    with CaptureQueriesContext(connection) as past:
        anon_api.get("/api/v1/claims/?category=casualties&page_size=50&as_of=2025-02-25")
    shadows = len(asof._tables())
    # One query for the schema, then per shadow view: create and drop (nothing is copied).
    assert len(past) - len(plain) <= shadows * 2 + 1


def test_nothing_is_shadowed_outside_an_as_of_request(anon_api, history):
    anon_api.get("/api/v1/claims/?as_of=2025-02-05")
    # The temporary views are gone: today's rows answer again on the same connection.
    assert Claim.objects.filter(pk=history["b"], status=Claim.Status.REJECTED).exists()
    assert not asof.active()


def test_a_claim_page_cites_a_link_that_reproduces_it_after_a_correction(client, history):
    a = history["a"]
    with _frozen(_at("2025-02-15")):
        page = client.get(f"/claims/{a}/").content.decode()
    assert "as of 15 February 2025, 12:00" in page
    link = f"/claims/{a}/?as_of=2025-02-15T12:00Z"
    assert link in page
    # Today A reads 1,500; the cited link still shows the 1,000 the reader saw.
    assert "1,500" in client.get(f"/claims/{a}/").content.decode()
    cited = client.get(link).content.decode()
    assert "1,000" in cited and "1,500" not in cited.split("Change history")[0]


def test_chart_cite_links_pin_the_view(client, history):
    page = client.get("/totals/?category=casualties&subtype=killed_or_wounded").content.decode()
    assert "/claims.csv.cite?url=/totals/%3Fcategory%3Dcasualties" in page
    assert "as_of%3D" in page


def test_change_feed_and_headline_history_as_of(anon_api, history):
    feed = anon_api.get("/api/v1/changes/?as_of=2025-02-15").json()["results"]
    # By 15 February: A and B approved; the correction and the retraction came later.
    assert [(c["kind"], c["claim"]) for c in feed] == [
        ("approved", history["a"]),
        ("approved", history["b"]),
    ]
    today = anon_api.get("/api/v1/changes/").json()["results"]
    assert [c["kind"] for c in today][-1] == "retracted"
