"""Reads behind the dashboard pages: the filter scope a request carries, the overview cards,
timeline points, weapon systems and claim history. Views call these; visibility comes from
`claims_visible_to`, series from `series_build`, never re-implemented here."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.template.loader import render_to_string

from tracker import asof, figures, history, summaries, trust, vocab
from tracker.cache import cached, queryset_key
from tracker.disclosure import public_history_fields
from tracker.filtering import ClaimFilterSet, canonical_query, category_of, filter_names
from tracker.models import (
    Claim,
    Claimant,
    ClaimRelation,
    ClaimSource,
    Place,
    WeaponSystem,
    figure_text,
    quote_excerpt,
)
from tracker.selectors import claims_visible_to, user_sees_unreviewed
from tracker.series import SeriesQuery, cached_drawing, cached_headline, cached_series

TIMELINE_LIMIT = 1500  # points per chart: the browser stays fast whatever the table size
WEAPONS_LIMIT = 1500


@dataclass
class Scope:
    """The claims one request may see, narrowed by the filters in its query string (the shared
    filter language, tracker.filtering)."""

    filterset: ClaimFilterSet
    filters: dict  # the valid filter values
    include_pending: bool
    can_include_pending: bool
    base: QuerySet[Claim]  # visible and filtered, every category
    claims: QuerySet[Claim]  # base narrowed to the chosen category / subtype
    query_string: str  # the filters only, for links that carry them across pages
    caption: str  # the filters in words, for chart captions
    visible: QuerySet[Claim] | None = None  # what the caller may see, before any filter

    @property
    def form(self):
        return self.filterset.form

    @property
    def main_fields(self) -> list:
        """The filter fields shown in the bar (the others under "More filters")."""
        return [self.form[name] for name in MAIN_FILTERS]

    @property
    def more_fields(self) -> list:
        hidden = {*MAIN_FILTERS, "include_pending"}
        if not self.can_include_pending and not self.form["status"].errors:
            hidden.add("status")  # editors' filter; shown to anyone whose value is wrong
        return [field for field in self.form if field.name not in hidden]

    @property
    def more_open(self) -> bool:
        return any(
            field.errors or field.value() not in (None, "", []) for field in self.more_fields
        )

    @property
    def series_query_string(self) -> str:
        """The filters but category and subtype, for links that name a series."""
        return filter_query_string(self.form.data, skip=("category", "subtype"))

    def _query(
        self, category: str, subtype: str, *, every_claimant: bool = False
    ) -> tuple[SeriesQuery, QuerySet[Claim] | None]:
        """The series query and the claims it reads; `every_claimant`: the claimant filter left
        out (the headline of a comparison counts every claimant)."""
        query = SeriesQuery(
            category=category,
            subtype=subtype,
            claimant_ids=() if every_claimant else tuple(self.filters.get("claimant", ())),
            min_confidence=self.filters.get("min_confidence") or None,
            include_pending=self.include_pending,
            date_from=self.filters.get("date_from"),
            date_to=self.filters.get("date_to"),
            location=self.filters.get("location", ""),
            weapon_system=self.filters.get("weapon_system", ""),
        )
        ignored = ("category", "subtype", "claimant") if every_claimant else SERIES_FILTERS
        base = self.base
        if every_claimant and "claimant" in self.filters:
            base = self.filterset.apply(self.visible, skip=ignored)
        # With no filter and no pending claims the scope sees what everyone sees: the series
        # counts every approved claim (base None), the default series tracker.series_state keeps.
        narrowed = any(v for k, v in self.filters.items() if k not in ignored)
        return query, (None if not narrowed and not self.include_pending else base)

    @property
    def compared(self) -> tuple[int, ...]:
        """The claimants the filters name: the series pages draw their lines side by side."""
        return tuple(self.filters.get("claimant", ()))

    def series_compared(
        self, category: str, subtype: str, claimant_ids: tuple[int, ...] | None = None
    ) -> dict:
        """The series of the headline rule over every claimant (the other filters applied),
        with the step lines of `claimant_ids` only (default: the claimants the filters name;
        none named: `series`). See `series_lines_of`."""
        ids = self.compared if claimant_ids is None else tuple(claimant_ids)
        if not ids:
            return self.series(category, subtype)
        query, base = self._query(category, subtype, every_claimant=True)
        return series_lines_of(cached_series(query, base=base), ids)

    def series(self, category: str, subtype: str) -> dict:
        """`series_build` for one series under this scope's filters and visibility."""
        query, base = self._query(category, subtype)
        return cached_series(query, base=base)

    def drawing(self, category: str, subtype: str, draw):
        """`draw(self.series(category, subtype))`, cached with the series
        (`series.cached_drawing`)."""
        query, base = self._query(category, subtype)
        return cached_drawing(query, draw, base=base)

    def timeline(self) -> tuple[list[dict], bool]:
        """`timeline_points` of this scope's claims, cached like a page part; the public
        scope's are built again with a change (`public_scope`, tracker.series_state.prime)."""
        return self.cached(
            "timeline-points",
            lambda: timeline_points(self.claims),
            categories=self.categories,
        )

    def headline(self, category: str, subtype: str) -> dict:
        """`series_headline` (what a card draws) for one series, like `series`."""
        query, base = self._query(category, subtype)
        return cached_headline(query, base=base)

    @property
    def categories(self) -> set[str] | None:
        """The categories `claims` reads: those the filters name (a subtype names its
        category), or None for every category."""
        chosen = set(self.filters.get("category") or ())
        chosen |= {category_of(subtype) for subtype in self.filters.get("subtype") or ()}
        return chosen or None

    def filters_html(self) -> str:
        """The filter bar (tracker/_filters.html) as rendered for this scope, cached until a
        claimant, place or weapon system changes (their names are its choices): it depends on
        the query string's filter values (with their errors), the viewer's role (editors get
        the pending toggle and status) and nothing else, so an approval leaves it cached. The
        claimant drop-down alone costs more to render than a page's tables."""

        def build():
            context = {"scope": self, "form": self.form, "filter_qs": self.query_string}
            return render_to_string("tracker/_filters.html", context)

        data = self.form.data
        parts = (
            # The fields' values only: a parameter no field reads changes nothing in the bar.
            [(name, data.getlist(name)) for name in self.form.fields]
            if self.form.is_bound
            else None,
            sorted(self.filterset.alias_conflicts.items()),  # errors beyond the values
            self.can_include_pending,
            self.include_pending,
            asof.moment(),
        )
        return cached("dash:filters-html", parts, build, categories=())

    def cached(self, name: str, build, *, categories=None, unreviewed: bool = False):
        """`build()` cached per page part, filters and visibility until the claims it reads
        change (tracker.cache: versions per category, bumped by the saves a reader could see),
        so an approval shows on the next request. `categories` are the categories the part
        reads (None: every category); `unreviewed` marks
        a part that shows editors something the public does not. Only the small result a page
        shows is cached."""
        # Today is part of the key: estimates go stale as days pass (tracker.series).
        parts = (self.query_string, queryset_key(self.base), asof.moment(), asof.today())
        return cached(
            "dash:" + name,
            parts,
            build,
            categories=categories,
            unreviewed=unreviewed or self.include_pending,
        )


