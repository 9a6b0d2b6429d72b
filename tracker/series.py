"""Timelines and running totals: the analytic core that the dashboard and the API share.

Claims are not transactions. Rules (DESIGN.md, "Series"):
- cumulative claims: one step line per claimant over claim_date (value = best, else the midpoint
  of low–high, else the single bound, flagged as a bound), with a low–high band; the headline at
  a date is the latest estimate as of that date from the most trusted claimant (ties: the most
  recent), plus the band across claimants;
- increment claims: summed over period_end (or claim_date) into running totals per claimant and
  combined, the same event reported by two claimants counted once;
- only approved claims count unless the caller asks for pending ones too; claims superseded by
  another counted claim drop out;
- dense series are aggregated so a chart never gets more than SERIES_MAX_POINTS points
  (`aggregate`): the headline and the totals are always computed from every claim first.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce

from tracker import trust
from tracker.models import Claim, Claimant, ClaimRelation

RELIABILITY_RANK = {grade: 6 - i for i, grade in enumerate("ABCDEF")}  # A=6 … F=1
# Points a series returns at most, all lists together (claimant steps, headline, band,
# increments): "a chart never needs more than a few thousand points" (DESIGN.md).
MAX_POINTS = getattr(settings, "SERIES_MAX_POINTS", 5000)


@dataclass(frozen=True)
class SeriesQuery:
    """What a series is: (category, subtype, normalised unit) plus filters."""

    category: str
    subtype: str
    unit: str | None = None
    claimant_ids: tuple[int, ...] = ()
    min_confidence: str | None = None
    include_pending: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    location: str = ""
    weapon_system: str = ""
    extra: dict = field(default_factory=dict)


def point_value(low, best, high) -> tuple[float | None, str | None]:
    """(value drawn, bound kind): best, else midpoint of low–high, else a single bound."""
    if best is not None:
        return best, None
    if low is not None and high is not None:
        return (low + high) / 2, None
    if low is not None:
        return low, "lower"
    if high is not None:
        return high, "upper"
    return None, None


def series_claims(query: SeriesQuery, base: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """The claims a series counts: visible (caller passes `base`), filtered, with numbers."""
    qs = Claim.objects.all() if base is None else base
    statuses = ["approved", "pending"] if query.include_pending else ["approved"]
    qs = qs.filter(category=query.category, subtype=query.subtype, status__in=statuses)
    qs = qs.filter(
        Q(norm_low__isnull=False) | Q(norm_best__isnull=False) | Q(norm_high__isnull=False)
    )
    if query.unit is not None:
        qs = qs.filter(norm_unit=query.unit)
    if query.claimant_ids:
        qs = qs.filter(claimant_id__in=query.claimant_ids)
    if query.min_confidence:
        qs = qs.filter(confidence__in=trust.confidence_at_least(query.min_confidence))
    if query.date_from:
        qs = qs.filter(claim_date__gte=query.date_from)
    if query.date_to:
        qs = qs.filter(claim_date__lte=query.date_to)
    if query.location:
        qs = qs.filter(location__icontains=query.location)
    if query.weapon_system:
        qs = qs.filter(weapon_system__icontains=query.weapon_system)
    superseded = ClaimRelation.objects.filter(
        kind=ClaimRelation.Kind.SUPERSEDES, from_claim__status__in=statuses
    ).values("to_claim_id")
    return qs.exclude(pk__in=superseded)


def _main_unit(qs: QuerySet[Claim]) -> tuple[str | None, list[str]]:
    """The unit most of the series' claims use (ties: alphabetical), and all units seen."""
    counts = dict(qs.order_by().values_list("norm_unit").annotate(n=Count("id")))
    units = sorted(counts)
    if not units:
        return None, []
    return max(units, key=lambda u: counts[u]), units


_CUMULATIVE_COLUMNS = (
    "id", "claim_date", "norm_low", "norm_best", "norm_high", "qualifier", "status",
    "confidence", "reliability", "claimant_id",
)  # fmt: skip


def _claimant_names(ids: set) -> dict:
    """id -> (name, short name), in one small query (cheaper than joining every claim row)."""
    ids = {i for i in ids if i is not None}
    return {
        pk: (name, short)
        for pk, name, short in Claimant.objects.filter(pk__in=ids).values_list(
            "id", "name", "short_name"
        )
    }


