"""The claims list's common filter shapes, compiled once (issue 16, part 4).

Filtering a request's claims through django-filter, then building and compiling the one
statement of a page (tracker.api.fast.page_queryset), was most of an uncached list's CPU, and
for a given *shape* — which filters, how many values each, the ordering, the caller's role —
the SQL is the same every time; only the values differ. Here a shape's statement is compiled
once per process with a marker in each value's place (as fast.Prepared does for the detail),
then run with the request's values.

Only filters whose values go into the SQL as plain parameters take this path: categories,
subtypes, claimants, confidence labels, measures, the dates, min_confidence and the ordering
(the last two are part of the shape). The values are cleaned by the API filter set's own form
fields, exactly as its form would clean them; anything else — another filter, an invalid value,
a subtype beside a category (the form checks those together), an alias given twice, `as_of`,
a database other than PostgreSQL, a time zone other than UTC — takes the filter set's path,
which answers errors as always.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import QuerySet

from tracker import asof
from tracker.api import fast
from tracker.filtering import canonical_query
from tracker.selectors import claims_visible_to, user_sees_unreviewed

# Filters whose values are parameters: one per distinct value (lists) or one (dates).
LISTS = ("category", "subtype", "claimant", "confidence", "measure")
DATES = ("date_from", "date_to")
# Filters whose value changes the SQL itself: the value is part of the shape.
KEYED = ("min_confidence", "ordering")
PAGING = frozenset({"page", "page_size", "format"})
MAX_SHAPES = 500  # per process; past it, new shapes are compiled per request as before


@functools.cache
def _filter_set_class():
    from tracker.api.filters import ClaimFilter

    return ClaimFilter


@functools.cache
def _fields() -> dict:
    """The API filter set's form fields (its form class is built once: ClaimFilterSet)."""
    filter_set = _filter_set_class()
    form_class = filter_set(queryset=filter_set._meta.model.objects.none()).get_form_class()
    return form_class.base_fields


@functools.cache
def _names() -> tuple[str, ...]:
    """The shapes' filters, in the filter set's order (the order it applies them in)."""
    fast_names = {*LISTS, *DATES, *KEYED}
    return tuple(name for name in _filter_set_class().base_filters if name in fast_names)


def cleaned(params) -> dict | None:
    """The filter values of a query string as the API's filter set cleans them (empty ones left
    out, lists without repeats), when every parameter belongs to a shape and is valid; None
    when the filter set must decide."""
    data, conflicts = canonical_query(params)
    given = set(data) - PAGING
    if conflicts or not given <= set(_names()) or {"category", "subtype"} <= given:
        return None
    fields = _fields()
    values = {}
    for name in _names():
        if name not in given:
            continue
        field = fields[name]
        try:
            value = field.clean(field.widget.value_from_datadict(data, {}, name))
        except ValidationError:
            return None
        if value in (None, "", [], ()):
            continue
        # The ORM's IN drops repeated values: so does the shape.
        values[name] = list(dict.fromkeys(value)) if name in LISTS else value
    return values


def _shape(values: dict) -> tuple:
    def form(name, value):
        if name in KEYED:
            return tuple(value) if isinstance(value, list) else value
        return len(value) if name in LISTS else None

    return tuple((name, form(name, value)) for name, value in values.items())


def _marker(name: str, i: int):
    """A value no request gives, of the type the filter's field takes."""
    if name == "claimant":
        return -7_301_981_000 - i
    if name in DATES:
        return dt.date(1, 1, 1) + dt.timedelta(days=i + 100 * DATES.index(name))
    return f"\x00{name}:{i}"


class Unshaped(Exception):
    """A filter turned a value into something else than a parameter (the shape cannot be
    compiled once)."""


