"""The default public series kept up to date as claims change, so that the first read after a
change reads no claim (issue 16, "no cold cliff").

Tables derived from the claims by tracker.series' own functions, never by a second copy of its
rules:
- `SeriesEstimate`: each claimant's estimate per series (category, subtype, unit) and day — the
  rows `series.cumulative_rows` keeps (the day's last approved cumulative claim, not superseded);
- `SeriesDay`: the headline steps and the band of current estimates, swept by `series._headline`
  with no end date (a read up to `as_of` takes the days up to it: the sweep of a day depends only
  on the days before it);
- `SeriesLine`: each claimant's line counted from its estimates (how many, the newest row's id,
  the claims, the latest day): the revision its cached line is keyed by (`_lines`).

Signals on Claim and ClaimRelation record which (series, claimant, day)s a save or delete touched
(`mark`, one insert into `SeriesChange`); `flush` recomputes those estimates and the counts per
measure (`SeriesCount`, summed into `SeriesTotal`: the main unit and whether there are
increments) and the touched claimants' lines (`SeriesLine`), and sweeps each touched series again
from its earliest touched day
(`series._headline` resumed there). The services (tracker.services: create, approve, reject,
bulk reviews, update, propose/merge, relations) flush as they finish, inside their transaction,
so the state is current when the change commits; reads flush too, for changes made by other
paths (the admin's relation deletes, factories in tests). Writes that bypass signals (COPY, raw
SQL, queryset.update()) must run `manage.py rebuild_series_state`. `rebuild` recomputes
everything; it runs after `migrate` when no state was built yet.

The increments of a default series are kept per claimant and day (`SeriesIncrement`: what
`series._increments_by_day` sums there, and the same over the claims that are not repeats of a
counted event, with the repeats' ids), summed again by a flush for the (claimant, day)s a
change touched (`SeriesChange.when`: the day an increment counts on) and for those of every
claim that started or stopped being a repeat (`_refresh_increments`). A dense series (more
increment claims than MAX_POINTS, on PostgreSQL) reads its increments from these rows
(`increment_parts`), each claimant's line cached under its revision; a sparse one sums its
claims, cached (`increments`) under the series' increment revision (`SeriesTotal.revision`,
drawn again by a flush whose changes touched an increment claim of the series:
`SeriesChange.increment`). Either way a read after a change to its cumulative claims only
reads no claim.

Once a service's change commits, the series its flush brought up to date are built again for
readers (`prime`: the series, what the running totals page draws of it, a card's headline,
the timeline's claims, under the keys a reader's request uses), so the first reader after an
approval builds none; the editor's request pays for it once its response has gone out
(`SERIES_PRIME_ON_COMMIT`; at most PRIME_MAX_SERIES a commit).

Series reads (`series.series_build`) use the state only for the default public series (approved
claims, no filters, the state's freshness window, no claim dated after `as_of`); any other
query computes from the claims as before. tests/api/test_series_state.py checks that the state
after any sequence of changes equals a rebuild, and that series read from it equal series
computed from the claims.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import threading
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, Q, Subquery, Sum, Value

from tracker import cache as data_cache
from tracker import series as S
from tracker.before import row_before
from tracker.models import (
    Claim,
    ClaimRelation,
    SeriesChange,
    SeriesCount,
    SeriesDay,
    SeriesEstimate,
    SeriesIncrement,
    SeriesLine,
    SeriesTotal,
    series_revision,
)

_local = threading.local()
log = logging.getLogger(__name__)
# At most this many series built again after one commit (`prime`, ~20-40 ms each at 1,000,000
# claims): a bulk change of more leaves the rest to their first reader and the warm.
PRIME_MAX_SERIES = 8
APPROVED = Claim.Status.APPROVED.value

# (category, subtype, unit) of a series, and a (series, claimant id, day) that a change touched
# (with whether it touched an increment claim there: `SeriesChange.increment`, and the day that
# claim counts on: `SeriesChange.when`).
Key = tuple[str, str, str]
KeyDay = tuple[str, str, str, int | None, dt.date, bool, dt.date | None]

_ESTIMATE_COLUMNS = (
    "claim_id",
    "day",
    "low",
    "best",
    "high",
    "qualifier",
    "status",
    "confidence",
    "reliability",
    "credibility",
    "claimant_id",
)  # fmt: skip  — series._CUMULATIVE_COLUMNS, read from the table
_DAY_COLUMNS = (
    "day", "band_min", "band_max", "band_claimants", "step", "claim_id", "value", "low", "high",
    "bound", "claim_date", "claimant_id", "confidence", "reliability", "credibility", "stale",
    "age_days",
)  # fmt: skip


def _of(key: Key) -> dict:
    return {"category": key[0], "subtype": key[1], "unit": key[2]}


def _counted(key: Key):
    """The claims the default public series of `key` counts (`series.series_claims`)."""
    query = S.SeriesQuery(category=key[0], subtype=key[1], unit=key[2])
    return S.series_claims(query).filter(measure="cumulative")


def _estimate(key: Key, row: tuple, claims: int) -> SeriesEstimate:
    claim_id, day, low, best, high, qualifier, _, confidence, reliability, credibility, who = row
    return SeriesEstimate(
        **_of(key), claimant_id=who, day=day, claim_id=claim_id, low=low, best=best, high=high,
        qualifier=qualifier, confidence=confidence, reliability=reliability,
        credibility=credibility, claims=claims,
    )  # fmt: skip


def _window() -> int:
    return S.freshness_days()


# --- Writing -------------------------------------------------------------------------------


def _sweep(key: Key, since: dt.date | None) -> None:
    """Sweep the series' headline and band again from `since` (None: from the start) and store
    the days from it on."""
    window = _window()
    estimates = SeriesEstimate.objects.filter(**_of(key)).annotate(
        status=Value(Claim.Status.APPROVED)
    )
    resume = None
    if since is not None:
        first = since.isoformat()
        lasts = (
            estimates.filter(day__lt=since)
            .values("claimant_id")
            .annotate(last=Max("day"))
            .values_list("claimant_id", "last")
        )
        which = Q(pk__in=[])
        for claimant_id, last in lasts:
            which |= (
                Q(claimant_id=claimant_id, day=last)
                if claimant_id is not None
                else Q(claimant_id__isnull=True, day=last)
            )
        entries = []
        for row in estimates.filter(which).values_list(*_ESTIMATE_COLUMNS):
            day = row[1].isoformat()
            entries.append(S._entry(S._point(row, day), row[-1], None, day))
        step = (
            SeriesDay.objects.filter(**_of(key), step=True, day__lt=since)
            .order_by("-day")
            .values_list(*_DAY_COLUMNS)
            .first()
        )
        resume = (first, entries, _step(step) if step else None)
        estimates = estimates.filter(day__gte=since)
    rows = list(estimates.order_by("day", "claim_id").values_list(*_ESTIMATE_COLUMNS))
    events = []
    for row in rows:
        events.append((S._point(row, row[1].isoformat()), (row[-1], None)))
    headline, band = S._headline(events, window=window, as_of=None, resume=resume)
    steps = {step["date"]: step for step in headline}
    swept = [_day(key, window, entry, steps.get(entry["date"])) for entry in band]
    days = SeriesDay.objects.filter(**_of(key))
    if since is not None:
        days = days.filter(day__gte=since)
    # Only the days whose row changed are written again: a change moves the days within a
    # freshness window or so of it, and the sweep runs to the series' end (rewriting every row
    # from `since` was most of an approval's time at 1,000,000 claims).
    stored = {row[1]: (row[0], row[1:]) for row in days.values_list("pk", *_DAY_COLUMNS)}
    kept = set()
    written = []
    for day in swept:
        old = stored.get(day.day)
        if old is not None and old[1] == tuple(getattr(day, name) for name in _DAY_COLUMNS):
            kept.add(old[0])
        else:
            written.append(day)
    gone = [pk for pk, _ in stored.values() if pk not in kept]
    if gone:
        SeriesDay.objects.filter(pk__in=gone).delete()
    SeriesDay.objects.bulk_create(written, batch_size=2000)


def _day(key: Key, window: int, band: dict, step: dict | None) -> SeriesDay:
    day = SeriesDay(
        **_of(key),
        day=dt.date.fromisoformat(band["date"]),
        window=window,
        band_min=band["min"],
        band_max=band["max"],
        band_claimants=band["claimants"],
    )
    if step is not None:
        day.step = True
        for name in ("claim_id", "value", "low", "high", "claimant_id", "confidence"):
            setattr(day, name, step[name])
        day.reliability, day.credibility = step["reliability"], step["credibility"]
        day.bound = step["bound"] or ""
        day.claim_date = dt.date.fromisoformat(step["claim_date"])
        day.stale, day.age_days = step["stale"], step["age_days"]
    return day


def _step(row: tuple, names: dict | None = None) -> dict:
    """A headline step (as `series._headline` makes it) from a `SeriesDay` row."""
    (day, _, _, _, _, claim_id, value, low, high, bound, claim_date, claimant_id, confidence,
     reliability, credibility, stale, age_days) = row  # fmt: skip
    return {
        "date": day.isoformat(),
        "value": value,
        "low": low,
        "high": high,
        "bound": bound or None,
        "claim_id": claim_id,
        "claim_date": claim_date.isoformat(),
        "claimant_id": claimant_id,
        "claimant": None if names is None else (names.get(claimant_id) or S.UNATTRIBUTED),
        "confidence": confidence,
        "reliability": reliability,
        "credibility": credibility,
        "status": APPROVED,
        "stale": stale,
        "age_days": age_days,
    }


def _refresh_estimates(key_days: Iterable[KeyDay]) -> dict[Key, dt.date]:
    """Recompute the estimates of these (series, claimant, day)s; the earliest day per series.
    Draw a new revision of the summed increments of the series whose increment claims the
    changes touched."""
    since: dict[Key, dt.date] = {}
    lines: set[tuple[Key, int | None]] = set()
    key_days = set(key_days)
    for key in sorted({k[:3] for k in key_days if k[5]}):
        SeriesTotal.objects.filter(**_of(key), measure="increment").update(
            revision=series_revision()
        )
        touched = {(k[3], k[6]) for k in key_days if k[:3] == key and k[5]}
        _refresh_increments(key, None if any(when is None for _, when in touched) else touched)
    for category, subtype, unit, claimant_id, day in sorted(
        {k[:5] for k in key_days}, key=lambda k: (k[:3], k[3] is None, k[3] or 0, k[4])
    ):
        key = (category, subtype, unit)
        who = Q(claimant_id=claimant_id) if claimant_id is not None else Q(claimant__isnull=True)
        mine = (
            Q(claimant_id=claimant_id) if claimant_id is not None else Q(claimant_id__isnull=True)
        )
        rows, claims = S.cumulative_rows(_counted(key).filter(who, claim_date=day))
        SeriesEstimate.objects.filter(mine, **_of(key), day=day).delete()
        if rows:
            _estimate(key, rows[-1], claims).save()
        since[key] = min(day, since.get(key, day))
        _recount(key, claimant_id, day, who, mine)
        lines.add((key, claimant_id))
    for key, claimant_id in lines:
        _revise(key, claimant_id)
    return since


def _increment_claims(key: Key):
    """The claims the summed increments of the default public series `key` count."""
    return S._increment_claims(_measures(key))


def _refresh_increments(key: Key, touched: set[tuple[int | None, dt.date]] | None) -> None:
    """Sum the increments of these (claimant, day)s of the series again (`SeriesIncrement`;
    None: every one), and of every (claimant, day) holding a claim that started or stopped
    being a repeat of a counted event (`series._repeats`). A `corroborates` relation joins
    claims of any claimants and days, and one claim approved, edited or rejected can move the
    first report of its whole group: so the repeats are found again over the whole series and
    compared with those stored. A claim that left the series was touched by its own change."""
    qs = _increment_claims(key)
    repeats = S._repeats(qs)
    stored = SeriesIncrement.objects.filter(**_of(key))
    if touched is not None:
        was: set[int] = set()
        for ids in stored.exclude(repeats=[]).values_list("repeats", flat=True):
            was.update(ids)
        flipped = repeats ^ was
        if flipped:
            touched = touched | set(
                qs.filter(pk__in=flipped)
                .annotate(when=S._when())
                .values_list("claimant_id", "when")
                .distinct()
            )
        if not touched:
            return
        which, gone = Q(pk__in=[]), Q(pk__in=[])
        for claimant_id, day in touched:
            who = (
                Q(claimant_id=claimant_id)
                if claimant_id is not None
                else Q(claimant_id__isnull=True)
            )
            # `series._when()`: the period's end, else the claim date.
            which |= who & (Q(period_end=day) | Q(period_end__isnull=True, claim_date=day))
            gone |= who & Q(day=day)
        qs, stored = qs.filter(which), stored.filter(gone)
    stored.delete()
    per_day: dict[tuple, list[int]] = {}
    if repeats:
        for pk, claimant_id, day in (
            qs.filter(pk__in=repeats)
            .annotate(when=S._when())
            .values_list("pk", "claimant_id", "when")
        ):
            per_day.setdefault((claimant_id, day), []).append(pk)
    SeriesIncrement.objects.bulk_create(
        [
            SeriesIncrement(
                **_of(key), day=day, claimant_id=who, amount=amount, claims=n, last_id=last,
                status=status, counted=counted, counted_amount=counted_amount,
                counted_low=counted_low, counted_high=counted_high,
                repeats=sorted(per_day.get((who, day), ())),
            )
            for day, who, amount, n, last, status, counted, counted_amount, counted_low,
            counted_high in S.increment_sums(qs, repeats)
        ],
        batch_size=2000,
    )  # fmt: skip


_INCREMENT_COLUMNS = ("day", "claimant_id", "amount", "claims", "last_id", "status")


def increment_parts(key: Key, *, known: Facts | None = None) -> S.IncrementParts | None:
    """`series._increments_by_day` of the default public series `key` from its rows
    (`SeriesIncrement`), without reading a claim; None when the series sums its claims one by
    one (no more than MAX_POINTS). Each claimant's line is cached under its revision (how many
    rows it has and the newest row's id: a refreshed row is a new row) and the global data
    version (claimant names), so after a change only the lines of the claimants it touched are
    read and built again; the combined line is summed per day by the database. The lines'
    revisions and the combined line are cached under the revision of the series' increments
    (`known`, the series' `facts`): a read after a change that touched no increment claim of the
    series asks the database nothing for them."""
    version = data_cache.versions(())
    revision = None if known is None else known.revisions.get((key[2], "increment"))
    head_key = None
    if version is not None and revision is not None:
        head_key = "series-increments-head:" + data_cache.cache_key(version, key, sorted(revision))
    head = None
    if head_key is not None:
        with contextlib.suppress(Exception):
            head = data_cache.cache.get(head_key)
    if head is None:
        head = _increment_head(key)
        if head_key is not None and head[3] > S.MAX_POINTS:
            _store({head_key: head})  # a sparse series' head has no combined line: not kept
    revisions, combined, total, claims = head
    if claims <= S.MAX_POINTS:
        return None
    keys = {
        who: "series-increment-line:" + data_cache.cache_key(version, key, who, n, last)
        for who, n, last, _ in revisions
    }
    found: dict = {}
    if version is not None:
        with contextlib.suppress(Exception):
            found = data_cache.cache.get_many(list(keys.values()))
    missing = [who for who, k in keys.items() if k not in found]
    if missing:
        for line in _increment_lines(key, missing):
            base = S.IncrementLineBuckets.of(line)
            who = line["claimant_id"]
            found[keys[who]] = StateIncrementLine(
                line=base.line, first=base.first, counts=base.counts, points=base.points,
                key=key, cache_key=keys[who], stored=version is None,
            )  # fmt: skip
    return S.IncrementParts(
        parts=[found[keys[who]] for who, *_ in revisions],
        combined=combined,
        total=total,
        claims=claims,
    )


def _increment_head(key: Key) -> tuple[list[tuple], list[dict], float, int]:
    """(each claimant's line revision (claimant id, rows, newest row's id, claims), in the lines'
    order; the combined line; its total; the claims) of the series' increments."""
    rows = SeriesIncrement.objects.filter(**_of(key))
    revisions = list(
        rows.order_by()
        .values("claimant_id")
        .annotate(n=Count("id"), last=Max("id"), claims=Sum("claims"), first=Min("day"))
        .order_by("first", "claimant_id")  # the lines' order in `increments_of_days`
        .values_list("claimant_id", "n", "last", "claims")
    )
    claims = sum(row[3] for row in revisions)
    if claims <= S.MAX_POINTS:
        return revisions, [], 0.0, claims
    days = (
        rows.filter(counted__gt=0)
        .values("day")
        .annotate(
            amount=Sum("counted_amount"),  # decimal: exact (`series.exact_sum`)
            low=Sum("counted_low"),
            high=Sum("counted_high"),
            state=Max("status"),
        )
        .order_by("day")
        .values_list("day", "amount", "low", "high", "state")
    )
    combined = [
        S._combined_point(day.isoformat(), float(amount), float(low), float(high), status)
        for day, amount, low, high, status in days
    ]
    return revisions, combined, S._running(combined), claims


