"""Dashboard pages through the Django test client: status, what the page shows, filters applied,
pending claims hidden from anonymous users and analysts, shown to editors who ask."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tests.factories import ClaimFactory
from tracker.models import Claim

PAGES = ["/", "/timeline/", "/totals/", "/arms/", "/border/", "/claims/", "/methodology/"]


def _figures(response) -> dict:
    """The figures a page carries as json_script data, by chart id."""
    return {chart["id"]: chart["figure"] for chart in _charts(response)}


def _charts(response) -> list[dict]:
    ctx = response.context
    charts = []
    if "chart" in ctx:
        charts.append(ctx["chart"])
    for card in ctx.get("cards", []) or []:
        charts.append(card["chart"])
    for panel in ctx.get("panels", []) or []:
        charts.append(panel["chart"])
    return charts


def _claim_ids(figure: dict) -> set[int]:
    ids = set()
    for trace in figure["data"]:
        for url in trace.get("customdata") or []:
            ids.add(int(url.strip("/").split("/")[-1]))
    return ids


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_for_anonymous_users(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


@pytest.mark.parametrize("url", PAGES)
def test_every_page_uses_our_static_plotly_and_no_inline_script(client, demo, url):
    html = client.get(url).content.decode()
    assert "cdn" not in html.lower()
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_detail_pages_answer(client, demo):
    claim = demo.claims["cas2"]
    assert client.get(claim.get_absolute_url()).status_code == 200
    assert client.get(claim.claimant.get_absolute_url()).status_code == 200
    assert client.get(demo.articles[0].get_absolute_url()).status_code == 200


def test_overview_cards_show_the_latest_headline_figures(client, demo, settings):
    # Judged with every estimate current (a 100-year window): the trust order decides, not age.
    settings.SERIES_FRESHNESS_DAYS = 36500
    response = client.get("/")
    cards = {card["subtype"]: card for card in response.context["cards"]}
    casualties = cards["killed_or_wounded"]
    assert casualties["value"] == "4,700"
    assert casualties["claimant"] == "South Korea Joint Chiefs of Staff"
    assert casualties["range"] == "4,500–5,000"
    assert cards["deployed"]["value"] == "11,000"  # JCS (high) beats NIS's later 15,000 (moderate)
    assert cards["artillery_shells"]["value"] == "9 million"
    assert cards["artillery_shells"]["prefix"] == "at least"
    assert cards["balloons"]["value"] == "1,950"  # increments summed
    assert response.context["arms"]["missiles"] == demo.claims["missiles1"]
    assert all(card["chart"]["figure"]["data"] for card in cards.values())


def test_troop_card_shows_in_russia_now_first_and_sent_in_total_beside(client, demo, settings):
    # Judged with every estimate current (a 100-year window): the trust order decides, not age.
    settings.SERIES_FRESHNESS_DAYS = 36500
    # The demo's troop figures are all "in Russia now" (deployed): JCS's 11,000 heads them.
    # NIS's "15,000 sent in total" is a different figure, shown beside it, never instead.
    ClaimFactory(category="troop_deployment", subtype="sent_total", unit="troops", best=15000,
                 claimant=demo.claimants["nis"], claim_date=dt.date(2025, 4, 30),
                 credibility=3)  # fmt: skip
    response = client.get("/")
    card = next(c for c in response.context["cards"] if c["subtype"] == "deployed")
    assert (card["label"], card["value"]) == ("in Russia now (in theatre)", "11,000")
    beside = card["beside"]
    assert (beside["label"], beside["value"]) == ("sent in total (rotations included)", "15,000")
    assert beside["claimant"] == demo.claimants["nis"].name
    html = response.content.decode()
    assert html.index("In Russia now (in theatre)") < html.index("Sent in total (rotations")
    # Each card says how sure and who disagrees: grade, confidence, spread, dates.
    assert card["grade"] and card["confidence"] and card["changed_on"] <= dt.date.today()
    assert "estimates range" in card["spread"] or "no claimant has an estimate" in card["spread"]


def test_anonymous_never_sees_pending_claims(client, demo):
    pending = demo.claims["cas_pending"]
    assert client.get(pending.get_absolute_url()).status_code == 404
    # Asking for them does nothing for someone who may not review.
    for url in ("/timeline/?pending=on", "/totals/?pending=on", "/?pending=on"):
        response = client.get(url)
        for figure in _figures(response).values():
            assert pending.pk not in _claim_ids(figure)
        assert b"Include pending" not in response.content
    listing = client.get("/claims/?pending=on&category=casualties")
    assert pending not in list(listing.context["page"].object_list)


def test_analysts_do_not_see_pending_claims(analyst_client, demo):
    response = analyst_client.get("/timeline/?pending=on")
    assert demo.claims["cas_pending"].pk not in _claim_ids(response.context["chart"]["figure"])


def test_editors_see_pending_claims_only_when_they_ask_and_marked(editor_client, demo):
    pending = demo.claims["cas_pending"]
    plain = editor_client.get("/timeline/")
    assert b"Include pending" in plain.content
    assert pending.pk not in _claim_ids(plain.context["chart"]["figure"])
    asked = editor_client.get("/timeline/?pending=on")
    assert pending.pk in _claim_ids(asked.context["chart"]["figure"])
    assert b"Pending claims included" in asked.content
    assert "PENDING REVIEW" in json.dumps(dict(asked.context["chart"]["figure"]))
    listing = editor_client.get("/claims/?pending=on&category=casualties")
    assert pending in list(listing.context["page"].object_list)
    assert b"status-pending" in listing.content


def test_editors_never_get_rejected_claims_in_charts(editor_client, demo):
    rejected = ClaimFactory(best=99999, status=Claim.Status.REJECTED, claimant=None)
    response = editor_client.get("/timeline/?pending=on")
    assert rejected.pk not in _claim_ids(response.context["chart"]["figure"])


def test_timeline_filters_by_category_and_names_them_in_the_caption(client, demo):
    response = client.get("/timeline/?category=casualties")
    ids = _claim_ids(response.context["chart"]["figure"])
    casualty_ids = {
        c.pk for k, c in demo.claims.items() if k.startswith("cas") and "pending" not in k
    }
    assert ids == casualty_ids
    assert "Casualties" in response.context["chart"]["caption"]


def test_timeline_filters_by_claimant_confidence_dates_and_text(client, demo):
    jcs = demo.claimants["jcs"]
    response = client.get(f"/timeline/?claimant={jcs.pk}&min_confidence=high&date_from=2025-01-01")
    ids = _claim_ids(response.context["chart"]["figure"])
    expected = set(
        Claim.objects.filter(
            claimant=jcs, confidence="high", claim_date__gte="2025-01-01", status="approved"
        )
        .exclude(qualifier="none")
        .values_list("pk", flat=True)
    )
    assert ids == expected and ids
    text = client.get("/timeline/?q=North+Korean+soldiers")
    assert _claim_ids(text.context["chart"]["figure"]) == {demo.claims["cas2"].pk}


def test_totals_draws_the_chosen_series_with_a_table_of_the_same_numbers(client, demo, settings):
    # Judged with every estimate current (a 100-year window): the trust order decides, not age.
    settings.SERIES_FRESHNESS_DAYS = 36500
    response = client.get("/totals/?category=troop_deployment&subtype=deployed")
    assert response.context["series"]["subtype"] == "deployed"
    steps = [step["value"] for step in response.context["headline"]]
    assert steps[0] == 11000  # newest first in the table
    html = response.content.decode()
    assert "11,000" in html and "Headline, step by step" in html
    figure = response.context["chart"]["figure"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "North Korean troops in Russia"


def test_totals_respects_the_claimant_filter(client, demo):
    nis = demo.claimants["nis"]
    response = client.get(
        f"/totals/?category=casualties&subtype=killed_or_wounded&claimant={nis.pk}"
    )
    claimants = {line["claimant_id"] for line in response.context["estimates"]}
    assert claimants == {nis.pk}


def test_arms_page_lists_weapon_systems(client, demo):
    response = client.get("/arms/")
    systems = {w["slug"]: w["claims"] for w in response.context["weapons"]}
    # "KN-23/KN-24" names two systems; the two 240mm MRL claims are one system's.
    assert systems == {
        "m1991-240mm-mrl": 2, "koksan-170mm": 1, "kn-23": 1, "kn-24": 1, "bulsae-4": 1,
    }  # fmt: skip
    assert {p["subtype"] for p in response.context["panels"]} == {
        "artillery_shells", "containers", "ballistic_missiles", "rocket_launchers",
    }  # fmt: skip


def test_border_page_normalises_miles_to_km(client, demo):
    response = client.get("/border/")
    fence = next(p for p in response.context["panels"] if p["subtype"] == "fence")
    assert fence["series"]["unit"] == "km"
    assert fence["series"]["latest_headline"]["value"] == pytest.approx(12 * 1.609344)


def test_claim_browser_sorts_and_paginates(client, demo):
    response = client.get("/claims/?sort=-figure")
    rows = list(response.context["page"].object_list)
    figures = [c.best if c.best is not None else (c.low or c.high) for c in rows]
    numbered = [f for f in figures if f is not None]
    assert numbered == sorted(numbered, reverse=True)
    by_date = list(client.get("/claims/?sort=date").context["page"].object_list)
    assert [c.claim_date for c in by_date] == sorted(c.claim_date for c in by_date)
    ClaimFactory.create_batch(60, claimant=demo.claimants["jcs"])
    page2 = client.get("/claims/?page=2")
    assert page2.context["page"].number == 2
    assert len(page2.context["page"].object_list) > 0


def test_claim_browser_ignores_unknown_sort_keys(client, demo):
    response = client.get("/claims/?sort=password")
    assert response.status_code == 200
    assert response.context["sort"] == "-date"


def test_csv_has_the_same_selection_as_the_browser(client, demo):
    query = "category=casualties&min_confidence=high"
    listing = client.get(f"/claims/?{query}")
    export = client.get(f"/claims.csv?{query}")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {int(r["id"]) for r in rows} == {c.pk for c in listing.context["page"].object_list}
    assert all(r["confidence"] == "high" for r in rows)


def test_csv_defuses_spreadsheet_formulas(client, demo):
    ClaimFactory(summary='=HYPERLINK("http://evil")', claimant=None)
    export = client.get("/claims.csv?q=HYPERLINK")
    body = b"".join(export.streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_csv_never_contains_pending_claims_for_anonymous(client, demo):
    body = b"".join(client.get("/claims.csv?pending=on").streaming_content).decode()
    assert str(demo.claims["cas_pending"].pk) not in [r.split(",")[0] for r in body.splitlines()]


def test_claim_page_shows_quote_in_context_trust_relations_and_history(client, demo):
    claim = demo.claims["cas2"]
    response = client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert "<mark>about 1,100 North Korean soldiers were killed or wounded</mark>" in html
    assert "Usually reliable" in html and "Confirmed by other sources" in html
    kinds = {(r["verb"], r["claim"]) for r in response.context["related"]}
    assert ("corroborates", demo.claims["cas1"]) in kinds
    assert ("is contradicted by", demo.claims["cas3"]) in kinds
    assert response.context["history"][0]["type"] == "created"


def test_claim_page_hides_relations_to_claims_the_user_cannot_see(client, demo):
    from tracker.models import ClaimRelation

    ClaimRelation.objects.create(
        from_claim=demo.claims["cas_pending"], to_claim=demo.claims["cas2"], kind="contradicts"
    )
    response = client.get(demo.claims["cas2"].get_absolute_url())
    assert demo.claims["cas_pending"] not in [r["claim"] for r in response.context["related"]]


def test_claim_history_lists_changed_fields(client, demo):
    claim = demo.claims["cas1"]
    claim.best = 1200
    claim.save()
    history = client.get(claim.get_absolute_url()).context["history"]
    assert history[-1]["type"] == "changed"
    change = {"field": "best", "label": "Best", "old": "1,100", "new": "1,200"}
    assert change in history[-1]["changes"]


def test_claimant_page_lists_only_visible_claims(client, demo):
    gur = demo.claimants["gur"]
    response = client.get(gur.get_absolute_url())
    claims = list(response.context["page"].object_list)
    assert demo.claims["cas3"] in claims
    assert demo.claims["cas_pending"] not in claims


def test_article_page_lists_its_claims(client, demo):
    article = demo.claims["cas2"].sources.first().article
    response = client.get(article.get_absolute_url())
    assert list(response.context["claims"]) == [demo.claims["cas2"]]


def test_methodology_explains_the_grading_from_the_trust_module(client, db):
    from tracker import trust

    html = client.get("/methodology/").content.decode()
    for rule in trust.CONFIDENCE_RULES.values():
        assert rule in html
    assert "Usually reliable" in html and "pending" in html.lower()


def test_filters_carry_across_pages_in_nav_links(client, demo):
    html = client.get("/timeline/?category=casualties&min_confidence=high").content.decode()
    assert 'href="/totals/?category=casualties&amp;min_confidence=high"' in html
    assert 'href="/claims/?category=casualties&amp;min_confidence=high"' in html


def test_invalid_filter_values_do_not_break_pages(client, demo):
    response = client.get("/timeline/?category=nope&date_from=yesterday&claimant=abc")
    assert response.status_code == 200
    assert response.context["chart"]["figure"]["data"]
