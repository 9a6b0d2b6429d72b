"""Headline history: every change of a public headline is recorded once its transaction commits
(old → new, claim, reviewer, time) and shown on /totals/, the overview, the Atom feed and
/api/v1/series/changes/."""

import datetime as dt

import pytest

from tests.factories import ClaimantFactory, ClaimFactory, ClaimSourceFactory
from tracker import services
from tracker.models import HeadlineChange

pytestmark = pytest.mark.django_db
D = dt.date
CHANGES = "/api/v1/series/changes/"


@pytest.fixture
def approve(editor, django_capture_on_commit_callbacks):
    """Approve a claim as the editor, running what happens after the commit."""

    def run(claim):
        with django_capture_on_commit_callbacks(execute=True):
            services.claim_approve(claim=claim, reviewer=editor)

    return run


@pytest.fixture
def history(approve, editor):
    # Pending claims, approved one by one (all in December, judged as of today: every one is
    # stale by now, so the most recent holds the headline, a bound giving way as ever):
    #   1. JCS (B2) about 1,100            -> headline none -> 1,100 (JCS)
    #   2. UK MoD (B2) more than 1,000     -> stays 1,100 (an agreeing bound): no entry
    #   3. NIS (A1) about 4,700            -> 1,100 -> 4,700 (NIS, the most recent)
    jcs, mod, nis = (ClaimantFactory(name=n) for n in ("JCS", "UK MoD", "NIS"))
    pending = {"status": "pending", "reliability": "B", "credibility": 2}
    about = ClaimFactory(claimant=jcs, claim_date=D(2024, 12, 23), best=1100, **pending)
    bound = ClaimFactory(claimant=mod, claim_date=D(2024, 12, 27), best=None, low=1000,
                         qualifier="more_than", **pending)  # fmt: skip
    nis_claim = ClaimFactory(claimant=nis, claim_date=D(2024, 12, 28), best=4700,
                             **{**pending, "reliability": "A", "credibility": 1})  # fmt: skip
    ClaimSourceFactory(claim=nis_claim, quote="our own words: about 4,700 were hurt or killed")
    assert HeadlineChange.objects.count() == 0  # pending claims move no public headline
    approve(about)
    approve(bound)
    approve(nis_claim)
    return {"about": about, "bound": bound, "nis": nis_claim}


def test_every_headline_change_is_recorded_old_to_new_with_claim_and_reviewer(history, editor):
    changes = list(HeadlineChange.objects.order_by("changed_at", "id"))
    assert [(c.old_value, c.new_value, c.claim_id) for c in changes] == [
        (None, 1100, history["about"].pk),
        (1100, 4700, history["nis"].pk),
    ]
    assert {c.reviewer for c in changes} == {editor}
    assert all(
        (c.category, c.subtype, c.unit) == ("casualties", "killed_or_wounded", "troops")
        for c in changes
    )


def test_recording_is_idempotent(history):
    assert (
        services.headline_change_record(category="casualties", subtype="killed_or_wounded") is None
    )
    assert HeadlineChange.objects.count() == 2


def test_rejecting_or_editing_the_headline_claim_records_the_change(
    history, editor, django_capture_on_commit_callbacks
):
    # Rejecting NIS's 4,700: the headline goes back to JCS's 1,100.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_reject(claim=history["nis"], reviewer=editor, reason="Not sourced")
    # Editing JCS's figure to 1,200: 1,100 -> 1,200.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(claim=history["about"], editor=editor, best=1200)
    latest = list(HeadlineChange.objects.order_by("changed_at", "id"))[-2:]
    assert [(c.old_value, c.new_value, c.claim_id) for c in latest] == [
        (4700, 1100, history["about"].pk),
        (1100, 1200, history["about"].pk),
    ]


def test_moving_the_headline_claim_to_another_series_records_both(
    history, editor, django_capture_on_commit_callbacks
):
    # NIS's 4,700 refiled as "killed": killed_or_wounded falls back to 1,100 (JCS), and the
    # killed series gets its first headline, none -> 4,700.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(claim=history["nis"], editor=editor, subtype="killed")
    rows = {
        c.subtype: (c.old_value, c.new_value, c.claim_id)
        for c in HeadlineChange.objects.order_by("changed_at", "id")
    }
    assert rows["killed_or_wounded"] == (4700, 1100, history["about"].pk)
    assert rows["killed"] == (None, 4700, history["nis"].pk)


