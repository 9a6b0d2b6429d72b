"""Dashboard pages. Thin: read the filter scope, call selectors and figure builders, render.
The pages readers load most answer from their finished bytes until their data changes
(tracker.httpcache)."""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tracker import credibility, csvexport, dashboard, figures, maps, summaries, trust, vocab
from tracker.cache import memo, memo_many
from tracker.citation import citation_text
from tracker.claimants import claimant_record
from tracker.httpcache import cached_response, filter_categories
from tracker.models import Article, Claimant, ClaimSource, WeaponSystem
from tracker.selectors import claimants_in_registry, claims_visible_to
from tracker.series import HEADLINE_RULE, freshness_days

PAGE_SIZE = 50


def _with_sources(qs):
    return qs.prefetch_related(
        Prefetch("sources", queryset=ClaimSource.objects.select_related("article__outlet"))
    )


def _chart(
    chart_id: str,
    fig,
    *,
    csv: str,
    summary: str,
    caption: str = "",
    table: str = "",
    static: bool = False,
    sparkline: bool = False,
):
    """What a page needs to draw a figure: the figure as data (serialised once: `fig` is a
    figure or what `figures.drawn` made of one) plus its caption, table link and the link to
    its numbers as CSV (`csv`: the chart's series or claims under the page's filters), and its
    text summary (tracker.summaries; a sparkline's accessible name)."""
    shown = fig if isinstance(fig, dict) else figures.drawn(fig)
    return {
        "summary": summary,
        "sparkline": sparkline,
        "csv": csv,
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "figure": shown["figure"],
        "title": shown["title"],
        "caption": caption,
        "table": table,
        "static": static,
        "brush": shown["brush"],
    }


def _page(request, template: str, scope: dashboard.Scope, **context):
    context.update(
        scope=scope,
        form=scope.form,
        filter_qs=scope.query_string,
        filters_html=scope.filters_html,  # called if the template shows the filter bar
        series_qs=scope.series_query_string,
        confidence_legend=dashboard.confidence_legend(),
    )
    return render(request, template, context)


@require_GET
@cached_response()
def overview(request):
    scope = dashboard.scope_for(request)

    def card(spec):
        card = dashboard.overview_card(scope, *spec)
        series = card.pop("series")
        card["chart"] = _chart(
            f"spark-{card['subtype']}",
            figures.sparkline(series),
            csv=_series_csv(scope, card["category"], card["subtype"]),
            summary=summaries.series_summary(series),
            sparkline=True,
        )
        return card

    # Each card is cached with its own category, so an approval rebuilds only its card.
    cards = [
        scope.cached(
            f"overview-card:{spec[0]}:{spec[1]}", functools.partial(card, spec),
            categories={spec[0]},
        )
        for spec in dashboard.CARD_SERIES
    ]  # fmt: skip
    arms = scope.cached(
        "overview-arms",
        functools.partial(dashboard.arms_highlights, scope),
        categories={"arms_transfer"},
    )
    map_panel = _map_panel(scope, category=None)
    latest = _with_sources(scope.base.order_by("-claim_date", "-id"))[:12]
    return _page(
        request,
        "tracker/overview.html",
        scope,
        cards=cards,
        arms=arms,
        map_panel=map_panel,
        latest=latest,
        changes=dashboard.headline_changes(scope, request.user, limit=8),
    )


@require_GET
@cached_response(filter_categories)
def timeline(request):
    scope = dashboard.scope_for(request)

    def build():
        rows, truncated = scope.timeline()
        caption = scope.caption
        if truncated:
            caption += f" — the latest {dashboard.TIMELINE_LIMIT:,} claims; narrow the dates"
        compared = dashboard.compared_claimants(scope.compared)
        # The figure is a function of its rows alone: a change elsewhere (an approval of an
        # older claim, another category's) leaves the latest rows, hence the figure, as they were.
        parts = (rows, compared, scope.include_pending)
        chart = _chart(
            "timeline",
            memo("timeline-figure", parts, lambda: _timeline_drawn(*parts)),
            csv=f"{reverse('claim-csv')}?{scope.query_string}",
            summary=summaries.claims_summary(rows, what="Claims with figures"),
            caption=caption,
            table=f"/claims/?{scope.query_string}",
        )
        return chart, len(rows), truncated, compared

    chart, points, truncated, compared = scope.cached(
        "timeline", build, categories=scope.categories
    )
    return _page(
        request,
        "tracker/timeline.html",
        scope,
        chart=chart,
        points=points,
        truncated=truncated,
        compared=compared,
    )


