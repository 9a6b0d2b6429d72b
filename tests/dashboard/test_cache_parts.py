"""Pages assembled from cached parts — chart traces (tracker.figures.built_traces), the
timeline's figure under its rows, the totals tables' rows (tracker.views._rows_html), the
filter bar (Scope.filters_html) — and charts carried as serialised JSON (figures.FigureJSON):
after each kind of change a reader can see, `/totals/`, `/timeline/` and `/` built from the
parts still cached are the same bytes as the pages built with the cache cleared, and only the
parts whose inputs changed were built again."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import plotly.graph_objects as go
import pytest
from django.core.cache import cache
from django.test.signals import template_rendered
from django.utils import timezone
from django.utils.html import json_script

from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker import dashboard, figures, services, vocab
from tracker.cache import bump_data_version
from tracker.models import Claim, ClaimRelation
from tracker.series import SeriesQuery, series_build
from tracker.templatetags.dashboard import figure_script

TODAY = dt.date.today()
PAGES = ["/totals/", "/timeline/", "/totals/?claimant={jcs}", "/"]


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The name of every trace group built (not read from the cache)."""
    names: list[str] = []
    for name in ("_claimant_traces", "_increment_traces", "_confidence_points"):
        original = getattr(figures, name)

        def counted(*parts, _original=original, _name=name):
            names.append(_name)
            return _original(*parts)

        monkeypatch.setattr(figures, name, counted)
    return names