def scope_for(request) -> Scope:
    """Read the filters from the query string (names, values and aliases as on the API) and
    apply visibility and filters. Pages show approved claims unless an editor asks for
    pending ones (include_pending, alias pending) or for a status; invalid filters are shown
    beside their field and left out."""
    filterset = ClaimFilterSet(request.GET or None, queryset=Claim.objects.none(), request=request)
    filters = filterset.cleaned()
    can_pending = user_sees_unreviewed(request.user)
    include_pending = can_pending and bool(
        filters.get("include_pending") or Claim.Status.PENDING in filters.get("status", [])
    )
    visible = claims_visible_to(request.user, include_unreviewed=filterset.wants_unreviewed())
    base = filterset.apply(visible, skip=SERIES_FILTERS)
    claims = filterset.apply(base, only=SERIES_FILTERS)
    return Scope(
        filterset=filterset,
        filters=filters,
        include_pending=include_pending,
        can_include_pending=can_pending,
        base=base,
        claims=claims,
        query_string=filter_query_string(filterset.form.data),
        caption=filters_caption(filters, include_pending, errors=bool(filterset.form.errors)),
        visible=visible,
    )


def public_scope() -> Scope:
    """The scope of an anonymous visitor's page with no filter (what most readers get)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return scope_for(request)


def series_picked(scope: Scope) -> tuple[str, str]:
    """The (category, subtype) a series page draws: the first subtype asked for, else the
    first category's main series, else casualties killed or wounded."""
    subtypes = scope.filters.get("subtype") or []
    if subtypes:
        return category_of(subtypes[0]), subtypes[0]
    category = (scope.filters.get("category") or ["casualties"])[0]
    if category == "casualties":
        return category, "killed_or_wounded"
    return category, next(iter(vocab.SUBTYPES[category]))