def _timeline_drawn(rows: list[dict], compared: list[dict], include_pending: bool) -> dict:
    fig = figures.timeline_figure(rows, compared=compared, include_pending=include_pending)
    return figures.drawn(figures.date_brush(fig))


def _totals_categories(request) -> set[str] | None:
    return filter_categories(request, default="casualties")


@require_GET
@cached_response(_totals_categories)
def totals(request):
    scope = dashboard.scope_for(request)
    category, subtype = dashboard.series_picked(scope)

    def build():
        # Claimants named in the filters are compared: their own lines beside the headline
        # of every claimant (the rule's headline, unchanged by the comparison). Without a
        # comparison the chart and the tables are read as drawn with the series
        # (`Scope.drawing`: built again with it after a change, not by this request).
        if not scope.compared:
            series, drawn = None, scope.drawing(category, subtype, dashboard.totals_digest)
        else:
            series = scope.series_compared(category, subtype)
            drawn = dashboard.totals_digest(series)
            # The headline's holders may be claimants not compared: their names from the registry.
            lined = {line["claimant_id"] for line in series["cumulative"]["claimants"]}
            holders = {step["claimant_id"] for step in drawn["headline"]} - lined
            named = {c.pk: c.label for c in Claimant.objects.filter(pk__in=holders)}
            for step in drawn["headline"]:
                if step["claimant_id"] in holders:
                    step["short"] = named.get(step["claimant_id"], step["claimant"])
        csv_qs = _series_qs(scope, category, subtype)
        headline, estimates, events = drawn["headline"], drawn["estimates"], drawn["events"]
        return {
            "compared": [] if series is None else series.get("compared", []),
            "chart": _chart(
                "totals",
                scope.drawing(category, subtype, figures.totals_drawn)
                if series is None
                else figures.totals_drawn(series),
                csv=_series_csv(scope, category, subtype),
                summary=drawn["summary"],
                caption=scope.caption,
                table="#totals-table",
            ),
            "series": drawn["series"],
            "headline": headline,
            "headline_html": _rows_html("tracker/_totals_headline_rows.html", headline=headline),
            "headline_more": drawn["headline_more"],
            "estimates": estimates,
            # One part per claimant (each escaped by its own template): an approval renders
            # again the rows of its claimant only.
            "estimates_parts": _rows_html_many(
                "tracker/_totals_claimant_rows.html",
                [{"line": line, "csv_qs": csv_qs} for line in estimates],
            ),
            "events": events,
            "events_html": _rows_html("tracker/_totals_event_rows.html", events=events),
            "current": drawn["current"],
            "spread": drawn["spread"],
            "freshness_days": drawn["freshness_days"],
            "series_title": drawn["series_title"],
        }

    return _page(
        request,
        "tracker/totals.html",
        scope,
        **scope.cached(f"totals:{category}:{subtype}", build, categories={category}),
        csv_qs=_series_qs(scope, category, subtype),
        series_choices=vocab.SUBTYPES[category].items(),
        category=category,
        subtype=subtype,
        changes=dashboard.headline_changes(scope, request.user, category=category, subtype=subtype),
    )


def _rows_html(template: str, **context) -> str:
    """Table rows rendered from `template` with `context`, cached under that context
    (tracker.cache.memo: the rows are a function of it), so an approval renders again only
    the rows it changed. `floatformat` and `{% url %}` on a few hundred rows are most of a
    table page's render."""
    return _rows_html_many(template, [context])[0]


