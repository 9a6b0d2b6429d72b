import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker.models import Claim

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tracker_claim_changelist")


def test_editor_approves_selected_claims_and_is_recorded_as_reviewer(editor_client, editor):
    pending = ClaimFactory.create_batch(3, status="pending")
    response = editor_client.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [c.pk for c in pending[:2]]},
        follow=True,
    )
    assert response.status_code == 200
    approved = Claim.objects.filter(status="approved")
    assert approved.count() == 2
    assert all(c.reviewed_by == editor and c.reviewed_at for c in approved)
    assert Claim.objects.get(pk=pending[2].pk).status == "pending"
    assert approved.first().history.first().history_user == editor


def test_editor_rejects_selected_claims(editor_client, editor):
    claim = ClaimFactory(status="pending")
    # One action per usual reason: "Reject selected claims: duplicate of another claim".
    editor_client.post(CHANGELIST, {"action": "reject_selected_2", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == ("rejected", editor)
    assert claim.review_note == "Duplicate of another claim"


def test_analyst_can_view_but_not_change_a_claim(analyst_client):
    claim = ClaimFactory(status="approved", best=1100)
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    assert analyst_client.get(url).status_code == 200
    response = analyst_client.post(url, {"best": 5000})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.best == 1100


def test_analyst_has_no_approve_action(analyst_client):
    claim = ClaimFactory(status="pending")
    response = analyst_client.get(CHANGELIST)
    assert b"approve_selected" not in response.content
    analyst_client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_review_queue_lists_pending_claims_first(editor_client):
    old_pending = ClaimFactory(status="pending", claim_date="2024-07-01")
    ClaimFactory(status="approved", claim_date="2025-05-01")
    response = editor_client.get(CHANGELIST)
    assert list(response.context["cl"].result_list)[0] == old_pending


def test_claim_form_shows_quote_in_its_sentence_escaped(editor_client):
    source = ClaimSourceFactory()
    source.article.text = "Intro <script>alert(1)</script>. " + source.article.text
    source.article.save()
    source.quote_start += 34
    source.quote_end += 34
    source.save()
    url = reverse("admin:tracker_claim_change", args=[source.claim.pk])
    body = editor_client.get(url).content.decode()
    assert "<mark>about 1,100 soldiers were killed or wounded</mark>" in body
    assert "<script>alert(1)</script>" not in body


def test_new_admin_claim_takes_claimant_reliability_by_default(editor_client, editor):
    from tests.factories import ClaimantFactory

    claimant = ClaimantFactory(reliability="B")
    response = editor_client.post(
        reverse("admin:tracker_claim_add"),
        {
            "category": "casualties",
            "subtype": "killed",
            "qualifier": "at_least",
            "low": "100",
            "unit": "troops",
            "measure": "cumulative",
            "claim_date": "2024-12-19",
            "claimant": claimant.pk,
            "reliability": "F",
            "credibility": "2",
            "status": "pending",
            "origin": "manual",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.created_by == editor and claim.low == 100
    assert (claim.reliability, claim.confidence) == ("B", "high")
