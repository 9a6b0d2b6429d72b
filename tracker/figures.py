"""Plotly figures for the dashboard, built from the series JSON of `series_build` (and from
plain claim points for the timeline). Pages carry `fig.to_json()` as data; static/js/charts.js
draws them.

Hover text comes from articles and is hostile: every string from the database goes through
`esc` before it reaches text, hovertemplate or customdata, because plotly renders a subset of
HTML in hover labels. Each chart keeps to a few thousand points (the server thins and caps).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import textwrap
from collections.abc import Mapping

import plotly.graph_objects as go
from django.core.serializers.json import DjangoJSONEncoder
from plotly.subplots import make_subplots

from tracker import trust, vocab
from tracker.cache import memo, memo_many
from tracker.untrusted import for_plot

MAX_POINTS_PER_CHART = 3000
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
INK, MUTED, GRID = "#1d2430", "#5d6778", "#e6e9ef"
CONFIDENCE_COLOURS = {"high": "#1b7a3d", "moderate": "#c98a00", "low": "#b3261e"}
CONFIDENCE_SYMBOLS = {"high": "circle", "moderate": "diamond", "low": "x"}
PALETTE = [
    "#0b5cad", "#d1495b", "#00798c", "#edae49", "#6a4c93", "#30638e", "#8d6a9f", "#66a182",
    "#e76f51", "#2a9d8f", "#264653", "#9c6644",
]  # fmt: skip
HEADLINE_COLOUR = "#14213d"


def esc(value) -> str:
    """Text from the database made inert for plotly's HTML-ish labels (tracker.untrusted)."""
    return for_plot(value)


def _quote_lines(quote: str | None, width: int = 64, limit: int = 280) -> str:
    if not quote:
        return ""
    quote = " ".join(quote.split())
    if len(quote) > limit:
        quote = quote[: limit - 1].rstrip() + "…"
    return "<br>".join(esc(line) for line in textwrap.wrap(quote, width))


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def claim_url(claim_id: int) -> str:
    return f"/claims/{int(claim_id)}/"


def built_traces(name: str, build, *parts) -> list[dict]:
    """The traces `build(*parts)` returns (go.Scatter), as plotly validated them (their JSON),
    cached under `name` and `parts` (tracker.cache.memo): `parts` are everything the traces
    are built from (a line's points, its colour, the point budget), so an approval rebuilds
    only the lines whose points it changed. Plotly's validation is most of a chart's cost."""
    return memo(f"traces:{name}", parts, lambda: _validated(build(*parts)))


def built_traces_many(name: str, build, many: list[tuple]) -> list[dict]:
    """`built_traces(name, build, *parts)` for each `parts` of `many`, their traces in that
    order, with one cache read for them all (tracker.cache.memo_many)."""
    return [
        trace
        for traces in memo_many(f"traces:{name}", many, lambda *parts: _validated(build(*parts)))
        for trace in traces
    ]


def _validated(traces) -> list[dict]:
    return [t if isinstance(t, dict) else t.to_plotly_json() for t in traces]


def scatter(**props) -> dict:
    """What `go.Scatter(**props).to_plotly_json()` gives — plotly's keys in its order
    (alphabetical at every level, `type` last), None left out — without plotly's validation,
    which is most of a changed chart's cost. For the values these charts pass (lists of
    numbers, strings and None, strings, numbers, booleans) validation changes nothing;
    tests/dashboard/test_cache_parts.py checks every trace of the totals charts against plotly."""
    return {**_plotly_order(props), "type": "scatter"}


def _plotly_order(props: dict) -> dict:
    return {
        key: _plotly_order(value) if isinstance(value, dict) else value
        for key, value in sorted(props.items())
        if value is not None
    }


def figure_of(traces: list) -> go.Figure:
    """A figure of `traces` (go.Scatter, or validated JSON from `built_traces`). Plotly validates
    a trace when it is made and again when it is added to a figure; this adds them as they
    are, validated once, so the figure's JSON is the same as `add_trace` would give at half the
    cost. What follows (layout updates, subplots) is validated as usual."""
    data = [t if isinstance(t, dict) else t.to_plotly_json() for t in traces]
    fig = go.Figure({"data": data}, _validate=False)
    fig._validate = fig.layout._validate = True
    return fig


class FigureJSON(Mapping):
    """A figure's JSON as the text a page carries in its `<script type="application/json">`:
    what Django's `json_script` writes for `fig.to_plotly_json()` (the same encoder, `<`, `>`
    and `&` as \\u escapes), made once when the chart is built. A cached chart part then holds
    text, not a tree to copy, serialise and escape again on every render; the figure's dict
    is parsed from it on first use (tests, code that reads a chart)."""

    __slots__ = ("text", "_parsed")

    def __init__(self, text: str) -> None:
        self.text = text
        self._parsed = None

    def _figure(self) -> dict:
        if self._parsed is None:
            self._parsed = json.loads(self.text)
        return self._parsed

    def __getitem__(self, key):
        return self._figure()[key]

    def __iter__(self):
        return iter(self._figure())

    def __len__(self) -> int:
        return len(self._figure())

    def __eq__(self, other) -> bool:
        if isinstance(other, FigureJSON):
            return self.text == other.text
        return self._figure() == other

    __hash__ = None

    def __reduce__(self):
        return (FigureJSON, (self.text,))  # cached as its text alone


def figure_json(fig: go.Figure) -> FigureJSON:
    """`fig` as `FigureJSON`. `to_plotly_json()` deep-copies the figure (and converts numpy
    arrays, which these figures never hold: their arrays are lists) before it is serialised;
    this serialises the figure's own data and layout as they are, the same JSON."""
    if fig._frame_objs:  # noqa: SLF001 — frames would be a third key; no chart here has any
        raise ValueError("figures with frames are serialised with to_plotly_json()")
    return figure_text(fig._data, fig._layout)  # noqa: SLF001