class Shape:
    """One shape's statement: SQL and parameters compiled once, with the slots of each value."""

    def __init__(self, request, values: dict, using: str):
        queryset = claims_visible_to(request.user)
        filter_set = _filter_set_class()(queryset=queryset, request=request)
        markers = {}
        for name, value in values.items():
            if name in LISTS:
                marked = [_marker(name, i) for i in range(len(value))]
                markers.update({m: (name, i) for i, m in enumerate(marked)})
            elif name in DATES:
                marked = _marker(name, 0)
                markers[marked] = (name, None)
            else:
                marked = value
            queryset = filter_set.filters[name].filter(queryset, marked)
        compiler = fast.page_queryset(queryset).query.get_compiler(using)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        self.slots = [(i, markers[p]) for i, p in enumerate(params) if _is_marker(p, markers)]
        if {slot for _, slot in self.slots} != set(markers.values()):
            raise Unshaped(f"a value is not a parameter: {values}")
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        self.compiler, self.converters = compiler, compiler.get_converters(fields)
        self.using = using

    def rows(self, values: dict, offset: int, limit: int) -> list[tuple]:
        params = self.params.copy()
        for i, (name, item) in self.slots:
            params[i] = values[name] if item is None else values[name][item]
        sql = f"{self.sql} LIMIT {int(limit)} OFFSET {int(offset)}"
        with _preparing_cursor(connections[self.using]) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(r) for r in self.compiler.apply_converters(rows, self.converters)]
        return rows


@functools.cache
def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds on the server and has PostgreSQL prepare each statement it runs."""

        def execute(self, query, params=None, **kwargs):
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparingCursor


# Django turns psycopg's automatic preparing off (prepare_threshold None, for connection
# poolers in transaction mode, which this project does not use); a threshold no statement
# reaches lets only the statements asked for explicitly be prepared.
_NEVER_BY_COUNT = 2**31 - 1


def _preparing_cursor(connection):
    """A cursor (Django's wrapper, so execute wrappers apply) whose statements PostgreSQL
    prepares, once per connection and statement: planning a page took about as long as running
    it. Django's own cursors bind on the client and prepare nothing. While queries are logged
    (DEBUG, tests and the bench capturing them) Django's cursor is used: the log then holds the
    statement with its values, as for every other query."""
    if connection.queries_logged:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = _NEVER_BY_COUNT
    return connection.make_cursor(_preparing_cursor_class()(connection.connection))


def _is_marker(param, markers: dict) -> bool:
    try:
        return param in markers
    except TypeError:  # an unhashable parameter (a list): never a marker
        return False


_shapes: dict[tuple, Shape | None] = {}  # None: a shape that cannot be compiled once


class ShapedRows:
    """What the paginator needs of a shaped list (as fast.ClaimRows with counts_with_page):
    a page and the count in one statement; the count alone (`page=last`, a page past the end)
    through the filter set's queryset, made only then."""

    counts_with_page = True
    ordered = True

    def __init__(self, shape: Shape, values: dict, filtered: Callable[[], QuerySet]):
        self.shape, self.values, self.filtered = shape, values, filtered

    def page_rows(self, offset: int, limit: int) -> tuple[list[tuple], int | None]:
        rows = self.shape.rows(self.values, offset, limit)
        return rows, (rows[0][-1] if rows else None)

    def count(self) -> int:
        return self.filtered().count()

    def __len__(self) -> int:
        return self.count()

    @staticmethod
    def dicts(rows: list[tuple]) -> list[dict]:
        return fast.page_dicts(rows)


def claim_rows(request, filtered: Callable[[], QuerySet], using: str = "default"):
    """The list's rows for `request` by a shape compiled once (ShapedRows), or None when the
    request is not of a shape (the caller filters as always). `filtered` gives the filter set's
    queryset, for a count alone."""
    if not fast.one_statement_here(using) or asof.active():
        return None
    values = cleaned(request.query_params)
    if values is None:
        return None
    role = "editor" if user_sees_unreviewed(request.user) else "public"
    key = (using, role, _shape(values))
    if key in _shapes:
        shape = _shapes[key]
    else:
        try:
            shape = Shape(request, values, using)
        except Unshaped:
            shape = None
        if len(_shapes) < MAX_SHAPES:
            _shapes[key] = shape
    return None if shape is None else ShapedRows(shape, values, filtered)
