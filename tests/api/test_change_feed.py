"""The change feed: every public change of a claim, in order, from a log written in the change's
own transaction; replaying /api/v1/changes/ into an empty store gives exactly the public dataset
of /api/v1/claims/."""

import base64
import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import ArticleFactory, ClaimantFactory, UserFactory
from tracker import services
from tracker.changes import public_changes_record, public_changes_seed
from tracker.models import Claim, ClaimRelation, PublicChange

pytestmark = pytest.mark.django_db
CHANGES = "/api/v1/changes/"
QUOTE = "about 1,100 soldiers were killed or wounded"


class Clock:
    """A frozen clock for every timezone.now() (auto_now fields included), moved by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    frozen = Clock(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC))
    with mock.patch.object(timezone, "now", lambda: frozen.now):
        yield frozen


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", is_staff=True, groups=["Editors"])


def _create(editor, claimant, article, **fields):
    values = {
        "category": "casualties", "subtype": "killed_or_wounded", "best": 1100,
        "qualifier": "approximately", "unit": "troops", "measure": "cumulative",
        "claim_date": dt.date(2025, 2, 20), "claimant": claimant, "credibility": 2,
        "origin": Claim.Origin.MANUAL, **fields,
    }  # fmt: skip
    return services.claim_create(
        created_by=editor, sources=[{"article": article, "quote": QUOTE}], **values
    )


@pytest.fixture
def history(clock, editor, reviewer):
    """Six simulated days: claims created, approved, corrected, merged, superseded, retracted;
    one claim stays pending throughout and one is rejected before anyone saw it."""
    jcs, nis, mod = (ClaimantFactory(name=n) for n in ("JCS", "NIS", "UK MoD"))
    first, second = ArticleFactory(), ArticleFactory()
    # Day 1: three claims entered, two approved; one left pending, one rejected unseen.
    a = _create(editor, jcs, first)
    b = _create(editor, nis, first, best=1200, claim_date=dt.date(2025, 2, 21))
    c = _create(editor, mod, first, best=1000, claim_date=dt.date(2025, 2, 22))
    pending = _create(editor, None, first, best=900)
    unseen = _create(editor, None, second, best=800)
    services.claim_approve(claim=a, reviewer=reviewer)
    services.claim_approve(claim=b, reviewer=reviewer)
    services.claim_reject(claim=unseen, reviewer=reviewer, reason="Not in the article")
    # Day 2: C approved; A corrected (figure and summary).
    clock.advance(days=1)
    services.claim_approve(claim=c, reviewer=reviewer)
    services.claim_update(claim=a, editor=editor, best=1150, summary="Revised")
    # Day 3: the same NIS statement printed by a second outlet is merged into B.
    clock.advance(days=1)
    candidate = {
        "category": "casualties", "subtype": "killed_or_wounded", "best": 1200,
        "qualifier": "approximately", "unit": "troops", "measure": "cumulative",
        "claim_date": dt.date(2025, 2, 22), "claimant": nis, "quote": QUOTE,
    }  # fmt: skip
    merged, created = services.claim_propose(article=second, candidate=candidate)
    assert (merged.pk, created) == (b.pk, False)
    # Day 4: a new JCS claim D, approved, supersedes C.
    clock.advance(days=1)
    d = _create(editor, jcs, second, best=1300, claim_date=dt.date(2025, 2, 25))
    services.claim_approve(claim=d, reviewer=reviewer)
    services.claim_relation_add(
        from_claim=d, to_claim=c, kind=ClaimRelation.Kind.SUPERSEDES, created_by=editor
    )
    # Day 5: A retracted (rejected after approval); the pending claim is edited (nothing public).
    clock.advance(days=1)
    services.claim_reject(claim=a, reviewer=reviewer, reason="Wrong figure or unit")
    services.claim_update(claim=pending, editor=editor, summary="still pending")
    # Day 6: D deleted outright: C is no longer superseded.
    clock.advance(days=1)
    d_id = d.pk
    d.delete()
    return {"a": a.pk, "b": b.pk, "c": c.pk, "d": d_id, "pending": pending.pk, "unseen": unseen.pk}


def _replay(client, since=None) -> tuple[dict, list[dict]]:
    entries: list[dict] = []
    url, params = CHANGES, {"page_size": 3}
    if since is not None:
        params["since"] = since
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        entries += body["results"]
        url, params = body["next"], None
    return _apply({}, entries), entries


def _api_claims(client) -> dict[int, dict]:
    body = client.get("/api/v1/claims/", {"page_size": 200}).json()
    assert body["next"] is None
    return {claim["id"]: claim for claim in body["results"]}


def test_replaying_the_feed_rebuilds_the_public_dataset_exactly(anon_api, history):
    store, entries = _replay(anon_api)
    assert store == _api_claims(anon_api)
    assert set(store) == {history["b"], history["c"]}
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_the_feed_names_each_change_in_order_with_its_day(anon_api, history):
    _, entries = _replay(anon_api)
    h = history
    seen = [(e["claim"], e["kind"], e["at"][:10]) for e in entries]
    assert seen == [
        (h["a"], "approved", "2025-03-01"),
        (h["b"], "approved", "2025-03-01"),
        (h["c"], "approved", "2025-03-02"),
        (h["a"], "corrected", "2025-03-02"),
        (h["b"], "merged", "2025-03-03"),
        (h["d"], "approved", "2025-03-04"),
        (h["c"], "superseded", "2025-03-04"),
        (h["a"], "retracted", "2025-03-05"),
        (h["c"], "corrected", "2025-03-06"),
        (h["d"], "retracted", "2025-03-06"),
    ]
    # Nothing about the claim that never left review, nor the one rejected before approval.
    assert not {h["pending"], h["unseen"]} & {e["claim"] for e in entries}


def test_each_change_carries_what_changed_and_why(anon_api, history):
    _, entries = _replay(anon_api)
    by = {(e["claim"], e["kind"]): e for e in entries}
    corrected = by[(history["a"], "corrected")]
    assert {"best", "summary", "figure"} <= set(corrected["changed_fields"])
    assert corrected["snapshot"]["best"] == 1150
    # Only public fields: the editors' notes, reviewers and review notes never appear.
    for entry in entries:
        assert not {"notes", "review_note", "reviewed_by", "edited_by"} & set(
            entry["changed_fields"]
        )
        assert entry["snapshot"] is None or "review_note" not in entry["snapshot"]
    merged = by[(history["b"], "merged")]
    assert "sources" in merged["changed_fields"]
    assert len(merged["snapshot"]["sources"]) == 2
    superseded = by[(history["c"], "superseded")]
    assert (superseded["related_claim"], superseded["superseded_by"]) == (
        history["d"],
        [history["d"]],
    )
    retracted = by[(history["a"], "retracted")]
    assert (retracted["snapshot"], retracted["reason"]) == (None, "Wrong figure or unit")
    assert by[(history["d"], "retracted")]["reason"] == "Deleted."
    restored = by[(history["c"], "corrected")]
    assert (restored["changed_fields"], restored["superseded_by"]) == (["superseded_by"], [])


def test_an_editors_own_rejection_words_stay_on_the_desk(clock, editor, reviewer):
    claim = _create(editor, ClaimantFactory(name="JCS"), ArticleFactory())
    services.claim_approve(claim=claim, reviewer=reviewer)
    services.claim_reject(claim=claim, reviewer=reviewer, reason="zqx private doubts")
    entry = PublicChange.objects.order_by("seq").last()
    assert (entry.kind, entry.reason) == ("retracted", "Rejected on review.")


def _apply(store: dict, entries: list[dict]) -> dict:
    for entry in entries:
        if entry["snapshot"] is None:
            store.pop(entry["claim"], None)
        else:
            store[entry["claim"]] = entry["snapshot"]
    return store


def test_since_resumes_after_a_sequence_number_or_from_a_time(anon_api, history):
    full, entries = _replay(anon_api)
    # A copy that applied the first four changes catches up from the last seq it applied.
    copy = _apply({}, entries[:4])
    _, later = _replay(anon_api, since=entries[3]["seq"])
    assert [e["seq"] for e in later] == [e["seq"] for e in entries[4:]]
    assert _apply(copy, later) == full
    # From a day (UTC), or a moment with its offset: the changes at or after it.
    _, from_day5 = _replay(anon_api, since="2025-03-05")
    assert [e["kind"] for e in from_day5] == ["retracted", "corrected", "retracted"]
    _, from_time = _replay(anon_api, since="2025-03-04T11:00:00+02:00")
    assert len(from_time) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"since": "2025-13-45"},
        {"since": "²"},
        {"cursor": "not-a-cursor"},
        {"cursor": base64.b64encode(b"p=abc").decode()},
        {"snice": "1"},
    ],
)
def test_a_bad_since_or_cursor_is_a_400_naming_the_field(anon_api, params):
    response = anon_api.get(CHANGES, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_calendars_edges_and_huge_numbers_are_answers_not_errors(anon_api, history):
    total = PublicChange.objects.count()
    for since, count in [
        ("0001-01-01T00:00:00+05:00", total),
        ("9999-12-31T23:00:00-05:00", 0),
        ("99999999999999999999999", 0),
        ("0", total),
    ]:
        response = anon_api.get(CHANGES, {"since": since, "page_size": 500})
        assert (response.status_code, len(response.json()["results"])) == (200, count), since


def test_a_rolled_back_change_logs_nothing(clock, editor, reviewer):
    claim = _create(editor, ClaimantFactory(name="JCS"), ArticleFactory())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_approve(claim=claim, reviewer=reviewer)
        assert PublicChange.objects.filter(claim_id=claim.pk).count() == 1  # same transaction
        raise RuntimeError
    assert not PublicChange.objects.filter(claim_id=claim.pk).exists()


def test_recording_twice_with_nothing_changed_logs_once(history):
    before = PublicChange.objects.count()
    assert public_changes_record(claim_ids=list(history.values())) == []
    assert public_changes_seed() == 0
    assert PublicChange.objects.count() == before


def test_a_claimant_renamed_changes_its_public_claims(anon_api, history):
    b = Claim.objects.get(pk=history["b"])
    b.claimant.name = "National Intelligence Service"
    b.claimant.save()
    store, entries = _replay(anon_api)
    assert entries[-1]["claim"] == b.pk and "claimant" in entries[-1]["changed_fields"]
    assert store == _api_claims(anon_api)


def test_seeding_logs_claims_approved_before_the_log_existed(anon_api, editor, reviewer):
    claimant, article = ClaimantFactory(name="JCS"), ArticleFactory()
    claim = _create(editor, claimant, article)
    # As a bulk load would: past the services and signals.
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.APPROVED)
    assert not PublicChange.objects.exists()
    assert public_changes_seed() == 1
    store, entries = _replay(anon_api)
    assert [e["kind"] for e in entries] == ["approved"]
    assert store == _api_claims(anon_api)


def test_atom_feed_lists_the_changes_with_reasons(client, history):
    response = client.get("/feeds/changes.atom")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<entry>") == PublicChange.objects.count()
    assert "retracted" in body and "Reason: Wrong figure or unit" in body
    assert f"urn:nk-russia-tracker:change:{PublicChange.objects.last().seq}" in body
    assert client.get("/feeds/changes.atom", {"since": "nonsense"}).status_code == 400
    later = client.get("/feeds/changes.atom", {"since": "2025-03-06"}).content.decode()
    assert later.count("<entry>") == 2


def test_the_feed_runs_a_fixed_number_of_queries(anon_api, history, django_assert_max_num_queries):
    for size in (1, 100):
        with django_assert_max_num_queries(2):
            assert anon_api.get(CHANGES, {"page_size": size}).status_code == 200