def figure_text(data: list[dict], layout: dict) -> FigureJSON:
    """A figure's traces and layout, as plotly's JSON (`to_plotly_json()`), as `FigureJSON`."""
    text = json.dumps({"data": data, "layout": layout}, cls=DjangoJSONEncoder)
    # json_script's escapes, with str.replace (many times faster than str.translate on 0.5 MB).
    return FigureJSON(text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E"))


def drawn(fig: go.Figure) -> dict:
    """What a page needs of a built figure: its JSON (`FigureJSON`), its title and whether it
    has a date brush. Small and plain, so it can be cached as one part."""
    return {
        "figure": figure_json(fig),
        "title": fig.layout.title.text or "",
        "brush": has_brush(fig),
    }


def pending_key(name: str) -> go.Scatter:
    """The legend's key to pending claims (shown to editors): a hollow marker, no data."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        meta=LEGEND_KEY,
        marker={"size": 9, "color": "#ffffff", "line": {"color": MUTED, "width": 1.6}},
        hoverinfo="skip",
    )


def _base_layout(fig: go.Figure, *, title: str, height: int, legend: bool = True) -> go.Figure:
    """The look every chart shares. The legend sits under the x-axis title, anchored to the
    figure's bottom edge; static/js/charts.js measures the tick labels, axis title and legend as
    drawn at the page's width and grows the bottom margin (and the figure) to hold them, so the
    legend never covers the axes. It also wraps the title to the width."""
    fig.update_layout(
        template="none",  # our own styling below; the default template adds ~8 KB per figure
        title={"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 12, "color": INK},
        height=height,
        margin={"l": 70, "r": 24, "t": TOP_MARGIN, "b": BOTTOM_MARGIN},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": "#c9d0db", "font": {"color": INK}},
        hovermode="closest",
        showlegend=legend,
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0,
                "xref": "container", "x": 0, "xanchor": "left", "traceorder": "normal"},
    )  # fmt: skip
    # Horizontal date labels; charts.js sets how many fit the drawn width (nticks).
    fig.update_xaxes(
        showgrid=True, gridcolor=GRID, linecolor="#c9d0db", zeroline=False, tickangle=0
    )
    # automargin: the left margin grows to hold tick labels and the (wrapped) title, never cuts.
    fig.update_yaxes(
        showgrid=True, gridcolor=GRID, linecolor="#c9d0db", zeroline=False, automargin=True
    )
    return fig


TOP_MARGIN, BOTTOM_MARGIN = 56, 60
CHAR_PX = 7  # a 12 px label's average character width, for wrapping before the browser measures


def wrap(text: str, width: int) -> str:
    """Text broken into lines of at most `width` characters on spaces, joined with plotly's
    <br>: long labels wrap, never cut (a word longer than `width` keeps its own line)."""
    lines = textwrap.wrap(text, max(8, width), break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines) or text


def value_axis_title(category: str, subtype: str | None, unit: str, *, length_px: int) -> str:
    """`vocab.axis_title` escaped (an unknown unit is claim text) and wrapped to an axis
    `length_px` long."""
    return wrap(esc(vocab.axis_title(category, subtype, unit)), length_px // CHAR_PX)


def power_label(power: int) -> str:
    """10**power as a tick label: 1, 10, 100, 1k, 10k, 100k, 1M … (0.1 below one)."""
    if power < 0:
        return f"{10.0**power:.{-power}f}"
    for exponent, suffix in ((12, "T"), (9, "B"), (6, "M"), (3, "k")):
        if power >= exponent:
            return f"{10 ** (power - exponent)}{suffix}"
    return str(10**power)


def log_axis(values: list[float], *, max_ticks: int = 7) -> dict:
    """A log axis ticked at powers of ten only (1, 10, 100 … 1k, 10k), spanning at least one
    decade so there are always two ticks, with no minor ticks: never "2, 10k, 9, 8…"."""
    positive = [v for v in values if v is not None and v > 0]
    if not positive:
        return {"type": "log"}
    low = math.floor(math.log10(min(positive)))
    high = math.ceil(math.log10(max(positive)))
    if high == low:
        high += 1
    step = max(1, math.ceil((high - low) / max(1, max_ticks - 1)))
    powers = list(range(low, high + 1, step))
    return {
        "type": "log",
        "tickmode": "array",
        "tickvals": [10.0**p for p in powers],
        "ticktext": [power_label(p) for p in powers],
        "range": [low - 0.12, high + 0.12],  # a marker at 10**low is not cut in half
        "minor": {"showgrid": False, "ticks": ""},
    }


def thin(points: list[dict], limit: int) -> list[dict]:
    """At most `limit` points, evenly spaced, always keeping the last (the current figure)."""
    if len(points) <= limit:
        return points
    step = len(points) / (limit - 1)
    kept = [points[int(i * step)] for i in range(limit - 1)]
    return [*kept, points[-1]]


def _band_high(point: dict) -> float:
    """Top of a step's band: an aggregated step's `band_high` (series aggregation), else its
    high, else its value."""
    if "band_high" in point:
        return point["band_high"]
    return point["value"] if point["high"] is None else point["high"]


def _band_low(point: dict) -> float:
    if "band_low" in point:
        return point["band_low"]
    return point["value"] if point["low"] is None else point["low"]


def _budget(n_traces: int) -> int:
    return max(50, MAX_POINTS_PER_CHART // max(1, n_traces))


def series_title(series: dict) -> str:
    subtype = vocab.SUBTYPES.get(series["category"], {}).get(series["subtype"], series["subtype"])
    return f"{vocab.CATEGORIES.get(series['category'], series['category'])}: {subtype}"


# --- Running totals -------------------------------------------------------------------------


def _claimant_hover(line: dict, point: dict, unit: str) -> str:
    bound = {"lower": " (lower bound)", "upper": " (upper bound)"}.get(point.get("bound") or "", "")
    band = ""
    if point.get("low") is not None and point.get("high") is not None:
        band = f"<br>range {_num(point['low'])}–{_num(point['high'])}"
    pending = "<br><b>PENDING REVIEW</b>" if point.get("status") == "pending" else ""
    conf = point.get("confidence")
    conf_text = f"<br>confidence {esc(conf)} ({esc(point.get('reliability'))})" if conf else ""
    return (
        f"<b>{_num(point['value'])} {esc(unit)}</b>{bound}{band}<br>{esc(line['claimant'])}"
        f" · {esc(point['date'])}{conf_text}{pending}<br>click to open the claim"
    )


def _claimant_traces(line: dict, colour: str, name: str, budget: int, unit: str) -> list[dict]:
    """One claimant's step line on the running totals, with its low–high band when it has one
    (two traces filled between)."""
    traces = []
    points = thin(line["points"], budget)
    group = f"c{line['claimant_id']}"
    highs, lows = [_band_high(p) for p in points], [_band_low(p) for p in points]
    if any(h != lo for h, lo in zip(highs, lows, strict=True)):
        xs = [p["date"] for p in points]
        traces.append(
            scatter(
                x=xs, y=highs,
                mode="lines", line={"width": 0, "shape": "hv"}, hoverinfo="skip",
                showlegend=False, legendgroup=group,
            )
        )  # fmt: skip
        traces.append(
            scatter(
                x=xs, y=lows,
                mode="lines", line={"width": 0, "shape": "hv"}, fill="tonexty",
                fillcolor=_rgba(colour, 0.12), hoverinfo="skip", showlegend=False,
                legendgroup=group,
            )
        )  # fmt: skip
    traces.append(
        scatter(
            x=[p["date"] for p in points],
            y=[p["value"] for p in points],
            mode="lines+markers",
            line={"shape": "hv", "width": 1.8, "color": colour},
            marker={
                "size": 7,
                "color": ["#ffffff" if p["status"] == "pending" else colour for p in points],
                "line": {"color": colour, "width": 1.5},
                "symbol": [CONFIDENCE_SYMBOLS.get(p["confidence"], "circle") for p in points],
            },
            name=name,
            legendgroup=group,
            text=[_claimant_hover(line, p, unit) for p in points],
            customdata=[claim_url(p["claim_id"]) for p in points],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    return traces


def totals_figure(series: dict, *, height: int = 520, title: str | None = None) -> go.Figure:
    """Running totals of one series: a step line per claimant with its low–high band, the
    headline line, the band across claimants, and summed increments."""
    traces, parts = _totals_traces(series, height=height, title=title)
    fig = figure_of(traces)
    with_layout(fig, memo("totals-layout", parts, lambda: _totals_layout(*parts)))
    _pad_single_date(fig)
    _legend_only_for_drawn(fig)
    if not any(draws(trace) for trace in fig.data if trace.meta != LEGEND_KEY):
        _empty(fig, include_pending=series.get("filters", {}).get("include_pending", False))
    return fig


def totals_drawn(series: dict, *, height: int = 520, title: str | None = None) -> dict:
    """`drawn(date_brush(totals_figure(series, …)))` — the same JSON text, title and brush —
    assembled from the traces' JSON (most cached, `built_traces`) and the brushed layout's
    (cached, `memo`), with no `go.Figure`: a figure deep-copies every trace it is given and
    reads them back through plotly's validators, most of a changed chart's cost. A chart with
    one date or nothing drawn (its axis padded, or a sentence) is made by `totals_figure`."""
    traces, parts = _totals_traces(series, height=height, title=title)
    data = _legend_only_for_drawn_json(
        [t if isinstance(t, dict) else t.to_plotly_json() for t in traces]
    )
    dates = {x for trace in data for x in (trace.get("x") or ()) if x}
    if len(dates) == 1 or not any(
        _draws_json(trace) for trace in data if trace.get("meta") != LEGEND_KEY
    ):
        return drawn(date_brush(totals_figure(series, height=height, title=title)))
    brush = any(trace.get("x") is not None and len(trace["x"]) for trace in data)
    shown = memo("totals-layout-drawn", (*parts, brush), lambda: _totals_shown(parts, brush))
    return {
        "figure": figure_text(data, shown["layout"]),
        "title": shown["title"],
        "brush": shown["brush"],
    }


def _totals_shown(parts: tuple, brush: bool) -> dict:
    """The running totals' layout (JSON) as `totals_figure` then `date_brush` leave it (with
    `brush`: its traces have dates), its title and whether it has the brush."""
    fig = go.Figure()
    with_layout(fig, memo("totals-layout", parts, lambda: _totals_layout(*parts)))
    if brush:
        _brush(fig, _brush_axis(fig))
    return {
        "layout": fig.layout.to_plotly_json(),
        "title": fig.layout.title.text or "",
        "brush": has_brush(fig),
    }


def _totals_traces(series: dict, *, height: int, title: str | None) -> tuple[list, tuple]:
    """The running totals' traces (go.Scatter, or cached JSON) and its layout's parts."""
    unit = series["unit"]
    cumulative, increments = series["cumulative"], series["increments"]
    claimant_lines = _main_lines(cumulative["claimants"])
    increment_lines = _main_lines(increments["claimants"])
    hidden = len(cumulative["claimants"]) - len(claimant_lines)
    n_traces = len(claimant_lines) * 3 + len(increment_lines) + 3
    budget = _budget(n_traces)
    traces: list = []

    band = thin(cumulative["band"], budget)
    if band:
        dates = [b["date"] for b in band]
        traces.append(
            scatter(
                x=dates, y=[b["max"] for b in band], mode="lines", line={"width": 0,
                "shape": "hv"}, hoverinfo="skip", showlegend=False, legendgroup="band",
            )
        )  # fmt: skip
        traces.append(
            scatter(
                x=dates,
                y=[b["min"] for b in band],
                mode="lines",
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor="rgba(20,33,61,0.08)",
                name="Range across claimants"
                + (f" (incl. {hidden} more not drawn)" if hidden else ""),
                legendgroup="band",
                hoverinfo="skip",
            )
        )

    compared = series.get("compared")
    colour_of = _compared_colours(compared)
    lines = []
    for i, line in enumerate(claimant_lines):
        colour = colour_of.get(line["claimant_id"], PALETTE[i % len(PALETTE)])
        name = esc(line.get("claimant_short") or line["claimant"])
        if compared:
            name += " (own figures)"
        lines.append((line, colour, name, budget, unit))
    traces += built_traces_many("claimant", _claimant_traces, lines)

    headline = thin(cumulative["headline"], budget)
    if headline:
        last_date = cumulative["band"][-1]["date"] if cumulative["band"] else headline[-1]["date"]
        xs = [h["date"] for h in headline] + [last_date]
        ys = [h["value"] for h in headline] + [headline[-1]["value"]]
        texts = [_headline_hover(h, unit) for h in headline]
        traces.append(
            scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line={"shape": "hv", "width": 3.5, "color": HEADLINE_COLOUR},
                marker={
                    "size": [*(9 if _pending(h) else 6 for h in headline), 0],
                    "color": [*(_fill(h, HEADLINE_COLOUR) for h in headline), HEADLINE_COLOUR],
                    "line": {"color": HEADLINE_COLOUR, "width": 2},
                },
                name=(
                    "Headline (the rule, every claimant)"
                    if compared
                    else "Headline (the most trusted current estimate)"
                ),
                text=[*texts, texts[-1]],
                customdata=[claim_url(h["claim_id"]) for h in headline]
                + [claim_url(headline[-1]["claim_id"])],
                hovertemplate="%{text}<extra></extra>",
            )
        )

    lines = []
    for i, line in enumerate(increment_lines):
        colour = colour_of.get(
            line["claimant_id"], PALETTE[(i + len(cumulative["claimants"])) % len(PALETTE)]
        )
        lines.append((line, colour, budget, unit))
    traces += built_traces_many("increments", _increment_traces, lines)
    combined = thin(increments["combined"], budget)
    if combined:
        xs = [p["date"] for p in combined]
        if any(p["running_low"] != p["running_high"] for p in combined):
            traces.append(
                scatter(
                    x=xs, y=[p["running_high"] for p in combined], mode="lines",
                    line={"width": 0, "shape": "hv"}, hoverinfo="skip", showlegend=False,
                    legendgroup="combined",
                )
            )  # fmt: skip
            traces.append(
                scatter(
                    x=xs, y=[p["running_low"] for p in combined], mode="lines",
                    line={"width": 0, "shape": "hv"}, fill="tonexty",
                    fillcolor="rgba(122,59,0,0.10)", hoverinfo="skip",
                    name="Ranges counted at their low and high ends", legendgroup="combined",
                )
            )  # fmt: skip
        traces.append(
            scatter(
                x=xs,
                y=[p["running_total"] for p in combined],
                mode="lines+markers",
                line={"shape": "hv", "width": 3, "color": "#7a3b00", "dash": "dash"},
                marker={
                    "size": [8 if _pending(p) else 4 for p in combined],
                    "color": [_fill(p, "#7a3b00") for p in combined],
                    "line": {"color": "#7a3b00", "width": 1.5},
                },
                name="All reported events, summed (each event once)",
                legendgroup="combined",
                text=[
                    f"<b>{_num(p['running_total'])} {esc(unit)}</b> by {esc(p['date'])}<br>"
                    f"+{_num(p['value'])} that day" + _pending_text(p)
                    for p in combined
                ],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    for entry in compared or ():
        if not entry["points"]:  # named, so the legend says why no line is drawn
            traces.append(
                scatter(
                    x=[None], y=[None], mode="lines", hoverinfo="skip",
                    line={"color": colour_of[entry["claimant_id"]], "width": 1.8},
                    name=f"{esc(entry['claimant_short'])}: no figure in this series",
                )
            )  # fmt: skip
    # A series of approved claims only (its filters say so) has no pending point to look for.
    if series.get("filters", {}).get("include_pending", True) and _any_pending(
        cumulative, increments
    ):
        traces.append(pending_key("Pending review (hollow marker)"))

    y_title = value_axis_title(
        series["category"], series["subtype"], unit, length_px=height - TOP_MARGIN - BOTTOM_MARGIN
    )
    title = title or f"Running total — {series_title(series)}"
    return traces, (title, height, y_title, bool(compared))


def _totals_layout(title: str, height: int, y_title: str, compared: bool) -> dict:
    """The running totals' layout (JSON; `compared`: with the comparison's subtitle)."""
    fig = _base_layout(go.Figure(), title=title, height=height)
    if compared:
        _subtitle(fig, COMPARE_NOTE)
    fig.update_xaxes(title_text="Date the claim was made")
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return fig.layout.to_plotly_json()


def _increment_traces(line: dict, colour: str, budget: int, unit: str) -> list[dict]:
    """One claimant's reported events summed, on the running totals."""
    points = thin(line["points"], budget)
    return [
        scatter(
            x=[p["date"] for p in points],
            y=[p["running_total"] for p in points],
            mode="lines+markers",
            line={"shape": "hv", "width": 1.5, "color": colour, "dash": "dot"},
            marker={
                "size": 7,
                "color": [_fill(p, colour) for p in points],
                "line": {"color": colour, "width": 1.5},
            },
            # A range counts its midpoint: the bar spans what its low and high ends add.
            error_y=_increment_range(points),
            name=f"{esc(line['claimant'])} (events summed)",
            text=[_increment_hover(line, p, unit) for p in points],
            customdata=[claim_url(p["claim_id"]) for p in points],
            hovertemplate="%{text}<extra></extra>",
        )
    ]


