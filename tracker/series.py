"""Timelines and running totals: the analytic core that the dashboard and the API share.

Claims are not transactions. Rules (DESIGN.md, "Series"):
- cumulative claims: one step line per claimant over claim_date (value = best, else the midpoint
  of low–high, else the single bound, flagged as a bound), with a low–high band; the headline at
  a date is the latest estimate as of that date from the most trusted claimant (ties: the most
  recent), plus the band across claimants;
- increment claims: summed over period_end (or claim_date) into running totals per claimant and
  combined, the same event reported by two claimants counted once;
- only approved claims count unless the caller asks for pending ones too; claims superseded by
  another counted claim drop out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce

from tracker import trust
from tracker.models import Claim, ClaimRelation

RELIABILITY_RANK = {grade: 6 - i for i, grade in enumerate("ABCDEF")}  # A=6 … F=1


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
    units = list(qs.order_by().values_list("norm_unit", flat=True).distinct())
    units.sort()
    if not units:
        return None, []
    counts = {u: qs.filter(norm_unit=u).count() for u in units} if len(units) > 1 else {}
    main = max(units, key=lambda u: counts.get(u, 0)) if counts else units[0]
    return main, units


def _cumulative(qs: QuerySet[Claim]) -> dict:
    rows = qs.filter(measure="cumulative").order_by("claim_date", "id").values(
        "id", "claim_date", "norm_low", "norm_best", "norm_high", "qualifier", "status",
        "confidence", "reliability", "claimant_id", "claimant__name", "claimant__short_name",
    )  # fmt: skip
    lines: dict[int | None, dict] = {}
    events: list[dict] = []
    for row in rows:
        value, bound = point_value(row["norm_low"], row["norm_best"], row["norm_high"])
        key = row["claimant_id"]
        line = lines.setdefault(
            key,
            {
                "claimant_id": key,
                "claimant": row["claimant__name"] or "Unattributed (press report)",
                "claimant_short": row["claimant__short_name"] or row["claimant__name"] or "Press",
                "points": [],
            },
        )
        point = {
            "date": row["claim_date"].isoformat(),
            "value": value,
            "low": row["norm_low"],
            "high": row["norm_high"],
            "bound": bound,
            "qualifier": row["qualifier"],
            "claim_id": row["id"],
            "status": row["status"],
            "confidence": row["confidence"],
            "reliability": row["reliability"],
        }
        # One point per claimant and day: a later claim the same day replaces the earlier one.
        if line["points"] and line["points"][-1]["date"] == point["date"]:
            line["points"][-1] = point
        else:
            line["points"].append(point)
        events.append({**point, "claimant_id": key, "claimant": line["claimant"]})

    headline, band = _headline(events)
    return {"claimants": list(lines.values()), "headline": headline, "band": band}


def _trust_key(point: dict) -> tuple:
    return (
        trust.CONFIDENCE_RANK[point["confidence"]],
        RELIABILITY_RANK.get(point["reliability"], 0),
        point["date"],
        point["claim_id"],
    )


def _headline(events: list[dict]) -> tuple[list[dict], list[dict]]:
    """Sweep the dates: each claimant's latest estimate so far; pick the most trusted."""
    latest: dict[int | None, dict] = {}
    headline: list[dict] = []
    band: list[dict] = []
    i = 0
    while i < len(events):
        day = events[i]["date"]
        while i < len(events) and events[i]["date"] == day:
            latest[events[i]["claimant_id"]] = events[i]
            i += 1
        best = max(latest.values(), key=_trust_key)
        step = {
            "date": day,
            "value": best["value"],
            "low": best["low"],
            "high": best["high"],
            "bound": best["bound"],
            "claim_id": best["claim_id"],
            "claimant_id": best["claimant_id"],
            "claimant": best["claimant"],
            "confidence": best["confidence"],
        }
        if not headline or (headline[-1]["claim_id"], headline[-1]["value"]) != (
            step["claim_id"],
            step["value"],
        ):
            headline.append(step)
        values = [
            v for p in latest.values() for v in (p["low"], p["value"], p["high"]) if v is not None
        ]
        band.append({"date": day, "min": min(values), "max": max(values), "claimants": len(latest)})
    return headline, band


def _increments(qs: QuerySet[Claim]) -> dict:
    when = Coalesce("period_end", "claim_date")
    value = Coalesce("norm_best", "norm_low", "norm_high")
    rows = (
        qs.filter(measure="increment")
        .annotate(when=when, value=value)
        .annotate(
            running=Window(
                Sum(value), partition_by=[F("claimant_id")], order_by=[when.asc(), F("id").asc()]
            )
        )
        .order_by("when", "id")
        .values("id", "when", "value", "running", "claimant_id", "claimant__name", "status")
    )
    lines: dict[int | None, dict] = {}
    combined: list[dict] = []
    seen_events: set[tuple] = set()
    total = 0.0
    for row in rows:
        key = row["claimant_id"]
        line = lines.setdefault(
            key,
            {
                "claimant_id": key,
                "claimant": row["claimant__name"] or "Unattributed (press report)",
                "points": [],
            },
        )
        day = row["when"].isoformat()
        line["points"].append(
            {
                "date": day,
                "value": row["value"],
                "running_total": row["running"],
                "claim_id": row["id"],
                "status": row["status"],
            }
        )
        # The same event (date and figure) from two claimants counts once in the combined line.
        event = (day, row["value"])
        if event in seen_events:
            continue
        seen_events.add(event)
        total += row["value"]
        if combined and combined[-1]["date"] == day:
            combined[-1]["value"] += row["value"]
            combined[-1]["running_total"] = total
        else:
            combined.append({"date": day, "value": row["value"], "running_total": total})
    return {"claimants": list(lines.values()), "combined": combined, "total": total}


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
    }
