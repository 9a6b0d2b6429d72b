"""How a demo claim is written down: one call per claim, defaults for the common case."""

from __future__ import annotations


def claim(
    key: str,
    article: str,
    quote: str,
    kind: str,
    claimant: str | None,
    date: str,
    *,
    low: float | None = None,
    best: float | None = None,
    high: float | None = None,
    q: str = "none",
    unit: str = "",
    measure: str = "cumulative",
    cred: int = 2,
    rel: str | None = None,
    status: str = "approved",
    origin: str = "extracted",
    period: tuple[str, str] | None = None,
    also: list[tuple[str, str]] = (),
    location: str = "",
    weapon: str = "",
    summary: str = "",
    notes: str = "",
) -> dict:
    """A demo claim: `kind` is "category.subtype"; `also` adds (article, quote) sources of the
    same claim printed elsewhere; `rel` overrides the claimant's default reliability."""
    category, subtype = kind.split(".")
    return {
        "key": key,
        "sources": [(article, quote), *also],
        "claimant": claimant,
        "rel": rel,
        "fields": {
            "category": category,
            "subtype": subtype,
            "low": low,
            "best": best,
            "high": high,
            "qualifier": q,
            "unit": unit,
            "measure": measure,
            "claim_date": date,
            "period_start": period[0] if period else None,
            "period_end": period[1] if period else None,
            "location": location,
            "weapon_system": weapon,
            "summary": summary,
            "notes": notes,
            "credibility": cred,
            "status": status,
            "origin": origin,
        },
    }