MAX_CLAIMANT_LINES = 8
# Two short lines: the subtitle must not be cut on a phone.
COMPARE_NOTE = ("Lines: each claimant's own figures.", "Thick line: the headline, every claimant.")


def _compared_colours(compared: list[dict] | None) -> dict:
    """A colour per compared claimant, by its place in the comparison (stable across charts)."""
    return {c["claimant_id"]: PALETTE[i % len(PALETTE)] for i, c in enumerate(compared or ())}


def _subtitle(fig: go.Figure, lines: tuple[str, ...]) -> None:
    """Lines under the title saying how to read the chart (room made above the plot)."""
    fig.update_layout(
        title={
            "subtitle": {
                "text": "<br>".join(esc(line) for line in lines),
                "font": {"size": 12, "color": MUTED},
            }
        },
        margin={"t": (fig.layout.margin.t or 56) + 18 * len(lines) + 4},
        height=(fig.layout.height or 450) + 18 * len(lines) + 4,  # the plot keeps its size
    )


# The date brush: a range slider under time axes, preset ranges and a "filter to this range"
# link beside the chart (templates/tracker/_brush.html, static/js/charts.js); charts.js hides
# the slider on charts narrower than BRUSH_MIN_WIDTH px and keeps the buttons.
BRUSH_MIN_WIDTH = 500
BRUSH_ROOM = 56  # px added under the plot: the slider and its gap to the axis title