def _cumulative(qs: QuerySet[Claim]) -> dict:
    # Tuples, not dicts: at tens of thousands of rows the per-row cost is what counts.
    qs = qs.filter(measure="cumulative")
    if connection.vendor == "postgresql":
        # Only the last claim per claimant and day can matter (a later claim the same day
        # replaces the earlier one, in the steps and in the headline's end-of-day state), so
        # PostgreSQL keeps just those (DISTINCT ON) and counts them all in the same pass.
        rows = list(
            qs.annotate(n=Window(Count("id")))
            .order_by("claimant_id", "claim_date", "-id")
            .distinct("claimant_id", "claim_date")
            .values_list(*_CUMULATIVE_COLUMNS, "n")
        )
        claims = rows[0][-1] if rows else 0
        rows = sorted((row[:-1] for row in rows), key=itemgetter(1, 0))
    else:
        rows = list(qs.order_by("claim_date", "id").values_list(*_CUMULATIVE_COLUMNS))
        claims = len(rows)
    names = _claimant_names({row[-1] for row in rows})
    lines: dict[int | None, dict] = {}
    events: list[tuple[dict, tuple]] = []
    iso: dict = {}
    for (
        claim_id, claim_date, low, best, high, qualifier, status, confidence, reliability, key,
    ) in rows:  # fmt: skip
        value, bound = point_value(low, best, high)
        line = lines.get(key)
        if line is None:
            name, short_name = names.get(key, (None, None))
            line = lines[key] = {
                "claimant_id": key,
                "claimant": name or "Unattributed (press report)",
                "claimant_short": short_name or name or "Press",
                "points": [],
            }
        day = iso.get(claim_date)
        if day is None:
            day = iso[claim_date] = claim_date.isoformat()
        point = {
            "date": day,
            "value": value,
            "low": low,
            "high": high,
            "bound": bound,
            "qualifier": qualifier,
            "claim_id": claim_id,
            "status": status,
            "confidence": confidence,
            "reliability": reliability,
        }
        points = line["points"]
        # One point per claimant and day: a later claim the same day replaces the earlier one.
        if points and points[-1]["date"] == day:
            points[-1] = point
        else:
            points.append(point)
        events.append((point, (key, line["claimant"])))

    headline, band = _headline(events)
    return {
        "claimants": list(lines.values()),
        "headline": headline,
        "band": band,
        "_claims": claims,  # read by `aggregate`, then removed
    }


def _trust_key(point: dict) -> tuple:
    return (
        trust.CONFIDENCE_RANK[point["confidence"]],
        RELIABILITY_RANK.get(point["reliability"], 0),
        point["date"],
        point["claim_id"],
    )


def _headline(events: list[tuple[dict, tuple]]) -> tuple[list[dict], list[dict]]:
    """Sweep the dates: each claimant's latest estimate so far; pick the most trusted.

    The most trusted estimate is kept as the sweep goes and recomputed over all claimants only
    when the claimant holding it says something new (which may trust lower)."""
    # claimant -> (trust key, point, claimant name); and its lowest and highest figure.
    latest: dict[int | None, tuple] = {}
    lows: dict[int | None, float] = {}
    highs: dict[int | None, float] = {}
    top: tuple | None = None
    headline: list[dict] = []
    band: list[dict] = []
    i, n = 0, len(events)
    while i < n:
        day = events[i][0]["date"]
        recompute = False
        while i < n and events[i][0]["date"] == day:
            point, (key, name) = events[i]
            value, low, high = point["value"], point["low"], point["high"]
            lows[key] = value if low is None else min(low, value)
            highs[key] = value if high is None else max(high, value)
            entry = (_trust_key(point), point, key, name)
            previous = latest.get(key)
            latest[key] = entry
            if top is None or entry[0] > top[0]:
                top = entry
            elif previous is top:
                recompute = True
            i += 1
        if recompute:
            top = max(latest.values(), key=itemgetter(0))
        _, best, key, name = top[:4]
        if not headline or (headline[-1]["claim_id"], headline[-1]["value"]) != (
            best["claim_id"],
            best["value"],
        ):
            headline.append(
                {
                    "date": day,
                    "value": best["value"],
                    "low": best["low"],
                    "high": best["high"],
                    "bound": best["bound"],
                    "claim_id": best["claim_id"],
                    "claimant_id": key,
                    "claimant": name,
                    "confidence": best["confidence"],
                }
            )
        band.append(
            {
                "date": day,
                "min": min(lows.values()),
                "max": max(highs.values()),
                "claimants": len(latest),
            }
        )
    return headline, band


def _increment_line(key: int | None, names: dict) -> dict:
    """An empty per-claimant line of increments."""
    name = names.get(key, (None, None))[0]
    return {"claimant_id": key, "claimant": name or "Unattributed (press report)", "points": []}


