"""Timelines and running totals: the analytic core that the dashboard, the API and the CSV share.

Claims are not transactions. Rules (DESIGN.md, "Series"; the methodology page states the same
rule in plain words, `HEADLINE_RULE` below is that text):
- cumulative claims: one step line per claimant over claim_date (value = best, else the midpoint
  of low–high, else the single bound, flagged as a bound), with a low–high band;
- the headline at a date follows `HEADLINE_RULE` (`trust_key`, `_headline`, `_agreeing`): each
  claimant's latest estimate; fresh ones (at most `freshness_days` old) first; the most
  trusted (with none current: the most recent, then the most trusted); a bound gives way to an
  estimate of the same trust that it agrees with;
- the band at a date spans the claimants' fresh estimates;
- increment claims: summed over period_end (or claim_date) into running totals per claimant and
  combined; a range counts its midpoint, a vague amount ("thousands") nothing; in the combined
  line an event counts once, through the claim merge and `corroborates` relations only
  (`_repeats`), never by equal date and figure;
- only approved claims count unless the caller asks for pending ones too (pending points carry
  `status`); claims superseded by another counted claim drop out;
- dense series are aggregated so a chart never gets more than SERIES_MAX_POINTS points
  (`aggregate`): the headline and the totals are always computed from every claim first.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from django.conf import settings
from django.db import connection
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import Cast, Coalesce

from tracker import asof, trust
from tracker.models import Claim, Claimant, ClaimRelation

RELIABILITY_RANK = {grade: 6 - i for i, grade in enumerate("ABCDEF")}  # A=6 … F=1
# Points a series returns at most, all lists together (claimant steps, headline, band,
# increments): "a chart never needs more than a few thousand points" (DESIGN.md).
MAX_POINTS = getattr(settings, "SERIES_MAX_POINTS", 5000)

# The rule as the methodology page prints it; `_headline` (with `_agreeing`) implements exactly
# this, and tests/api/test_series.py checks it against a slow reference written from this text.
HEADLINE_RULE = [
    "On any date, take each claimant's latest estimate as of that date.",
    "An estimate is current while it is at most {days} days old; older estimates leave the "
    "range across claimants, and one of them can be the headline only while no claimant has a "
    "current estimate or a more recent one (the card then says how old it is).",
    "Among the current estimates (or, if there are none, the most recent ones) the headline is "
    "the most "
    "trusted: highest confidence label first, then the better source reliability letter (A "
    "best), then the better credibility number (1 best), then the most recent claim date.",
    "If that estimate is only a bound (\u201cmore than 1,000\u201d, \u201cup to 500\u201d), "
    "it never pulls the headline below an estimate of the same or better trust that it agrees "
    "with: a lower bound agrees with any estimate at or above it, an upper bound with any "
    "estimate at or below it. The headline is then the most trusted of those agreeing "
    "estimates.",
]


def freshness_days(query: SeriesQuery | None = None) -> int:
    """The freshness window of a series: its own, else SERIES_FRESHNESS_DAYS (default 180)."""
    if query is not None and query.freshness_days:
        return query.freshness_days
    return getattr(settings, "SERIES_FRESHNESS_DAYS", 180)


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
    freshness_days: int | None = None  # None: settings.SERIES_FRESHNESS_DAYS
    as_of: dt.date | None = None  # None: date_to, else today


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
    "confidence", "reliability", "credibility", "claimant_id",
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


def cumulative_rows(qs: QuerySet[Claim], *, dense: bool | None = None) -> tuple[list, int]:
    """(rows, claims): the last claim (highest id) per claimant and day of the cumulative claims
    in `qs`, as `_CUMULATIVE_COLUMNS` tuples in (claim date, id) order, and how many claims they
    stand for. Only those rows can matter: a later claim the same day replaces the earlier one,
    in the steps and in the headline's end-of-day state.

    Two ways to the same rows: dense (PostgreSQL, the default there) keeps them with DISTINCT ON
    and counts in the same pass; sparse (the default elsewhere) reads every claim and keeps them
    in Python. tracker.series_state stores exactly these rows (`SeriesEstimate`)."""
    qs = qs.filter(measure="cumulative")
    if dense is None:
        dense = connection.vendor == "postgresql"
    if dense:
        rows = list(
            qs.annotate(n=Window(Count("id")))
            .order_by("claimant_id", "claim_date", "-id")
            .distinct("claimant_id", "claim_date")
            .values_list(*_CUMULATIVE_COLUMNS, "n")
        )
        claims = rows[0][-1] if rows else 0
        return sorted((row[:-1] for row in rows), key=itemgetter(1, 0)), claims
    every = qs.order_by("claim_date", "id").values_list(*_CUMULATIVE_COLUMNS)
    last: dict[tuple, tuple] = {}
    claims = 0
    for row in every:
        last[row[-1], row[1]] = row  # id order: the day's last claim wins
        claims += 1
    return sorted(last.values(), key=itemgetter(1, 0)), claims


def _point(row: tuple, day: str) -> dict:
    """A claimant's step (and the headline sweep's point) from a `_CUMULATIVE_COLUMNS` row."""
    claim_id, _, low, best, high, qualifier, status, confidence, reliability, credibility, _ = row
    value, bound = point_value(low, best, high)
    return {
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
        "credibility": credibility,
    }


def claimant_lines(rows: list[tuple]) -> tuple[list[dict], list[tuple[dict, tuple]]]:
    """Per-claimant step lines from `cumulative_rows`, and the events the headline sweeps."""
    names = _claimant_names({row[-1] for row in rows})
    lines: dict[int | None, dict] = {}
    events: list[tuple[dict, tuple]] = []
    iso: dict = {}
    for row in rows:
        key, claim_date = row[-1], row[1]
        line = lines.get(key)
        if line is None:
            name, short_name = names.get(key, (None, None))
            line = lines[key] = {
                "claimant_id": key,
                "claimant": name or UNATTRIBUTED,
                "claimant_short": short_name or name or "Press",
                "points": [],
            }
        day = iso.get(claim_date)
        if day is None:
            day = iso[claim_date] = claim_date.isoformat()
        # `_point`, inlined: at tens of thousands of rows the per-row cost is what counts.
        claim_id, _, low, best, high, qualifier, status, confidence, reliability, credibility, _ = (
            row
        )
        if best is not None:
            value, bound = best, None
        else:
            value, bound = point_value(low, best, high)
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
            "credibility": credibility,
        }
        line["points"].append(point)  # one row per claimant and day (`cumulative_rows`)
        events.append((point, (key, line["claimant"])))
    return list(lines.values()), events


UNATTRIBUTED = "Unattributed (press report)"


def _cumulative(
    qs: QuerySet[Claim], *, window: int, as_of: dt.date, dense: bool | None = None
) -> dict:
    rows, claims = cumulative_rows(qs, dense=dense)
    lines, events = claimant_lines(rows)
    headline, band = _headline(events, window=window, as_of=as_of)
    return {
        "claimants": lines,
        "headline": headline,
        "band": band,
        "_claims": claims,  # read by `aggregate`, then removed
    }


_RANKS: dict[tuple, tuple] = {}


def trust_rank(point: dict) -> tuple:
    """How far a claim is trusted, best highest: confidence label, then reliability letter
    (A best), then credibility (1 best). The date is not part of it (see `trust_key`)."""
    grade = (point["confidence"], point["reliability"], point.get("credibility"))
    rank = _RANKS.get(grade)
    if rank is None:
        rank = _RANKS[grade] = (
            trust.CONFIDENCE_RANK.get(grade[0], 0),
            RELIABILITY_RANK.get(grade[1], 0),
            -(grade[2] or 6),
        )
    return rank


def trust_key(point: dict) -> tuple:
    """The trust order of the headline rule (one function): `trust_rank`, then the most recent
    claim date (then the later claim, so the order is total)."""
    return (*trust_rank(point), point["date"], point["claim_id"])


@functools.lru_cache(maxsize=65536)
def _shift(day: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
    except OverflowError:  # past 9999-12-31 or before 0001-01-01: the calendar's own edge
        return (dt.date.max if days > 0 else dt.date.min).isoformat()


# A claimant's latest estimate in the sweep: (trust key, point, claimant id, claimant name,
# trust rank, claim date, lowest figure, highest figure).
KEY, POINT, CLAIMANT, NAME, RANK, DATE, LOW, HIGH = range(8)


def _agreeing(top: tuple, pool) -> tuple:
    """The bound step of `HEADLINE_RULE`: if `top` (the most trusted of `pool`) is only a
    bound, the most trusted estimate of `pool` of the same or better trust that agrees with it
    (a lower bound: an estimate at or above it; an upper bound: at or below it), else `top`."""
    point = top[POINT]
    bound = point["bound"]
    if bound is None:
        return top
    rank, figure = top[RANK], point["value"]
    if bound == "lower":
        agreeing = [
            e for e in pool
            if e[POINT]["bound"] is None and e[RANK] >= rank and e[POINT]["value"] >= figure
        ]  # fmt: skip
    else:
        agreeing = [
            e for e in pool
            if e[POINT]["bound"] is None and e[RANK] >= rank and e[POINT]["value"] <= figure
        ]  # fmt: skip
    return max(agreeing, key=itemgetter(KEY)) if agreeing else top


def _entry(point: dict, key, name, day: str) -> tuple:
    """A claimant's latest estimate in the sweep (fields: KEY … HIGH below)."""
    value, low, high = point["value"], point["low"], point["high"]
    rank = _RANKS.get((point["confidence"], point["reliability"], point["credibility"]))
    if rank is None:
        rank = trust_rank(point)
    low = value if low is None else min(low, value)
    high = value if high is None else max(high, value)
    # The first item is trust_key(point), built from the cached rank.
    return ((*rank, day, point["claim_id"]), point, key, name, rank, day, low, high)