def date_brush(fig: go.Figure, *, axis: str | None = None) -> go.Figure:
    """A range slider on the time axis `axis` (default: the bottom one, the last x axis of
    stacked panels), with room made for it above the legend. An empty chart (a sentence, no
    axes) gets none: there are no dates to brush."""
    if not any(trace.x is not None and len(trace.x) for trace in fig.data):
        return fig
    _brush(fig, _brush_axis(fig) if axis is None else axis)
    return fig


def _brush_axis(fig: go.Figure) -> str:
    """The bottom time axis: the last x axis of stacked panels."""
    names = [k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")] or ["xaxis"]
    return max(names, key=lambda k: int(k.removeprefix("xaxis") or 1))


def _brush(fig: go.Figure, axis: str) -> None:
    fig.update_layout(
        {
            axis: {
                "rangeslider": {
                    "visible": True,
                    "thickness": 0.08,
                    "bgcolor": "#f4f6f9",
                    "bordercolor": "#c9d0db",
                    "borderwidth": 1,
                }
            },
            "margin": {"b": (fig.layout.margin.b or 60) + BRUSH_ROOM},
            "height": (fig.layout.height or 450) + BRUSH_ROOM,  # the plot keeps its size
            # Read by charts.js: which axis the buttons move, below which width to drop the slider.
            "meta": {"brush": {"axis": axis, "min_width": BRUSH_MIN_WIDTH}},
        }
    )


def has_brush(fig: go.Figure) -> bool:
    meta = fig.layout.meta
    return isinstance(meta, dict) and "brush" in meta


def _pending(point: dict) -> bool:
    return point.get("status") == "pending"


def _fill(point: dict, colour: str) -> str:
    """A marker's fill: hollow (white) when the point comes from a pending claim."""
    return "#ffffff" if _pending(point) else colour


def _pending_text(point: dict) -> str:
    return "<br><b>PENDING REVIEW</b> (pending)" if _pending(point) else ""


def _any_pending(cumulative: dict, increments: dict) -> bool:
    lists = [cumulative["headline"], increments["combined"]]
    lists += [line["points"] for line in (*cumulative["claimants"], *increments["claimants"])]
    # `_pending` inlined: a series has thousands of points to look at.
    return any(point.get("status") == "pending" for points in lists for point in points)


def _headline_hover(step: dict, unit: str) -> str:
    bound = {"lower": "at least ", "upper": "up to "}.get(step.get("bound") or "", "")
    grade = f"{esc(step.get('reliability'))}{esc(step.get('credibility'))}"
    stale = (
        f"<br>stale: {int(step['age_days'])} days old, nothing more recent"
        if step.get("stale")
        else ""
    )
    return (
        f"<b>Headline: {bound}{_num(step['value'])} {esc(unit)}</b><br>{esc(step['claimant'])}"
        f" · {esc(step.get('claim_date', step['date']))}<br>confidence "
        f"{esc(step['confidence'])} ({grade}){stale}{_pending_text(step)}"
    )


def _increment_hover(line: dict, point: dict, unit: str) -> str:
    band = ""
    if point.get("low") is not None and point.get("high") is not None:
        band = f" (range {_num(point['low'])}–{_num(point['high'])}, midpoint counted)"
    return (
        f"<b>+{_num(point['value'])} {esc(unit)}</b>{band} on {esc(point['date'])}<br>"
        f"running total {_num(point['running_total'])}<br>{esc(line['claimant'])}"
        + _pending_text(point)
    )


def _increment_range(points: list[dict]) -> dict | None:
    plus = [
        (p["high"] - p["value"]) if p.get("high") is not None and p.get("low") is not None else 0
        for p in points
    ]
    minus = [
        (p["value"] - p["low"]) if p.get("high") is not None and p.get("low") is not None else 0
        for p in points
    ]
    if not any(plus) and not any(minus):
        return None
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
            "thickness": 1.2, "width": 3}  # fmt: skip


