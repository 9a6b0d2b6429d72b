"""A naive figure finder for comparison: every digit group near a keyword, no rules.

Used only by bench/extract.py to show what the rule-based extractor costs and buys.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_KEYWORDS = {
    "casualties": re.compile(r"killed|wounded|injured|casualties|captured|dead", re.I),
    "troop_deployment": re.compile(r"troops|soldiers|deployed", re.I),
    "arms_transfer": re.compile(r"shells|missiles|rockets|containers|drones|artillery", re.I),
    "border_activity": re.compile(r"balloons|border|fence|loudspeaker", re.I),
}


def naive_mentions(text: str) -> list[dict]:
    """One mention per number, category from the first keyword within 60 characters."""
    out = []
    for m in _NUMBER.finditer(text):
        window = text[max(0, m.start() - 60) : m.end() + 60]
        category = next((c for c, rx in _KEYWORDS.items() if rx.search(window)), None)
        if category is None:
            continue
        value = float(m.group(0).replace(",", "") or 0)
        out.append(
            {
                "category": category,
                "best": value,
                "quote_start": m.start(),
                "quote_end": m.end(),
                "quote": m.group(0),
                "rule": "baseline",
            }
        )
    return out
