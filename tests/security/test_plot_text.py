"""Text never reaches a chart as markup: tracker.untrusted.for_plot prepares every string a
figure carries (titles, axis titles, hover, legend), and quotes still read as quotes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, ClaimSourceFactory
from tests.security.chartcheck import markup_problems, page_figures
from tests.security.conftest import HOSTILE_LONG, HOSTILE_SHORT, P_IMG, P_SVG
from tracker.untrusted import for_plot, for_xml

HOSTILE = [
    HOSTILE_LONG,
    HOSTILE_SHORT,
    P_IMG,
    P_SVG,
    '<a href="javascript:alert(1)">troops</a>',
    '<span style="font-size:90px">big</span>',
    "&#60;script&#62; &lt;b&gt;",
    "%{customdata} %{x}",
    'the "Storm" corps',
    "form\x0cfeed\x1b[31m bs\x08 end",
]
# PostgreSQL cannot store NUL, so it only reaches the functions, never the pages.
TO_FUNCTIONS = [*HOSTILE, "nul\x00 \ud800 \ufffe end"]


@pytest.mark.parametrize("text", TO_FUNCTIONS)
def test_for_plot_leaves_no_tag_and_keeps_quotes(text):
    prepared = for_plot(text)
    assert "<" not in prepared and ">" not in prepared
    assert "&quot;" not in prepared
    assert prepared.count('"') == text.count('"')
    # No entity survives as an entity: every & is itself escaped.
    assert prepared.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0


@pytest.mark.parametrize("text", TO_FUNCTIONS)
def test_for_xml_keeps_only_characters_xml_can_carry(text):
    import xml.dom.minidom

    from django.utils.xmlutils import SimplerXMLGenerator

    cleaned = for_xml(text)
    assert not any(c in cleaned for c in "\x00\x08\x0c\x1b\ud800\ufffe")
    out = __import__("io").StringIO()
    gen = SimplerXMLGenerator(out, "utf-8")
    gen.startDocument()
    gen.addQuickElement("t", cleaned)
    gen.endDocument()
    xml.dom.minidom.parseString(out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    "url",
    ["/totals/?category=troop_deployment&subtype=deployed", "/", "/timeline/", "/arms/"],
)
def test_page_charts_carry_hostile_text_as_inert_text(client, text, url):
    claimant = ClaimantFactory(name=f"{text} agency"[:200], short_name=text[:60])
    for n, (category, subtype) in enumerate(
        [("troop_deployment", "deployed"), ("arms_transfer", "artillery_shells")]
    ):
        claim = ClaimFactory(
            claimant=claimant,
            category=category,
            subtype=subtype,
            unit=text[:30],
            weapon_system=text[:120],
            claim_date=dt.date(2024, 10, 1 + n),
        )
        ClaimSourceFactory(claim=claim, article=ArticleFactory(title=text), quote=text)
    response = client.get(url)
    assert response.status_code == 200
    figures = page_figures(response.content.decode())
    assert figures, "the page carries at least one chart"
    for name, figure in figures.items():
        assert markup_problems(figure) == [], name


@pytest.mark.django_db
def test_the_y_axis_title_shows_the_unit_as_text(client):
    ClaimFactory(
        category="troop_deployment", subtype="deployed", unit='<a href="x">"elite" men</a>'
    )
    response = client.get("/totals/?category=troop_deployment&subtype=deployed")
    figure = page_figures(response.content.decode())["totals-data"]
    title = figure["layout"]["yaxis"]["title"]["text"]
    # Named once after the words (vocab.axis_title), wrapped on spaces, and inert.
    assert title.replace("<br>", " ").endswith('counted in &lt;a href="x"&gt;"elite" men&lt;/a&gt;')
    assert markup_problems(figure) == []