def _main_lines(lines: list[dict]) -> list[dict]:
    """The claimants with the most estimates: more lines than this cannot be told apart; the
    rest stay in the band across claimants and in the tables."""
    if len(lines) <= MAX_CLAIMANT_LINES:
        return lines
    ranked = sorted(lines, key=lambda line: len(line["points"]), reverse=True)
    keep = {id(line) for line in ranked[:MAX_CLAIMANT_LINES]}
    return [line for line in lines if id(line) in keep]


def _pad_single_date(fig: go.Figure) -> None:
    """A series with one date would get an axis in milliseconds: show a month either side."""
    dates = {x for trace in fig.data for x in (trace.x or ()) if x}
    if len(dates) == 1:
        day = dt.date.fromisoformat(next(iter(dates)))
        # Clamped: a claim dated 0001-01-01 or 9999-12-31 has no month on one side.
        start = max(dt.date.min.toordinal(), day.toordinal() - 30)
        end = min(dt.date.max.toordinal(), day.toordinal() + 30)
        fig.update_xaxes(range=[dt.date.fromordinal(start).isoformat(),
                                dt.date.fromordinal(end).isoformat()])  # fmt: skip


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


EMPTY_HEIGHT = 200


def empty_text(*, include_pending: bool = False) -> str:
    return (
        "No claims match these filters"
        if include_pending
        else "No approved claims match these filters"
    )


def _empty(fig: go.Figure, *, include_pending: bool = False) -> None:
    """A chart with nothing to draw says so in words: no axes, no legend, no traces."""
    fig.data = ()
    fig.layout.annotations = ()
    # Narrow side margins: the sentence fits on one line in a 360 px phone's card.
    fig.update_layout(showlegend=False, height=EMPTY_HEIGHT, margin={"l": 8, "r": 8, "b": 20})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=empty_text(include_pending=include_pending),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 13, "color": MUTED},
    )


LEGEND_KEY = "legend-key"  # trace meta: a legend entry that explains a marker drawn elsewhere


def draws(trace, previous=None) -> bool:
    """Whether a trace puts anything on the plot: a marker, a line of two points or more, or a
    filled band of some height over some length (`previous` is the trace a "tonexty" fill
    reaches to). A legend key (meta LEGEND_KEY) counts as drawn."""
    if trace.meta == LEGEND_KEY:
        return True
    xs, ys = list(trace.x or ()), list(trace.y or ())
    points = [(x, y) for x, y in zip(xs, ys, strict=False) if x is not None and y is not None]
    mode = trace.mode or "markers"
    if "markers" in mode and points:
        marker_size = trace.marker.size
        sizes = marker_size if isinstance(marker_size, list | tuple) else [marker_size]
        if any(size is None or size > 0 for size in sizes):
            return True
    if trace.fill == "tonexty" and previous is not None:
        top = list(previous.y or ())
        # A step band ("hv") holds each value until the next date: the last date adds no area.
        return any(
            xs[i] != xs[i + 1] and top[i] != ys[i] for i in range(min(len(xs), len(top)) - 1)
        )
    width = trace.line.width
    return "lines" in mode and (width is None or width > 0) and len({x for x, _ in points}) > 1