def _increment_lines(key: Key, claimant_ids) -> list[dict]:
    """The increment lines of these claimants in the series (`series.increments_of_days`)."""
    ids = [pk for pk in claimant_ids if pk is not None]
    who = Q(claimant_id__in=ids)
    if None in claimant_ids:
        who |= Q(claimant_id__isnull=True)
    rows = list(
        SeriesIncrement.objects.filter(who, **_of(key))
        .order_by("day", "claimant_id")
        .values_list(*_INCREMENT_COLUMNS)
    )
    return S.increments_of_days(rows, [], 0)["claimants"]


def _revise(key: Key, claimant_id: int | None) -> None:
    """Count one claimant's line in the series again from its estimates (`SeriesLine`)."""
    mine = Q(claimant_id=claimant_id) if claimant_id is not None else Q(claimant_id__isnull=True)
    line = SeriesEstimate.objects.filter(mine, **_of(key)).aggregate(
        estimates=Count("id"), last_id=Max("id"), claims=Sum("claims"), last_day=Max("day")
    )
    SeriesLine.objects.filter(mine, **_of(key)).delete()
    if line["estimates"]:
        SeriesLine.objects.create(**_of(key), claimant_id=claimant_id, **line)


def _measures(key: Key):
    """Every claim the default public series of `key` counts, of any measure."""
    return S.series_claims(S.SeriesQuery(category=key[0], subtype=key[1], unit=key[2]))