def _increments(qs: QuerySet[Claim]) -> dict:
    when = Coalesce("period_end", "claim_date")
    value = Coalesce("norm_best", "norm_low", "norm_high")
    if connection.vendor == "postgresql":
        claims = qs.filter(measure="increment").count()
        if claims > MAX_POINTS:
            return _increments_by_day(qs, when, value, claims)
    rows = (
        qs.filter(measure="increment")
        .annotate(when=when, value=value)
        .annotate(
            running=Window(
                Sum(value), partition_by=[F("claimant_id")], order_by=[when.asc(), F("id").asc()]
            )
        )
        .order_by("when", "id")
        .values_list("id", "when", "value", "running", "claimant_id", "status")
    )
    rows = list(rows)
    names = _claimant_names({row[4] for row in rows})
    lines: dict[int | None, dict] = {}
    combined: list[dict] = []
    seen_events: set[tuple] = set()
    total = 0.0
    for claim_id, when_date, amount, running, key, status in rows:
        line = lines.get(key) or lines.setdefault(key, _increment_line(key, names))
        day = when_date.isoformat()
        line["points"].append(
            {
                "date": day,
                "value": amount,
                "running_total": running,
                "claim_id": claim_id,
                "status": status,
            }
        )
        # The same event (date and figure) from two claimants counts once in the combined line.
        event = (day, amount)
        if event in seen_events:
            continue
        seen_events.add(event)
        total += amount
        if combined and combined[-1]["date"] == day:
            combined[-1]["value"] += amount
            combined[-1]["running_total"] = total
        else:
            combined.append({"date": day, "value": amount, "running_total": total})
    return {"claimants": list(lines.values()), "combined": combined, "total": total}


def _increments_by_day(qs: QuerySet[Claim], when, value, claims: int) -> dict:
    """A dense series on PostgreSQL: SUM per claimant and day, and per day over distinct
    figures (the combined line counts an event, date and figure, once) in the database; the
    same totals as `_increments`, one point per claimant and day (`bucket_points` claims, the
    last claim's id, pending if any of them is)."""
    qs = qs.filter(measure="increment").annotate(when=when, value=value).order_by()
    rows = list(
        qs.values("claimant_id", "when")
        .annotate(amount=Sum("value"), n=Count("id"), last=Max("id"), state=Max("status"))
        .order_by("when", "claimant_id")
        .values_list("when", "claimant_id", "amount", "n", "last", "state")
    )
    names = _claimant_names({row[1] for row in rows})
    lines: dict[int | None, dict] = {}
    running: dict[int | None, float] = {}
    for when_date, key, amount, n, last, status in rows:
        line = lines.get(key) or lines.setdefault(key, _increment_line(key, names))
        running[key] = running.get(key, 0.0) + amount
        line["points"].append(
            {
                "date": when_date.isoformat(),
                "value": amount,
                "running_total": running[key],
                "claim_id": last,
                "status": status,  # Max: "pending" > "approved", pending if any claim is
                "bucket_points": n,
            }
        )
    combined: list[dict] = []
    total = 0.0
    days = (
        qs.values("when")
        .annotate(amount=Sum("value", distinct=True))
        .order_by("when")
        .values_list("when", "amount")
    )
    for when_date, amount in days:
        total += amount
        combined.append({"date": when_date.isoformat(), "value": amount, "running_total": total})
    return {
        "claimants": list(lines.values()),
        "combined": combined,
        "total": total,
        "_claims": claims,
    }


def series_build(query: SeriesQuery, *, base: QuerySet[Claim] | None = None) -> dict:
    """The series as plain JSON-ready data: per-claimant steps with bands, the headline running
    total and its band, and increments summed. `base` carries the caller's visibility."""
    qs = series_claims(query, base)
    unit, units = (query.unit, [query.unit]) if query.unit is not None else _main_unit(qs)
    if unit is not None:
        qs = qs.filter(norm_unit=unit)
    cumulative = _cumulative(qs)
    increments = _increments(qs)
    latest = cumulative["headline"][-1] if cumulative["headline"] else None
    aggregated = aggregate(cumulative, increments, MAX_POINTS)
    return {
        "category": query.category,
        "subtype": query.subtype,
        "unit": unit or "",
        "units": units,
        "filters": {
            "claimant_ids": list(query.claimant_ids),
            "min_confidence": query.min_confidence,
            "include_pending": query.include_pending,
            "date_from": query.date_from.isoformat() if query.date_from else None,
            "date_to": query.date_to.isoformat() if query.date_to else None,
            "location": query.location,
            "weapon_system": query.weapon_system,
        },
        "latest_headline": latest,
        "cumulative": cumulative,
        "increments": increments,
        "aggregated": aggregated,
    }


