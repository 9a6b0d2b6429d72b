"""Charts that read well, on the figure JSON the pages carry: axis titles in words with the unit
once, log axes ticked at powers of ten, one unit per timeline panel, no axes for an empty series,
legend entries only for what is drawn, long weapon names wrapped and never cut. (How the legend
and ticks lay out at each width is measured in the browser: test_chart_layout.py.)"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pytest

from tests.factories import ClaimantFactory, ClaimFactory
from tracker import dashboard, figures, vocab
from tracker.models import Claim, WeaponSystem
from tracker.series import SeriesQuery, series_build

pytestmark = pytest.mark.django_db


def _axes(fig, letter: str) -> dict:
    """The figure's axes of one letter ('x' or 'y') by name, as plain JSON."""
    layout = json.loads(fig.to_json())["layout"]
    return {k: v for k, v in layout.items() if re.fullmatch(rf"{letter}axis\d*", k)}


def _is_power_of_ten(value: float) -> bool:
    return math.isclose(10 ** round(math.log10(value)), value)


def _legend(fig) -> list[str]:
    return [t.name for t in fig.data if t.name and t.showlegend is not False]


# --- Log axes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "labels"),
    [
        ([1_000_000, 5_000_000, 9_000_000], ["1M", "10M"]),  # within a decade: still two ticks
        ([148], ["100", "1k"]),
        ([1, 720, 28_000], ["1", "10", "100", "1k", "10k", "100k"]),
        ([0.5, 3], ["0.1", "1", "10"]),
    ],
)
def test_log_axes_tick_at_powers_of_ten_only(values, labels):
    axis = figures.log_axis(values)
    assert axis["type"] == "log" and axis["tickmode"] == "array"
    assert all(_is_power_of_ten(v) for v in axis["tickvals"])
    assert axis["ticktext"] == labels
    # Every value is inside the range (log10 units) and no minor ticks are drawn.
    assert axis["range"][0] < math.log10(min(values)) and math.log10(max(values)) < axis["range"][1]
    assert axis["minor"]["ticks"] == ""


def test_a_log_axis_over_many_decades_keeps_a_few_ticks():
    axis = figures.log_axis([1, 10**12], max_ticks=5)
    assert 2 <= len(axis["tickvals"]) <= 5
    assert all(_is_power_of_ten(v) for v in axis["tickvals"])


# --- Timeline: one unit per panel -------------------------------------------------------------


def test_the_timeline_puts_each_unit_on_its_own_log_panel_titled_in_words(demo):
    rows, _ = dashboard.timeline_points(Claim.objects.filter(status="approved"))
    fig = figures.timeline_figure(rows)
    y_axes = _axes(fig, "y")
    panels = figures.timeline_panels(rows)
    assert len(y_axes) == len(panels)
    # Rounds, containers and missiles are different panels; casualties are not on a troops axis.
    units = [(category, unit) for category, unit, _ in panels]
    for pair in [("arms_transfer", "rounds"), ("arms_transfer", "containers"),
                 ("arms_transfer", "missiles"), ("casualties", "troops"),
                 ("troop_deployment", "troops")]:  # fmt: skip
        assert pair in units
    by_axis: dict[str, set[str]] = {}
    ids = {r["id"]: r for r in rows}
    for trace in fig.data:
        if trace.meta == figures.LEGEND_KEY:
            continue
        claims = {int(url.strip("/").rsplit("/", 1)[1]) for url in trace.customdata}
        by_axis.setdefault(trace.yaxis, set()).update(
            (ids[c]["category"], ids[c]["norm_unit"]) for c in claims
        )
    assert all(len(units) == 1 for units in by_axis.values()), by_axis
    titles = {name: axis["title"]["text"].replace("<br>", " ") for name, axis in y_axes.items()}
    assert "North Korean soldiers killed or wounded" in titles.values()
    assert "Artillery shells supplied" in titles.values()
    assert "Containers of munitions shipped" in titles.values()
    for name, axis in y_axes.items():
        assert "(number)" not in titles[name] and "(log)" not in titles[name]
        assert axis["type"] == "log"
        assert len(axis["tickvals"]) >= 2 and all(_is_power_of_ten(v) for v in axis["tickvals"])


def test_the_timeline_draws_lengths_in_km_on_one_panel(demo):
    rows, _ = dashboard.timeline_points(Claim.objects.filter(subtype="fence"))
    fig = figures.timeline_figure(rows)
    assert len(_axes(fig, "y")) == 1
    assert fig.layout.yaxis.title.text == "Fence or barrier built (km)"
    ys = sorted(y for trace in fig.data for y in trace.y)
    assert ys == [10, pytest.approx(12 * 1.609344)]  # 12 miles drawn as km