def _headline(
    events: list[tuple[dict, tuple]],
    *,
    window: int,
    as_of: dt.date | None,
    resume: tuple[str, list[tuple], dict | None] | None = None,
) -> tuple[list[dict], list[dict]]:
    """Sweep the dates (claim dates, and the days estimates go stale, up to `as_of`; with
    `as_of` None, until every estimate is stale): each
    claimant's latest estimate so far; the headline by `HEADLINE_RULE` and the band of the
    current estimates.

    Linear in claims: each claimant's estimate of a day is applied once and goes stale once
    (stale days come in claim-date order, so a second pointer walks them). The most trusted
    current estimate is kept as the sweep goes and looked for again among all claimants only
    when the one holding it is replaced or goes stale; the band reads dicts of the current
    estimates' lows and highs.

    `resume` = (day, each claimant's latest entry (`_entry`) before that day, the last headline
    step before it) continues a sweep from that day, given only the events from it on: the
    steps and band from that day on are those of a sweep from the start (tracker.series_state
    relies on it, and tests/api/test_series_state.py checks it)."""
    latest: dict[int | None, tuple] = {}  # claimant -> its latest estimate (current or not)
    lows: dict[int | None, float] = {}  # claimants with a current estimate -> its low
    highs: dict[int | None, float] = {}
    top: tuple | None = None  # the most trusted current estimate
    # The entries made each day (one per claimant), in date order, with the first day they are
    # no longer current.
    made: list[tuple[str, list[tuple]]] = []
    headline: list[dict] = []
    band: list[dict] = []
    last_day = None if as_of is None else as_of.isoformat()
    stale_after = window + 1
    if resume is not None:
        first, entries, last_step = resume
        for entry in sorted(entries, key=itemgetter(DATE)):
            latest[entry[CLAIMANT]] = entry
            expiry = _shift(entry[DATE], stale_after)
            if expiry >= first:  # still current on the first day (it goes stale that day or later)
                lows[entry[CLAIMANT]], highs[entry[CLAIMANT]] = entry[LOW], entry[HIGH]
                made.append((expiry, [entry]))
        made.sort(key=itemgetter(0))
        top = max((latest[k] for k in lows), key=itemgetter(KEY)) if lows else None
        if last_step is not None:
            headline.append(last_step)
    seeded = len(headline)
    i, j, n = 0, 0, len(events)
    while True:
        next_event = events[i][0]["date"] if i < n else None
        next_expiry = (
            made[j][0] if j < len(made) and (last_day is None or made[j][0] <= last_day) else None
        )
        if next_event is None:
            if next_expiry is None:
                break
            day = next_expiry
        else:
            day = next_event if next_expiry is None or next_event <= next_expiry else next_expiry
        # The day's claims: only each claimant's last one of the day makes an entry.
        said: dict = {}
        while i < n and events[i][0]["date"] == day:
            point, claimant = events[i]
            said[claimant[0]] = (point, claimant[1])
            i += 1
        changed = recompute = False
        if said:
            today: list[tuple] = []
            for key, (point, name) in said.items():
                entry = _entry(point, key, name, day)
                previous = latest.get(key)
                latest[key] = entry
                lows[key], highs[key] = entry[LOW], entry[HIGH]
                today.append(entry)
                if top is None or entry[0] > top[0]:
                    top = entry
                elif previous is top:
                    recompute = True
            made.append((_shift(day, stale_after), today))
            changed = True
        while j < len(made) and made[j][0] <= day:
            # Estimates go stale: each matters only if it is still its claimant's latest.
            for entry in made[j][1]:
                key = entry[2]
                if latest.get(key) is entry:
                    del lows[key], highs[key]
                    changed = True
                    if entry is top:
                        recompute = True
            j += 1
        if not changed:
            continue
        if recompute:
            top = max((latest[k] for k in lows), key=itemgetter(KEY)) if lows else None
        if top is not None:  # a current estimate holds it
            stale = False
            holder = top
            if top[POINT]["bound"] is not None:
                holder = _agreeing(top, [latest[k] for k in lows])
        else:  # nothing current: the most recent estimates (then the most trusted), stale
            stale = True
            pool = list(latest.values())
            newest = max(entry[POINT]["date"] for entry in pool)
            recent = [entry for entry in pool if entry[POINT]["date"] == newest]
            # A bound still gives way to any old estimate it agrees with (same or better trust).
            holder = _agreeing(max(recent, key=itemgetter(KEY)), pool)
        best = holder[POINT]
        last = headline[-1] if headline else None
        if (
            last is None
            or last["claim_id"] != best["claim_id"]
            or last["value"] != best["value"]
            or last["stale"] != stale
        ):
            headline.append(
                {
                    "date": day,
                    "value": best["value"],
                    "low": best["low"],
                    "high": best["high"],
                    "bound": best["bound"],
                    "claim_id": best["claim_id"],
                    "claim_date": best["date"],
                    "claimant_id": holder[CLAIMANT],
                    "claimant": holder[NAME],
                    "confidence": best["confidence"],
                    "reliability": best["reliability"],
                    "credibility": best["credibility"],
                    "status": best["status"],
                    "stale": stale,
                    "age_days": _age(best["date"], day),
                }
            )
        if lows:
            band.append(
                {
                    "date": day,
                    "min": min(lows.values()),
                    "max": max(highs.values()),
                    "claimants": len(lows),
                }
            )
        else:
            band.append({"date": day, "min": holder[LOW], "max": holder[HIGH], "claimants": 0})
    return headline[seeded:], band