def series_lines_of(series: dict, claimant_ids) -> dict:
    """A comparison: `series` (built over every claimant) keeping the headline, the band and
    the summed events as they are, with only the step lines (and increment lines) of
    `claimant_ids`; `compared` lists those claimants in the order asked, each with its name
    and how many points it draws in this series (0: no figure here). The cached `series` is
    not changed."""
    compared = compared_claimants(claimant_ids)
    ids = {entry["claimant_id"] for entry in compared}
    cumulative = [line for line in series["cumulative"]["claimants"] if line["claimant_id"] in ids]
    increments = [line for line in series["increments"]["claimants"] if line["claimant_id"] in ids]
    for entry in compared:
        entry["points"] = sum(
            len(line["points"])
            for line in (*cumulative, *increments)
            if line["claimant_id"] == entry["claimant_id"]
        )
    out = dict(series)
    out["cumulative"] = {**series["cumulative"], "claimants": cumulative}
    out["increments"] = {**series["increments"], "claimants": increments}
    out["compared"] = compared
    return out


def compared_claimants(claimant_ids) -> list[dict]:
    """The claimants of a comparison that exist, in the order asked (repeats dropped):
    {claimant_id, claimant, claimant_short}."""
    ids = list(dict.fromkeys(int(i) for i in claimant_ids))
    found = {c.pk: c for c in Claimant.objects.filter(pk__in=ids)}
    return [
        {"claimant_id": pk, "claimant": found[pk].name, "claimant_short": found[pk].label}
        for pk in ids
        if pk in found
    ]


def filter_errors_text(errors) -> str:
    """Filter errors as plain text lines, `name: message` (for the CSV's 400)."""
    lines = [f"{name}: {message}" for name, messages in errors.items() for message in messages]
    return "\n".join(lines) + "\n"


MAIN_FILTERS = ("category", "subtype", "claimant", "min_confidence", "date_from", "date_to", "q")
# The filters that pick a series; the others narrow every series.
SERIES_FILTERS = ("category", "subtype")


def filter_query_string(params: QueryDict, *, skip=()) -> str:
    """The filter parameters of a query string (no page or sort), URL-encoded, several values
    comma-separated: `category=casualties&claimant=2,6`."""
    canonical, _ = canonical_query(params)
    kept = QueryDict(mutable=True)
    for name in filter_names():
        values = [v for v in canonical.getlist(name) if v]
        if values and name not in skip:
            kept[name] = ",".join(values)
    if params.get(asof.PARAM) and asof.PARAM not in skip:
        kept[asof.PARAM] = params[asof.PARAM]  # links keep showing the same moment
    return kept.urlencode(safe=",:")


def _registry_names(registry, slugs: list[str]) -> str:
    """'A or B': the names of the registry rows (places, weapon systems) with these slugs."""
    return " or ".join(
        registry.objects.filter(slug__in=slugs).order_by("name").values_list("name", flat=True)
    )


def filters_caption(filters: dict, include_pending: bool, *, errors: bool = False) -> str:
    """The filters in words: 'Casualties · claimant JCS · from 2024-11-01'."""
    parts = []
    if filters.get("subtype"):
        parts.append(
            ", ".join(
                f"{vocab.CATEGORIES[category_of(s)]}: {vocab.SUBTYPES[category_of(s)][s]}"
                for s in filters["subtype"]
            )
        )
    elif filters.get("category"):
        parts.append(", ".join(vocab.CATEGORIES[c] for c in filters["category"]))
    if filters.get("claimant"):
        names = Claimant.objects.filter(pk__in=filters["claimant"]).order_by("name")
        labels = [c.label for c in names] or ["(none known)"]
        parts.append(f"claimant {' or '.join(labels)}")
    for name, registry, noun in (
        ("place", Place, "place"),
        ("weapon", WeaponSystem, "weapon system"),
    ):
        if filters.get(name):
            rows = registry.objects.filter(slug__in=filters[name]).order_by("name")
            parts.append(f"{noun} {' or '.join(row.name for row in rows)}")
    if filters.get("min_confidence"):
        parts.append(f"confidence {filters['min_confidence']} or better")
    if filters.get("confidence"):
        parts.append(f"confidence {' or '.join(filters['confidence'])}")
    if filters.get("date_from"):
        parts.append(f"from {filters['date_from'].isoformat()}")
    if filters.get("date_to"):
        parts.append(f"to {filters['date_to'].isoformat()}")
    if filters.get("q"):
        parts.append(f"text “{filters['q']}”")
    if filters.get("weapon"):
        parts.append(f"weapon system {_registry_names(WeaponSystem, filters['weapon'])}")
    for name in ("measure", "weapon_system", "location", "outlet", "article", "status"):
        if name in filters:
            value = filters[name]
            shown = ", ".join(str(v) for v in value) if isinstance(value, list) else value
            parts.append(f"{name.replace('_', ' ')} {shown}")
    if "has_number" in filters:
        parts.append("with a number" if filters["has_number"] else "without a number")
    status = "approved and pending claims" if include_pending else "approved claims"
    caption = f"Filters: {' · '.join(parts)} — {status}" if parts else f"All {status}"
    return caption + (" (filters with errors left out)" if errors else "")