# --- Empty series: words, no axes -------------------------------------------------------------


def _no_axes(fig) -> bool:
    return all(axis.get("visible") is False for axis in [*_axes(fig, "x").values(),
                                                         *_axes(fig, "y").values()])  # fmt: skip


def test_an_empty_chart_says_so_in_words_and_draws_no_axes():
    series = series_build(SeriesQuery(category="casualties", subtype="killed_or_wounded"))
    pending = series_build(
        SeriesQuery(category="casualties", subtype="killed_or_wounded", include_pending=True)
    )
    for fig, words in [
        (figures.totals_figure(series), "No approved claims match these filters"),
        (
            figures.panel_figure(series, title="Containers"),
            "No approved claims match these filters",
        ),
        (figures.timeline_figure([]), "No approved claims match these filters"),
        (figures.weapons_figure([]), "No approved claims match these filters"),
        (figures.totals_figure(pending), "No claims match these filters"),
        (figures.timeline_figure([], include_pending=True), "No claims match these filters"),
    ]:
        assert [a.text for a in fig.layout.annotations] == [words]
        assert not fig.data and not fig.layout.showlegend
        assert _no_axes(fig)
        assert "no unit" not in fig.to_json()


# --- Legend: only what is drawn --------------------------------------------------------------


def test_a_single_point_series_lists_only_what_it_draws():
    jcs = ClaimantFactory(name="Joint Chiefs", short_name="JCS", reliability="B")
    ClaimFactory(claimant=jcs, best=1100, claim_date=dt.date(2024, 12, 23), credibility=2)
    series = series_build(
        SeriesQuery(category="casualties", subtype="killed_or_wounded", as_of=dt.date(2025, 1, 1))
    )
    fig = figures.totals_figure(series)
    # One estimate: no band across claimants (nothing to fill), so no legend entry for it.
    assert _legend(fig) == [
        "JCS",
        "Headline (the most trusted current estimate)",
    ]


def test_a_band_with_a_spread_over_time_keeps_its_legend_entry():
    a = ClaimantFactory(name="A", reliability="B")
    b = ClaimantFactory(name="B", reliability="B")
    ClaimFactory(claimant=a, best=1000, claim_date=dt.date(2024, 12, 1), credibility=2)
    ClaimFactory(claimant=b, best=3000, claim_date=dt.date(2024, 12, 2), credibility=2)
    ClaimFactory(claimant=a, best=1500, claim_date=dt.date(2024, 12, 20), credibility=2)
    series = series_build(
        SeriesQuery(category="casualties", subtype="killed_or_wounded", as_of=dt.date(2025, 1, 1))
    )
    assert "Range across claimants" in _legend(figures.totals_figure(series))


# --- Titles and labels ------------------------------------------------------------------------


def test_topic_panels_title_the_series_and_name_the_unit_once(client, demo):
    page = client.get("/arms/").content.decode()
    payloads = re.findall(r'<script id="panel-[\w-]+-data" type="application/json">(.*?)</script>',
                          page, re.S)  # fmt: skip
    assert len(payloads) == len(dashboard.ARMS_SERIES)
    titles = []
    for payload in payloads:
        layout = json.loads(payload)["layout"]
        title, y_title = layout["title"]["text"], layout["yaxis"]["title"]["text"]
        titles.append(title)
        assert "(" not in title, title  # "Containers (containers)" is gone
        assert "(number)" not in y_title and "no unit" not in y_title
    assert "Containers" in titles
    shells = vocab.axis_title("arms_transfer", "artillery_shells", "rounds")
    assert shells in page


def test_long_weapon_names_wrap_whole_and_are_never_cut():
    name = "Self-propelled 170 mm guns of the long-range artillery brigades"
    system = WeaponSystem.objects.create(name=name, slug="long-named-system", aliases=[])
    claim = ClaimFactory(category="arms_transfer", subtype="rocket_launchers", unit="launchers",
                         weapon_system="", best=200)  # fmt: skip
    claim.weapon_systems.set([system])
    fig = figures.weapons_figure(dashboard.weapon_points(Claim.objects.filter(pk=claim.pk)))
    label = fig.data[0].y[0]
    lines = label.split("<br>")
    assert len(lines) > 1 and " ".join(lines) == name
    assert all(len(line) <= figures.LABEL_WIDTH for line in lines)
    assert fig.layout.yaxis.automargin  # the margin grows to the label instead of cutting it
    assert list(fig.layout.yaxis.categoryarray) == [label]