def _age(claim_day: str, day: str) -> int:
    return (dt.date.fromisoformat(day) - dt.date.fromisoformat(claim_day)).days


def headline_current(series: dict) -> dict | None:
    """The headline as of the series' `as_of` date: the last step, its age on that date, whether
    it is stale, and the date its figure last changed (`changed_on`)."""
    steps = series["cumulative"]["headline"]
    if not steps:
        return None
    current = dict(steps[-1])
    as_of = max(series["as_of"], current["date"])
    current["as_of"] = as_of
    current["age_days"] = _age(current["claim_date"], as_of)
    current["stale"] = current["age_days"] > series["freshness_days"]
    k = len(steps) - 1
    while k > 0 and steps[k - 1]["value"] == current["value"]:
        k -= 1
    current["changed_on"] = steps[k]["date"]
    return current


def _increment_line(key: int | None, names: dict) -> dict:
    """An empty per-claimant line of increments."""
    name = names.get(key, (None, None))[0]
    return {"claimant_id": key, "claimant": name or "Unattributed (press report)", "points": []}


def _increment_value():
    """An increment's figure: best, else the midpoint of low–high, else the single bound (the
    same rule as `point_value`, in SQL: the sum of a NULL is NULL, so Coalesce falls through)."""
    return Coalesce("norm_best", (F("norm_low") + F("norm_high")) / 2, "norm_low", "norm_high")