def _draws_json(trace: dict, previous: dict | None = None) -> bool:
    """`draws` of a trace's JSON (what plotly's attributes read: None where unset)."""
    if trace.get("meta") == LEGEND_KEY:
        return True
    xs, ys = list(trace.get("x") or ()), list(trace.get("y") or ())
    points = [(x, y) for x, y in zip(xs, ys, strict=False) if x is not None and y is not None]
    mode = trace.get("mode") or "markers"
    if "markers" in mode and points:
        marker_size = (trace.get("marker") or {}).get("size")
        sizes = marker_size if isinstance(marker_size, list | tuple) else [marker_size]
        if any(size is None or size > 0 for size in sizes):
            return True
    if trace.get("fill") == "tonexty" and previous is not None:
        top = list(previous.get("y") or ())
        return any(
            xs[i] != xs[i + 1] and top[i] != ys[i] for i in range(min(len(xs), len(top)) - 1)
        )
    width = (trace.get("line") or {}).get("width")
    return "lines" in mode and (width is None or width > 0) and len({x for x, _ in points}) > 1


def _legend_only_for_drawn_json(data: list[dict]) -> list[dict]:
    """`_legend_only_for_drawn` on traces' JSON: a copy of each trace whose entry goes
    (`showlegend` set in its place, or added last, as plotly sets it)."""
    shown, previous = [], None
    for trace in data:
        if trace.get("showlegend") is not False and not _draws_json(trace, previous):
            trace = {**trace, "showlegend": False}
        shown.append(trace)
        previous = trace
    return shown


def _legend_only_for_drawn(fig: go.Figure) -> None:
    """No legend entry for a trace that draws nothing (a one-date band, an empty line). (Long
    entries are wrapped to the drawn width by static/js/charts.js.)"""
    previous = None
    for trace in fig.data:
        if trace.showlegend is not False and not draws(trace, previous):
            trace.showlegend = False
        previous = trace


def sparkline(series: dict) -> go.Figure:
    """The headline (or summed increments) as a small line for an overview card."""
    headline = series["cumulative"]["headline"]
    if headline:
        points = thin(headline, 200)
        xs, ys = [p["date"] for p in points], [p["value"] for p in points]
    else:
        points = thin(series["increments"]["combined"], 200)
        xs, ys = [p["date"] for p in points], [p["running_total"] for p in points]
    # The unit goes into text, not into the hovertemplate, where "%{…}" would be a template.
    unit = esc(series["unit"])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"shape": "hv", "width": 2, "color": "#0b5cad"},
            fill="tozeroy",
            fillcolor="rgba(11,92,173,0.10)",
            name=esc(series_title(series)),
            text=[unit] * len(xs),
            hovertemplate="%{x|%d %b %Y}: %{y:,.0f} %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        template="none",
        height=64,
        margin={"l": 0, "r": 0, "t": 2, "b": 2},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        xaxis={"visible": False},
        yaxis={"visible": False, "rangemode": "tozero"},
        hovermode="x",
    )
    return fig


# --- Timeline -------------------------------------------------------------------------------


def _timeline_hover(row: dict) -> str:
    subtype = vocab.SUBTYPES.get(row["category"], {}).get(row["subtype"], row["subtype"])
    outlet = f" · via {esc(row['outlet'])}" if row.get("outlet") else ""
    pending = "<br><b>PENDING REVIEW</b>" if row["status"] == "pending" else ""
    quote = _quote_lines(row.get("quote"))
    quote = f"<br><i>“{quote}”</i>" if quote else ""
    return (
        f"<b>{esc(row['figure'])}</b> — {esc(subtype)}<br>"
        f"{esc(row['claimant'])}{outlet} · {row['claim_date']:%d %b %Y}<br>"
        f"confidence {esc(row['confidence'])} "
        f"({esc(row['reliability'])}{esc(row['credibility'])}){pending}{quote}"
    )


def _error_bars(subset: list[dict], colour: str) -> tuple[list, dict]:
    """The values drawn for `subset` and their low–high whiskers."""
    ys, plus, minus = [], [], []
    for r in subset:
        value, low, high = _plotted(r)
        ys.append(value)
        plus.append((high - value) if high is not None else 0)
        minus.append((value - low) if low is not None and low > 0 else 0)
    return ys, {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "color": _rgba(colour, 0.55),
        "thickness": 1.2,
        "width": 3,
    }


def _claimant_timeline_traces(fig, rows: list[dict], compared: list[dict], row: int) -> None:
    """One line per compared claimant and series in a category panel: the claimant's own
    figures of one subtype joined in date order (never across subtypes); one legend entry per
    claimant; marker shape by confidence."""
    colour_of = _compared_colours(compared)
    shown = {trace.legendgroup for trace in fig.data if trace.showlegend is not False}
    for entry in compared:
        mine = [r for r in rows if r.get("claimant_id") == entry["claimant_id"]]
        colour, group = colour_of[entry["claimant_id"]], f"c{entry['claimant_id']}"
        for subtype in dict.fromkeys(r["subtype"] for r in mine):
            subset = [r for r in mine if r["subtype"] == subtype]
            symbols = [CONFIDENCE_SYMBOLS.get(r["confidence"], "circle") for r in subset]
            fig.add_trace(
                _claim_points(
                    subset,
                    colour,
                    symbols,
                    mode="lines+markers",
                    line={"color": colour, "width": 1.6},
                    name=f"{esc(entry['claimant_short'])} (own figures)",
                    legendgroup=group,
                    showlegend=group not in shown,
                ),
                row=row,
                col=1,
            )
            shown.add(group)


def _claim_points(rows: list[dict], colour: str, symbol, **trace) -> go.Scatter:
    """The timeline's claims as points: a pending claim hollow, its range as a whisker, its
    card on hover, a click opening it; `trace` names the series (mode, name, legend group)."""
    ys, whiskers = _error_bars(rows, colour)
    return go.Scatter(
        x=[r["claim_date"].isoformat() for r in rows],
        y=ys,
        marker={
            "size": 9,
            "symbol": symbol,
            "color": ["#ffffff" if r["status"] == "pending" else colour for r in rows],
            "line": {"color": colour, "width": 1.6},
        },
        error_y=whiskers,
        text=[_timeline_hover(r) for r in rows],
        customdata=[claim_url(r["id"]) for r in rows],
        hovertemplate="%{text}<extra></extra>",
        **trace,
    )


TIMELINE_PANEL_PX = 190  # plot height of one timeline panel
TIMELINE_GAP_PX = 70  # between panels: room for the tick labels and the next panel's heading


