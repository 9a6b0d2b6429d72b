"""The tracker's CSV files: one claims schema and one series schema, served by the dashboard
(/claims.csv, /series.csv) and the API (/api/v1/claims/?format=csv, /api/v1/series/?format=csv)
alike. Callers pass what the user may see (tracker.selectors); this module only writes rows.

Every file is UTF-8 with a byte-order mark (Excel then reads it as UTF-8; Python's
`encoding="utf-8-sig"` and pandas drop the mark), served as `text/csv; charset=utf-8`, streamed,
with a dated file name and a `Link` header naming the citation sidecar (/claims.csv.cite) and the
data licence. Nothing but the header row and data rows is in the file, so `pandas.read_csv`
reads it with no options. Schemas: docs/api.md#csv."""

from __future__ import annotations

import bisect
import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from tracker.citation import DATA_LICENCE_URL
from tracker.disclosure import PUBLIC_CLAIM_FIELDS
from tracker.models import Claim, ClaimSource

BOM = "\ufeff"
# Several sources of one claim share a cell, in source order, joined by this separator (a
# separator inside a value becomes a space, so splitting on it gives one item per source).
SOURCE_SEPARATOR = " | "
# Text from articles is untrusted: a text cell starting with one of these would run as a
# spreadsheet formula, so it is prefixed with an apostrophe. Numbers are never touched.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The claim's own public fields (tracker.disclosure), in file order.
_CLAIM_FIELDS = (
    "claim_date", "period_start", "period_end", "category", "subtype", "measure",
    "qualifier", "low", "best", "high", "unit", "norm_low", "norm_best", "norm_high",
    "norm_unit",
)  # fmt: skip
_GRADE_FIELDS = ("reliability", "credibility", "confidence", "status", "origin")
_TEXT_FIELDS = ("location", "weapon_system", "summary")
assert set(_CLAIM_FIELDS + _GRADE_FIELDS + _TEXT_FIELDS) <= set(PUBLIC_CLAIM_FIELDS)
# Where: the gazetteer place (slug), its coordinates and how exactly it is known; for arms
# transfers also the place shipped from.
_PLACE_COLUMNS = ("place", "lat", "lon", "precision", "origin_place", "origin_lat", "origin_lon")

CLAIM_COLUMNS = (
    "id", "claim_url", *_CLAIM_FIELDS[:6], "figure", *_CLAIM_FIELDS[6:], "claimant_id",
    "claimant", *_GRADE_FIELDS, *_TEXT_FIELDS, *_PLACE_COLUMNS, "weapon_systems", "source_count",
    "source_outlets",
    "source_urls", "source_quotes", "source_titles", "source_article_ids",
)  # fmt: skip

SERIES_COLUMNS = (
    "category", "subtype", "unit", "line", "date", "claimant_id", "claimant", "value", "low",
    "high", "bound", "running_total", "headline", "band_low", "band_high", "status",
    "claim_id", "claim_url",
)  # fmt: skip


def csv_cell(value) -> str:
    """One cell: numbers as numbers (1100.0 → "1100", -3.5 stays "-3.5"), dates in ISO form,
    None empty, and text that would start a spreadsheet formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _joined(values: Iterable) -> str:
    return SOURCE_SEPARATOR.join(csv_cell(value).replace(SOURCE_SEPARATOR, " ") for value in values)


def claim_row(claim: Claim, *, claim_url_prefix: str) -> list[str]:
    """One claim as a row of CLAIM_COLUMNS (its sources prefetched, claimant selected)."""
    sources = list(claim.sources.all())
    articles = [source.article for source in sources]
    row = [claim.pk, f"{claim_url_prefix}{claim.pk}/"]
    row += [getattr(claim, name) for name in _CLAIM_FIELDS[:6]]
    row.append(claim.figure_display)
    row += [getattr(claim, name) for name in _CLAIM_FIELDS[6:]]
    row += [claim.claimant_id, claim.claimant.name if claim.claimant_id else ""]
    row += [getattr(claim, name) for name in _GRADE_FIELDS + _TEXT_FIELDS]
    place, origin = claim.place, claim.origin_place
    row += [place.slug, place.latitude, place.longitude] if place else [None] * 3
    row.append(claim.location_precision)
    row += [origin.slug, origin.latitude, origin.longitude] if origin else [None] * 3
    cells = [csv_cell(value) for value in row]
    # The registry's systems the claim names, by slug (sorted), joined like the sources.
    cells.append(_joined(sorted(system.slug for system in claim.weapon_systems.all())))
    cells += [
        str(len(sources)),
        _joined(a.outlet.name if a.outlet_id else "" for a in articles),
        _joined(a.url or "" for a in articles),
        _joined(source.quote for source in sources),
        _joined(a.title for a in articles),
        _joined(a.pk for a in articles),
    ]
    return cells


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The lines of a CSV file: the byte-order mark and header, then the rows."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(lines: Iterable[str], *, request, stem: str) -> StreamingHttpResponse:
    """Stream `lines` as a dated UTF-8 CSV download that names its citation and licence."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{timezone.localdate().isoformat()}.csv"'
    )
    cite = request.build_absolute_uri(reverse("claim-csv-cite"))
    cite += "?" + urlencode({"url": request.get_full_path()})
    response["Link"] = (
        f'<{cite}>; rel="describedby"; type="text/plain", <{DATA_LICENCE_URL}>; rel="license"'
    )
    return response