def test_editing_a_pending_claim_records_nothing(editor, django_capture_on_commit_callbacks):
    claim = ClaimFactory(status="pending", best=500)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.claim_update(claim=claim, editor=editor, best=600)
    assert HeadlineChange.objects.count() == 0
    assert not [cb for cb in callbacks if getattr(cb, "__qualname__", "") == "_Batch.flush"]


def test_a_rolled_back_change_records_nothing(history, editor, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.claim_reject(claim=history["nis"], reviewer=editor, reason="Not sourced")
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
    assert HeadlineChange.objects.count() == 2


def test_anonymous_callers_see_only_changes_caused_by_approved_claims(
    anon_api, editor_api, history
):
    # Public headlines count approved claims only, so every recorded change's claim was
    # approved when it was recorded: anonymous callers see all of them, without reviewer names.
    body = anon_api.get(CHANGES).json()
    assert body["count"] == 2
    assert all(
        HeadlineChange.objects.get(pk=row["id"]).claim.status == "approved"
        for row in body["results"]
    )
    newest = body["results"][0]
    assert (newest["old_value"], newest["new_value"], newest["claim"]) == (
        1100,
        4700,
        history["nis"].pk,
    )
    assert newest["claim_url"] == f"/claims/{history['nis'].pk}/"
    assert newest["claimant"] == "NIS"
    assert newest["reviewer"] is None
    assert editor_api.get(CHANGES).json()["results"][0]["reviewer"] == "editor"


def test_changes_endpoint_filters_by_since_and_series_and_paginates(anon_api, history):
    first, second = HeadlineChange.objects.order_by("changed_at", "id")
    HeadlineChange.objects.filter(pk=first.pk).update(
        changed_at=dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
    )
    HeadlineChange.objects.filter(pk=second.pk).update(
        changed_at=dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)
    )
    since = anon_api.get(CHANGES, {"since": "2025-01-15T00:00:00Z"}).json()
    assert [row["id"] for row in since["results"]] == [second.pk]
    assert anon_api.get(CHANGES, {"since": "2025-01-01"}).json()["count"] == 2
    assert anon_api.get(CHANGES, {"category": "arms_transfer"}).json()["count"] == 0
    assert anon_api.get(CHANGES, {"subtype": "killed_or_wounded"}).json()["count"] == 2
    # Several values, as on the claim filters: commas or repeats.
    assert anon_api.get(CHANGES, {"category": "arms_transfer,casualties"}).json()["count"] == 2
    both = anon_api.get(CHANGES + "?subtype=killed&subtype=killed_or_wounded").json()
    assert both["count"] == 2
    assert anon_api.get(CHANGES, {"category": "weather"}).status_code == 400
    page = anon_api.get(CHANGES, {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]


def test_since_takes_any_iso_offset_and_the_calendars_edges(anon_api, history):
    # 2 changes, both recorded today. "+23:03" is valid ISO 8601 that PostgreSQL refuses as
    # an offset: compared in UTC. 0001-01-01T00:00+05:00 is before year 1 in UTC (everything
    # is after it); 9999-12-31T23:00-05:00 is past year 9999 in UTC (nothing is).
    for since, count in [
        ("4495-04-24T19:32:36+23:03", 0),
        ("2000-01-01T00:00:00+23:03", 2),
        ("0001-01-01T00:00:00+05:00", 2),
        ("9999-12-31T23:00:00-05:00", 0),
    ]:
        response = anon_api.get(CHANGES, {"since": since})
        assert (response.status_code, response.json()["count"]) == (200, count), since


@pytest.mark.parametrize(
    "params", [{"since": "yesterday"}, {"since": "2025-13-45T00:00"}, {"snice": "2025-01-01"}]
)
def test_a_bad_since_is_a_400(anon_api, params):
    response = anon_api.get(CHANGES, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_changes_are_atom_feed_entries(client, history):
    body = client.get("/feeds/claims.atom").content.decode()
    assert "Headline changed: Casualties: Killed or wounded 1,100 → 4,700 troops" in body
    assert "#changes-" in body


def test_totals_and_overview_list_what_changed(client, history):
    totals = client.get("/totals/?category=casualties&subtype=killed_or_wounded")
    html = totals.content.decode()
    assert "What changed" in html
    assert [(c["old"], c["new"]) for c in totals.context["changes"]] == [
        ("1,100", "4,700"),
        ("none", "1,100"),
    ]
    overview = client.get("/")
    assert "What changed" in overview.content.decode()
    assert overview.context["changes"][0]["claim_id"] == history["nis"].pk
    # The card: figure, claimant, grade, confidence and the quote linked to its claim.
    card = next(c for c in overview.context["cards"] if c["subtype"] == "killed_or_wounded")
    assert (card["value"], card["claimant"], card["grade"], card["confidence"]) == (
        "4,700",
        "NIS",
        "A1",
        "high",
    )
    assert card["quote"] == "our own words: about 4,700 were hurt or killed"
    assert f'href="/claims/{history["nis"].pk}/"' in overview.content.decode()


@pytest.mark.parametrize("page_size", [1, 100])
def test_the_changes_list_runs_a_fixed_number_of_queries(
    anon_api, editor_api, editor, django_assert_max_num_queries, page_size
):
    # 120 changes, each with its own claim, claimant and reviewer: a page of 1 or of 100 costs
    # the same queries (count + page, claims, claimants and reviewers joined).
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    HeadlineChange.objects.bulk_create(
        HeadlineChange(
            category="casualties", subtype="killed_or_wounded", unit="troops", old_value=i,
            new_value=i + 1, claim=ClaimFactory(best=i + 1), reviewer=editor,
            changed_at=now + dt.timedelta(hours=i),
        )
        for i in range(120)
    )  # fmt: skip
    with django_assert_max_num_queries(2):
        body = anon_api.get(CHANGES, {"page_size": page_size}).json()
    assert len(body["results"]) == page_size and body["count"] == 120
    with django_assert_max_num_queries(2 + 4):  # the session and the editor's permissions
        body = editor_api.get(CHANGES, {"page_size": page_size}).json()
    assert body["results"][0]["reviewer"] == "editor"


# --- Headlines that change with time alone (tracker.headlines.headlines_check) ---------------


def _at(moment: dt.datetime):
    from unittest import mock

    from django.utils import timezone

    return mock.patch.object(timezone, "now", return_value=moment)


def test_a_headline_changed_by_time_alone_is_recorded_by_the_daily_check(approve, settings):
    # Worked by hand (freshness window 180 days):
    #   NIS (B2, high) says about 4,700 on 1 Mar 2025; ISW (C3, moderate) up to 6,000 on
    #   1 Jun 2025. Approved on 5 Jun: NIS is fresh and more trusted -> headline 4,700.
    #   On 29 Aug NIS is 181 days old (stale); ISW, 89 days old, is the only current estimate
    #   -> the headline becomes 6,000 with no write at all; the check that day records
    #   4,700 -> 6,000, dated when it ran, with no reviewer. A second run records nothing.
    from tracker.tasks import check_headlines

    settings.SERIES_FRESHNESS_DAYS = 180
    nis, isw = ClaimantFactory(name="NIS"), ClaimantFactory(name="ISW")
    pending = {"status": "pending"}
    first = ClaimFactory(claimant=nis, claim_date=D(2025, 3, 1), best=4700, reliability="B",
                         credibility=2, **pending)  # fmt: skip
    later = ClaimFactory(claimant=isw, claim_date=D(2025, 6, 1), best=None, high=6000,
                         qualifier="up_to", reliability="C", credibility=3, **pending)  # fmt: skip
    with _at(dt.datetime(2025, 6, 5, 12, tzinfo=dt.UTC)):
        approve(first)
        approve(later)
    assert [(c.old_value, c.new_value, c.claim_id) for c in HeadlineChange.objects.all()] == [
        (None, 4700, first.pk)
    ]
    with _at(dt.datetime(2025, 8, 28, 0, 10, tzinfo=dt.UTC)):  # NIS 180 days old: still fresh
        assert check_headlines.apply().get() == 0
    noticed = dt.datetime(2025, 8, 29, 0, 10, tzinfo=dt.UTC)
    with _at(noticed):
        assert check_headlines.apply().get() == 1
        assert check_headlines.apply().get() == 0  # idempotent
    change = HeadlineChange.objects.order_by("-changed_at").first()
    assert (change.old_value, change.new_value, change.claim_id) == (4700, 6000, later.pk)
    assert (change.changed_at, change.reviewer) == (noticed, None)


def test_the_beat_checks_headlines_daily_by_default(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["headline-check"]
    assert entry["task"] == "tracker.tasks.check_headlines"
    schedule = entry["schedule"]
    assert (schedule._orig_minute, schedule._orig_hour, schedule._orig_day_of_month) == (
        "10",
        "0",
        "*",
    )
