"""Claims by place: the rows behind the map (one SQL aggregate per place and category, one per
shipment route) and the Plotly geo figure drawn from them.

Markers sit on gazetteer places (tracker.places), sized by the number of claims there and
coloured by the category most of them belong to; arms transfers with a place shipped from are
drawn as lines from origin to destination. A click on a marker opens the claims list filtered
by that place (customdata, handled by static/js/charts.js). Names come from the gazetteer, which
editors extend: escaped like any text from the database (figures.esc).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from django.db.models import Count, Max, QuerySet
from django.http import QueryDict

from tracker import vocab
from tracker.figures import FONT, INK, MUTED, PALETTE, esc
from tracker.models import Claim, LocationPrecision, Place

CATEGORY_COLOURS = dict(zip(vocab.CATEGORIES, PALETTE, strict=False))
FLOW_COLOUR = "#6a4c93"
FLOW_LIMIT = 60  # routes drawn; the busiest first
_PLACE_VALUES = ("place__slug", "place__name", "place__kind", "place__latitude", "place__longitude")


def place_rows(claims: QuerySet[Claim]) -> list[dict]:
    """Per place: name, slug, kind, coordinates, claims (count), categories (count per
    category, most first), latest claim date; busiest places first. Arms transfers count at
    their destination."""
    grouped = (
        claims.filter(place__isnull=False)
        .values(*_PLACE_VALUES, "category")
        .annotate(n=Count("id"), latest=Max("claim_date"))
        .order_by()
    )
    places: dict[str, dict] = {}
    for row in grouped:
        place = places.setdefault(
            row["place__slug"],
            {
                "slug": row["place__slug"],
                "name": row["place__name"],
                "kind": row["place__kind"],
                "kind_label": Place.Kind(row["place__kind"]).label,
                "lat": row["place__latitude"],
                "lon": row["place__longitude"],
                "claims": 0,
                "categories": {},
                "latest": None,
            },
        )
        place["claims"] += row["n"]
        place["categories"][row["category"]] = row["n"]
        if place["latest"] is None or row["latest"] > place["latest"]:
            place["latest"] = row["latest"]
    for place in places.values():
        ranked = sorted(place["categories"].items(), key=lambda kv: (-kv[1], kv[0]))
        place["categories"] = dict(ranked)
        place["main_category"] = ranked[0][0]
        place["category_text"] = ", ".join(f"{vocab.CATEGORIES.get(c, c)} {n}" for c, n in ranked)
    return sorted(places.values(), key=lambda p: (-p["claims"], p["name"]))


def flow_rows(claims: QuerySet[Claim]) -> list[dict]:
    """Arms routes: origin and destination (name, coordinates) with the number of claims of
    shipments along them, busiest first (at most FLOW_LIMIT)."""
    rows = (
        claims.filter(category="arms_transfer", place__isnull=False, origin_place__isnull=False)
        .values(
            *_PLACE_VALUES,
            "origin_place__slug",
            "origin_place__name",
            "origin_place__latitude",
            "origin_place__longitude",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "origin_place__name", "place__name")[:FLOW_LIMIT]
    )
    return [
        {
            "origin": row["origin_place__name"],
            "origin_slug": row["origin_place__slug"],
            "destination": row["place__name"],
            "destination_slug": row["place__slug"],
            "lat": (row["origin_place__latitude"], row["place__latitude"]),
            "lon": (row["origin_place__longitude"], row["place__longitude"]),
            "claims": row["n"],
        }
        for row in rows
    ]


def precision_counts(claims: QuerySet[Claim]) -> dict:
    """How many claims the map draws at each precision, and how many it cannot draw."""
    counts = dict(claims.values_list("location_precision").annotate(n=Count("id")).order_by())
    return {
        "by_precision": [
            (label, counts.get(value, 0)) for value, label in LocationPrecision.choices
        ],
        "unplaced": counts.get("", 0),
    }


def claims_link(slug: str, filter_qs: str) -> str:
    """The claims list at one place under the page's other filters."""
    params = QueryDict(filter_qs, mutable=True)
    params["place"] = slug
    return "/claims/?" + params.urlencode(safe=",")


