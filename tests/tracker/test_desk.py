"""The editors' desk: quotes checked against their article, figures against their quote, four
eyes, reasons for rejections, the grade-6 question and "next" along the editor's own list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ClaimSourceFactory,
    UserFactory,
)
from tests.tracker.test_review import _change_form_post
from tracker import services
from tracker.models import Claim, ClaimSource

pytestmark = pytest.mark.django_db

BALLOON_TEXT = (
    "Seoul said the North floated about 300 balloons carrying rubbish over the border on "
    "Sunday night. No one was hurt."
)
CASUALTY_TEXT = (
    "An official said at least 150 North Korean soldiers were killed near Kursk last week, "
    "according to the briefing."
)
ADD_URL = reverse("admin:tracker_claim_add")


def _add_claim_post(claimant, article, quote, **overrides):
    data = {
        "category": "casualties",
        "subtype": "killed",
        "qualifier": "at_least",
        "low": "150",
        "unit": "troops",
        "measure": "cumulative",
        "claim_date": "2025-01-10",
        "claimant": claimant.pk,
        "reliability": "F",
        "credibility": "3",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-article": article.pk,
        "sources-0-quote": quote,
    }
    data.update(overrides)
    return data


@pytest.fixture
def second_editor(db):
    return UserFactory(username="editor2", is_staff=True, groups=["Editors"])


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- 1. Quotes are checked ---------------------------------------------------------------------


def test_the_shared_check_refuses_a_quote_from_another_article_and_names_it():
    balloons = ArticleFactory(title="Balloons over the border", text=BALLOON_TEXT)
    with pytest.raises(ValidationError) as refused:
        services.claim_source_check(
            article=balloons, quote="at least 150 North Korean soldiers were killed"
        )
    message = refused.value.message_dict["quote"][0]
    assert "Balloons over the border" in message and f"#{balloons.pk}" in message


def test_normalised_quotes_are_accepted_with_the_offsets_of_the_article():
    text = (
        "The ministry said \u201cabout 1,100\u201d soldiers \u2014 killed or   wounded \u2014 fell."
    )
    article = ArticleFactory(text=text)
    # Straight quote marks, a plain hyphen and single spaces, as an editor would type them.
    quote, start, end = services.claim_source_check(
        article=article, quote='"about 1,100" soldiers - killed or wounded'
    )
    assert (start, end) == (18, text.index("wounded") + len("wounded"))
    assert quote == text[start:end]  # stored as the article prints it


def test_offsets_given_wrong_are_replaced_by_the_ones_found():
    article = ArticleFactory(text=CASUALTY_TEXT)
    _, start, end = services.claim_source_check(
        article=article, quote="at least 150", quote_start=0, quote_end=12
    )
    assert CASUALTY_TEXT[start:end] == "at least 150"


def test_the_admin_refuses_a_quote_that_is_not_in_its_article(editor_client):
    balloons = ArticleFactory(title="Balloons over the border", text=BALLOON_TEXT)
    data = _add_claim_post(
        ClaimantFactory(), balloons, "at least 150 North Korean soldiers were killed"
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "This quote is not in article “Balloons over the border”" in response.content.decode()
    assert not Claim.objects.exists() and not ClaimSource.objects.exists()


def test_the_admin_stores_the_offsets_it_finds(editor_client):
    article = ArticleFactory(text=CASUALTY_TEXT)
    quote = "at least 150 North Korean soldiers were killed"
    response = editor_client.post(ADD_URL, _add_claim_post(ClaimantFactory(), article, quote))
    assert response.status_code == 302, response.content.decode()[:3000]
    source = ClaimSource.objects.get()
    assert CASUALTY_TEXT[source.quote_start : source.quote_end] == quote


def test_the_api_refuses_a_quote_that_is_not_in_its_article(editor):
    balloons = ArticleFactory(title="Balloons over the border", text=BALLOON_TEXT)
    body = {
        "category": "casualties",
        "subtype": "killed",
        "qualifier": "at_least",
        "low": 150,
        "claim_date": "2025-01-10",
        "claimant": ClaimantFactory().pk,
        "sources": [{"article": balloons.pk, "quote": "at least 150 soldiers were killed"}],
    }
    response = _api(editor).post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "Balloons over the border" in str(response.json()["sources"])
    assert not Claim.objects.exists()


# --- Figures against the quote -----------------------------------------------------------------


def test_the_admin_warns_when_the_figure_is_not_in_the_quote_and_saves_once_confirmed(
    editor_client,
):
    article = ArticleFactory(text=CASUALTY_TEXT)
    data = _add_claim_post(
        ClaimantFactory(), article, "at least 150 North Korean soldiers", low="500"
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The figure 500 is not among the numbers of the quote" in page
    assert not Claim.objects.exists()
    response = editor_client.post(ADD_URL, {**data, "confirm_figures": "on"})
    assert response.status_code == 302
    assert Claim.objects.get().low == 500


def test_the_api_refuses_a_figure_missing_from_the_quote_unless_confirmed(editor):
    article = ArticleFactory(text=CASUALTY_TEXT)
    body = {
        "category": "casualties",
        "subtype": "killed",
        "qualifier": "at_least",
        "low": 500,
        "claim_date": "2025-01-10",
        "claimant": ClaimantFactory().pk,
        "sources": [{"article": article.pk, "quote": "at least 150 North Korean soldiers"}],
    }
    response = _api(editor).post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "confirm_figures" in response.json()
    response = _api(editor).post(
        "/api/v1/claims/", {**body, "confirm_figures": True}, format="json"
    )
    assert response.status_code == 201


def test_the_review_panel_marks_only_quotes_found_in_the_article(editor_client):
    found = ClaimSourceFactory(claim__status="pending")
    # A legacy row whose quote is not in its article (saved before quotes were checked).
    missing = ClaimSource.objects.create(
        claim=found.claim,
        article=ArticleFactory(text=BALLOON_TEXT),
        quote="at least 150 soldiers were killed",
    )
    assert not missing.found_in_article
    page = editor_client.get(reverse("admin:tracker_claim_change", args=[found.claim.pk]))
    body = page.content.decode()
    assert body.count("✓ found in the article") == 1
    assert body.count("✗ not found in the article") == 1


# --- 5. Four eyes ------------------------------------------------------------------------------


def test_an_editor_cannot_approve_a_claim_they_entered_in_the_admin(
    editor_client, editor, second_editor
):
    article = ArticleFactory(text=CASUALTY_TEXT)
    quote = "at least 150 North Korean soldiers were killed"
    editor_client.post(ADD_URL, _add_claim_post(ClaimantFactory(), article, quote))
    claim = Claim.objects.get()
    assert (claim.created_by, claim.origin, claim.status) == (editor, "manual", "pending")
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    page = editor_client.get(url).content.decode()
    assert "another editor approves it" in page
    response = editor_client.post(url, _change_form_post(editor_client, claim, _approve="1"))
    claim.refresh_from_db()
    assert claim.status == "pending"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Four eyes" in m for m in messages)
    other = editor_client.__class__()
    other.force_login(second_editor)
    other.post(url, _change_form_post(other, claim, _approve="1"))
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == ("approved", second_editor)


def test_fixing_a_figure_by_hand_makes_the_fixer_an_author(editor_client, editor):
    source = ClaimSourceFactory(claim__status="pending", claim__origin="extracted")
    claim = source.claim
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    data = _change_form_post(editor_client, claim, best="1000", confirm_figures="on")
    editor_client.post(url, {**data, "_approve": "1"})
    claim.refresh_from_db()
    assert (claim.best, claim.edited_by, claim.status) == (1000, editor, "pending")


def test_the_api_enforces_four_eyes(editor, second_editor):
    article = ArticleFactory(text=CASUALTY_TEXT)
    body = {
        "category": "casualties",
        "subtype": "killed",
        "qualifier": "at_least",
        "low": 150,
        "credibility": 3,
        "claim_date": "2025-01-10",
        "claimant": ClaimantFactory().pk,
        "sources": [{"article": article.pk, "quote": "at least 150 North Korean soldiers"}],
    }
    claim_id = _api(editor).post("/api/v1/claims/", body, format="json").json()["id"]
    refused = _api(editor).post(f"/api/v1/claims/{claim_id}/approve", {}, format="json")
    assert refused.status_code == 403 and "Four eyes" in refused.json()["detail"]
    assert Claim.objects.get(pk=claim_id).status == "pending"
    approved = _api(second_editor).post(f"/api/v1/claims/{claim_id}/approve", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_a_superuser_overrides_four_eyes_only_with_a_note_that_history_keeps(superuser):
    claim = ClaimFactory(status="pending", origin="manual", created_by=superuser)
    api = _api(superuser)
    assert api.post(f"/api/v1/claims/{claim.pk}/approve", {}, format="json").status_code == 403
    note = "Checked against the ministry's own statement"
    response = api.post(
        f"/api/v1/claims/{claim.pk}/approve", {"override_note": note}, format="json"
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "approved" and note in claim.review_note
    assert note in claim.history.latest().history_change_reason


def test_four_eyes_can_be_turned_off(settings, editor):
    settings.REVIEW_FOUR_EYES = False
    claim = ClaimFactory(status="pending", origin="manual", created_by=editor)
    services.claim_approve(claim=claim, reviewer=editor)
    claim.refresh_from_db()
    assert claim.status == "approved"


# --- Rejection reasons -------------------------------------------------------------------------


def test_reject_needs_a_reason_and_keeps_it_in_history(editor_client, editor):
    claim = ClaimSourceFactory(claim__status="pending").claim
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    editor_client.post(url, _change_form_post(editor_client, claim, _reject_next="1"))
    claim.refresh_from_db()
    assert claim.status == "pending"
    data = _change_form_post(
        editor_client,
        claim,
        _reject_next="1",
        _reject_reason="other",
        _reject_reason_other="The figure is last year's",
    )
    editor_client.post(url, data)
    claim.refresh_from_db()
    assert (claim.status, claim.review_note) == ("rejected", "The figure is last year's")
    assert claim.history.latest().history_change_reason == "Rejected: The figure is last year's"
    history = editor_client.get(reverse("admin:tracker_claim_history", args=[claim.pk]))
    assert "Rejected: The figure is last year&#x27;s" in history.content.decode()


def test_the_api_refuses_a_rejection_without_a_reason(editor):
    claim = ClaimFactory(status="pending")
    response = _api(editor).post(f"/api/v1/claims/{claim.pk}/reject", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    claim.refresh_from_db()
    assert claim.status == "pending"


# --- Grade 6 -----------------------------------------------------------------------------------


def test_approving_a_claim_graded_6_asks_for_a_grade_or_a_confirmation(editor_client):
    claim = ClaimSourceFactory(claim__status="pending", claim__credibility=6).claim
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    assert "credibility cannot be judged" in editor_client.get(url).content.decode()
    editor_client.post(url, _change_form_post(editor_client, claim, _approve="1"))
    claim.refresh_from_db()
    assert claim.status == "pending"
    editor_client.post(
        url, _change_form_post(editor_client, claim, _approve="1", _confirm_ungraded="1")
    )
    claim.refresh_from_db()
    assert (claim.status, claim.credibility) == ("approved", 6)


def test_grading_in_the_form_then_approving_needs_no_confirmation(editor_client):
    claim = ClaimSourceFactory(claim__status="pending", claim__credibility=6).claim
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    editor_client.post(url, _change_form_post(editor_client, claim, _approve="1", credibility=2))
    claim.refresh_from_db()
    assert (claim.status, claim.credibility, claim.edited_by) == ("approved", 2, None)


def test_the_api_asks_to_confirm_credibility_6(editor):
    claim = ClaimFactory(status="pending", credibility=6)
    api = _api(editor)
    refused = api.post(f"/api/v1/claims/{claim.pk}/approve", {}, format="json")
    assert refused.status_code == 400 and "credibility" in refused.json()
    ok = api.post(f"/api/v1/claims/{claim.pk}/approve", {"confirm_ungraded": True}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"


# --- 2. "Next" follows the editor's list -------------------------------------------------------


def test_approve_and_next_follows_the_filter_of_the_list(editor_client):
    arms = [
        ClaimSourceFactory(
            claim__status="pending",
            claim__category="arms_transfer",
            claim__subtype="artillery_shells",
            claim__unit="rounds",
            claim__claim_date=dt.date(2025, 1, day),
        ).claim
        for day in (10, 9, 8)
    ]
    # Newer and pending, but another category: the unfiltered queue would open it next.
    ClaimFactory(status="pending", claim_date=dt.date(2025, 2, 1))
    filters = "_changelist_filters=category__exact%3Darms_transfer"
    url = reverse("admin:tracker_claim_change", args=[arms[0].pk]) + "?" + filters
    response = editor_client.post(url, _change_form_post(editor_client, arms[0], _approve_next="1"))
    expected = reverse("admin:tracker_claim_change", args=[arms[1].pk])
    assert response["Location"].startswith(expected)
    assert "category__exact" in response["Location"]  # the list's filter travels on
    page = editor_client.get(response["Location"]).content.decode()
    skip = reverse("admin:tracker_claim_change", args=[arms[2].pk])
    assert f'href="{skip}?' in page  # Skip opens the next one of the same list


# --- 3. A list an editor can scan --------------------------------------------------------------


def test_the_claim_list_shows_the_columns_an_editor_scans(editor_client):
    ClaimSourceFactory(claim__status="pending")
    page = editor_client.get(reverse("admin:tracker_claim_changelist")).content.decode()
    for column in ("column-claim_date", "column-figure", "column-subtype_label"):
        assert column in page
    for column in ("column-claimant_label", "column-quote_excerpt", "column-n_sources"):
        assert column in page
    assert "about 1,100 soldiers were killed or wounded" in page
    assert "2024-12-23" in page  # ISO dates


def test_pending_counts_on_the_admin_home_and_the_dashboard_for_editors(
    editor_client, analyst_client
):
    ClaimFactory.create_batch(3, status="pending")
    home = editor_client.get(reverse("admin:index")).content.decode()
    assert "3</strong> claims pending review" in home
    assert "3 pending" in editor_client.get("/").content.decode()
    assert "pending" not in analyst_client.get(reverse("admin:index")).content.decode()


# --- 4. Forms that help ------------------------------------------------------------------------


def test_subtype_options_name_their_category_and_the_server_still_checks(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    assert 'data-category="casualties"' in page and "js/admin-review.js" in page
    article = ArticleFactory(text=CASUALTY_TEXT)
    data = _add_claim_post(
        ClaimantFactory(), article, "at least 150 North Korean", subtype="balloons"
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200 and not Claim.objects.exists()


def test_a_hand_entered_claim_must_be_graded_and_takes_the_claimants_reliability(editor_client):
    article = ArticleFactory(text=CASUALTY_TEXT)
    claimant = ClaimantFactory(reliability="B")
    data = _add_claim_post(claimant, article, "at least 150 North Korean", credibility="")
    assert editor_client.post(ADD_URL, data).status_code == 200  # credibility is required
    editor_client.post(ADD_URL, {**data, "credibility": "2"})
    assert Claim.objects.get().grade == "B2"


def test_dates_are_iso_in_the_admin_form_and_on_pages(editor_client, client):
    claim = ClaimSourceFactory(claim__claim_date=dt.date(2024, 12, 23)).claim
    form = editor_client.get(reverse("admin:tracker_claim_change", args=[claim.pk]))
    assert 'value="2024-12-23"' in form.content.decode()
    assert "2024-12-23" in client.get(claim.get_absolute_url()).content.decode()


def test_history_reads_labels_and_names_for_claims_and_sources(editor_client, editor):
    source = ClaimSourceFactory(claim__status="pending")
    claim = source.claim
    services.claim_reject(claim=claim, reviewer=editor, reason="Wrong claimant")
    page = editor_client.get(reverse("admin:tracker_claim_history", args=[claim.pk]))
    body = page.content.decode()
    assert "Reviewed by:" in body and "editor" in body and "reviewed_by" not in body
    source.quote = "about 1,100 soldiers"
    source._history_user = editor
    source.save()
    page = editor_client.get(reverse("admin:tracker_claimsource_history", args=[source.pk]))
    assert "Quote:" in page.content.decode()


# --- 6. Adding an article shows its proposals --------------------------------------------------


def test_the_article_page_lists_its_proposed_claims_and_says_why_it_is_relevant(editor_client):
    source = ClaimSourceFactory(claim__status="pending")
    article = source.article
    article.relevance = 0.9
    article.relevance_reasons = [
        {"rule": "north_korea", "weight": 0.3, "evidence": {"north korean": 2}},
        {"rule": "russia_ukraine", "weight": 0.4, "evidence": {"kursk": 1}},
    ]
    article.save()
    page = editor_client.get(reverse("admin:tracker_article_change", args=[article.pk]))
    body = page.content.decode()
    assert reverse("admin:tracker_claim_change", args=[source.claim.pk]) in body
    assert "mentions North Korea and Russia or Ukraine; 1 claim proposed." in body
    api = editor_client.get(f"/api/v1/articles/{article.pk}/").json()
    assert api["claims"][0]["id"] == source.claim.pk
    assert "1 claim proposed" in api["relevance_summary"]


def test_the_article_page_links_its_claims_as_a_list_of_their_own(editor_client):
    first = ClaimSourceFactory(claim__status="pending")
    article = first.article
    second = ClaimSourceFactory(
        article=article, claim__status="pending", claim__claim_date=dt.date(2024, 12, 1)
    )
    ClaimFactory(status="pending", claim_date=dt.date(2025, 1, 1))  # another article's
    page = editor_client.get(reverse("admin:tracker_article_change", args=[article.pk]))
    link = reverse("admin:tracker_claim_change", args=[first.claim.pk])
    link += f"?_changelist_filters=sources__article__id__exact%3D{article.pk}"
    assert link in page.content.decode()
    form = editor_client.get(link)
    assert form.status_code == 200
    skip = reverse("admin:tracker_claim_change", args=[second.claim.pk])
    assert f'href="{skip}?' in form.content.decode()


def test_analysts_see_only_approved_claims_on_the_article_page(analyst_client):
    pending = ClaimSourceFactory(claim__status="pending", claim__best=987654)
    approved = ClaimSourceFactory(article=pending.article, claim__claim_date=dt.date(2024, 12, 1))
    page = analyst_client.get(reverse("admin:tracker_article_change", args=[pending.article.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("admin:tracker_claim_change", args=[approved.claim.pk]) in body
    assert reverse("admin:tracker_claim_change", args=[pending.claim.pk]) not in body
    assert "987,654" not in body and "1 claim proposed" in body


def test_a_superuser_overrides_four_eyes_in_the_form_with_a_note(superuser_client, superuser):
    claim = ClaimSourceFactory(
        claim__status="pending", claim__origin="manual", claim__created_by=superuser
    ).claim
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    assert 'name="_override_note"' in superuser_client.get(url).content.decode()
    superuser_client.post(url, _change_form_post(superuser_client, claim, _approve="1"))
    claim.refresh_from_db()
    assert claim.status == "pending"
    data = _change_form_post(
        superuser_client, claim, _approve="1", _override_note="Second editor away; checked twice"
    )
    superuser_client.post(url, data)
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert "Second editor away; checked twice" in claim.history.latest().history_change_reason


def test_bulk_approval_leaves_own_and_ungraded_claims_pending(editor_client, editor):
    graded = ClaimFactory(status="pending", credibility=2)
    ungraded = ClaimFactory(status="pending", credibility=6)
    own = ClaimFactory(status="pending", origin="manual", created_by=editor, credibility=2)
    changelist = reverse("admin:tracker_claim_changelist")
    selected = [graded.pk, ungraded.pk, own.pk]
    editor_client.post(changelist, {"action": "approve_selected", "_selected_action": selected})
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in (graded, ungraded, own)] == ["approved", "pending", "pending"]
    editor_client.post(
        changelist, {"action": "approve_selected_ungraded", "_selected_action": selected}
    )
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in (ungraded, own)] == ["approved", "pending"]
