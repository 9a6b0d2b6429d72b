"""The claims list and detail as JSON without per-row Python objects (issue 16, part 4).

The API's claim serializer (tracker.api.serializers.ClaimSerializer) stays the source of truth:
the schema (drf-spectacular) and every write use it. Reads of many claims are the hot path, and
building a serializer and a model instance per claim (and per source) cost about 1 ms a claim;
here the same JSON is built from database rows (`values_list`) by plain functions and encoded
by orjson. tests/api/test_fast_claims.py proves the output equals the serializer's, key for key
and byte for byte, for claims of every kind.

The field list comes from the serializer itself, so a field added to tracker.disclosure's
PUBLIC_CLAIM_FIELDS (or to the serializer) without a matching rule here fails loudly at import
rather than silently leaving the API.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Iterable

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Func, IntegerField, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tracker.models import Claim, ClaimSource, figure_text

# The claim's own columns, in the serializer's order; the nested and derived fields follow (in
# this order: _claim_dict builds them so).
_NESTED_OR_DERIVED = ("claimant", "place", "origin_place", "weapon_systems", "figure")
_NESTED_OR_DERIVED += ("has_number", "trust", "sources")


def _serializer_fields() -> list[str]:
    from tracker.api.serializers import ClaimSerializer

    return list(ClaimSerializer.Meta.fields)


FIELDS: tuple[str, ...] = tuple(_serializer_fields())
_COLUMNS: tuple[str, ...] = tuple(f for f in FIELDS if f not in _NESTED_OR_DERIVED)
_UNHANDLED = set(FIELDS) - set(_COLUMNS) - set(_NESTED_OR_DERIVED)
assert not _UNHANDLED, f"tracker.api.fast does not know how to read {_UNHANDLED}"

# What one query reads per claim: its columns, then the claimant's three.
_PLACE_KEYS = ("name", "slug", "lat", "lon", "kind")
_PLACE_VALUES = ("id", "name", "slug", "latitude", "longitude", "kind")
CLAIM_VALUES: tuple[str, ...] = (*_COLUMNS, "claimant_id", "claimant__name", "claimant__short_name")
CLAIM_VALUES += tuple(f"place__{name}" for name in _PLACE_VALUES)
CLAIM_VALUES += tuple(f"origin_place__{name}" for name in _PLACE_VALUES)
_DATETIMES = frozenset({"reviewed_at", "created_at", "updated_at"})

SOURCE_VALUES: tuple[str, ...] = (
    "claim_id", "article_id", "article__title", "article__url", "article__published_at",
    "article__outlet__name", "quote", "quote_start", "quote_end",
)  # fmt: skip
_SOURCE_KEYS = ("article_id", "title", "url", "published_at", "outlet", "quote")
_SOURCE_KEYS += ("quote_start", "quote_end")

_UTC = dt.UTC


def _datetime_writer():
    """How a datetime goes out: as DRF writes it (ISO 8601 in the current time zone, 'Z' for
    UTC). In UTC orjson writes exactly that itself (OPT_UTC_Z), so values pass through."""
    tz = timezone.get_current_timezone()
    probe = dt.datetime(2000, 1, 1, tzinfo=_UTC)
    if probe.astimezone(tz).utcoffset() == dt.timedelta(0) and tz.utcoffset(
        dt.datetime(2000, 7, 1)
    ) == dt.timedelta(0):
        return None

    def write(value):
        if value is None:
            return None
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def one_statement_here(using: str = "default") -> bool:
    """Whether this database reads a page in one statement (page_queryset): PostgreSQL, with
    datetimes going out in UTC (the database then writes their text: see _UtcText)."""
    return connections[using].vendor == "postgresql" and _datetime_writer() is None


def claim_queryset(queryset: QuerySet) -> QuerySet:
    """The narrow form of a claim queryset: one tuple per claim, claimant joined."""
    return queryset.values_list(*CLAIM_VALUES)


class ClaimRows:
    """What a paginator needs of a claim queryset: slices are rows (claim_queryset), the count
    is the plain queryset's. Counting the narrow form would keep its join to the claimant,
    and PostgreSQL then plans the count several times dearer.

    On PostgreSQL (and in UTC, as DRF writes times there) a page is one statement instead of
    four: `page_rows` reads the page's claims with their sources and weapon systems (as JSON,
    one correlated subquery each, evaluated for the page's rows only) and the count of every
    match (a scalar subquery over the plain queryset, run once); the paginator
    (tracker.api.pagination) then needs no count query."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        self.ordered = queryset.ordered
        self.counts_with_page = _one_statement(queryset)

    @functools.cached_property
    def rows(self) -> QuerySet:
        return claim_queryset(self.queryset)

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.rows[key]

    def page_rows(self, offset: int, limit: int) -> tuple[list[tuple], int | None]:
        """The rows of claims [offset, offset + limit), and how many claims match in all
        (None when there is no row to carry it: a page past the end)."""
        try:
            page = page_queryset(self.queryset)
        except EmptyResultSet:  # a filter no claim can meet (status=pending for the public)
            return [], None
        rows = list(page[offset : offset + limit])
        return rows, (rows[0][-1] if rows else None)

    def dicts(self, rows: list[tuple]) -> list[dict]:
        """The page's rows (from page_rows when counts_with_page, else slices) as dicts."""
        return page_dicts(rows) if self.counts_with_page else claim_dicts(rows)