def _recount(key: Key, claimant_id, day: dt.date, who: Q, mine: Q) -> None:
    """Count a (series, claimant, day)'s claims per measure again; move the totals by the
    difference."""
    counts = dict(
        _measures(key)
        .filter(who, claim_date=day)
        .order_by()
        .values("measure")
        .annotate(n=Count("id"))
        .values_list("measure", "n")
    )
    stored = SeriesCount.objects.filter(mine, **_of(key), day=day)
    old = dict(stored.values_list("measure", "claims"))
    if old == counts:
        return
    stored.delete()
    SeriesCount.objects.bulk_create(
        SeriesCount(**_of(key), claimant_id=claimant_id, day=day, measure=m, claims=n)
        for m, n in counts.items()
    )
    for measure in set(old) | set(counts):
        delta = counts.get(measure, 0) - old.get(measure, 0)
        if delta and not SeriesTotal.objects.filter(**_of(key), measure=measure).update(
            claims=F("claims") + delta
        ):
            SeriesTotal.objects.create(**_of(key), measure=measure, claims=delta)


def mark(key_days: Iterable[KeyDay]) -> None:
    """Record that changes touched these (series, claimant, day)s (one insert; inside `batch()`,
    once at its end). `flush` brings them into the state."""
    key_days = set(key_days)
    if not key_days:
        return
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.update(key_days)
        return
    SeriesChange.objects.bulk_create(
        [
            SeriesChange(
                category=c, subtype=s, unit=u, claimant_id=who, day=day, increment=inc, when=when
            )
            for c, s, u, who, day, inc, when in key_days
        ]
    )
    _local.marked = True


