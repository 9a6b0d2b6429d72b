"""The claims table shows the evidence: each row's quote (an escaped excerpt, the whole quote one
click away on the claim page) and the outlet that printed it; a claim with no number reads as
the statement it makes. The lists' query counts do not grow with their rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory, ClaimFactory, ClaimSourceFactory, OutletFactory

LONG_QUOTE = (
    "The <b>Joint Chiefs</b> of Staff said on Monday that about 1,100 North Korean soldiers had "
    "been killed or wounded in the Kursk region, adding that losses were mounting quickly as "
    "units were thrown into open-field assaults"
)


def _rows(html: str) -> list[str]:
    body = re.search(r'<table class="claims[^"]*">.*?<tbody>(.*?)</tbody>', html, flags=re.S)[1]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)


def _row_of(html: str, claim) -> str:
    [row] = [r for r in _rows(html) if f'href="{claim.get_absolute_url()}"' in r]
    return row


def test_the_claim_browser_has_quote_and_outlet_columns(client, demo):
    html = client.get("/claims/").content.decode()
    head = re.search(r"<thead>(.*?)</thead>", html, flags=re.S)[1]
    assert [h.strip() for h in re.findall(r"<th[^>]*>(?:<a[^>]*>)?([^<▲▼]+)", head)] == [
        "Date", "Figure or statement", "What", "Claimant", "Quote", "Outlet", "Confidence",
        "Status",
    ]  # fmt: skip
    claim = demo.claims["cas2"]
    row = _row_of(html, claim)
    assert "<q>about 1,100 North Korean soldiers were killed or wounded</q>" in row
    source = claim.sources.get()
    assert f'<a href="{source.article.get_absolute_url()}">Yonhap</a>' in row


def test_a_long_quote_is_cut_with_an_ellipsis_escaped_and_whole_on_the_claim_page(client, db):
    outlet = OutletFactory(name="Example Daily", domain="daily.example.org")
    article = ArticleFactory(outlet=outlet, text=f"Seoul. {LONG_QUOTE}. More.")
    source = ClaimSourceFactory(article=article, quote=LONG_QUOTE, quote_start=7, quote_end=7)
    html = client.get("/claims/").content.decode()
    row = _row_of(html, source.claim)
    excerpt = re.search(r"<q>(.*?)</q>", row)[1]
    assert excerpt.endswith("…") and len(excerpt.replace("&lt;", "<").replace("&gt;", ">")) == 140
    assert "&lt;b&gt;Joint Chiefs&lt;/b&gt;" in excerpt and "<b>" not in row
    assert f'href="{source.claim.get_absolute_url()}#sources"' in row
    page = client.get(source.claim.get_absolute_url()).content.decode()
    assert 'id="sources"' in page and "open-field assaults" in page


def test_claims_without_a_number_show_the_statement_they_make(client, demo):
    html = client.get("/claims/").content.decode()
    bulsae = _row_of(html, demo.claims["bulsae"])
    assert "Anti-tank missiles: Bulsae-4 ATGM" in bulsae
    treaty = demo.claims["treaty"]
    treaty.summary = "Russia and North Korea sign a mutual defence treaty"
    treaty.save()
    html = client.get("/claims/").content.decode()
    assert "Russia and North Korea sign a mutual defence treaty" in _row_of(html, treaty)
    figure_cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)[1] for r in _rows(html)]
    assert not [cell for cell in figure_cells if "no figure" in cell]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/claims/", "/", "claimant", "article"])
def test_the_evidence_columns_cost_no_query_per_row(client, demo, path):
    claimant = demo.claimants["nis"]
    article = demo.articles[0]
    path = {"claimant": claimant.get_absolute_url(), "article": article.get_absolute_url()}.get(
        path, path
    )
    before = _queries(client, path)
    for _ in range(12):
        claim = ClaimFactory(claimant=claimant, claim_date=demo.claims["cas7"].claim_date)
        ClaimSourceFactory(claim=claim, article=article)
        ClaimSourceFactory(claim=claim, article=ArticleFactory(outlet=OutletFactory()))
    from tracker.cache import bump_data_version

    bump_data_version()
    assert _queries(client, path) <= before
