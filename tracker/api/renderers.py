"""CSV for spreadsheets and newsroom tools: one row per claim, its sources joined."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer

from tracker.models import Claim

SOURCE_SEPARATOR = " | "
CLAIM_COLUMNS = [
    "id", "category", "subtype", "low", "best", "high", "qualifier", "unit", "measure",
    "claim_date", "period_start", "period_end", "claimant_id", "claimant", "location",
    "weapon_system", "summary", "reliability", "credibility", "confidence", "status", "origin",
    "source_count", "source_article_ids", "source_titles", "source_urls", "source_outlets",
    "source_quotes",
]  # fmt: skip
# Text from articles is untrusted: a cell starting with these would run as a spreadsheet formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _joined(values: Iterable) -> str:
    return SOURCE_SEPARATOR.join(_cell(v).replace(SOURCE_SEPARATOR, " ") for v in values)


def claim_csv_row(claim: Claim) -> list[str]:
    sources = list(claim.sources.all())
    row = {
        name: getattr(claim, name)
        for name in CLAIM_COLUMNS
        if not name.startswith(("source_", "claimant"))
    }
    row["claimant_id"] = claim.claimant_id
    row["claimant"] = claim.claimant.name if claim.claimant_id else ""
    row["source_count"] = len(sources)
    row["source_article_ids"] = _joined(s.article_id for s in sources)
    row["source_titles"] = _joined(s.article.title for s in sources)
    row["source_urls"] = _joined(s.article.url or "" for s in sources)
    row["source_outlets"] = _joined(
        s.article.outlet.name if s.article.outlet else "" for s in sources
    )
    row["source_quotes"] = _joined(s.quote for s in sources)
    return [_cell(row[name]) for name in CLAIM_COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def claims_csv_lines(claims: Iterable[Claim]) -> Iterator[str]:
    """The header then one CSV line per claim (claims come with sources prefetched)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CLAIM_COLUMNS)
    for claim in claims:
        yield writer.writerow(claim_csv_row(claim))


class ClaimCSVRenderer(BaseRenderer):
    """Selected by ?format=csv or Accept: text/csv. The claims view streams the rows itself;
    this renders only what is left: error bodies."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["field", "message"])
        for field, messages in (data or {}).items() if isinstance(data, dict) else ():
            for message in messages if isinstance(messages, list) else [messages]:
                writer.writerow([field, _cell(str(message))])
        return buffer.getvalue().encode(self.charset)


class SeriesJSONRenderer(JSONRenderer):
    """orjson for the series: plain data of tens of thousands of points, where the standard
    encoder's time is most of the request. Same JSON; anything orjson cannot encode falls
    back to DRF's encoder."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)


class JSONLinesRenderer(BaseRenderer):
    """Lets clients ask for application/jsonl; the dump streams itself, errors are one line."""

    media_type = "application/jsonl"
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return orjson.dumps(data) + b"\n"