def _rows_html_many(template: str, contexts: list[dict]) -> list[str]:
    """`_rows_html(template, **context)` for each context, with one cache read for them all."""
    return memo_many(
        "rows-html",
        [(template, sorted(context.items())) for context in contexts],
        lambda template, items: render_to_string(template, dict(items)),
    )


def _panels(scope: dashboard.Scope, category: str, specs) -> list[dict]:
    def build():
        panels = []
        for subtype, title in specs:
            series = scope.series(category, subtype)
            increments = series["increments"]
            panels.append(
                {
                    "subtype": subtype,
                    # What the panel counts, unit included (autoescaped: a unit is claim text).
                    "quantity": vocab.axis_title(category, subtype, series["unit"]),
                    "series": {
                        "unit": series["unit"],
                        "latest_headline": series["latest_headline"],
                        "increments_total": increments["total"] if increments["combined"] else None,
                    },
                    "chart": _chart(
                        f"panel-{subtype}",
                        figures.panel_figure(series, title=title),
                        csv=_series_csv(scope, category, subtype),
                        summary=summaries.series_summary(series),
                        caption=scope.caption,
                        table=f"/totals/?{_series_qs(scope, category, subtype)}#totals-table",
                    ),
                }
            )
        return panels

    return scope.cached(f"panels:{category}", build, categories={category})


def _series_qs(scope: dashboard.Scope, category: str, subtype: str) -> str:
    params = scope.form.data.copy() if scope.form.is_bound else QueryDict(mutable=True)
    params["category"], params["subtype"] = category, subtype
    return dashboard.filter_query_string(params)


def _series_csv(scope: dashboard.Scope, category: str, subtype: str) -> str:
    return f"{reverse('series-csv')}?{_series_qs(scope, category, subtype)}"


def _arms_claims_csv(scope: dashboard.Scope) -> str:
    """The claims behind the weapons chart: the page's filters, arms transfers only."""
    params = scope.form.data.copy() if scope.form.is_bound else QueryDict(mutable=True)
    params["category"] = "arms_transfer"
    if params.get("subtype") not in vocab.SUBTYPES["arms_transfer"]:
        params.pop("subtype", None)
    return f"{reverse('claim-csv')}?{dashboard.filter_query_string(params)}"


@require_GET
@cached_response(lambda request: {"arms_transfer"})
def arms(request):
    scope = dashboard.scope_for(request)

    def build():
        table = dashboard.weapon_table(scope.base)
        counts = _chart(
            "weapon-counts",
            figures.weapon_counts_figure(table),
            csv=_arms_claims_csv(scope),
            summary=summaries.systems_summary(table),
            caption=scope.caption,
            table="#weapons-table",
        )
        points = dashboard.weapon_points(scope.base)
        timeline = _chart(
            "weapons",
            figures.weapons_figure(points, include_pending=scope.include_pending),
            csv=_arms_claims_csv(scope),
            summary=summaries.claims_summary(points, what="Weapon systems reported"),
            caption=scope.caption,
            table="#weapons-table",
        )
        return table, counts, timeline

    weapons, counts_chart, chart = scope.cached("weapon-table", build, categories={"arms_transfer"})
    return _page(
        request,
        "tracker/arms.html",
        scope,
        chart=chart,
        counts_chart=counts_chart,
        weapons=weapons,
        panels=_panels(scope, "arms_transfer", dashboard.ARMS_SERIES),
        map_panel=_map_panel(scope, category="arms_transfer"),
    )


@require_GET
@cached_response(lambda request: {"border_activity"})
def border(request):
    scope = dashboard.scope_for(request)
    return _page(
        request,
        "tracker/border.html",
        scope,
        panels=_panels(scope, "border_activity", dashboard.BORDER_SERIES),
        map_panel=_map_panel(scope, category="border_activity"),
    )