def _claim_url_prefix(request) -> str:
    # /claims/<id>/ is the claim list's address followed by the id.
    return request.build_absolute_uri(reverse("claim-list"))


def claims_for_csv(claims: QuerySet[Claim]) -> Iterator[Claim]:
    """`claims` with what claim_row reads, in chunks: four queries whatever their number
    (claims, sources, weapon systems, per chunk of 1,000)."""
    sources = ClaimSource.objects.select_related("article__outlet")  # in the claim page's order
    claims = (
        claims.select_related("claimant", "place", "origin_place")
        .prefetch_related(None)
        .prefetch_related(Prefetch("sources", queryset=sources), "weapon_systems")
    )
    return claims.iterator(1000)


def claims_csv_response(*, request, claims: QuerySet[Claim]) -> StreamingHttpResponse:
    """`claims` (already visible to the user and filtered) as the claims CSV, one row per
    claim: four queries per 1,000 rows (claims, sources, weapon systems)."""
    prefix = _claim_url_prefix(request)
    rows = (claim_row(claim, claim_url_prefix=prefix) for claim in claims_for_csv(claims))
    return csv_response(csv_lines(CLAIM_COLUMNS, rows), request=request, stem="claims")


def _as_of(steps: list[dict]):
    """A lookup of the last step on or before a date, in a date-ordered list of steps."""
    dates = [step["date"] for step in steps]

    def at(day: str) -> dict | None:
        k = bisect.bisect_right(dates, day)
        return steps[k - 1] if k else None

    return at


def series_rows(series: dict, *, claim_url_prefix: str) -> Iterator[list[str]]:
    """The series (tracker.series.series_build output, not changed) as rows of SERIES_COLUMNS:
    one row per point of each line — every claimant's estimates (`estimate`), the headline
    (`headline`), every claimant's events (`increment`) and the events summed (`increments_total`).
    `headline`, `band_low` and `band_high` give the headline and the spread of current estimates
    on the row's date; on `increments_total` rows the band is the running total's low–high."""
    cumulative, increments = series["cumulative"], series["increments"]
    headline_at, band_at = _as_of(cumulative["headline"]), _as_of(cumulative["band"])
    ident = (series["category"], series["subtype"], series["unit"])

    def row(line, point, claimant_id, claimant, *, band=None):
        claim_id = point.get("claim_id")
        if band is None:
            step, spread = headline_at(point["date"]), band_at(point["date"])
            headline = step["value"] if step else None
            band = (spread["min"], spread["max"]) if spread else (None, None)
        else:
            headline = None
        cells = (
            *ident, line, point["date"], claimant_id, claimant, point["value"],
            point.get("low"), point.get("high"), point.get("bound"), point.get("running_total"),
            headline, *band, point.get("status"), claim_id,
            f"{claim_url_prefix}{claim_id}/" if claim_id else None,
        )  # fmt: skip
        return [csv_cell(value) for value in cells]

    for line in cumulative["claimants"]:
        for point in line["points"]:
            yield row("estimate", point, line["claimant_id"], line["claimant"])
    for step in cumulative["headline"]:
        yield row("headline", step, step["claimant_id"], step["claimant"])
    for line in increments["claimants"]:
        for point in line["points"]:
            yield row("increment", point, line["claimant_id"], line["claimant"])
    for point in increments["combined"]:
        band = (point["running_low"], point["running_high"])
        yield row("increments_total", point, None, "", band=band)


def series_csv_response(*, request, series: dict) -> StreamingHttpResponse:
    """One series as the series CSV."""
    rows = series_rows(series, claim_url_prefix=_claim_url_prefix(request))
    stem = f"series-{series['category']}-{series['subtype']}"
    return csv_response(csv_lines(SERIES_COLUMNS, rows), request=request, stem=stem)