# --- Overview -------------------------------------------------------------------------------

# The running totals page's tables show the latest rows (the CSV has every claim).
TABLE_ROWS = 60
TABLE_ROWS_PER_CLAIMANT = 5


def totals_digest(series: dict) -> dict:
    """What the running totals page shows of a series beside its chart: the latest headline
    steps (each with its holder's short name when the series has its line), each claimant's
    latest estimates, the latest summed events, the current headline and spread, the title and
    the one-sentence summary. A small function of the series alone, cached with it
    (`Scope.drawing`): a reader's first request after a change reads this, not the series."""
    cumulative = series["cumulative"]
    shorts = {line["claimant_id"]: line["claimant_short"] for line in cumulative["claimants"]}
    return {
        "headline": [
            {**step, "short": shorts.get(step["claimant_id"], step["claimant"])}
            for step in cumulative["headline"][-TABLE_ROWS:][::-1]
        ],
        "headline_more": max(0, len(cumulative["headline"]) - TABLE_ROWS),
        "estimates": [
            {
                "claimant_id": line["claimant_id"],
                "claimant": line["claimant"],
                "latest": line["points"][-TABLE_ROWS_PER_CLAIMANT:][::-1],
                "earlier": max(0, len(line["points"]) - TABLE_ROWS_PER_CLAIMANT),
            }
            for line in cumulative["claimants"]
        ],
        "events": series["increments"]["combined"][-TABLE_ROWS:][::-1],
        "series": {k: series[k] for k in ("category", "subtype", "unit", "units")},
        "summary": summaries.series_summary(series),
        "current": series["latest_headline"],
        "spread": spread_text(series["current_band"], series["freshness_days"]),
        "freshness_days": series["freshness_days"],
        "series_title": figures.series_title(series),
    }


# Drawings of a whole default series that a page reads (`Scope.drawing`), built again with
# the series after a change (tracker.series_state.prime).
SERIES_DRAWINGS = (figures.totals_drawn, totals_digest)

# (category, subtype, title, what it counts[, the series shown beside it]).
CARD_SERIES = [
    ("casualties", "killed_or_wounded", "Casualties", "killed or wounded"),
    (
        "troop_deployment",
        "deployed",
        "North Korean troops in Russia",
        "in Russia now (in theatre)",
        ("sent_total", "sent in total (rotations included)"),
    ),
    ("arms_transfer", "artillery_shells", "Arms transfers", "artillery shells supplied"),
    ("border_activity", "balloons", "Border activity", "balloons sent south"),
]
# The (category, subtype)s whose headline the overview's cards read (each card's series and
# the series shown beside it).
CARD_HEADLINES = {
    (spec[0], subtype) for spec in CARD_SERIES for subtype in (spec[1], *(e[0] for e in spec[4:]))
}
QUOTE_CHARS = 140


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:,.1f}".removesuffix(".0") + " million"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def spread_text(band: dict | None, freshness: int) -> str:
    """The spread of current estimates in words."""
    if not band or band["claimants"] == 0:
        return f"no claimant has an estimate from the last {freshness} days"
    if band["claimants"] == 1:
        return "one claimant has a current estimate"
    low, high = _num(band["min"]), _num(band["max"])
    figures = low if low == high else f"{low}–{high}"
    return f"estimates range {figures} from {band['claimants']} claimants"