def _marker_size(count: int, largest: int, *, small: bool) -> float:
    top = 34 if small else 46
    return 7 + (top - 7) * math.sqrt(count / max(largest, 1))


def map_figure(
    places: list[dict],
    flows: list[dict],
    *,
    filter_qs: str = "",
    title: str = "Claims by place",
    height: int = 520,
    small: bool = False,
) -> go.Figure:
    """Markers per place (size: claims there; colour: their main category) and arms routes as
    lines from origin to destination, on a base map from our own static topojson."""
    fig = go.Figure()
    largest = max((p["claims"] for p in places), default=1)
    widest = max((f["claims"] for f in flows), default=1)
    for index, flow in enumerate(flows):
        fig.add_trace(
            go.Scattergeo(
                lon=list(flow["lon"]),
                lat=list(flow["lat"]),
                mode="lines",
                line={"width": 1.5 + 3.5 * flow["claims"] / widest, "color": FLOW_COLOUR},
                opacity=0.75,
                name="Arms shipped (origin → destination)",
                legendgroup="flows",
                showlegend=index == 0,
                hoverinfo="text",
                text=(
                    f"{esc(flow['origin'])} → {esc(flow['destination'])}: "
                    f"{flow['claims']} claim{'s' if flow['claims'] != 1 else ''} of shipments"
                ),
            )
        )
    for category, label in vocab.CATEGORIES.items():
        subset = [p for p in places if p["main_category"] == category]
        if not subset:
            continue
        fig.add_trace(
            go.Scattergeo(
                lon=[p["lon"] for p in subset],
                lat=[p["lat"] for p in subset],
                mode="markers",
                name=f"Mostly {label.lower()}",
                marker={
                    "size": [_marker_size(p["claims"], largest, small=small) for p in subset],
                    "color": CATEGORY_COLOURS[category],
                    "opacity": 0.78,
                    "line": {"color": "#ffffff", "width": 1},
                },
                text=[_hover(p) for p in subset],
                hoverinfo="text",
                customdata=[claims_link(p["slug"], filter_qs) for p in subset],
            )
        )
    fig.update_layout(
        template="none",
        title={"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 12, "color": INK},
        height=height,
        margin={"l": 4, "r": 4, "t": 48, "b": 4},
        paper_bgcolor="#ffffff",
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": "#c9d0db", "font": {"color": INK}},
        showlegend=bool(places or flows),
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.01,
            "x": 0,
            "bgcolor": "rgba(255,255,255,0.85)",
        },
        geo={
            "scope": "world",
            "resolution": 110,
            "projection": {"type": "natural earth"},
            "showcountries": True,
            "countrycolor": "#9aa5b5",
            "showland": True,
            "landcolor": "#f1f3f6",
            "showocean": True,
            "oceancolor": "#e3ecf5",
            "showcoastlines": True,
            "coastlinecolor": "#9aa5b5",
            "showframe": False,
            # Eastern Europe to the Sea of Japan; fitted to the markers when there are any.
            "lonaxis": {"range": [20, 145]},
            "lataxis": {"range": [30, 62]},
            "fitbounds": "locations" if places else False,
        },
    )
    if not places:
        fig.add_annotation(
            text="No claims with a place match these filters",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font={"size": 14, "color": MUTED},
        )
    return fig


def _hover(place: dict) -> str:
    latest = place["latest"].isoformat() if place["latest"] else "—"
    claims = f"{place['claims']} claim{'s' if place['claims'] != 1 else ''}"
    return (
        f"<b>{esc(place['name'])}</b> ({esc(place['kind_label'])})<br>"
        f"{claims}: {esc(place['category_text'])}<br>"
        f"latest {latest} · click for the claims"
    )
