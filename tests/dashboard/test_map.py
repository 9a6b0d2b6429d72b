"""The map page and the map panels: markers per place sized by claims, arms routes as lines,
a click target per place, a table with the same numbers, hostile names escaped."""

from __future__ import annotations

import json

import pytest

from tests.factories import ClaimFactory
from tests.security.chartcheck import markup_problems
from tracker import maps
from tracker.models import Claim, Place
from tracker.places import places_load

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)">Camp'


@pytest.fixture
def placed():
    places_load()
    p = {slug: Place.objects.get(slug=slug) for slug in ("kursk-oblast", "sudzha", "rajin")}
    p["dunai"] = Place.objects.get(slug="dunai")
    p["paju"] = Place.objects.get(slug="paju")
    p["hostile"] = Place.objects.create(
        name=HOSTILE, slug="hostile", kind="training_ground", country="Russia",
        latitude=44, longitude=132,
    )  # fmt: skip
    for day in (1, 2, 3):
        ClaimFactory(place=p["kursk-oblast"], claim_date=f"2025-01-0{day}")
    ClaimFactory(place=p["sudzha"], category="troop_deployment", subtype="in_combat",
                 best=None, qualifier="none", unit="")  # fmt: skip
    arms = dict(category="arms_transfer", subtype="containers", unit="containers",
                measure="increment")  # fmt: skip
    ClaimFactory(place=p["dunai"], origin_place=p["rajin"], best=1000, **arms)
    ClaimFactory(place=p["dunai"], origin_place=p["rajin"], best=2000, **arms)
    ClaimFactory(place=p["paju"], category="border_activity", subtype="balloons", best=300,
                 unit="balloons", measure="increment")  # fmt: skip
    ClaimFactory(place=p["hostile"], category="troop_deployment", subtype="in_combat",
                 best=None, qualifier="none", unit="")  # fmt: skip
    ClaimFactory()  # no place: not drawn, counted as unplaced
    ClaimFactory(place=p["sudzha"], status=Claim.Status.PENDING)  # not public
    return p


def _figure(response, chart_id="map"):
    html = response.content.decode()
    marker = f'id="{chart_id}-data" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


def _markers(figure) -> dict[str, tuple]:
    """Place name → (marker size, click URL) across the marker traces."""
    out = {}
    for trace in figure["data"]:
        if trace["mode"] != "markers":
            continue
        for text, size, url in zip(
            trace["text"], trace["marker"]["size"], trace["customdata"], strict=True
        ):
            out[text.split("</b>")[0].removeprefix("<b>")] = (size, url)
    return out


def test_the_map_draws_a_marker_per_place_sized_by_its_claims(client, placed):
    response = client.get("/map/")
    assert response.status_code == 200
    figure = _figure(response)
    markers = _markers(figure)
    assert {"Kursk Oblast", "Sudzha", "Dunai", "Paju"} <= set(markers)
    assert "Rajin" not in markers  # an origin only: drawn as a line's end, counted nowhere
    assert markers["Kursk Oblast"][0] > markers["Dunai"][0] > markers["Sudzha"][0]
    assert markers["Sudzha"][1] == "/claims/?place=sudzha"
    assert all(trace["type"] == "scattergeo" for trace in figure["data"])


def test_arms_routes_are_lines_from_origin_to_destination(client, placed):
    figure = _figure(client.get("/map/"))
    lines = [t for t in figure["data"] if t["mode"] == "lines"]
    assert len(lines) == 1
    rajin, dunai = placed["rajin"], placed["dunai"]
    assert lines[0]["lon"] == [rajin.longitude, dunai.longitude]
    assert lines[0]["lat"] == [rajin.latitude, dunai.latitude]
    assert "Rajin → Dunai: 2 claims" in lines[0]["text"]


def test_the_table_lists_places_with_counts_categories_and_latest_date(client, placed):
    response = client.get("/map/")
    rows = {row["slug"]: row for row in response.context["places"]}
    assert rows["kursk-oblast"]["claims"] == 3
    assert rows["kursk-oblast"]["latest"].isoformat() == "2025-01-03"
    assert rows["sudzha"]["claims"] == 1  # the pending claim is not public
    html = response.content.decode()
    assert 'href="/claims/?place=kursk-oblast"' in html
    assert "1 claim under these filters names no place" in html


def test_the_places_filter_and_the_pages_filters_narrow_the_map(client, placed):
    figure = _figure(client.get("/map/?category=border_activity"))
    assert set(_markers(figure)) == {"Paju"}
    assert _markers(figure)["Paju"][1] == "/claims/?category=border_activity&place=paju"
    listed = client.get("/claims/?place=rajin").context["page"].object_list
    assert {c.place.slug for c in listed} == {"dunai"}  # shipped from Rajin


def test_place_names_are_escaped_in_hover_text_and_table(client, placed):
    response = client.get("/map/")
    figure = _figure(response)
    hovers = [text for t in figure["data"] if t["mode"] == "markers" for text in t["text"]]
    hostile = next(h for h in hovers if "Camp" in h)
    assert hostile.startswith("<b>&lt;img src=x") and "<img" not in hostile
    assert markup_problems(figure) == []
    assert "<img src=x" not in response.content.decode()


def test_topic_pages_and_the_overview_carry_a_map_panel_of_their_topic(client, placed):
    arms = _markers(_figure(client.get("/arms/"), "map-panel"))
    border = _markers(_figure(client.get("/border/"), "map-panel"))
    overview = _markers(_figure(client.get("/"), "map-panel"))
    assert set(arms) == {"Dunai"} and set(border) == {"Paju"}
    assert {"Kursk Oblast", "Dunai", "Paju"} <= set(overview)


def test_an_empty_map_says_so(client, placed):
    figure = _figure(client.get("/map/?date_from=2030-01-01"))
    assert not figure["data"]
    assert "No claims with a place" in figure["layout"]["annotations"][0]["text"]


def test_the_figure_uses_no_cdn_and_no_webgl():
    fig = maps.map_figure(
        [{"slug": "x", "name": "X", "kind_label": "City", "lat": 1, "lon": 2, "claims": 1,
          "category_text": "Other 1", "latest": None, "main_category": "other"}],
        [],
    )  # fmt: skip
    text = fig.to_json()
    assert "scattergeo" in text and "http" not in text and "gl" not in fig.data[0].type


def test_the_claim_page_names_its_place_and_origin(client, placed):
    claim = Claim.objects.filter(origin_place__isnull=False).first()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert 'href="/claims/?place=dunai">Dunai</a>' in html
    assert "shipped from <a" in html and ">Rajin</a>" in html and "precision: exact spot" in html


def test_renaming_a_place_shows_on_the_map_at_once(client, placed):
    client.get("/map/")  # cached
    placed["paju"].name = "Paju City"
    placed["paju"].save()
    assert "Paju City" in _markers(_figure(client.get("/map/")))