@pytest.fixture
def rendered():
    """The name of every template rendered (a page, an include, a cached fragment)."""
    names: list[str] = []

    def receiver(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(receiver, dispatch_uid="test-cache-parts-rendered")
    yield names
    template_rendered.disconnect(dispatch_uid="test-cache-parts-rendered")


ROWS = (
    "tracker/_totals_headline_rows.html",
    "tracker/_totals_claimant_rows.html",
    "tracker/_totals_event_rows.html",
)


def _pending(demo, best: int, **fields) -> Claim:
    fields = {
        "category": "casualties", "subtype": "killed_or_wounded", "unit": "troops",
        "qualifier": "approximately", "claim_date": TODAY, "claimant": demo.claimants["jcs"],
        "reliability": "A", "credibility": 1, "status": Claim.Status.PENDING, **fields,
    }  # fmt: skip
    return ClaimFactory(best=best, **fields)


def _changes(demo, editor):
    """Changes of each kind a reader sees, applied one after the other."""
    jcs = demo.claimants["jcs"]
    claim = _pending(demo, 7654)
    arms = _pending(
        demo, 120, category="arms_transfer", subtype="ballistic_missiles", unit="missiles"
    )

    def approve():
        services.claim_approve(claim=claim, reviewer=editor, grade_confirmed=True)

    def edit():
        claim.best = 8765
        claim.save()

    def approve_elsewhere():
        services.claim_approve(claim=arms, reviewer=editor, grade_confirmed=True)

    def relate():
        ClaimRelation.objects.create(
            from_claim=demo.claims["cas7"], to_claim=demo.claims["cas6"], kind="supersedes"
        )

    def source():
        ClaimSourceFactory(claim=claim, quote="a second outlet repeats the figure")

    def move():
        claim.category, claim.subtype = "border_activity", "soldiers_at_border"
        claim.save()

    def rename():
        jcs.short_name = "JCS-renamed"
        jcs.save()

    def reject():
        services.claim_reject(claim=arms, reviewer=editor, reason="duplicate")

    return [approve, edit, approve_elsewhere, relate, source, move, rename, reject]


def test_pages_from_cached_traces_equal_a_full_build_after_each_change(
    demo, client, editor, built, rendered
):
    pages = [p.format(jcs=demo.claimants["jcs"].pk) for p in PAGES]
    # One clock: a chart's citation pins the minute it was drawn.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        for page in pages:
            assert client.get(page).status_code == 200
        full = len(built)
        rows = sum(name in ROWS for name in rendered)
        assert full, "the pages draw claimant lines and timeline points"
        assert rows, "the totals pages render table rows"
        rebuilt, rerendered = [], []
        for change in _changes(demo, editor):
            change()
            built.clear()
            rendered.clear()
            from_parts = {page: client.get(page).content for page in pages}
            rebuilt.append((change.__name__, len(built)))
            rerendered.append((change.__name__, rendered.copy()))
            cache.clear()
            built.clear()
            for page in pages:
                assert client.get(page).content == from_parts[page], (change.__name__, page)
            assert len(built) > 0
    # An approval in one category rebuilds the traces its claims are in, not every trace.
    by_change = dict(rebuilt)
    assert 0 < by_change["approve"] < full
    assert 0 < by_change["edit"] < full
    assert by_change["approve_elsewhere"] < full
    # ... renders again only the table rows whose figures changed, and never the filter bar,
    # which only claimants (and places, weapon systems) change.
    names = dict(rerendered)
    assert 0 < sum(name in ROWS for name in names["approve"]) < rows
    assert 0 < sum(name in ROWS for name in names["edit"]) < rows
    for change in ("approve", "edit", "approve_elsewhere", "relate", "source", "reject"):
        assert "tracker/_filters.html" not in names[change], change
    assert "tracker/_filters.html" in names["rename"]


def test_an_unchanged_page_builds_no_trace_again(demo, client, built):
    client.get("/totals/")
    client.get("/timeline/")
    assert built
    built.clear()
    # Every page and page part is stale after a raw write; the traces' points are the same.
    bump_data_version()
    client.get("/totals/")
    client.get("/timeline/")
    assert built == []


def test_an_unchanged_timeline_draws_its_figure_from_the_cache(demo, client, built):
    client.get("/timeline/")
    built.clear()
    with mock.patch.object(figures, "timeline_figure", wraps=figures.timeline_figure) as drawn:
        # A claimant's internal note changes nothing the timeline shows; a raw write makes
        # every page part stale, but the latest rows, hence the figure, are the same.
        bump_data_version()
        client.get("/timeline/")
    assert drawn.call_count == 0
    assert built == []


def test_the_filter_bar_follows_the_viewer_and_the_query(demo, client, editor_client):
    """The cached filter bar is the viewer's own (editors' pending toggle) and the query's own
    (its values and errors)."""
    assert b'name="pending"' not in client.get("/totals/").content
    assert b'name="pending"' in editor_client.get("/totals/").content
    assert b'name="pending"' not in client.get("/totals/?min_confidence=high").content
    wrong = client.get("/totals/?date_from=not-a-date").content
    assert b"field-error" in wrong
    assert b"field-error" not in client.get("/totals/").content
    picked = client.get("/timeline/?min_confidence=high").content
    assert b'<option value="high" selected>' in picked


@pytest.mark.parametrize(
    "path", ["/totals/", "/timeline/", "/", "/totals/?claimant={jcs}", "/arms/", "/border/"]
)
def test_a_chart_carries_the_json_that_json_script_writes(demo, client, path):
    """FigureJSON serialises a figure's own data and layout (or the traces' and layout's JSON
    the running totals are assembled from): the same text as Django's json_script of
    `to_plotly_json()`."""
    path = path.format(jcs=demo.claimants["jcs"].pk)
    with (
        mock.patch("tracker.figures.figure_json", wraps=figures.figure_json) as made,
        mock.patch("tracker.figures.figure_text", wraps=figures.figure_text) as assembled,
    ):
        assert client.get(path).status_code == 200
    assert assembled.call_count
    for call in made.call_args_list:
        fig = call.args[0]
        chart = {"data_id": "x-data", "figure": figures.figure_json(fig)}
        assert figure_script(chart) == json_script(fig.to_plotly_json(), "x-data")
    for call in assembled.call_args_list:
        data, layout = call.args
        chart = {"data_id": "x-data", "figure": figures.figure_text(data, layout)}
        assert figure_script(chart) == json_script({"data": data, "layout": layout}, "x-data")


def _totals_cases(demo) -> list[tuple[dict, dict]]:
    """Series the running totals draw, with the arguments pages pass: every series of the demo,
    public and with pending claims; compared with one claimant (the claimant page's chart);
    one date only; nothing in range; a claimant whose one range draws no band; reported events
    with a range (the combined line's band)."""
    _pending(demo, 7654)
    ClaimFactory(best=None, low=900, high=1300, qualifier="range", claim_date=dt.date(2024, 11, 2))
    ClaimFactory(
        best=None, low=100, high=300, qualifier="range", measure="increment",
        claim_date=dt.date(2024, 11, 5),
    )  # fmt: skip
    _pending(demo, 40, category="other", subtype="training", unit="")
    jcs = demo.claimants["jcs"]
    cases = []
    for category, subtypes in vocab.SUBTYPES.items():
        for subtype in subtypes:
            for pending in (False, True):
                query = SeriesQuery(category=category, subtype=subtype, include_pending=pending)
                series = series_build(query)
                cases.append((series, {}))
                compared = dashboard.series_lines_of(series, (jcs.pk,))
                cases.append((compared, {"height": 440, "title": "JCS <b>&</b>"}))
    gone = SeriesQuery(
        category="casualties", subtype="killed_or_wounded", date_to=dt.date(1990, 1, 1)
    )
    cases.append((series_build(gone), {}))
    return cases


def test_the_totals_chart_from_traces_json_equals_the_plotly_figure(demo, editor):
    """`totals_drawn` (no go.Figure) gives the same JSON text, title and brush as the figure
    plotly builds and the date brush changes, built afresh or from cached parts."""
    cases = _totals_cases(demo)
    kinds = set()
    hidden = []  # legend entries taken from traces that draw nothing

    def legend(data, _original=figures._legend_only_for_drawn_json):
        shown = _original(data)
        hidden.extend(t for t, was in zip(shown, data, strict=True) if t is not was)
        return shown

    checked = []

    def scatter(_original=figures.scatter, **props):
        # Each trace's JSON, made without plotly, is the JSON plotly makes, in its key order.
        made = _original(**props)
        assert json.dumps(made) == json.dumps(go.Scatter(**props).to_plotly_json()), props
        checked.append(made["name"] if "name" in made else "")
        return made

    for series, kwargs in cases:
        cache.clear()
        with mock.patch.object(figures, "scatter", scatter):
            expected = figures.drawn(figures.date_brush(figures.totals_figure(series, **kwargs)))
        cache.clear()
        with (
            mock.patch.object(figures, "totals_figure", wraps=figures.totals_figure) as whole,
            mock.patch.object(figures, "_legend_only_for_drawn_json", legend),
            mock.patch.object(figures, "scatter", scatter),
        ):
            fresh = figures.totals_drawn(series, **kwargs)
        kinds.add("figure" if whole.call_count else "traces")
        cached_parts = figures.totals_drawn(series, **kwargs)
        for got in (fresh, cached_parts):
            assert got["figure"].text == expected["figure"].text, (series["subtype"], kwargs)
            assert (got["title"], got["brush"]) == (expected["title"], expected["brush"])
    # Most charts come from the traces' JSON; one date or nothing drawn: from the figure.
    assert kinds == {"figure", "traces"}
    # Every kind of trace: claimant lines and bands, the band across claimants, the headline,
    # increments per claimant and combined with their range, a compared claimant with no line.
    names = " ".join(checked)
    for kind in ("Range across", "Headline", "(events summed)", "All reported events",
                 "Ranges counted", "no figure in this series", "(own figures)"):  # fmt: skip
        assert kind in names, kind
    assert hidden and all(trace["showlegend"] is False for trace in hidden)


def test_a_figure_with_markup_in_its_text_is_escaped_like_json_script():
    fig = figures.figure_of([])
    fig.update_layout(title={"text": "</script><b>&amp; 1 < 2 > 0"})
    chart = {"data_id": "hostile", "figure": figures.figure_json(fig)}
    assert figure_script(chart) == json_script(fig.to_plotly_json(), "hostile")
    assert dict(chart["figure"]) == fig.to_plotly_json()


def test_the_filter_bar_renders_once_per_query_and_role(demo, client, rendered):
    client.get("/totals/")
    client.get("/timeline/")  # same filters (none), same role: the bar is reused
    assert rendered.count("tracker/_filters.html") == 1
    client.get("/totals/?min_confidence=high")
    assert rendered.count("tracker/_filters.html") == 2
