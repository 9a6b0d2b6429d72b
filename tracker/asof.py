"""What the tracker showed at a past moment (`?as_of=`, issue 18): the same pages, API, series
and CSV, read from the history instead of today's rows.

Every edit of a claim, its sources, relations and weapon-system links, a claimant and an
outlet is kept by django-simple-history (a `Historical…` row per save, with its
`history_date`), and each history row knows when the next one replaced it (`valid_until`,
tracker.validity). For a request that asks `?as_of=T`, the tables those models live in are
*shadowed* for the length of the request by temporary views of the same name selecting the
history rows current at T (`history_date <= T < valid_until`), unless that row records a
deletion. PostgreSQL and SQLite both look in the temporary schema first, so every query the
request runs — the filter language, the series and its headline rule, the claim pages, the
CSV — reads the past without knowing it: one implementation of every figure, now and then. A
view is only a filter on the history table, read through that table's indexes (which mirror the
ones the pages use on today's): nothing is copied. The logs that grow with time (headline
changes, the public change log, releases) are shadowed by their rows dated ≤ T.

Every claim, source, relation and weapon link has history: one loaded in bulk or imported is
given a creation row dated its `created_at` (tracker.validity.backfill), so it counts from then
on. Claimants and outlets without history are taken as they are now, at every moment. The
series state tables (tracker.series_state) describe today only: an as-of series is always
computed from the (shadowed) claims.

Each shadow view is created on the request's first query that reads its table (a response
served from the cache costs nothing; a claims list does not name the headline log) and dropped
when the response is finished. Only GET and HEAD requests are served as of a past time;
nothing is ever written to a shadow view.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tracker import validity

PARAM = "as_of"
CLAIM = "tracker.Claim"

_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("as_of", default=None)

# The logs that grow with time, and the column that dates each row.
_LOGS = {
    "tracker.HeadlineChange": "changed_at",
    "tracker.PublicChange": "at",
    "tracker.Release": "created_at",
}

_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")


class AsOfError(ValueError):
    """A value of `as_of` that names no moment the tracker can show."""


def parse(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """The moment `text` names, as an aware datetime: a date means the end of that day, a time
    without seconds the end of that minute (times in the site's time zone unless an offset is
    given). A moment in the future is an error; so is a malformed value."""
    text = (text or "").strip()
    form = _FORM.match(text)
    if not form:
        raise AsOfError(f"'{text[:40]}' is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM).")
    try:
        if len(text) == 10:
            day = parse_date(text)
            moment = dt.datetime.combine(day, dt.time.max)
        else:
            moment = parse_datetime(text.replace(" ", "T"))
            if moment is None:
                raise ValueError(text)
            if form.group(2) is None:  # no seconds given: the end of that minute
                moment = moment.replace(second=59, microsecond=999999)
    except ValueError as error:
        raise AsOfError(f"'{text[:40]}' is not a real date or time.") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    now = now or timezone.now()
    if moment > now + dt.timedelta(minutes=1):
        raise AsOfError("as_of is in the future: the tracker cannot show what it has not seen yet.")
    return moment


def moment() -> dt.datetime | None:
    """The moment the current request is served as of (None: now)."""
    return _at.get()


def active() -> bool:
    return _at.get() is not None


def today() -> dt.date:
    """Today's date — or, as of a past moment, that moment's date: the day estimates age to."""
    at = _at.get()
    return timezone.localdate(at) if at is not None else timezone.localdate()


def label(at: dt.datetime) -> str:
    """How a moment is printed: '1 March 2025' at the end of a day, else with its time."""
    local = timezone.localtime(at)
    if local.time() >= dt.time(23, 59, 59):
        return f"{local.day} {local:%B %Y}"
    return f"{local.day} {local:%B %Y, %H:%M} {local:%Z}".strip()


def url_value(at: dt.datetime) -> str:
    """`at` as an `as_of` value (UTC, to the minute: the end of that minute). A page rendered
    twice in one minute (a warm, then a reader) gives the same bytes."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def pinned_path(request) -> str:
    """The request's path and query with `as_of` set to the moment it shows (now, unless it
    is already a past view): a link that reproduces exactly this view later."""
    at = getattr(request, "as_of", None) or timezone.now()
    params = request.GET.copy()
    params[PARAM] = url_value(at)
    return f"{request.path}?{params.urlencode(safe=',:')}"


