"""Charts in words: one sentence that says what a chart shows — the headline, its range, the
latest change and the as-of date — for screen readers, phones and anyone who cannot hover. The
dashboard renders it under each chart and as the accessible name of each overview sparkline.

Plain text: templates escape it (claimant names and weapon systems come from the database)."""

from __future__ import annotations

import datetime as dt

from tracker import vocab
from tracker.figures import series_title


def _num(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.1f}".removesuffix(".0") + " million"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _day(value: str | dt.date) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def _unit(series: dict) -> str:
    unit = series.get("unit") or ""
    return vocab.UNITS.get(unit, unit)


def _bounded(value: float, bound: str | None) -> str:
    return {"lower": "at least ", "upper": "up to "}.get(bound or "", "") + _num(value)


def _headline_changes(steps: list[dict]) -> list[dict]:
    """The headline steps where the figure (or its bound) changed, oldest first."""
    changes: list[dict] = []
    for step in steps:
        if not changes or (step["value"], step["bound"]) != (
            changes[-1]["value"],
            changes[-1]["bound"],
        ):
            changes.append(step)
    return changes


def _latest_change(steps: list[dict]) -> str:
    changes = _headline_changes(steps)
    if len(changes) < 2:
        return f"first given on {_day(changes[-1]['claim_date'])}" if changes else ""
    before, now = changes[-2], changes[-1]
    delta = now["value"] - before["value"]
    way = "up" if delta > 0 else "down" if delta < 0 else "unchanged at"
    amount = _num(abs(delta)) if delta else _num(now["value"])
    return f"{way} {amount} since {_day(before['claim_date'])}"


def _cumulative_summary(series: dict, title: str, unit: str) -> str:
    latest = series["latest_headline"]
    cumulative = series["cumulative"]
    shorts = {line["claimant_id"]: line.get("claimant_short") for line in cumulative["claimants"]}
    who = shorts.get(latest["claimant_id"]) or latest["claimant"] or "a press report"
    band = series.get("current_band")
    if band and band["claimants"] > 1 and band["min"] != band["max"]:
        low, high, count = _num(band["min"]), _num(band["max"]), band["claimants"]
        spread = f" (range {low}–{high} from {count} claimants)"
    elif latest["low"] is not None and latest["high"] is not None:
        spread = f" (range {_num(latest['low'])}–{_num(latest['high'])})"
    else:
        spread = ""
    pending = " (pending review)" if latest.get("status") == "pending" else ""
    text = (
        f"{title}: {_bounded(latest['value'], latest['bound'])}{f' {unit}' if unit else ''}{spread}"
        f" according to {who}{pending} as of {_day(latest['claim_date'])}"
    )
    change = _latest_change(cumulative["headline"])
    if change:
        text += f"; {change}"
    if latest.get("stale"):
        text += (
            f". This estimate is {latest['age_days']} days old: no claimant has a figure from"
            f" the last {series['freshness_days']} days"
        )
    return text + "."


def _increments_summary(series: dict, title: str, unit: str) -> str:
    events = series["increments"]["combined"]
    first, last = events[0], events[-1]
    total = _num(series["increments"]["total"])
    low, high = last.get("running_low"), last.get("running_high")
    spread = f" (range {_num(low)}–{_num(high)})" if low is not None and low != high else ""
    count = f"{len(events)} dated report{'s' if len(events) != 1 else ''}"
    return (
        f"{title}: {total}{f' {unit}' if unit else ''} summed{spread} over {count} from"
        f" {_day(first['date'])} to {_day(last['date'])}; the latest, on {_day(last['date'])},"
        f" added {_num(last['value'])}."
    )


def series_summary(series: dict) -> str:
    """One sentence for a series (tracker.series JSON): the headline with its claimant, range,
    as-of date and latest change; or, for a series of one-off events, their sum; or that there
    is no figure."""
    title = series_title(series)
    unit = _unit(series)
    if series.get("latest_headline"):
        return _cumulative_summary(series, title, unit)
    if series["increments"]["combined"]:
        return _increments_summary(series, title, unit)
    return f"{title}: no figures under these filters."


def claims_summary(rows: list[dict], *, what: str) -> str:
    """One sentence for a chart of single claims (timeline, weapon systems): how many, over
    which dates, and the latest one. `rows`: oldest first, as tracker.dashboard builds them."""
    if not rows:
        return f"{what}: no claims with figures under these filters."
    first, last = rows[0], rows[-1]
    count = f"{len(rows):,} claim{'s' if len(rows) != 1 else ''}"
    label = vocab.SUBTYPES.get(last.get("category", ""), {}).get(last["subtype"])
    latest = f"{label}: {last['figure']}" if label else last["figure"]
    if last.get("weapon_system"):
        latest += f" ({last['weapon_system']})"
    return (
        f"{what}: {count} from {_day(first['claim_date'])} to {_day(last['claim_date'])}; the"
        f" latest is {latest} according to {last['claimant']} on {_day(last['claim_date'])}."
    )


def places_summary(places: list[dict], flows: list[dict], *, what: str) -> str:
    """One sentence for a map (tracker.maps): how many places and claims, the busiest place,
    and how many arms routes. `places`: busiest first, as tracker.maps.place_rows gives them."""
    if not places:
        return f"{what}: no claims with a place under these filters."
    claims = sum(p["claims"] for p in places)
    top = places[0]
    text = (
        f"{what}: {claims:,} claim{'s' if claims != 1 else ''} at {len(places):,} "
        f"place{'s' if len(places) != 1 else ''}; the most at {top['name']} "
        f"({top['claims']:,}, latest on {_day(top['latest'])})"
    )
    if flows:
        text += f"; {len(flows):,} arms route{'s' if len(flows) != 1 else ''} drawn"
    return text + "."


def systems_summary(table: list[dict]) -> str:
    """One sentence for the claims-per-system chart: how many systems, the most named, and
    that claims are counted, not items. `table`: tracker.dashboard.weapon_table's rows."""
    if not table:
        return "Weapon systems: no arms-transfer claim names a system under these filters."
    top = max(table, key=lambda row: row["claims"])
    return (
        f"Weapon systems: {len(table):,} named by arms-transfer claims; the most often "
        f"{top['name']} ({top['claims']:,} claim{'s' if top['claims'] != 1 else ''}). Claims "
        "are counted, not items."
    )