def timeline_panels(rows: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """The timeline's small multiples: (category, unit, rows) with one panel per category and
    normalised unit, so rounds, containers and missiles never share an axis; categories in
    vocabulary order, a category's units by how many claims use them."""
    panels = []
    for category in vocab.CATEGORIES:
        in_category = [r for r in rows if r["category"] == category]
        units: dict[str, list[dict]] = {}
        for row in in_category:
            units.setdefault(row.get("norm_unit", row["unit"]) or "", []).append(row)
        for unit, subset in sorted(units.items(), key=lambda item: -len(item[1])):
            panels.append((category, unit, subset))
    return panels


def _panel_title(category: str, unit: str, subset: list[dict]) -> str:
    subtypes = {r["subtype"] for r in subset}
    subtype = next(iter(subtypes)) if len(subtypes) == 1 else None
    return value_axis_title(category, subtype, unit, length_px=TIMELINE_PANEL_PX)


def _confidence_points(rows: list[dict], level: str, legend: bool) -> list[go.Scatter]:
    """A timeline panel's claims of one confidence level (`legend`: its legend entry shown)."""
    return [
        _claim_points(
            rows,
            CONFIDENCE_COLOURS[level],
            CONFIDENCE_SYMBOLS[level],
            mode="markers",
            name=f"{trust.CONFIDENCE_LEVELS[level]} confidence",
            legendgroup=level,
            showlegend=legend,
        )
    ]


def _place(fig: go.Figure, rows: list[int]) -> None:
    """Put each trace in its row of a one-column subplot grid, as `add_trace(row=, col=1)`
    does."""
    for trace, row in zip(fig.data, rows, strict=True):
        suffix = "" if row == 1 else str(row)
        trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")


def _panels_layout(title: str, headings: list[str], axes: list[dict]) -> dict:
    """The timeline's layout (JSON): a panel per value axis in `axes`, headed by `headings`."""
    count = len(axes)
    plot_px = count * TIMELINE_PANEL_PX + (count - 1) * TIMELINE_GAP_PX
    fig = go.Figure()
    fig.set_subplots(
        rows=count,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=TIMELINE_GAP_PX / plot_px if count > 1 else 0.0,
        subplot_titles=headings,
    )
    for index, axis in enumerate(axes, start=1):
        fig.update_yaxes(**axis, row=index, col=1)
    _base_layout(fig, title=title, height=TOP_MARGIN + 20 + plot_px + BOTTOM_MARGIN)
    fig.update_layout(margin={"t": TOP_MARGIN + 20})  # the first panel's heading
    # Every panel keeps its date labels: a reader of the fourth panel need not scroll up.
    fig.update_xaxes(showticklabels=True)
    fig.update_xaxes(title_text="Date the claim was made", row=count, col=1)
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", font={"size": 13, "color": MUTED})
    return fig.layout.to_plotly_json()


def with_layout(fig: go.Figure, layout: dict) -> None:
    """Give `fig`, which has no layout yet, `layout` (another figure's layout JSON) as it is:
    each key set empty (validated: subplot axes are registered) in its place, then given its
    JSON, keys in their order, not validated again (it was, when built)."""
    for key, value in layout.items():
        fig.layout[key] = {} if isinstance(value, dict) else value
        fig.layout._props[key] = value


def timeline_figure(
    rows: list[dict],
    *,
    title: str = "Every claim over time",
    include_pending: bool = False,
    compared: list[dict] | None = None,
) -> go.Figure:
    """Claims on a time axis as small multiples, one panel per category and unit (log scale,
    ticked at powers of ten), marker by confidence, low–high as error bars, hover with the
    figure as printed, claimant, outlet and quote. With `compared` claimants ({claimant_id,
    claimant_short}), a line per claimant and series instead, one panel per category,
    coloured by claimant."""
    categories = [c for c in vocab.CATEGORIES if any(r["category"] == c for r in rows)]
    if compared and categories:
        return _timeline_compared(rows, categories, compared, title=title)
    panels = timeline_panels(rows)
    if not panels:
        fig = _base_layout(go.Figure(), title=title, height=EMPTY_HEIGHT)
        _empty(fig, include_pending=include_pending)
        return fig
    headings, seen = [], set()
    for category, _, _ in panels:
        headings.append("" if category in seen else vocab.CATEGORIES[category])
        seen.add(category)
    traces: list[dict] = []
    rows_of: list[int] = []  # each trace's panel
    axes: list[dict] = []  # each panel's value axis
    shown: set[str] = set()
    for index, (category, unit, panel_rows) in enumerate(panels, start=1):
        extent: list[float] = []
        for level in ("high", "moderate", "low"):
            subset = [r for r in panel_rows if r["confidence"] == level]
            if not subset:
                continue
            extent += [v for r in subset for v in _plotted(r)]
            built = built_traces("timeline", _confidence_points, subset, level, level not in shown)
            traces += built
            rows_of += [index] * len(built)
            shown.add(level)
        title_text = _panel_title(category, unit, panel_rows)
        axes.append({"title_text": title_text, **log_axis(extent, max_ticks=5)})
    if any(r["status"] == "pending" for r in rows):
        traces.append(pending_key("Pending review (hollow)"))
        rows_of.append(1)
    fig = figure_of(traces)
    _place(fig, rows_of)
    # The panels' layout is its own part: an approval that changes no panel's axis reuses it.
    layout = memo(
        "timeline-layout", (title, headings, axes), lambda: _panels_layout(title, headings, axes)
    )
    with_layout(fig, layout)
    _pad_single_date(fig)
    _legend_only_for_drawn(fig)
    return fig


def _timeline_layout(fig: go.Figure, categories: list[str], *, title: str) -> None:
    _base_layout(fig, title=title, height=150 + 230 * len(categories))
    fig.update_layout(legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1,
                              "xanchor": "right"})  # fmt: skip
    fig.update_xaxes(title_text="Date the claim was made", row=len(categories), col=1)
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", font={"size": 13, "color": MUTED})


def _timeline_compared(
    rows: list[dict], categories: list[str], compared: list[dict], *, title: str
) -> go.Figure:
    fig = make_subplots(
        rows=len(categories),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09 if len(categories) > 1 else 0.0,
        subplot_titles=[vocab.CATEGORIES[c] for c in categories],
    )
    for index, category in enumerate(categories, start=1):
        in_panel = [r for r in rows if r["category"] == category]
        _claimant_timeline_traces(fig, in_panel, compared, index)
        fig.update_yaxes(type="log", title_text="Figure (log)", row=index, col=1)
    _timeline_layout(fig, categories, title=title)
    _subtitle(fig, ("Lines: each claimant's own figures,", "one line per series."))
    return fig