def _repeats(qs: QuerySet[Claim], when_of: dict | None = None) -> set[int]:
    """Increment claims that repeat an event already counted: claims linked by `corroborates`
    (either direction, transitively) are one event, counted once, at its first report (earliest
    date, then lowest id); the others are returned. Equal dates or figures never join claims."""
    ids = qs.order_by().values("pk")
    pairs = list(
        ClaimRelation.objects.filter(
            kind=ClaimRelation.Kind.CORROBORATES, from_claim__in=ids, to_claim__in=ids
        ).values_list("from_claim_id", "to_claim_id")
    )
    if not pairs:
        return set()
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    members = list(parent)
    if when_of is None:
        when_of = dict(
            qs.filter(pk__in=members)
            .annotate(when=Coalesce("period_end", "claim_date"))
            .values_list("pk", "when")
        )
    first: dict[int, tuple] = {}
    for claim_id in members:
        group = root(claim_id)
        order = (when_of[claim_id], claim_id)
        if group not in first or order < first[group]:
            first[group] = order
    return {claim_id for claim_id in members if first[root(claim_id)][1] != claim_id}


def _combined_point(day: str, amount: float, low: float, high: float, status: str) -> dict:
    return {
        "date": day,
        "value": amount,
        "running_total": 0.0,
        "running_low": 0.0,
        "running_high": 0.0,
        "status": status,
        "_low": low,
        "_high": high,
    }


def _running(combined: list[dict]) -> float:
    """Fill the combined line's running totals (and the running low–high band of its ranges)."""
    total = low = high = 0.0
    for point in combined:
        total += point["value"]
        low += point.pop("_low")
        high += point.pop("_high")
        point["running_total"], point["running_low"], point["running_high"] = total, low, high
    return total