def _headline_card(series: dict) -> dict:
    """What a card shows about a series' current headline (`series["latest_headline"]`)."""
    latest = series["latest_headline"]
    return {
        "prefix": {"lower": "at least", "upper": "up to"}.get(latest["bound"] or "", ""),
        "value": _num(latest["value"]),
        "range": (
            f"{_num(latest['low'])}–{_num(latest['high'])}"
            if latest["low"] is not None and latest["high"] is not None
            else ""
        ),
        "claimant": latest["claimant"],
        "claimant_id": latest["claimant_id"],
        "date": dt.date.fromisoformat(latest["claim_date"]),
        "changed_on": dt.date.fromisoformat(latest["changed_on"]),
        "confidence": latest["confidence"],
        "grade": f"{latest['reliability']}{latest['credibility']}",
        "claim_id": latest["claim_id"],
        "stale": latest["stale"],
        "age_days": latest["age_days"],
        "pending": latest["status"] == Claim.Status.PENDING,
    }


def card_for(
    scope: Scope,
    category: str,
    subtype: str,
    title: str,
    label: str,
    beside: tuple[str, str] | None = None,
) -> dict:
    """One headline card: the headline figure with its claimant, grade, confidence, quote and
    dates, the spread of current estimates (or the summed increments); and, for the troop card,
    a second series' headline beside it."""
    series = scope.headline(category, subtype)
    card = {
        "title": title,
        "label": label,
        "category": category,
        "subtype": subtype,
        "series": series,
        "unit": series["unit"],
        "value": None,
        "freshness_days": series["freshness_days"],
    }
    if series["latest_headline"]:
        card.update(
            _headline_card(series),
            spread=spread_text(series["current_band"], series["freshness_days"]),
            basis="the most trusted current estimate (see the methodology)",
        )
    elif series["increments"]["combined"]:
        last = series["increments"]["combined"][-1]
        card.update(
            value=_num(series["increments"]["total"]),
            range="",
            claimant="",
            date=dt.date.fromisoformat(last["date"]),
            confidence="",
            pending=any(p["status"] == "pending" for p in series["increments"]["combined"]),
            basis="reported events summed, each event once",
        )
    if beside:
        other = scope.headline(category, beside[0])
        card["beside"] = {"subtype": beside[0], "label": beside[1], "value": None}
        if other["latest_headline"]:
            card["beside"].update(_headline_card(other), unit=other["unit"])
    return card


def overview_cards(scope: Scope) -> list[dict]:
    return [overview_card(scope, *spec) for spec in CARD_SERIES]


def overview_card(scope: Scope, *spec) -> dict:
    """One card of `CARD_SERIES` (`card_for`) with its headline claims' quotes."""
    card = card_for(scope, *spec)
    holders = [h for h in (card, card.get("beside", {})) if h.get("claim_id")]
    quotes = headline_quotes({h["claim_id"] for h in holders})
    for holder in holders:
        holder["quote"] = quotes.get(holder["claim_id"], "")
    return card


def headline_quotes(claim_ids: set[int]) -> dict[int, str]:
    """Each claim's first source quote, shortened for a card (one query)."""
    quotes: dict[int, str] = {}
    rows = (
        ClaimSource.objects.filter(claim_id__in=claim_ids)
        .order_by("claim_id", "id")
        .values_list("claim_id", "quote")
    )
    for claim_id, quote in rows:
        if claim_id in quotes:
            continue
        quotes[claim_id] = quote_excerpt(quote, QUOTE_CHARS)
    return quotes


def headline_changes(scope: Scope, user, *, category: str = "", subtype: str = "", limit=10):
    """The latest headline changes `user` may see, for the "What changed" lists; cached like
    the page parts (a recorded change bumps the data version)."""
    from tracker.headlines import headline_changes_visible_to

    editor = user_sees_unreviewed(user)

    def build():
        changes = headline_changes_visible_to(user)
        if category:
            changes = changes.filter(category=category)
        if subtype:
            changes = changes.filter(subtype=subtype)
        out = []
        for change in changes[:limit]:
            claim = change.claim
            out.append(
                {
                    "id": change.pk,
                    "series": vocab.SUBTYPES.get(change.category, {}).get(
                        change.subtype, change.subtype
                    ),
                    "category": change.category,
                    "subtype": change.subtype,
                    "unit": change.unit,
                    "old": "none" if change.old_value is None else _num(change.old_value),
                    "new": "none" if change.new_value is None else _num(change.new_value),
                    "claim_id": change.claim_id,
                    "claimant": (claim.claimant.label if claim and claim.claimant_id else ""),
                    "reviewer": (
                        change.reviewer.get_username() if editor and change.reviewer_id else ""
                    ),
                    "changed_at": change.changed_at,
                }
            )
        return out

    return scope.cached(
        f"changes:{editor}:{category}:{subtype}:{limit}",
        build,
        categories={category} if category else None,
        unreviewed=editor,
    )