def cached_series(query: SeriesQuery, *, base: QuerySet[Claim] | None = None) -> dict:
    """`series_build`, cached until the claims data changes (tracker.cache): the one entry point
    that the dashboard and the API share. The key is the query and the visible claims' SQL."""
    from tracker.cache import cached, queryset_key

    visible = "all" if base is None else queryset_key(base)
    return cached("series", (query, visible), lambda: series_build(query, base=base))


# --- Aggregation ----------------------------------------------------------------------------
#
# Rule: computed at day resolution (one point per claimant per day) as above; when the points
# of all lists together exceed `max_points`, every list is reduced to one point per claimant per
# bucket, the bucket being the finest of week (ISO, Monday-based), month, quarter, year that
# fits (year always applies, even if still over). In a bucket:
# - a claimant's cumulative step keeps the LAST estimate (its date, value, claim) and gains
#   `band_low` / `band_high` (the lowest low and highest high of the bucket's estimates, a
#   value standing in for a missing bound) and `bucket_points` (points merged);
# - the headline keeps its last step (so `latest_headline` is unchanged) and the band across
#   claimants takes the bucket's min of `min`, max of `max` and the last `claimants`;
# - increments sum their values per bucket, keep the last running total and claim, and gain
#   `bucket_points` (status: pending if any claim is); the combined line likewise. On
#   PostgreSQL a series with more increment claims than max_points is summed per claimant and
#   day in the database first (`_increments_by_day`).
# Every point keeps the date of the last claim it stands for.


@functools.lru_cache(maxsize=8192)
def _week(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()


BUCKETS = {
    "week": _week,
    "month": lambda day: day[:7],
    "quarter": lambda day: f"{day[:4]}Q{(int(day[5:7]) - 1) // 3}",
    "year": lambda day: day[:4],
}


def _groups(points: list[dict], key) -> list[list[dict]]:
    """Consecutive runs of date-ordered points sharing a bucket."""
    out: list[list[dict]] = []
    last = object()
    for point in points:
        bucket = key(point["date"])
        if bucket != last:
            out.append([])
            last = bucket
        out[-1].append(point)
    return out


def _count(points: list[dict], key) -> int:
    n, last = 0, object()
    for point in points:
        bucket = key(point["date"])
        if bucket != last:
            n, last = n + 1, bucket
    return n


def _step(group: list[dict]) -> dict:
    point = dict(group[-1])
    point["band_low"] = min(p["value"] if p["low"] is None else p["low"] for p in group)
    point["band_high"] = max(p["value"] if p["high"] is None else p["high"] for p in group)
    point["bucket_points"] = len(group)
    return point


def _band(group: list[dict]) -> dict:
    return {
        "date": group[-1]["date"],
        "min": min(p["min"] for p in group),
        "max": max(p["max"] for p in group),
        "claimants": group[-1]["claimants"],
    }


def _summed(group: list[dict]) -> dict:
    point = dict(group[-1])
    point["value"] = sum(p["value"] for p in group)
    if "claim_id" in point:
        point["bucket_points"] = sum(p.get("bucket_points", 1) for p in group)
        if any(p["status"] == "pending" for p in group):
            point["status"] = "pending"
    return point


def _lists(cumulative: dict, increments: dict) -> list[tuple[list[dict], object]]:
    """Every list of points and how its buckets merge."""
    return [
        *((line["points"], _step) for line in cumulative["claimants"]),
        (cumulative["headline"], lambda group: group[-1]),
        (cumulative["band"], _band),
        *((line["points"], _summed) for line in increments["claimants"]),
        (increments["combined"], _summed),
    ]


def aggregate(cumulative: dict, increments: dict, max_points: int = MAX_POINTS) -> dict:
    """Reduce the lists in place to at most `max_points` points in all (rule above); returns
    what was done: {"bucket", "max_points", "points" (after), "points_daily" (before),
    "claims" (claims counted)}."""
    lists = _lists(cumulative, increments)
    daily = sum(len(points) for points, _ in lists)
    claims = cumulative.pop("_claims", 0)
    if "_claims" in increments:
        claims += increments.pop("_claims")
    else:
        claims += sum(len(line["points"]) for line in increments["claimants"])
    chosen, total = "day", daily
    if daily > max_points:
        for name, key in BUCKETS.items():
            chosen, total = name, sum(_count(points, key) for points, _ in lists)
            if total <= max_points:
                break
        key = BUCKETS[chosen]
        for points, merge in lists:
            points[:] = [merge(group) for group in _groups(points, key)]
    return {
        "bucket": chosen,
        "max_points": max_points,
        "points": total,
        "points_daily": daily,
        "claims": claims,
    }