def flush() -> set[Key]:
    """Bring the recorded changes (`mark`) into the state, in the current transaction: the
    estimates of each touched (series, claimant, day), then each touched series swept again
    from its earliest touched day. The services call it as they finish, so the state is current
    when their transaction commits; reads call it too, for changes made by other paths. One
    flush at a time (a lock on the state's marker row); nothing to do costs one query.
    Returns the series it brought up to date."""
    if not SeriesChange.objects.exists():
        return set()
    with transaction.atomic():
        if not SeriesDay.objects.select_for_update().filter(category="").exists():
            return set()  # never built: series are computed from the claims until `rebuild`
        changes = list(
            SeriesChange.objects.values_list("pk", "category", "subtype", "unit", "claimant_id",
                                             "day", "increment", "when")
        )  # fmt: skip
        if not changes:
            return set()
        SeriesChange.objects.filter(pk__in=[c[0] for c in changes]).delete()
        touched = _refresh_estimates(c[1:] for c in changes)
        for key, since in touched.items():
            _sweep(key, since)
    return set(touched)


def _flush_and_prime() -> None:
    """`flush`, then build the flushed series again for readers once the change commits
    (`prime`)."""
    keys = flush()
    if keys and settings.SERIES_PRIME_ON_COMMIT:
        pairs = sorted({key[:2] for key in keys})[:PRIME_MAX_SERIES]
        transaction.on_commit(functools.partial(_prime_after_response, pairs), robust=True)