def _increment_claims(qs: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims of `qs` the increments sum: increment claims, less vague amounts ("millions
    of shells" is no count of an event: it adds nothing)."""
    return qs.filter(measure="increment").exclude(qualifier="vague")


def _when():
    """The day an increment counts on: its period's end, else its claim date."""
    return Coalesce("period_end", "claim_date")


def _dense_increments() -> bool:
    """Whether a series with more increment claims than MAX_POINTS sums them per claimant and
    day (`_increments_by_day`): on PostgreSQL (a test may ask it elsewhere)."""
    return connection.vendor == "postgresql"


def _increments(qs: QuerySet[Claim]) -> dict:
    """The summed increments of the series' claims `qs`: one point per claim, or one per
    claimant and day when there are more claims than MAX_POINTS (`_dense_increments`)."""
    when = _when()
    value = _increment_value()
    qs = _increment_claims(qs)
    if _dense_increments():
        found = _increments_by_day(qs, when, value)
        if found is not None:
            return found
    rows = (
        qs.annotate(when=when, value=value)
        .annotate(
            running=Window(
                Sum(value), partition_by=[F("claimant_id")], order_by=[when.asc(), F("id").asc()]
            )
        )
        .order_by("when", "id")
        .values_list("id", "when", "value", "running", "claimant_id", "status", "norm_low",
                     "norm_high")
    )  # fmt: skip
    rows = list(rows)
    names = _claimant_names({row[4] for row in rows})
    repeats = _repeats(qs, {row[0]: row[1] for row in rows})
    lines: dict[int | None, dict] = {}
    combined: list[dict] = []
    for claim_id, when_date, amount, running, key, status, low, high in rows:
        line = lines.get(key) or lines.setdefault(key, _increment_line(key, names))
        day = when_date.isoformat()
        line["points"].append(
            {
                "date": day,
                "value": amount,
                "low": low,
                "high": high,
                "running_total": running,
                "claim_id": claim_id,
                "status": status,
            }
        )
        if claim_id in repeats:  # the same event, already counted through `corroborates`
            continue
        low = amount if low is None else low
        high = amount if high is None else high
        if combined and combined[-1]["date"] == day:
            point = combined[-1]
            point["value"] += amount
            point["_low"] += low
            point["_high"] += high
            if status == "pending":
                point["status"] = "pending"
        else:
            combined.append(_combined_point(day, amount, low, high, status))
    total = _running(combined)
    return {"claimants": list(lines.values()), "combined": combined, "total": total}


# Sums of increments are exact (decimal, then rounded to a float once), so that they do not
# depend on the order the database adds the figures in: the state (tracker.series_state) adds a
# day's sums per claimant first, the claims add them all at once, and a day's sum must be the
# same. Figures are read to 15 significant digits (PostgreSQL's float8 to numeric).
EXACT = DecimalField(max_digits=38, decimal_places=12)


def exact_sum(expression, **kwargs) -> Sum:
    """SUM of `expression` in decimal (`EXACT`)."""
    return Sum(Cast(expression, EXACT), **kwargs)


def increment_sums(qs: QuerySet[Claim], repeats: set[int] | None = None) -> QuerySet:
    """Per claimant and day (`_when`) of the increment claims `qs` (`_increment_claims`): (day,
    claimant id, sum of figures, claims, last claim's id, status (Max: "pending" > "approved",
    pending if any claim is)); with `repeats`, also the claims that are not among them and their
    sums of figures, lows and highs (a figure standing in for a missing bound), the combined
    line's parts. tracker.series_state keeps these rows (`SeriesIncrement`)."""
    value = _increment_value()
    columns = {
        "amount": exact_sum(value), "n": Count("id"), "last": Max("id"), "state": Max("status")
    }  # fmt: skip
    if repeats is not None:
        counted = ~Q(pk__in=repeats) if repeats else None
        columns |= {
            "counted": Count("id", filter=counted),
            "counted_amount": exact_sum(value, filter=counted),
            "counted_low": exact_sum(Coalesce("norm_low", value), filter=counted),
            "counted_high": exact_sum(Coalesce("norm_high", value), filter=counted),
        }
    return (
        qs.annotate(when=_when())
        .order_by()
        .values("when", "claimant_id")
        .annotate(**columns)
        .order_by("when", "claimant_id")
        .values_list("when", "claimant_id", *columns)
    )


def _increments_by_day(qs: QuerySet[Claim], when, value) -> dict | None:
    """A dense series on PostgreSQL (more claims than MAX_POINTS; None otherwise): SUM per
    claimant and day in the database, and per day over the claims that are not repeats of a
    counted event (`_repeats`); the same totals as `_increments`, one point per claimant and
    day (`bucket_points` claims, the last claim's id, pending if any of them is). The claims
    are counted from the sums per claimant and day (no COUNT query of their own)."""
    rows = list(increment_sums(qs))
    claims = sum(row[3] for row in rows)
    if claims <= MAX_POINTS:
        return None
    qs = qs.annotate(when=when, value=value).order_by()
    repeats = _repeats(qs)
    counted = qs.exclude(pk__in=repeats) if repeats else qs
    days = (
        counted.values("when")
        .annotate(
            amount=exact_sum(value),
            low=exact_sum(Coalesce("norm_low", value)),
            high=exact_sum(Coalesce("norm_high", value)),
            state=Max("status"),
        )
        .order_by("when")
        .values_list("when", "amount", "low", "high", "state")
    )
    return increments_of_days(rows, list(days), claims)


def increments_of_days(rows: list[tuple], days: list[tuple], claims: int) -> dict:
    """`_increments_by_day`'s output from its sums: `rows` per claimant and day (day, claimant
    id, sum, claims, last claim's id, status), in (day, claimant id) order; `days` per day over
    the claims counted in the combined line (day, sum, sum of lows, sum of highs, status), in
    day order; `claims` in all. tracker.series_state gives the same sums from its rows."""
    names = _claimant_names({row[1] for row in rows})
    lines: dict[int | None, dict] = {}
    running: dict[int | None, float] = {}
    iso: dict = {}
    for when_date, key, amount, n, last, status in rows:
        line = lines.get(key) or lines.setdefault(key, _increment_line(key, names))
        amount = float(amount)  # an exact sum (`exact_sum`), rounded once
        running[key] = running.get(key, 0.0) + amount
        day = iso.get(when_date)
        if day is None:
            day = iso[when_date] = when_date.isoformat()
        line["points"].append(
            {
                "date": day,
                "value": amount,
                "low": None,
                "high": None,
                "running_total": running[key],
                "claim_id": last,
                "status": status,  # Max: "pending" > "approved", pending if any claim is
                "bucket_points": n,
            }
        )
    combined = [
        _combined_point(when_date.isoformat(), float(amount), float(low), float(high), status)
        for when_date, amount, low, high, status in days
    ]
    total = _running(combined)
    return {
        "claimants": list(lines.values()),
        "combined": combined,
        "total": total,
        "_claims": claims,
    }


def is_default(query: SeriesQuery, base: QuerySet[Claim] | None) -> bool:
    """Whether the series is a default public one (approved claims, no filters, every claim
    visible: `base` None), which tracker.series_state keeps up to date."""
    return (
        base is None
        and not query.include_pending
        and not query.claimant_ids
        and not query.min_confidence
        and query.date_from is None
        and query.date_to is None
        and not query.location
        and not query.weapon_system
        and not query.extra
    )


def _state(query, base, unit, window, as_of, state: bool | None, read):
    """`read` from tracker.series_state when it may answer (None otherwise). `state`: None —
    when it can; False — never; True — it must (ValueError otherwise; for tests)."""
    if state is False or unit is None or not is_default(query, base) or asof.active():
        if state:
            raise ValueError("the series state answers only the default public series")
        return None

    found = read((query.category, query.subtype, unit), window=window, as_of=as_of)
    if found is None and state:
        raise ValueError("the series state cannot answer (not built, or another window)")
    return found


def series_build(
    query: SeriesQuery,
    *,
    base: QuerySet[Claim] | None = None,
    state: bool | None = None,
    dense: bool | None = None,
) -> dict:
    """The series as plain JSON-ready data: per-claimant steps with bands, the headline (by
    `HEADLINE_RULE`) and the band of current estimates, and increments summed. `base` carries
    the caller's visibility (None: every claim).

    A default public series (`is_default`) reads its steps, headline and band from
    tracker.series_state, kept in step with every change; the same output as computing them
    from the claims (`state=False`; `dense` picks the way to the rows, see `cumulative_rows`)."""
    from tracker import series_state

    qs = series_claims(query, base)
    known = _facts(query, base, state)
    unit, units = _units(query, base, qs, state, known)
    if unit is not None:
        qs = qs.filter(norm_unit=unit)
    window = freshness_days(query)
    as_of = query.as_of or query.date_to or asof.today()
    read = functools.partial(series_state.cumulative, known=known)
    cumulative = _state(query, base, unit, window, as_of, state, read)
    if cumulative is None:
        cumulative = _cumulative(qs, window=window, as_of=as_of, dense=dense)
        increments = _increments(qs)
    else:
        increments = _state_increments(qs, (query.category, query.subtype, unit), known)
    return _finish(query, unit, units, as_of, window, cumulative, increments)


def _facts(query: SeriesQuery, base, state: bool | None):
    """`series_state.facts` of a default public series (what a read asks the state first), or
    None when the state is not asked."""
    if state is False or not is_default(query, base):
        return None
    from tracker import series_state

    return series_state.facts(query.category, query.subtype)


def _no_increments() -> dict:
    return {"claimants": [], "combined": [], "total": 0.0}  # `_increments` of no claims


def _state_increments(qs: QuerySet[Claim], key: tuple, known=None) -> dict:
    """`_increments`, with no query at all when the state counts no increment claim (`known`:
    the series' `series_state.facts`, read already); a dense series (`_increments_by_day`)
    from the state's sums per claimant and day (`series_state.increment_sums`) instead of the
    claims."""
    from tracker import series_state

    if not series_state.has_increments(key, known=known):
        return _no_increments()
    if known is None:
        return _increments(qs)
    if _dense_increments():
        parts = series_state.increment_parts(key, known=known)
        if parts is not None:
            return parts.summed()
    return series_state.increments(key, lambda: _increments(qs), known=known).summed()


def _units(query: SeriesQuery, base, qs: QuerySet[Claim], state: bool | None, known=None) -> tuple:
    """The series' unit and every unit seen: the query's, else the most used (`_main_unit`;
    a default public series reads the state's totals, `known` if read already)."""
    if query.unit is not None:
        return query.unit, [query.unit]
    if state is not False and is_default(query, base):
        from tracker import series_state

        found = series_state.units(query.category, query.subtype, known=known)
        if found is not None:
            return found
    return _main_unit(qs)


def series_headline(
    query: SeriesQuery, *, base: QuerySet[Claim] | None = None, state: bool | None = None
) -> dict:
    """What an overview card draws, shaped like `series_build`'s output: the headline steps, the
    band, `latest_headline` and `current_band`; for a default public series they come from
    tracker.series_state without building the claimant lines (which stay empty), and the
    increments are summed only when there is no headline. Any other series: `series_build`."""
    from tracker import series_state

    qs = series_claims(query, base)
    known = _facts(query, base, state)
    unit, units = _units(query, base, qs, state, known)
    window = freshness_days(query)
    as_of = query.as_of or query.date_to or asof.today()
    read = functools.partial(series_state.headline, known=known)
    cumulative = _state(query, base, unit, window, as_of, state, read)
    if cumulative is None:
        return series_build(query, base=base, state=state)
    if cumulative["headline"]:
        increments = _no_increments()  # a card with a headline draws it alone
    else:
        increments = _state_increments(
            qs.filter(norm_unit=unit), (query.category, query.subtype, unit), known
        )
    return _finish(query, unit, units, as_of, window, cumulative, increments)


def _finish(query, unit, units, as_of, window, cumulative, increments) -> dict:
    series = {
        "category": query.category,
        "subtype": query.subtype,
        "unit": unit or "",
        "units": units,
        "as_of": as_of.isoformat(),
        "freshness_days": window,
        "filters": {
            "claimant_ids": list(query.claimant_ids),
            "min_confidence": query.min_confidence,
            "include_pending": query.include_pending,
            "date_from": query.date_from.isoformat() if query.date_from else None,
            "date_to": query.date_to.isoformat() if query.date_to else None,
            "location": query.location,
            "weapon_system": query.weapon_system,
        },
        "cumulative": cumulative,
        "increments": increments,
    }
    series["latest_headline"] = headline_current(series)
    band = cumulative["band"]
    series["current_band"] = dict(band[-1]) if band else None
    series["aggregated"] = aggregate(cumulative, increments, MAX_POINTS)
    return series


def cached_series(query: SeriesQuery, *, base: QuerySet[Claim] | None = None) -> dict:
    """`series_build`, cached until its category's public claims change (tracker.cache; and
    any unreviewed claim, when it includes pending ones): the one entry point
    that the dashboard and the API share. The key is the query and the visible claims' SQL."""
    return _cached_like_series("series", query, base, lambda: series_build(query, base=base))


def cached_headline(query: SeriesQuery, *, base: QuerySet[Claim] | None = None) -> dict:
    """`series_headline`, cached like `cached_series`."""
    return _cached_like_series(
        "series-headline", query, base, lambda: series_headline(query, base=base)
    )


def cached_drawing(
    query: SeriesQuery, draw, *, base: QuerySet[Claim] | None = None, series: dict | None = None
):
    """`draw(series)` of `cached_series(query, base=base)` (a chart of the whole series, such
    as `figures.totals_drawn`), cached like the series and under the same key: kept as long as
    the series is, and built with it after a change (`series_state.prime`, which passes the
    `series` it has just built)."""
    name = f"series-drawn:{draw.__module__}.{draw.__qualname__}"

    def build():
        return draw(series if series is not None else cached_series(query, base=base))

    return _cached_like_series(name, query, base, build)


def _cached_like_series(name: str, query: SeriesQuery, base, build):
    """`build()` cached until the series' category's public claims change (and any unreviewed
    claim when it includes pending ones), keyed by the query and the visible claims' SQL."""
    from tracker.cache import cached, queryset_key

    visible = "all" if base is None else queryset_key(base)
    # Today is part of the key: estimates go stale as days pass, with no change to the data.
    key = (query, visible, asof.today())
    return cached(name, key, build, categories={query.category}, unreviewed=query.include_pending)


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


@functools.lru_cache(maxsize=8192)
def _quarter(day: str) -> str:
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3}"


BUCKETS = {
    "week": _week,
    "month": lambda day: day[:7],
    "quarter": _quarter,
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
    if any(p.get("status") == "pending" for p in group):
        point["status"] = "pending"
    return point


def reduced(points: list[dict], bucket: str, merge=_step) -> list[dict]:
    """A date-ordered list reduced to one point per `bucket` (each bucket's points merged by
    `merge`); "day" leaves it as it is."""
    if bucket == "day":
        return points
    return [merge(group) for group in _groups(points, BUCKETS[bucket])]


@dataclass
class LineBuckets:
    """A claimant's step line as `aggregate` needs it: how many points it keeps at each
    resolution, and its points reduced to the resolutions asked for so far. tracker.series_state
    caches these per claimant and revision of its estimates, so that after an approval only the
    claimant whose estimate changed is built again (the other lines are read as they were)."""

    line: dict  # the line without its points
    first: tuple[str, int]  # (date, claim id) of its first point: lines come in that order
    counts: dict[str, int]  # points kept per bucket ("day": every point)
    points: dict[str, list[dict]]  # the points reduced per bucket, for the buckets asked for

    @classmethod
    def of(cls, line: dict) -> LineBuckets:
        """A line of `claimant_lines` summarised."""
        points = line["points"]
        counts = {name: _count(points, key) for name, key in BUCKETS.items()}
        return cls(
            line={k: v for k, v in line.items() if k != "points"},
            first=(points[0]["date"], points[0]["claim_id"]),
            counts={"day": len(points), **counts},
            points={"day": points},
        )

    def daily(self) -> list[dict]:
        """The line's daily points (a subclass that keeps only reduced points loads them)."""
        return self.points["day"]

    def reduced(self, bucket: str) -> list[dict]:
        found = self.points.get(bucket)
        if found is None:
            found = self.points[bucket] = reduced(self.daily(), bucket, self.merge)
        return found

    merge = staticmethod(_step)  # how a bucket's points merge


class IncrementLineBuckets(LineBuckets):
    """A claimant's line of summed increments (one point per day: `increments_of_days`) as
    `aggregate` needs it: its points sum per bucket."""

    merge = staticmethod(_summed)


@dataclass
class IncrementBuckets:
    """The summed increments (`_increments`) as `aggregate` needs them: how many points their
    lists (each claimant's and the combined line) keep at each resolution, and the lists
    reduced to the resolutions asked for so far. tracker.series_state caches these under the
    revision of the series' increments, so that a read after an approval of a cumulative claim
    neither sums nor reduces them again."""

    lines: list[dict]  # each claimant's line without its points
    total: float
    claims: int  # the claims they stand for (`aggregate`'s count)
    counts: dict[str, int]  # points kept per bucket, all lists together ("day": every point)
    points: dict[str, tuple[list[list[dict]], list[dict]]]  # per bucket: lines' points, combined

    @classmethod
    def of(cls, increments: dict) -> IncrementBuckets:
        """`_increments`' output summarised."""
        lines = [line["points"] for line in increments["claimants"]]
        lists = [*lines, increments["combined"]]
        claims = increments.get("_claims")
        if claims is None:
            claims = sum(len(points) for points in lines)
        return cls(
            lines=[{k: v for k, v in line.items() if k != "points"}
                   for line in increments["claimants"]],
            total=increments["total"],
            claims=claims,
            counts={
                "day": sum(len(points) for points in lists),
                **{name: sum(_count(points, key) for points in lists)
                   for name, key in BUCKETS.items()},
            },
            points={"day": (lines, increments["combined"])},
        )  # fmt: skip

    def daily(self) -> tuple[list[list[dict]], list[dict]]:
        """The daily points (a subclass that keeps only reduced points sums them again)."""
        return self.points["day"]

    def reduced(self, bucket: str) -> tuple[list[list[dict]], list[dict]]:
        found = self.points.get(bucket)
        if found is None:
            lines, combined = self.daily()
            found = self.points[bucket] = (
                [reduced(points, bucket, _summed) for points in lines],
                reduced(combined, bucket, _summed),
            )
        return found

    def summed(self) -> dict:
        """What `_increments` gives, for `aggregate` to fill in (`_buckets`)."""
        return {"claimants": [], "combined": [], "total": self.total, "_buckets": self}


@dataclass
class IncrementParts:
    """The summed increments of a dense series (`increments_of_days`) in parts, with the same
    interface as `IncrementBuckets`: each claimant's line (`IncrementLineBuckets`; tracker.
    series_state caches them per claimant and revision, so that after an approval of an
    increment claim only its claimant's line is built again) and the combined line."""

    parts: list[LineBuckets]  # the claimants' lines, in their order
    combined: list[dict]  # the combined line's daily points, running totals filled
    total: float
    claims: int
    _combined: dict = field(default_factory=dict)  # bucket -> the combined line reduced

    @property
    def lines(self) -> list[dict]:
        return [part.line for part in self.parts]

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        counts = {"day": len(self.combined)}
        counts |= {name: _count(self.combined, key) for name, key in BUCKETS.items()}
        for part in self.parts:
            for name in counts:
                counts[name] += part.counts[name]
        return counts

    def reduced(self, bucket: str) -> tuple[list[list[dict]], list[dict]]:
        combined = self._combined.get(bucket)
        if combined is None:
            combined = self._combined[bucket] = reduced(self.combined, bucket, _summed)
        return [part.reduced(bucket) for part in self.parts], combined

    def summed(self) -> dict:
        """What `_increments` gives, for `aggregate` to fill in (`_buckets`)."""
        return {"claimants": [], "combined": [], "total": self.total, "_buckets": self}


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
    "claims" (claims counted)}. The claimant lines may come as `LineBuckets` in
    `cumulative["_lines"]` (tracker.series_state) instead of in `cumulative["claimants"]`: they
    count and reduce by the same functions, and are put in "claimants" in their order; the
    increments likewise as `IncrementBuckets` (`increments["_buckets"]`, with no lists yet)."""
    buckets = increments.pop("_buckets", None)
    lists = _lists(cumulative, increments)
    lines = sorted(cumulative.pop("_lines", ()), key=attrgetter("first"))
    summed = [] if buckets is None else [buckets]
    daily = sum(len(points) for points, _ in lists) + sum(line.counts["day"] for line in lines)
    daily += sum(part.counts["day"] for part in summed)
    claims = cumulative.pop("_claims", 0)
    if buckets is not None:
        claims += buckets.claims
    elif "_claims" in increments:
        claims += increments.pop("_claims")
    else:
        claims += sum(len(line["points"]) for line in increments["claimants"])
    chosen, total = "day", daily
    if daily > max_points:
        for name, key in BUCKETS.items():
            chosen, total = name, sum(_count(points, key) for points, _ in lists)
            total += sum(line.counts[name] for line in lines)
            total += sum(part.counts[name] for part in summed)
            if total <= max_points:
                break
        for points, merge in lists:
            points[:] = reduced(points, chosen, merge)
    if lines:
        cumulative["claimants"] += [{**line.line, "points": line.reduced(chosen)} for line in lines]
    if buckets is not None:
        points, combined = buckets.reduced(chosen)
        increments["claimants"] = [
            {**line, "points": found} for line, found in zip(buckets.lines, points, strict=True)
        ]
        increments["combined"] = combined
    return {
        "bucket": chosen,
        "max_points": max_points,
        "points": total,
        "points_daily": daily,
        "claims": claims,
    }