def arms_highlights(scope: Scope) -> dict:
    """Latest missile figure and the weapon systems (registry rows) reported most recently."""
    arms = scope.base.filter(category="arms_transfer")
    missiles = (
        arms.filter(subtype="ballistic_missiles")
        .exclude(qualifier="none")
        .order_by("-claim_date", "-id")
        .first()
    )
    recent = list(
        _arms_links(scope.base)
        .values("weaponsystem_id")
        .annotate(last=Max("claim__claim_date"))
        .order_by("-last", "weaponsystem_id")[:6]
    )
    found = WeaponSystem.objects.in_bulk([row["weaponsystem_id"] for row in recent])
    weapons = [found[row["weaponsystem_id"]] for row in recent]
    return {"missiles": missiles, "weapons": weapons}


# --- Timeline -------------------------------------------------------------------------------


def _first_source(field: str):
    return Subquery(
        ClaimSource.objects.filter(claim=OuterRef("pk")).order_by("id").values(field)[:1]
    )


def timeline_points(claims: QuerySet[Claim], limit: int = TIMELINE_LIMIT) -> tuple[list, bool]:
    """The latest `limit` claims with numbers, oldest first, each with its first source's quote
    and outlet; and whether older claims were left out."""
    rows = list(
        claims.exclude(qualifier="none")
        .annotate(quote=_first_source("quote"), outlet=_first_source("article__outlet__name"))
        .order_by("-claim_date", "-id")
        .values(
            "id", "claim_date", "category", "subtype", "low", "best", "high", "qualifier",
            "unit", "norm_unit", "norm_low", "norm_best", "norm_high", "confidence",
            "reliability", "credibility", "status", "claimant_id", "claimant__name",
            "claimant__short_name", "quote", "outlet",
        )[: limit + 1]
    )  # fmt: skip
    truncated = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    for row in rows:
        row["figure"] = figure_text(
            row["low"], row["best"], row["high"], row["qualifier"], row["unit"]
        )
        row["claimant"] = row["claimant__short_name"] or row["claimant__name"] or "Press report"
    return rows, truncated


# --- Arms -----------------------------------------------------------------------------------


def _arms_links(claims: QuerySet[Claim]) -> QuerySet:
    """The (claim, weapon system) links of the arms-transfer claims in `claims`."""
    arms = claims.filter(category="arms_transfer").order_by().values("pk")
    return Claim.weapon_systems.through.objects.filter(claim_id__in=arms)


def weapon_table(claims: QuerySet[Claim]) -> list[dict]:
    """The arms page's list of systems, like Oryx's: for each registry system that the
    arms-transfer claims in `claims` name — how many claims, first and latest report, the
    latest figure given (its claim, claimant, grade and unit), the claimants and the articles.
    A claim naming two systems ("170mm SPG and 240mm MRL") counts once for each. Most claims
    first. Four queries whatever the number of claims."""
    links = _arms_links(claims)
    counts = list(
        links.values("weaponsystem_id")
        .annotate(
            claims=Count("claim_id", distinct=True),
            first=Min("claim__claim_date"),
            last=Max("claim__claim_date"),
            claimant_count=Count("claim__claimant_id", distinct=True),
            sources=Count("claim__sources__article_id", distinct=True),
            latest_figure=Subquery(
                links.filter(weaponsystem_id=OuterRef("weaponsystem_id"))
                .exclude(claim__qualifier="none")
                .order_by("-claim__claim_date", "-claim_id")
                .values("claim_id")[:1]
            ),
        )
        .order_by()
    )
    if not counts:
        return []
    systems = WeaponSystem.objects.in_bulk([row["weaponsystem_id"] for row in counts])
    latest = claims.model.objects.select_related("claimant").in_bulk(
        [row["latest_figure"] for row in counts if row["latest_figure"]]
    )
    names: dict[int, list[str]] = {}
    for system_id, short, name in (
        links.exclude(claim__claimant=None)
        .values_list("weaponsystem_id", "claim__claimant__short_name", "claim__claimant__name")
        .distinct()
        .order_by("claim__claimant__name")
    ):
        names.setdefault(system_id, []).append(short or name)
    rows = []
    for row in counts:
        system = systems[row["weaponsystem_id"]]
        claim = latest.get(row["latest_figure"])
        rows.append(
            {
                "name": system.name,
                "slug": system.slug,
                "kind": system.get_kind_display(),
                "claims": row["claims"],
                "first": row["first"],
                "last": row["last"],
                "latest": _latest_figure(claim),  # None: no claim about it gives a figure
                "claimants": names.get(system.pk, []),
                "claimant_count": row["claimant_count"],
                "sources": row["sources"],
            }
        )
    rows.sort(key=lambda r: (-r["claims"], r["name"]))
    return rows