def _plotted(row: dict) -> tuple[float, float | None, float | None]:
    """(value, low, high) in the normalised unit (miles → km) that the panel's axis counts."""
    normal = {k: row.get(f"norm_{k}", row[k]) for k in ("low", "best", "high")}
    return _value(normal), normal["low"], normal["high"]


def _value(row: dict) -> float:
    if row["best"] is not None:
        return row["best"]
    if row["low"] is not None and row["high"] is not None:
        return (row["low"] + row["high"]) / 2
    return row["low"] if row["low"] is not None else row["high"]


# --- Arms -----------------------------------------------------------------------------------


LABEL_WIDTH = 22  # characters per line of a category label; longer names wrap, never cut


def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """A category label on lines of at most `width` characters joined by <br>, escaped line by
    line: every word of the name stays (a word longer than a line keeps its own line)."""
    lines = textwrap.wrap(
        " ".join(str(text).split()), width, break_long_words=False, break_on_hyphens=False
    )
    return "<br>".join(esc(line) for line in lines) or esc(text)


def weapons_figure(
    rows: list[dict], *, title: str = "Weapon systems reported", include_pending: bool = False
) -> go.Figure:
    """Each weapon system on its own row, each report a marker (size grows with the figure).
    A claim naming two systems has a marker on each row."""
    systems: list[str] = []
    for row in reversed(rows):  # most recent first
        if row["weapon_system"] not in systems:
            systems.append(row["weapon_system"])
    systems = systems[:30]
    labels = {name: wrap_label(name) for name in systems}
    fig = go.Figure()
    for level in ("high", "moderate", "low"):
        subset = [r for r in rows if r["confidence"] == level and r["weapon_system"] in systems]
        if not subset:
            continue
        colour = CONFIDENCE_COLOURS[level]
        fig.add_trace(
            go.Scatter(
                x=[r["claim_date"].isoformat() for r in subset],
                y=[labels[r["weapon_system"]] for r in subset],
                mode="markers",
                name=f"{trust.CONFIDENCE_LEVELS[level]} confidence",
                marker={
                    "size": [_size(r) for r in subset],
                    "symbol": CONFIDENCE_SYMBOLS[level],
                    "color": ["#ffffff" if r["status"] == "pending" else colour for r in subset],
                    "line": {"color": colour, "width": 1.6},
                },
                text=[
                    f"<b>{esc(r['weapon_system'])}</b>: {esc(r['figure'])}<br>"
                    f"{esc(r['claimant'])} · {r['claim_date']:%d %b %Y}"
                    + ("<br><b>PENDING REVIEW</b>" if r["status"] == "pending" else "")
                    + (f"<br><i>“{_quote_lines(r['quote'])}”</i>" if r.get("quote") else "")
                    for r in subset
                ],
                customdata=[claim_url(r["id"]) for r in subset],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    rows_px = sum(max(28, 16 * labels[s].count("<br>") + 24) for s in systems)
    _base_layout(fig, title=title, height=max(260, TOP_MARGIN + BOTTOM_MARGIN + 20 + rows_px))
    _pad_single_date(fig)
    fig.update_layout(margin={"l": 20})  # the y axis's automargin widens it to the labels
    fig.update_xaxes(title_text="Date the claim was made")
    # automargin: the left margin grows to the longest wrapped label instead of cutting it.
    fig.update_yaxes(
        title_text="",
        automargin=True,
        categoryorder="array",
        categoryarray=[labels[name] for name in reversed(systems)],
    )
    _legend_only_for_drawn(fig)
    if not fig.data:
        _empty(fig, include_pending=include_pending)
    return fig


def weapon_counts_figure(
    rows: list[dict], *, title: str = "Claims per weapon system (arms transfers)"
) -> go.Figure:
    """How many claims name each system (the arms page's table, `weapon_table` rows): one dot
    per system on a line from zero, most-named at the top. A click opens the system's claims."""
    rows = rows[:40]
    labels = [wrap_label(row["name"]) for row in rows]
    fig = go.Figure()
    if rows:
        stems_x: list = []
        stems_y: list = []
        for row, label in zip(rows, labels, strict=True):
            stems_x += [0, row["claims"], None]
            stems_y += [label, label, None]
        fig.add_trace(
            go.Scatter(
                x=stems_x,
                y=stems_y,
                mode="lines",
                line={"color": "#c9d0db", "width": 2},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[row["claims"] for row in rows],
                y=labels,
                mode="markers+text",
                marker={"size": 11, "color": PALETTE[0]},
                text=[str(row["claims"]) for row in rows],
                textposition="middle right",
                hovertext=[
                    f"<b>{esc(row['name'])}</b> ({esc(row['kind'])})<br>"
                    f"{row['claims']} claim{'s' if row['claims'] != 1 else ''} from "
                    f"{row['claimant_count']} claimant{'s' if row['claimant_count'] != 1 else ''}"
                    f", {row['sources']} article{'s' if row['sources'] != 1 else ''}<br>"
                    f"first reported {row['first']:%d %b %Y}"
                    for row in rows
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=[
                    f"/claims/?category=arms_transfer&weapon={row['slug']}" for row in rows
                ],
                showlegend=False,
            )
        )
    lines = sum(label.count("<br>") + 1 for label in labels)
    _base_layout(fig, title=title, height=max(260, 120 + 26 * len(rows) + 12 * lines), legend=False)
    top = max((row["claims"] for row in rows), default=1)
    fig.update_xaxes(
        title_text="Claims naming the system",
        rangemode="tozero",
        range=[0, top * 1.15 + 0.5],
        dtick=1 if top <= 10 else None,
    )
    fig.update_yaxes(
        title_text="",
        automargin=True,
        showgrid=False,
        categoryorder="array",
        categoryarray=list(reversed(labels)),
    )
    if not rows:
        _empty(fig)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return fig


def _size(row: dict) -> float:
    value = _value(row) if row["qualifier"] != "none" else None
    if not value:
        return 8
    return min(26, 8 + 2.2 * max(0.0, math.log10(value)))


def panel_figure(series: dict, *, title: str) -> go.Figure:
    """A compact running-total chart for topic pages (arms, border)."""
    return totals_figure(series, height=340, title=title)


def date_span(series: dict) -> tuple[dt.date | None, dt.date | None]:
    dates = [p["date"] for p in series["cumulative"]["band"]] + [
        p["date"] for p in series["increments"]["combined"]
    ]
    if not dates:
        return None, None
    return dt.date.fromisoformat(min(dates)), dt.date.fromisoformat(max(dates))