def _map_chart(scope: dashboard.Scope, claims, *, chart_id: str, title: str, small: bool):
    places, flows = maps.place_rows(claims), maps.flow_rows(claims)
    figure = maps.map_figure(
        places,
        flows,
        filter_qs=scope.query_string,
        title=title,
        height=400 if small else 560,
        small=small,
    )
    chart = _chart(
        chart_id,
        figure,
        csv=f"{reverse('claim-csv')}?{scope.query_string}",
        summary=summaries.places_summary(places, flows, what=title),
        caption=scope.caption,
        table=f"{reverse('place-map')}?{scope.query_string}#places-table" if small else "",
    )
    return {"chart": chart, "places": places, "flows": flows}


def _map_panel(scope: dashboard.Scope, *, category: str | None) -> dict:
    """A smaller map of one topic's claims (every claim on the overview) under the filters."""
    claims = scope.base if category is None else scope.base.filter(category=category)
    label = vocab.CATEGORIES[category].lower() if category else "claims"
    return scope.cached(
        f"map-panel:{category or 'all'}",
        lambda: _map_chart(
            scope, claims, chart_id="map-panel", title=f"Where: {label} by place", small=True
        ),
        categories={category} if category else None,
    )


@require_GET
@cached_response(filter_categories)
def place_map(request):
    """Claims by place: markers sized by claims, arms routes as lines, and the same numbers as
    a table (the keyboard's way to every place)."""
    scope = dashboard.scope_for(request)

    def build():
        panel = _map_chart(
            scope, scope.claims, chart_id="map", title="Claims by place", small=False
        )
        panel["chart"]["table"] = "#places-table"
        panel["precision"] = maps.precision_counts(scope.claims)
        return panel

    panel = scope.cached("map", build, categories=scope.categories)
    for place in panel["places"]:
        place["link"] = maps.claims_link(place["slug"], scope.query_string)
    return _page(request, "tracker/map.html", scope, here="map", **panel)


@require_GET
@cached_response(filter_categories)
def claim_list(request):
    scope = dashboard.scope_for(request)
    claims, sort = dashboard.claims_sorted(scope.claims, request.GET.get("sort", ""))
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [
        ("date", "Date"),
        ("figure", "Figure or statement"),
        ("category", "What"),
        ("claimant", "Claimant"),
        ("", "Quote"),
        ("", "Outlet"),
        ("confidence", "Confidence"),
        ("status", "Status"),
    ]
    return _page(
        request,
        "tracker/claim_list.html",
        scope,
        page=page,
        sort=sort,
        columns=columns,
        claims=_with_sources(page.object_list),
    )


def _filter_errors(scope: dashboard.Scope) -> HttpResponseBadRequest:
    # A download cannot show the error beside the field: refuse rather than widen it.
    return HttpResponseBadRequest(
        dashboard.filter_errors_text(scope.form.errors), content_type="text/plain; charset=utf-8"
    )


@require_GET
def claim_csv(request):
    """The claims CSV (tracker.csvexport) of the claim browser's selection and order."""
    scope = dashboard.scope_for(request)
    if scope.form.errors:
        return _filter_errors(scope)
    claims, _ = dashboard.claims_sorted(scope.claims, request.GET.get("sort", ""))
    return csvexport.claims_csv_response(request=request, claims=claims)


@require_GET
def series_csv(request):
    """The series CSV (tracker.csvexport) of the series the filters name, as its chart draws it."""
    scope = dashboard.scope_for(request)
    if scope.form.errors:
        return _filter_errors(scope)
    series = scope.series_compared(*dashboard.series_picked(scope))
    return csvexport.series_csv_response(request=request, series=series)


