"""Plain-text article files: a header of `key: value` lines (url, outlet, published, title),
a blank line, then the body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

HEADER_KEYS = {"url", "outlet", "published", "title"}


@dataclass
class TextFile:
    body: str
    url: str = ""
    outlet: str = ""
    published: dt.date | None = None
    title: str = ""


def parse_text_file(content: str) -> TextFile:
    """Split the header from the body; a file without a header is all body."""
    lines = content.replace("\r\n", "\n").split("\n")
    header: dict[str, str] = {}
    index = 0
    while index < len(lines):
        key, sep, value = lines[index].partition(":")
        if not sep or key.strip().lower() not in HEADER_KEYS:
            break
        header[key.strip().lower()] = value.strip()
        index += 1
    return _build(header, "\n".join(lines[index:]))


def _build(header: dict[str, str], body: str) -> TextFile:
    published = None
    if header.get("published"):
        try:
            published = dt.date.fromisoformat(header["published"][:10])
        except ValueError:
            published = None
    return TextFile(
        body=body.strip(),
        url=header.get("url", ""),
        outlet=header.get("outlet", ""),
        published=published,
        title=header.get("title", ""),
    )