def _latest_figure(claim: Claim | None) -> dict | None:
    if claim is None:
        return None
    return {
        "id": claim.pk,
        "url": claim.get_absolute_url(),
        "figure": claim.figure_display,
        "unit": claim.unit,
        "subtype": claim.get_subtype_display(),
        "date": claim.claim_date,
        "claimant": claim.claimant.label if claim.claimant_id else "Press report",
        "grade": claim.grade,
        "confidence": claim.confidence,
        "pending": claim.status == Claim.Status.PENDING,
    }


def weapon_points(claims: QuerySet[Claim], limit: int = WEAPONS_LIMIT) -> list[dict]:
    """The latest `limit` (claim, system) pairs of arms-transfer claims, oldest first: one
    point per system a claim names, with the claim's figure, trust and first quote."""
    rows = list(
        _arms_links(claims)
        .annotate(quote=_first_source_of_link("quote"))
        .order_by("-claim__claim_date", "-claim_id", "weaponsystem__name")
        .values(
            "claim_id", "claim__claim_date", "weaponsystem__name", "weaponsystem__slug",
            "claim__subtype", "claim__low", "claim__best", "claim__high", "claim__qualifier",
            "claim__unit", "claim__confidence", "claim__status", "claim__claimant__name",
            "claim__claimant__short_name", "quote",
        )[:limit]
    )  # fmt: skip
    rows.reverse()
    out = []
    for row in rows:
        point = {k.removeprefix("claim__"): v for k, v in row.items()}
        point["id"] = row["claim_id"]
        point["weapon_system"] = row["weaponsystem__name"]
        point["slug"] = row["weaponsystem__slug"]
        point["figure"] = figure_text(
            point["low"], point["best"], point["high"], point["qualifier"], point["unit"]
        )
        point["claimant"] = (
            point["claimant__short_name"] or point["claimant__name"] or "Press report"
        )
        out.append(point)
    return out


def _first_source_of_link(field: str):
    return Subquery(
        ClaimSource.objects.filter(claim=OuterRef("claim_id")).order_by("id").values(field)[:1]
    )


ARMS_SERIES = [
    ("artillery_shells", "Artillery shells"),
    ("containers", "Containers"),
    ("ballistic_missiles", "Ballistic missiles"),
    ("rocket_launchers", "Multiple rocket launchers"),
]
BORDER_SERIES = [
    ("balloons", "Balloons"),
    ("balloon_launches", "Balloon launches"),
    ("fence", "Fence / barrier built"),
    ("soldiers_at_border", "Soldiers at the border"),
]


# --- Claim page -----------------------------------------------------------------------------


INVERSE_RELATION = {
    "corroborates": "is corroborated by",
    "contradicts": "is contradicted by",
    "supersedes": "is superseded by",
}


def related_claims(claim: Claim, visible: QuerySet[Claim]) -> list[dict]:
    """Claims that corroborate, contradict or supersede this one (either direction), visible
    ones only."""
    ids = visible.values("pk")
    rels = ClaimRelation.objects.filter(
        Q(from_claim=claim, to_claim__in=ids) | Q(to_claim=claim, from_claim__in=ids)
    ).select_related("from_claim__claimant", "to_claim__claimant")
    out = []
    for rel in rels:
        outgoing = rel.from_claim_id == claim.pk
        other = rel.to_claim if outgoing else rel.from_claim
        verb = rel.kind if outgoing else INVERSE_RELATION[rel.kind]
        out.append({"kind": rel.kind, "verb": verb, "claim": other, "note": rel.note})
    return out


# The weapon links a save of the claim writes follow it within this (claim_update sets them just
# after the save; `set` removes, then adds).
SAME_EDIT = dt.timedelta(seconds=1)