@require_GET
def claim_csv_cite(request):
    """The citation sidecar of a CSV: plain text naming the tracker, its version, the CSV's
    address (`url`, a path on this site; else /claims.csv) and today's date as the access date."""
    path = request.GET.get("url", "")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        path = reverse("claim-csv")
    text = citation_text(url=request.build_absolute_uri(path), accessed=timezone.localdate())
    response = HttpResponse(text + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="claims.csv.cite"'
    return response


@require_GET
@cached_response()
def claim_detail(request, pk: int):
    visible = claims_visible_to(request.user)
    claim = get_object_or_404(_with_sources(visible), pk=pk)
    sources = [{"source": source, "context": source.context()} for source in claim.sources.all()]
    return render(
        request,
        "tracker/claim_detail.html",
        {
            "claim": claim,
            "sources": sources,
            "reliability_text": trust.RELIABILITY.get(claim.reliability, ""),
            "credibility_text": trust.CREDIBILITY.get(claim.credibility, ""),
            "confidence_rule": trust.CONFIDENCE_RULES.get(claim.confidence, ""),
            "confidence_legend": dashboard.confidence_legend(),
            "related": dashboard.related_claims(claim, visible),
            "history": dashboard.claim_history(claim),
            "series_qs": f"category={claim.category}&subtype={claim.subtype}",
        },
    )


@require_GET
@cached_response()
def claimant_detail(request, pk: int):
    claimant = get_object_or_404(Claimant, pk=pk)
    scope = dashboard.scope_for(request)
    claims = scope.base.filter(claimant=claimant)
    by_series = (
        claims.values("category", "subtype")
        .annotate(n=Count("id"))
        .order_by("-n", "category", "subtype")
    )
    series = [
        {**row, "label": vocab.SUBTYPES[row["category"]].get(row["subtype"], row["subtype"])}
        for row in by_series
    ]
    page = Paginator(claims.order_by("-claim_date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The record counts approved claims only, for everyone (the API gives the same numbers).
    approved = claims_visible_to(request.user, include_unreviewed=False)
    return _page(
        request,
        "tracker/claimant_detail.html",
        scope,
        claimant=claimant,
        page=page,
        claims=_with_sources(page.object_list),
        series=series,
        record=claimant_record(claimant=claimant, visible=approved),
        charts=scope.cached(
            f"claimant:{claimant.pk}", lambda: _claimant_charts(scope, claimant, series)
        ),
    )


CLAIMANT_CHARTS = 4  # series charted on a claimant's page, those with the most claims first


def _claimant_charts(scope: dashboard.Scope, claimant: Claimant, series: list[dict]) -> list:
    """The claimant's own figures against the headline of every claimant, per series it
    reports with numbers."""
    charts = []
    for row in series:
        if len(charts) == CLAIMANT_CHARTS:
            break
        category, subtype = row["category"], row["subtype"]
        compared = scope.series_compared(category, subtype, (claimant.pk,))
        if not compared["compared"] or not compared["compared"][0]["points"]:
            continue  # no figure in this series (statements without numbers)
        title = f"{figures.series_title(compared)}: {claimant.label} against the headline"
        charts.append(
            _chart(
                f"claimant-{subtype}",
                figures.totals_drawn(compared, height=440, title=title),
                csv=f"{_series_csv(scope, category, subtype)}&claimant={claimant.pk}",
                summary=summaries.series_summary(compared),
                caption=scope.caption,
                table=f"/totals/?{_series_qs(scope, category, subtype)}&claimant={claimant.pk}",
            )
        )
    return charts


@require_GET
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    scope = dashboard.scope_for(request)
    claims = _with_sources(scope.base.filter(sources__article=article).distinct())
    return _page(request, "tracker/article_detail.html", scope, article=article, claims=claims)


@require_GET
def methodology(request):
    scope = dashboard.scope_for(request)
    return _page(
        request,
        "tracker/methodology.html",
        scope,
        citation=citation_text(
            url=request.build_absolute_uri(reverse("overview")), accessed=timezone.localdate()
        ),
        headline_rule=[line.format(days=freshness_days()) for line in HEADLINE_RULE],
        freshness_days=freshness_days(),
        reliability=trust.RELIABILITY.items(),
        credibility=trust.CREDIBILITY.items(),
        troop_vocabulary=vocab.subtype_rows("troop_deployment"),
        troop_measures=vocab.FIXED_MEASURE,
        registry=claimants_in_registry(),
        weapon_systems=WeaponSystem.objects.order_by("kind", "name"),
        credibility_rules=credibility.RULES,
        credibility_window=credibility.merge_window_days(),
        grid=[
            (r, [(c, trust.confidence_for(r, c)) for c in trust.CREDIBILITY])
            for r in trust.RELIABILITY
        ],
    )