def _prime_after_response(pairs: list[tuple[str, str]]) -> None:
    """`prime(pairs)` now, or, inside a web request, once its response has gone out (Django's
    `request_finished`, sent when the server closes the response): the editor does not wait
    for it, and the worker builds the series before it takes its next request."""
    deferred = getattr(_local, "deferred", None)
    if deferred is None:
        prime(pairs)
    else:
        deferred.update(pairs)


def _request_started(**kwargs) -> None:
    _local.deferred = set()


def _request_finished(**kwargs) -> None:
    deferred, _local.deferred = getattr(_local, "deferred", None), None
    if deferred:
        prime(sorted(deferred)[:PRIME_MAX_SERIES])


def prime(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Build and cache the default public series of these (category, subtype)s — what the
    series pages, the series API and (for the overview's series) the cards read, and what the
    running totals page draws of it (`series.cached_series`, `dashboard.SERIES_DRAWINGS` by
    `series.cached_drawing`, `series.cached_headline`), and the public scope's latest claims for
    the timeline (`dashboard.Scope.timeline`: every category's) — under the keys a reader's
    request uses, so that the first reader after a change finds them built. Called after the
    commit of a service that changed them (`flushed`, `batch`), after the data versions were
    bumped: the editor's request pays for them once, not the first reader after it. Best
    effort: with no cache nothing is kept, so nothing is built; a failure is logged, never
    raised (the change is committed). Returns the pairs built."""
    from tracker.dashboard import CARD_HEADLINES, SERIES_DRAWINGS, public_scope

    if data_cache.versions(()) is None:
        return []
    built_ = []
    for category, subtype in pairs:
        query = S.SeriesQuery(category=category, subtype=subtype)
        try:
            series = S.cached_series(query)
            for draw in SERIES_DRAWINGS:  # the running totals page's chart and tables
                S.cached_drawing(query, draw, series=series)
            if (category, subtype) in CARD_HEADLINES:
                S.cached_headline(query)
        except Exception:  # noqa: BLE001
            log.warning("series %s/%s not primed", category, subtype, exc_info=True)
            continue
        built_.append((category, subtype))
    try:
        public_scope().timeline()  # every category's latest claims (/timeline/)
    except Exception:  # noqa: BLE001
        log.warning("timeline not primed", exc_info=True)
    return built_


def flushed(func):
    """Decorate a service: `flush` once it has written (inside its transaction, when it has one)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        result = func(*args, **kwargs)
        if getattr(_local, "marked", False):
            # Only when this thread recorded a change: a service that touched no public series
            # (a pending claim proposed by ingest) costs no query. Changes recorded elsewhere
            # are flushed by the next read.
            _local.marked = False
            _flush_and_prime()
        return result

    return run


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Collect the changes made inside, record them once at the end and flush (bulk reviews)."""
    if getattr(_local, "pending", None) is not None:
        yield  # an outer batch records them
        return
    _local.pending = set()
    try:
        yield
        key_days = _local.pending
    finally:
        _local.pending = None
    mark(key_days)
    _flush_and_prime()


def built() -> int | None:
    """The freshness window the state was built with, or None if it was never built."""
    return SeriesDay.objects.filter(category="").values_list("window", flat=True).first()


@transaction.atomic
def rebuild() -> dict:
    """Recompute the whole state from the claims (the same functions as every read); returns
    {"series", "estimates", "days"} counted."""
    for model in (
        SeriesChange, SeriesEstimate, SeriesLine, SeriesDay, SeriesCount, SeriesTotal,
        SeriesIncrement,
    ):  # fmt: skip
        model.objects.all().delete()
    approved = Claim.objects.filter(status=Claim.Status.APPROVED)
    keys = sorted(set(approved.values_list("category", "subtype", "norm_unit").distinct()))
    estimates = 0
    for key in keys:
        counts = list(
            _measures(key)
            .order_by()
            .values("claimant_id", "claim_date", "measure")
            .annotate(n=Count("id"))
            .values_list("claimant_id", "claim_date", "measure", "n")
        )
        SeriesCount.objects.bulk_create(
            [
                SeriesCount(**_of(key), claimant_id=who, day=day, measure=m, claims=n)
                for who, day, m, n in counts
            ],
            batch_size=5000,
        )
        totals: dict[str, int] = {}
        for _, _, measure, n in counts:
            totals[measure] = totals.get(measure, 0) + n
        SeriesTotal.objects.bulk_create(
            SeriesTotal(**_of(key), measure=m, claims=n) for m, n in totals.items()
        )
        qs = _counted(key)
        rows, _ = S.cumulative_rows(qs)
        counts = {
            (who, day): n
            for who, day, n in qs.order_by()
            .values("claimant_id", "claim_date")
            .annotate(n=Count("id"))
            .values_list("claimant_id", "claim_date", "n")
        }
        SeriesEstimate.objects.bulk_create(
            [_estimate(key, row, counts[row[-1], row[1]]) for row in rows], batch_size=2000
        )
        estimates += len(rows)
        SeriesLine.objects.bulk_create(
            SeriesLine(**_of(key), **line)
            for line in SeriesEstimate.objects.filter(**_of(key))
            .order_by()
            .values("claimant_id")
            .annotate(
                estimates=Count("id"), last_id=Max("id"), claims=Sum("claims"), last_day=Max("day")
            )
        )
        _sweep(key, None)
        if totals.get("increment"):
            _refresh_increments(key, None)
    window = _window()
    SeriesDay.objects.create(category="", subtype="", unit="", day=dt.date.min, window=window)
    return {
        "series": len(keys),
        "estimates": estimates,
        "days": SeriesDay.objects.exclude(category="").count(),
    }


# --- What a change touches -------------------------------------------------------------------


def _key_day(category, subtype, unit, claimant_id, day, measure, period_end) -> KeyDay:
    increment = measure == "increment"
    when = (period_end or day) if increment else None  # `series._when()`
    return (category, subtype, unit or "", claimant_id, day, increment, when)


def _superseded_by(claim_id: int) -> list[KeyDay]:
    """The (series, claimant, day)s of the claims `claim_id` supersedes."""
    return [
        _key_day(*row)
        for row in Claim.objects.filter(
            pk__in=ClaimRelation.objects.filter(
                kind=ClaimRelation.Kind.SUPERSEDES, from_claim_id=claim_id
            ).values("to_claim_id")
        ).values_list(*_KEY_FIELDS)
    ]


_FIELDS = (
    "category", "subtype", "norm_unit", "claimant_id", "claim_date", "status", "measure",
    "period_end",
)  # fmt: skip
# A claim's (series, claimant, day), its measure and its period's end (`_key_day`).
_KEY_FIELDS = (*_FIELDS[:5], "measure", "period_end")


def on_claim_saving(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._series_before = None
        return
    row = row_before(instance)
    instance._series_before = row and tuple(row[name] for name in _FIELDS)


def on_claim_saved(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    approved = Claim.Status.APPROVED
    before = getattr(instance, "_series_before", None)
    after = tuple(getattr(instance, name) for name in _FIELDS)
    touched = []
    was = before is not None and before[5] == approved
    if was:
        touched.append(_key_day(*before[:5], *before[6:]))
    if instance.status == approved:
        touched.append(_key_day(*after[:5], *after[6:]))
    if was != (instance.status == approved):
        touched += _superseded_by(instance.pk)  # its supersessions start or stop counting
    mark(touched)


def on_claim_deleted(sender, instance: Claim, **kwargs) -> None:
    if instance.status == Claim.Status.APPROVED:
        mark([_key_day(*(getattr(instance, name) for name in _KEY_FIELDS))])


def on_relation_changed(sender, instance: ClaimRelation, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if instance.kind == ClaimRelation.Kind.SUPERSEDES:
        claims = Claim.objects.filter(pk=instance.to_claim_id)
    elif instance.kind == ClaimRelation.Kind.CORROBORATES:
        # Corroborating increment claims are one event in the summed increments
        # (`series._repeats`): their days' revision changes (`_recount`).
        claims = Claim.objects.filter(
            pk__in=[instance.from_claim_id, instance.to_claim_id],
            status=APPROVED,
            measure="increment",
        )
    else:
        return
    mark(_key_day(*row) for row in claims.values_list(*_KEY_FIELDS))


def on_migrated(sender, **kwargs) -> None:
    """After `migrate`: build the state if it never was (existing data, a new database)."""
    if sender.name != "tracker":
        return
    using = kwargs.get("using", "default")
    if using != "default":
        return
    from django.db import connection

    tables = connection.introspection.table_names()
    if any(model._meta.db_table not in tables for model in (SeriesDay, SeriesIncrement)):
        return  # migrated back to before the state (or part of it) existed
    if built() is None:
        rebuild()


def connect_signals() -> None:
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

    pre_save.connect(on_claim_saving, sender=Claim, dispatch_uid="series-state-claim-saving")
    post_save.connect(on_claim_saved, sender=Claim, dispatch_uid="series-state-claim-saved")
    post_delete.connect(on_claim_deleted, sender=Claim, dispatch_uid="series-state-claim-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            on_relation_changed, sender=ClaimRelation, dispatch_uid=f"series-state-rel-{signal}"
        )
    post_migrate.connect(on_migrated, dispatch_uid="series-state-migrated")
    request_started.connect(_request_started, dispatch_uid="series-state-request-started")
    request_finished.connect(_request_finished, dispatch_uid="series-state-request-finished")


# --- Reading ---------------------------------------------------------------------------------


_MARKER = SeriesDay.objects.filter(category="").order_by("id")  # `built()`'s row


def _marker() -> tuple[int, bool] | None:
    """The window the state was built with and whether changes wait to be flushed (None: never
    built)."""
    return (
        _MARKER.annotate(changed=Exists(SeriesChange.objects.all()))
        .values_list("window", "changed")
        .first()
    )


def _ready() -> int | None:
    """`flush()`, then `built()`: in one query when there is nothing to flush (a read's usual
    case; a read after another process's write flushes and reads the window again)."""
    row = _marker()
    if row is None:
        return None  # never built: `flush` has nothing to do either
    if row[1]:
        flush()
        return built()
    return row[0]


@dataclasses.dataclass(frozen=True)
class Facts:
    """What one read of a series (category, subtype) asks the state first: the window it was
    built with (`built()`; None: never built) and its claims per (unit, measure) (`SeriesTotal`,
    those above zero), read together (`facts`) so a series read asks once, not once per
    question (`units`, `has_increments`, `cumulative`)."""

    window: int | None
    totals: dict[tuple[str, str], int]
    revisions: dict[tuple[str, str], tuple[int, ...]] = dataclasses.field(default_factory=dict)


def facts(category: str, subtype: str, *, flushed: bool = False) -> Facts:
    """`_ready()` (changes waiting are flushed first, once: `flushed`) and the series' totals,
    in one query when the series has any total and nothing waits to be flushed (a read's usual
    case)."""
    rows = list(
        SeriesTotal.objects.filter(category=category, subtype=subtype, claims__gt=0)
        .order_by()
        .annotate(
            window=Subquery(_MARKER.values("window")[:1]),
            changed=Exists(SeriesChange.objects.all()),
        )
        .values_list("unit", "measure", "claims", "window", "changed", "revision")
    )
    # The marker row's window and whether changes wait: on every row, else read alone.
    window, changed = rows[0][3:5] if rows else (_marker() or (None, False))
    if window is not None and changed and not flushed:
        flush()
        return facts(category, subtype, flushed=True)  # the totals move with the flush
    totals: dict[tuple[str, str], int] = {}
    revisions: dict[tuple[str, str], tuple[int, ...]] = {}
    for unit, measure, claims, _, _, revision in rows:
        totals[unit, measure] = totals.get((unit, measure), 0) + claims
        revisions[unit, measure] = (*revisions.get((unit, measure), ()), revision)
    return Facts(window, totals, revisions)


def units(
    category: str, subtype: str, *, known: Facts | None = None
) -> tuple[str | None, list[str]] | None:
    """`series._main_unit` of a default public series from the totals (None: not built);
    `known`: the series' `facts` read already."""
    known = known or facts(category, subtype)
    if known.window is None:
        return None
    counts: dict[str, int] = {}
    for (unit, _), claims in known.totals.items():
        counts[unit] = counts.get(unit, 0) + claims
    units_ = sorted(counts)
    if not units_:
        return None, []
    return max(units_, key=lambda u: counts[u]), units_


def has_increments(key: Key, *, known: Facts | None = None) -> bool:
    """Whether the default public series `key` counts any increment claim."""
    if known is not None:
        return known.totals.get((key[2], "increment"), 0) > 0
    return SeriesTotal.objects.filter(**_of(key), measure="increment", claims__gt=0).exists()


def increments(key: Key, build, *, known: Facts) -> S.IncrementBuckets:
    """The summed increments of the default public series `key` (`build()`: `series._increments`
    of its claims) as `IncrementBuckets`, cached under the revision of its increments
    (`SeriesTotal.revision`, in `known`, the series' `facts`) and the global data version
    (claimant names): a read after a change that touched no increment claim of the series (an
    approval of a cumulative claim) neither sums nor reduces them again."""
    revision = known.revisions.get((key[2], "increment"))
    version = data_cache.versions(())
    if revision is None or version is None:
        return S.IncrementBuckets.of(build())
    cache_key = "series-increments:" + data_cache.cache_key(version, key, sorted(revision))
    found = None
    with contextlib.suppress(Exception):  # the cache is an optimisation (tracker.cache)
        found = data_cache.cache.get(cache_key)
    if found is None:
        base = S.IncrementBuckets.of(build())
        found = StateIncrements(**vars(base), cache_key=cache_key, stored=False)
    found.build = build
    return found


_LINE = "line"  # `bound` of a `SeriesLine` row in `_days_and_revisions` (a day's is "" or a bound)


def _days_and_revisions(key: Key, as_of: dt.date) -> tuple[list[tuple], list[tuple]]:
    """`_days(key, as_of)` and `_revisions(key)` in one query (UNION ALL): each `SeriesLine`
    row in the columns of a day (`_DAY_COLUMNS`: its latest day in `day`, its estimates in
    `band_claimants`, its newest row's id in `claim_id`, its claims in `age_days`, its claimant
    in `claimant_id`, `_LINE` in `bound`)."""
    none = {
        name: Value(None, output_field=SeriesDay._meta.get_field(name))
        for name in ("band_min", "band_max", "value", "low", "high", "claim_date", "credibility")
    }
    lines = SeriesLine.objects.filter(**_of(key)).values_list(
        "last_day", none["band_min"], none["band_max"], "estimates", Value(False), "last_id",
        none["value"], none["low"], none["high"], Value(_LINE), none["claim_date"],
        "claimant_id", Value(""), Value(""), none["credibility"], Value(False), "claims",
    )  # fmt: skip
    rows = list(
        SeriesDay.objects.filter(**_of(key), day__lte=as_of)
        .values_list(*_DAY_COLUMNS)
        .union(lines, all=True)
        .order_by("day")
    )
    days = [row for row in rows if row[9] != _LINE]
    revisions = [(row[11], row[3], row[5], row[16], row[0]) for row in rows if row[9] == _LINE]
    return days, revisions


def _headline_band(days: list[tuple], names: dict) -> tuple[list[dict], list[dict]]:
    headline, band = [], []
    for row in days:
        day = row[0].isoformat()
        band.append({"date": day, "min": row[1], "max": row[2], "claimants": row[3]})
        if row[4]:
            headline.append(_step(row, names))
    return headline, band


def cumulative(key: Key, *, window: int, as_of: dt.date, known: Facts | None = None) -> dict | None:
    """`series._cumulative` of the default public series `key`, read from the state; None when
    the state cannot answer (not built, another freshness window, claims after `as_of`);
    `known`: the series' `facts` read already."""
    if (_ready() if known is None else known.window) != window:
        return None
    days, revisions = _days_and_revisions(key, as_of)
    if any(last_day > as_of for *_, last_day in revisions):
        return None  # claims after `as_of`: the state's sweep has them
    lines, claims = _lines(key, revisions)
    names = {line.line["claimant_id"]: line.line["claimant"] for line in lines}
    headline, band = _headline_band(days, names)
    # The claimant lines go to `series.aggregate` as `LineBuckets` ("_lines"), which puts them
    # in "claimants" reduced to the series' resolution.
    return {"claimants": [], "headline": headline, "band": band, "_claims": claims,
            "_lines": lines}  # fmt: skip


def _estimates(key: Key, claimant_ids) -> list[tuple]:
    """The estimate rows of these claimants in the series, as `series.cumulative_rows` gives."""
    ids = [pk for pk in claimant_ids if pk is not None]
    who = Q(claimant_id__in=ids)
    if None in claimant_ids:
        who |= Q(claimant_id__isnull=True)
    return list(
        SeriesEstimate.objects.filter(who, **_of(key))
        .order_by("day", "claim_id")
        .annotate(status=Value(Claim.Status.APPROVED))
        .values_list(*_ESTIMATE_COLUMNS)
    )


class _Stored:
    """A part of a series kept in the cache under `cache_key`, with the reduced points asked
    for: one already kept is served from it; another is reduced, kept (the daily points only
    while the series is drawn daily) and the part stored again."""

    def reduced(self, bucket: str):
        if bucket in self.points and self.stored:
            return self.points[bucket]
        found = super().reduced(bucket)
        if bucket != "day":
            self.points.pop("day", None)  # not drawn daily: not worth its room in the cache
        self.stored = True
        _store({self.cache_key: self})
        return found


@dataclasses.dataclass
class StateLine(_Stored, S.LineBuckets):
    """A claimant line of the state, cached under its revision (`_lines`): it keeps its counts
    and the reduced points asked for (its daily points only while the series is drawn daily);
    its estimates are read again only if another resolution is asked for."""

    key: Key = ("", "", "")
    cache_key: str = ""
    stored: bool = True  # False: built by this request, not in the cache yet

    def daily(self) -> list[dict]:
        found = self.points.get("day")
        if found is None:
            rows = _estimates(self.key, [self.line["claimant_id"]])
            found = S.claimant_lines(rows)[0][0]["points"]
        return found


@dataclasses.dataclass
class StateIncrements(_Stored, S.IncrementBuckets):
    """A series' summed increments, cached under their revision (`increments`): their counts and
    the reduced points asked for (the daily points only while the series is drawn daily);
    summed again from the claims (`build`, not cached) only if another resolution is asked for."""

    cache_key: str = ""
    stored: bool = True  # False: built by this request, not in the cache yet
    build = None

    def daily(self) -> tuple[list[list[dict]], list[dict]]:
        found = self.points.get("day")
        if found is None:
            found = S.IncrementBuckets.of(self.build()).points["day"]
        return found

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("build", None)  # a closure over this request's queryset
        return state


@dataclasses.dataclass
class StateIncrementLine(_Stored, S.IncrementLineBuckets):
    """A claimant's line of summed increments of the state, cached under its revision
    (`increment_parts`), like `StateLine`."""

    key: Key = ("", "", "")
    cache_key: str = ""
    stored: bool = True  # False: built by this request, not in the cache yet

    def daily(self) -> list[dict]:
        found = self.points.get("day")
        if found is None:
            found = _increment_lines(self.key, [self.line["claimant_id"]])[0]["points"]
        return found


def _store(entries: dict) -> None:
    with contextlib.suppress(Exception):  # the cache is an optimisation (tracker.cache)
        data_cache.cache.set_many(entries, data_cache.timeout())


def _revisions(key: Key) -> list[tuple]:
    """Per claimant of the series: (claimant id, estimates, newest estimate row's id, claims,
    latest day), as `SeriesLine` keeps them."""
    return list(
        SeriesLine.objects.filter(**_of(key)).values_list(
            "claimant_id", "estimates", "last_id", "claims", "last_day"
        )
    )


def _lines(key: Key, revisions: list[tuple] | None = None) -> tuple[list[StateLine], int]:
    """The series' claimant lines and the claims they stand for. Each line is cached under its
    revision (`_revisions`, read here if not given) — its claimant, how many estimates it has
    and the newest estimate row's id (a changed estimate is a new row: `_refresh_estimates`),
    and the global data version (claimant names; tests' rolled-back rows) — so after a change
    only the lines of the claimants it touched are read and built again."""
    if revisions is None:
        revisions = _revisions(key)
    claims = sum(row[3] for row in revisions)
    version = data_cache.versions(())
    keys = {
        who: "series-line:" + data_cache.cache_key(version, key, who, n, last)
        for who, n, last, *_ in revisions
    }
    found: dict = {}
    if version is not None:
        with contextlib.suppress(Exception):
            found = data_cache.cache.get_many(list(keys.values()))
    lines = [found[k] for k in keys.values() if k in found]
    missing = [who for who, k in keys.items() if k not in found]
    if missing:
        built, _ = S.claimant_lines(_estimates(key, missing))
        for line in built:
            base = S.LineBuckets.of(line)
            lines.append(
                StateLine(
                    line=base.line, first=base.first, counts=base.counts, points=base.points,
                    key=key, cache_key=keys[line["claimant_id"]], stored=version is None,
                )
            )  # fmt: skip
    return lines, claims


def headline(key: Key, *, window: int, as_of: dt.date, known: Facts | None = None) -> dict | None:
    """The headline steps and band of the default public series `key` without its claimant
    lines (what an overview card and its sparkline draw); None as for `cumulative`."""
    if (_ready() if known is None else known.window) != window:
        return None
    days, revisions = _days_and_revisions(key, as_of)
    if any(last_day > as_of for *_, last_day in revisions):
        return None  # claims after `as_of`: the state's sweep has them
    names = {
        pk: name for pk, (name, _) in S._claimant_names({row[11] for row in days if row[4]}).items()
    }
    headline_, band = _headline_band(days, names)
    return {"claimants": [], "headline": headline_, "band": band, "_claims": 0}
