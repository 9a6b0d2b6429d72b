"""Every chart says where its numbers are and how to cite them; the release number is shown in
the footer, sent in a header and written in the API schema; the methodology page carries a
citation with today's date and the data licence."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from django.utils import timezone

from tracker import __version__

pytestmark = pytest.mark.django_db
CHART_PAGES = ["/", "/timeline/", "/totals/", "/arms/", "/border/"]
FILTERS = "claimant={jcs}&min_confidence=moderate&date_from=2024-10-01"


def _figures(html: str) -> list[str]:
    return re.findall(r'<figure class="chart-card">.*?</figure>', html, flags=re.S)


@pytest.mark.parametrize("page", CHART_PAGES)
def test_every_chart_has_a_csv_and_a_cite_link(client, demo, page):
    query = FILTERS.format(jcs=demo.claimants["jcs"].pk)
    html = client.get(f"{page}?{query}").content.decode()
    figures = _figures(html)
    assert figures, page
    for figure in figures:
        [csv_link] = re.findall(r'<a class="chart-csv" href="([^"]+)" download>CSV</a>', figure)
        # The cite link gives a citation whose address shows this view as of now (as_of).
        [cite] = re.findall(r'<a class="chart-cite" href="([^"]+)"', figure)
        citation = client.get(cite.replace("&amp;", "&")).content.decode()
        assert f"{page}?" in citation and "as_of=" in citation, citation
        csv_link = csv_link.replace("&amp;", "&")
        # The page's filters travel with the link.
        for part in query.split("&"):
            assert part in csv_link, (page, csv_link)
        response = client.get(csv_link)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        frame = pd.read_csv(io.BytesIO(b"".join(response.streaming_content)))
        assert len(frame.columns) > 10


def test_totals_chart_csv_is_the_series_it_draws(client, demo):
    response = client.get("/totals/?category=casualties&subtype=killed_or_wounded")
    [link] = re.findall(r'class="chart-csv" href="([^"]+)"', response.content.decode())
    assert link.startswith("/series.csv?")
    frame = pd.read_csv(io.BytesIO(b"".join(client.get(link.replace("&amp;", "&")))))
    chart = response.context["chart"]["figure"]
    assert chart["data"]  # the chart draws something, and the CSV has its points
    assert set(frame["subtype"]) == {"killed_or_wounded"}
    headline = response.context["current"]
    assert frame[frame["line"] == "headline"]["value"].iloc[-1] == headline["value"]


def test_timeline_chart_csv_is_the_claims_csv_with_the_page_filters(client, demo):
    html = client.get("/timeline/?category=casualties").content.decode()
    [link] = re.findall(r'class="chart-csv" href="([^"]+)"', html)
    assert link == "/claims.csv?category=casualties"


def test_version_in_footer_header_and_schema(client):
    page = client.get("/methodology/")
    assert f'Version <span class="version">{__version__}</span>' in page.content.decode()
    assert page["X-Tracker-Version"] == __version__
    api = client.get("/api/v1/claims/")
    assert api["X-Tracker-Version"] == __version__
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.json()["info"]["version"] == __version__
    assert schema["X-Tracker-Version"] == __version__


def test_methodology_cites_title_version_address_and_access_date(client):
    html = client.get("/methodology/").content.decode()
    [citation] = re.findall(
        r'<blockquote class="citation" id="citation-text">(.*?)</blockquote>', html
    )
    assert "NK–Russia claims tracker" in citation
    assert f"version {__version__}" in citation
    assert "http://testserver/" in citation
    assert f"(accessed {timezone.localdate().isoformat()})" in citation
    assert "CC BY 4.0" in citation
    assert 'id="cite"' in html and "creativecommons.org/licenses/by/4.0/" in html