def _weapon_changes(claim: Claim, saves: list[dt.datetime]) -> list[dict]:
    """Each change of the weapon systems `claim` names (its links' history), oldest first:
    {save, date, by_editor, old, new} with the systems' names joined. The rows written just
    after a save of the claim (`saves`, the dates of its history rows, oldest first) are that
    save's change (`save`: its index); other rows within SAME_EDIT of each other are one change
    of their own (`save` None)."""
    rows = (
        Claim.weapon_systems.through.history.filter(claim_id=claim.pk)
        .order_by("history_date", "history_id")
        .values_list("history_date", "history_type", "weaponsystem__name", "history_user_id")
    )
    groups: list[tuple[int | None, list[tuple]]] = []
    for row in rows:
        # The claim's last save before it (the first one at the same moment, on a frozen clock).
        after = bisect.bisect_left(saves, row[0])
        if after == len(saves) or saves[after] != row[0]:
            after -= 1
        save = after if after >= 0 and row[0] - saves[after] < SAME_EDIT else None
        last = groups[-1] if groups else None
        if last and last[0] == save and (save is not None or row[0] - last[1][0][0] < SAME_EDIT):
            last[1].append(row)
        else:
            groups.append((save, [row]))
    out, named = [], set()
    for save, group in groups:
        before = set(named)
        for _, kind, name, _ in group:
            (named.discard if kind == "-" else named.add)(name)
        if named != before:
            out.append(
                {
                    "save": save,
                    "date": group[0][0],
                    "by_editor": any(row[3] is not None for row in group),
                    "old": ", ".join(sorted(n for n in before if n)),
                    "new": ", ".join(sorted(n for n in named if n)),
                }
            )
    return out


def claim_history(claim: Claim) -> list[dict]:
    """The claim's public change history, oldest first: which public fields changed, when —
    the weapon systems it names too."""
    records = list(claim.history.order_by("history_date", "history_id"))
    shown = public_history_fields()
    out = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            # Public fields only (tracker.disclosure): notes and reviewers stay in the admin;
            # field labels and names ("Best estimate: 1,000 → 1,100"), not column names.
            changes = [
                row for row in history.change_rows(Claim, delta.changes) if row["field"] in shown
            ]
        out.append(
            {
                "date": record.history_date,
                # Readers learn that an editor made the change, never which one.
                "by_editor": record.history_user_id is not None,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "changes": changes,
            }
        )
        previous = record
    entries = list(out)
    for change in _weapon_changes(claim, [r.history_date for r in records]):
        row = {"field": "weapon_systems", "label": "Weapon systems"}
        row.update(old=change["old"], new=change["new"])
        if change["save"] is None:
            out.append({"date": change["date"], "by_editor": change["by_editor"],
                        "type": "changed", "changes": [row]})  # fmt: skip
        elif entries[change["save"]]["type"] == "changed":  # on creation, not a change
            entries[change["save"]]["changes"].append(row)
    return sorted(out, key=lambda entry: entry["date"])


def confidence_legend() -> list[tuple[str, str, str]]:
    return [(k, trust.CONFIDENCE_LEVELS[k], rule) for k, rule in trust.CONFIDENCE_RULES.items()]


# --- Claim browser --------------------------------------------------------------------------

CLAIM_SORTS = {
    "date": ("claim_date", "id"),
    "figure": ("figure_value", "id"),
    "category": ("category", "subtype", "-claim_date"),
    "claimant": ("claimant__name", "-claim_date"),
    "confidence": ("confidence_rank", "-claim_date"),
    "status": ("status", "-claim_date"),
}
DEFAULT_SORT = "-date"


def claims_sorted(claims: QuerySet[Claim], sort: str) -> tuple[QuerySet[Claim], str]:
    """Order the browser's claims by a whitelisted key ('date', '-figure'…)."""
    key = sort.removeprefix("-")
    if key not in CLAIM_SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.removeprefix("-")
    descending = sort.startswith("-")
    claims = claims.annotate(
        figure_value=Coalesce("best", "low", "high"),
        confidence_rank=Case(
            *(When(confidence=k, then=Value(v)) for k, v in trust.CONFIDENCE_RANK.items()),
            output_field=IntegerField(),
        ),
    )
    order = []
    for i, field in enumerate(CLAIM_SORTS[key]):
        # The first key follows the requested direction; tie-breakers keep their own.
        flip = field.startswith("-") != (descending and i == 0)
        expr = F(field.removeprefix("-"))
        order.append(expr.desc(nulls_last=True) if flip else expr.asc(nulls_last=True))
    return claims.order_by(*order), sort