def sources_by_claim(claim_ids: Iterable[int], write_dt=None) -> dict[int, list[dict]]:
    """Every source of these claims, in the order the serializer lists them (one query)."""
    ids = list(claim_ids)
    grouped: dict[int, list[dict]] = {i: [] for i in ids}
    for claim_id, *values in _SOURCES_QUERY.rows(ids):
        source = dict(zip(_SOURCE_KEYS, values, strict=True))
        if write_dt is not None:
            source["published_at"] = write_dt(source["published_at"])
        grouped[claim_id].append(source)
    return grouped


def systems_by_claim(claim_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Every weapon system these claims name, as the serializer lists them (one query)."""
    ids = list(claim_ids)
    grouped: dict[int, list[dict]] = {i: [] for i in ids}
    for claim_id, name, slug, kind in _SYSTEMS_QUERY.rows(ids):
        grouped[claim_id].append({"name": name, "slug": slug, "kind": kind})
    return grouped


_N = len(_COLUMNS)
_IDX = {name: i for i, name in enumerate(_COLUMNS)}
_I_ID = _IDX["id"]
_I_LOW, _I_BEST, _I_HIGH = _IDX["low"], _IDX["best"], _IDX["high"]
_I_QUALIFIER, _I_UNIT = _IDX["qualifier"], _IDX["unit"]
_I_RELIABILITY, _I_CREDIBILITY = _IDX["reliability"], _IDX["credibility"]
_I_CONFIDENCE, _I_SUGGESTED = _IDX["confidence"], _IDX["credibility_suggested"]
_I_DATETIMES = tuple(_IDX[name] for name in _COLUMNS if name in _DATETIMES)


def _place(values: tuple) -> dict | None:
    return None if values[0] is None else dict(zip(_PLACE_KEYS, values[1:], strict=True))


def claim_dicts(rows: list[tuple]) -> list[dict]:
    """Rows from claim_queryset → the dicts ClaimSerializer would give, sources included."""
    write_dt = _datetime_writer()
    sources = sources_by_claim((row[_I_ID] for row in rows), write_dt)
    systems = systems_by_claim(row[_I_ID] for row in rows)
    return [_claim_dict(row, sources[row[_I_ID]], systems[row[_I_ID]], write_dt) for row in rows]


# The detail reads its sources in the same query: each source's columns beside the claim's.
_JOINED_SOURCE_VALUES = tuple(f"sources__{name}" for name in SOURCE_VALUES[1:])
_SOURCE_ORDER = tuple(f"sources__{name}" for name in ClaimSource._meta.ordering)


def claim_detail(queryset: QuerySet, pk) -> dict | None:
    """The claim `pk` among `queryset` as ClaimSerializer would give it (None when it is not
    there). The queryset (whatever filters joined) only says which claim; on PostgreSQL in UTC
    one statement reads it (page_queryset), else one query with its sources joined, one row
    each, in the serializer's order, and one for its weapon systems (a second many-valued join
    would multiply the rows)."""
    claims = queryset.model.objects.filter(pk__in=queryset.filter(pk=pk).values("pk"))
    if one_statement_here(claims.db):  # as a list's page: sources and weapon systems as JSON
        rows = list(page_queryset(claims))
        return page_dicts(rows)[0] if rows else None
    rows = list(claims.order_by(*_SOURCE_ORDER).values_list(*CLAIM_VALUES, *_JOINED_SOURCE_VALUES))
    if not rows:
        return None
    claim_id = rows[0][_I_ID]
    return _detail_from_rows(rows, systems_by_claim([claim_id])[claim_id])


def public_claim_detail(pk) -> dict | None:
    """claim_detail(claims_visible_to(None), pk) — the claim as anonymous callers and analysts
    see it — by SQL the ORM compiled once (compiling the queries was most of a cold detail's
    CPU): on PostgreSQL in UTC one statement (a list's page_queryset, its sources and weapon
    systems as JSON), else two. Today's claims only: as of a past moment (tracker.asof) use
    claim_detail."""
    from tracker.filtering import MAX_ID

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 1 <= pk <= MAX_ID:
        return None
    if one_statement_here():
        # One statement, as a list's page (page_queryset): sources and weapon systems as JSON.
        rows = _PUBLIC_DETAIL_STATEMENT.rows(pk)
        return page_dicts(rows)[0] if rows else None
    rows = _PUBLIC_DETAIL_QUERY.rows(pk)
    if not rows:
        return None
    return _detail_from_rows(rows, systems_by_claim([pk])[pk])


def _detail_from_rows(rows: list[tuple], systems: list[dict]) -> dict:
    write_dt = _datetime_writer()
    width = len(CLAIM_VALUES)
    sources = []
    for row in rows:
        if row[width] is None:  # no source: the join's one empty row
            continue
        source = dict(zip(_SOURCE_KEYS, row[width:], strict=True))
        if write_dt is not None:
            source["published_at"] = write_dt(source["published_at"])
        sources.append(source)
    return _claim_dict(rows[0], sources, systems, write_dt)


class Prepared:
    """A query the ORM compiles once per process and database, then runs with other values.
    `build(marker)` returns the queryset with `marker` where the value goes (a value no real
    query holds); each run puts its value in the marker's place. With `many`, the marker is
    a list of one (`field__in=[marker]`) and each run gives a list of any length. The same SQL,
    parameters and converters the queryset would use, without building and compiling it again
    (for a short query that is most of its CPU)."""

    MARKER = -7_301_981  # no row has a negative id

    def __init__(self, build, *, many: bool = False):
        self.build, self.many = build, many
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        compiler = self.build([self.MARKER] if self.many else self.MARKER).query.get_compiler(using)
        sql, params = compiler.as_sql()
        slots = [i for i, p in enumerate(params) if p == self.MARKER]
        assert slots and (len(slots) == 1 or not self.many), "the marker is not a parameter"
        if self.many:  # the SQL around the marker's placeholder (Django writes %s, and %% for %)
            tokens = re.split(r"(%%|%s)", sql)
            at = [i for i, t in enumerate(tokens) if t == "%s"][slots[0]]
            sql = ("".join(tokens[:at]), "".join(tokens[at + 1 :]))
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        compiled = (sql, list(params), slots, compiler, compiler.get_converters(fields))
        self._compiled[using] = compiled
        return compiled

    def rows(self, value, using: str = "default") -> list[tuple]:
        sql, params, slots, compiler, converters = self._compiled.get(using) or self._compile(using)
        if self.many:
            values = list(value)
            if not values:
                return []
            slot = slots[0]
            params = [*params[:slot], *values, *params[slot + 1 :]]
            sql = sql[0] + ", ".join(["%s"] * len(values)) + sql[1]
        else:
            params = params.copy()
            for i in slots:
                params[i] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [tuple(r) for r in compiler.apply_converters(rows, converters)]
        return rows


def _public_detail(pk) -> QuerySet:
    from tracker.selectors import claims_visible_to

    return (
        claims_visible_to(None)  # what anonymous callers and analysts see
        .filter(pk=pk)
        .order_by(*_SOURCE_ORDER)
        .values_list(*CLAIM_VALUES, *_JOINED_SOURCE_VALUES)
    )


_PUBLIC_DETAIL_QUERY = Prepared(_public_detail)
_SOURCES_QUERY = Prepared(
    lambda ids: ClaimSource.objects.filter(claim_id__in=ids).values_list(*SOURCE_VALUES),
    many=True,
)
_SYSTEMS_QUERY = Prepared(
    lambda ids: (
        Claim.weapon_systems.through.objects.filter(claim_id__in=ids)
        .order_by("weaponsystem__name")
        .values_list("claim_id", "weaponsystem__name", "weaponsystem__slug", "weaponsystem__kind")
    ),
    many=True,
)


# --- A list's page in one statement (PostgreSQL, UTC) ---------------------------------------------


class _UtcText(Func):
    """A timestamp with time zone as DRF writes it in UTC (ISO 8601, microseconds only when
    there are any, 'Z'): text from the database, so no datetime is built and formatted again."""

    template = (
        "(replace(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
        "'.000000', '') || 'Z')"
    )
    output_field = CharField()


def _utc_text_sql(column: str) -> str:
    return _UtcText.template % {"expressions": column}


# The claim's sources and weapon systems as JSON arrays of objects, the serializer's keys in its
# order and its order of items (json, not jsonb: json keeps the keys' order). The tables are
# named as Django names them, so tracker.asof shadows them as it does every query's.
_SOURCES_JSON = (
    "(SELECT json_agg(json_build_object("
    "'article_id', fs_s.article_id, 'title', fs_a.title, 'url', fs_a.url, "
    f"'published_at', {_utc_text_sql('fs_a.published_at')}, 'outlet', fs_o.name, "
    "'quote', fs_s.quote, 'quote_start', fs_s.quote_start, 'quote_end', fs_s.quote_end"
    ") ORDER BY fs_a.published_at, fs_s.id)::text "
    'FROM "tracker_claimsource" fs_s '
    'INNER JOIN "tracker_article" fs_a ON fs_a.id = fs_s.article_id '
    'LEFT OUTER JOIN "tracker_outlet" fs_o ON fs_o.id = fs_a.outlet_id '
    'WHERE fs_s.claim_id = "tracker_claim"."id")'
)
_SYSTEMS_JSON = (
    "(SELECT json_agg(json_build_object("
    "'name', fs_w.name, 'slug', fs_w.slug, 'kind', fs_w.kind) ORDER BY fs_w.name)::text "
    'FROM "tracker_claim_weapon_systems" fs_cw '
    'INNER JOIN "tracker_weaponsystem" fs_w ON fs_w.id = fs_cw.weaponsystem_id '
    'WHERE fs_cw.claim_id = "tracker_claim"."id")'
)
assert _SOURCE_KEYS == (
    "article_id", "title", "url", "published_at", "outlet", "quote", "quote_start", "quote_end"
)  # fmt: skip
assert ClaimSource._meta.ordering == ["article__published_at", "id"]

_TEXT = {f"fs_{name}": _UtcText(name) for name in _COLUMNS if name in _DATETIMES}
PAGE_VALUES: tuple[str, ...] = tuple(
    f"fs_{name}" if name in _DATETIMES else name for name in _COLUMNS
)
PAGE_VALUES += (*CLAIM_VALUES[_N:], "fs_sources", "fs_systems", "fs_total")


def _one_statement(queryset: QuerySet) -> bool:
    """Whether a page of `queryset` can be read in one statement: on PostgreSQL, in UTC (the
    text of the timestamps is UTC's), from a plain filtered queryset (a count of a distinct,
    combined or sliced one needs the ORM's own subquery)."""
    query = queryset.query
    return one_statement_here(queryset.db) and not (
        query.distinct or query.combinator or query.is_sliced
    )


def page_queryset(queryset: QuerySet) -> QuerySet:
    """`queryset` as one statement's rows (PAGE_VALUES): the claim's columns (timestamps as
    text), its claimant and places, its sources and weapon systems as JSON text, and the count
    of every claim of `queryset` (the same on every row). The count runs on the plain queryset
    (no join to the claimant, ordering dropped), as ClaimRows.count does."""
    counted = queryset.order_by().annotate(fs_n=RawSQL("COUNT(*)", ())).values_list("fs_n")
    count_sql, count_params = counted.query.sql_with_params()
    return queryset.annotate(
        **_TEXT,
        fs_sources=RawSQL(_SOURCES_JSON, (), output_field=TextField()),
        fs_systems=RawSQL(_SYSTEMS_JSON, (), output_field=TextField()),
        fs_total=RawSQL(f"({count_sql})", count_params, output_field=IntegerField()),
    ).values_list(*PAGE_VALUES)


def _public_detail_statement(pk) -> QuerySet:
    from tracker.selectors import claims_visible_to

    return page_queryset(claims_visible_to(None).filter(pk=pk))


_PUBLIC_DETAIL_STATEMENT = Prepared(_public_detail_statement)


def page_dicts(rows: list[tuple]) -> list[dict]:
    """Rows from page_queryset → the dicts ClaimSerializer would give (no further query)."""
    loads = orjson.loads
    return [
        _claim_dict(
            row,
            loads(row[-3]) if row[-3] is not None else [],
            loads(row[-2]) if row[-2] is not None else [],
            None,
        )
        for row in rows
    ]


# Where each of the serializer's fields sits in a row's own columns followed by the nested and
# derived values (in _NESTED_OR_DERIVED's order): one C call puts them in the serializer's order.
_AT = {**_IDX, **{name: _N + i for i, name in enumerate(_NESTED_OR_DERIVED)}}
_IN_FIELDS_ORDER = operator.itemgetter(*(_AT[name] for name in FIELDS))


def _claim_dict(row: tuple, sources: list[dict], systems: list[dict], write_dt) -> dict:
    columns = row[:_N]
    if write_dt is not None:
        columns = list(columns)
        for i in _I_DATETIMES:
            columns[i] = write_dt(columns[i])
        columns = tuple(columns)
    claimant_id = row[_N]
    low, best, high = row[_I_LOW], row[_I_BEST], row[_I_HIGH]
    reliability, credibility = row[_I_RELIABILITY], row[_I_CREDIBILITY]
    derived = (  # _NESTED_OR_DERIVED's order
        None
        if claimant_id is None
        else {"id": claimant_id, "name": row[_N + 1], "short_name": row[_N + 2]},
        _place(row[_N + 3 : _N + 9]),
        _place(row[_N + 9 : _N + 15]),
        systems,
        figure_text(low, best, high, row[_I_QUALIFIER], row[_I_UNIT]),
        low is not None or best is not None or high is not None,
        {
            "reliability": reliability,
            "credibility": credibility,
            "confidence": row[_I_CONFIDENCE],
            "grade": f"{reliability}{credibility}",
            "credibility_suggested": row[_I_SUGGESTED],
        },
        sources,
    )
    return dict(zip(FIELDS, _IN_FIELDS_ORDER(columns + derived), strict=True))


def dumps(data) -> bytes:
    """JSON bytes as DRF's JSONRenderer writes them (compact, UTF-8, U+2028/9 escaped)."""
    body = orjson.dumps(data, option=orjson.OPT_UTC_Z)
    if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
        body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return body
