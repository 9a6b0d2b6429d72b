"""Reading the charts a page carries, and checking that no text in them is live markup."""

from __future__ import annotations

import json
import re

# The only markup our figure code writes itself; anything else came from data, unescaped.
OUR_TAGS = {"<b>", "</b>", "<br>", "<i>", "</i>", "<extra>", "</extra>"}
_TAG = re.compile(r"<[^<>]*>")
_SCRIPT = re.compile(
    r'<script id="([\w-]+-data)" type="application/json">(.*?)</script>', re.DOTALL
)


def page_figures(html: str) -> dict[str, dict]:
    """Every figure a page carries as json_script data, by its element id."""
    return {m.group(1): json.loads(m.group(2)) for m in _SCRIPT.finditer(html)}


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from strings_in(key)
            yield from strings_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from strings_in(child)


def markup_problems(figure: dict) -> list[str]:
    """Strings in a figure that carry a tag we did not write, or an entity plotly would show
    as is (&quot; reads as '&quot;' in a chart)."""
    problems = []
    for text in strings_in(figure):
        foreign = [t for t in _TAG.findall(text) if t not in OUR_TAGS]
        if foreign or "&quot;" in text or "&#x27;" in text:
            problems.append(text[:200])
    return problems