# --- The shadow views ---------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.local_concrete_fields]


def _main_schema(cursor) -> str:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT current_schema()")
        return _quote(cursor.fetchone()[0])
    return "main"


def _literal(at: dt.datetime) -> str:
    """`at` as an SQL literal, written as the database stores it (a view takes no
    parameters); made of digits and separators only, never of the request's text."""
    if connection.vendor == "postgresql":
        text, cast = at.astimezone(dt.UTC).isoformat(), "TIMESTAMPTZ "
    else:
        text, cast = str(connection.ops.adapt_datetimefield_value(at)), ""
    if not re.fullmatch(r"[0-9T:. +-]+", text):
        raise AsOfError(f"cannot write {text!r} as a moment")
    return f"{cast}'{text}'"


def _history_sql(model, main: str, at: str, always: bool) -> str:
    """SELECT of `model`'s rows as of `at`: the history rows current then (tracker.validity),
    and, when `always`, the rows that have no history at all."""
    history = model.history.model
    cols = ", ".join(_quote(c) for c in _columns(model))
    hist = f"{main}.{_quote(history._meta.db_table)}"
    sql = (
        f"SELECT {cols} FROM {hist} WHERE history_date <= {at} "
        f"AND (valid_until IS NULL OR valid_until > {at}) AND history_type <> '-'"
    )
    if not always:
        return sql
    table = f"{main}.{_quote(model._meta.db_table)}"
    pk = _quote(model._meta.pk.column)
    return (
        f"{sql} UNION ALL SELECT {cols} FROM {table} c WHERE NOT EXISTS "
        f"(SELECT 1 FROM {hist} h WHERE h.{pk} = c.{pk})"
    )


def _log_sql(model, main: str, at: str, column: str) -> str:
    cols = ", ".join(_quote(c) for c in _columns(model))
    table = f"{main}.{_quote(model._meta.db_table)}"
    return f"SELECT {cols} FROM {table} WHERE {_quote(column)} <= {at}"


def _shadows():
    for label_ in validity.TRACKED:
        model = apps.get_model(label_)
        always = label_ not in validity.DATED
        yield model, lambda main, at, m=model, a=always: _history_sql(m, main, at, a)
    for label_, column in _LOGS.items():
        model = apps.get_model(label_)
        yield model, lambda main, at, m=model, c=column: _log_sql(m, main, at, c)


def _create(cursor, main: str, model, select, at: dt.datetime) -> str:
    """One shadow view: its rows are read through the indexes of the table it selects from."""
    name = _quote(model._meta.db_table)
    cursor.execute(f"CREATE TEMP VIEW {name} AS {select(main, _literal(at))}")
    return name


def _drop(cursor, made: list[str]) -> None:
    temp = "pg_temp" if connection.vendor == "postgresql" else "temp"
    for name in made:
        cursor.execute(f"DROP VIEW IF EXISTS {temp}.{name}")


def _tables() -> tuple[str, ...]:
    return tuple(m._meta.db_table for m, _ in _shadows())


def _named(sql: str, table: str) -> bool:
    """Whether `sql` reads `table` (quoted as Django writes it, or not)."""
    return re.search(rf"(?<!\w){table}(?!\w)", sql) is not None


@contextmanager
def shadow(at: dt.datetime) -> Iterator[None]:
    """Serve every query inside as of `at` (module docstring). Creates each shadow view on
    the first query that reads its table; drops them on the way out."""
    shadows = list(_shadows())
    made: list[str] = []
    creating, schema = False, ""

    def wrapper(execute, sql, params, many, context):
        nonlocal creating, schema
        if not creating and len(made) < len(shadows):
            wanted = [(m, f) for m, f in shadows if _named(sql, m._meta.db_table)]
            wanted = [(m, f) for m, f in wanted if _quote(m._meta.db_table) not in made]
            if wanted:
                creating = True
                try:
                    with context["connection"].cursor() as cursor:
                        schema = main = schema or _main_schema(cursor)
                        for model, select in wanted:
                            made.append(_create(cursor, main, model, select, at))
                finally:
                    creating = False
        return execute(sql, params, many, context)

    token = _at.set(at)
    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        _at.reset(token)
        if made:
            try:
                with connection.cursor() as cursor:
                    _drop(cursor, made)
            except Exception:  # noqa: BLE001 — a broken connection: closing it drops them
                connection.close()
