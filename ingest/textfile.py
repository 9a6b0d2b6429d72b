"""Plain-text article files: a header of `key: value` lines (url, outlet, published, title),
a blank line, then the body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ingest.extract.text import parse_text_file as split_header


@dataclass
class TextFile:
    body: str
    url: str = ""
    outlet: str = ""
    published: dt.date | None = None
    title: str = ""


def parse_text_file(content: str) -> TextFile:
    """Split the header from the body (the extractor's parser: one reading of the format); a
    file without a header is all body."""
    header, body = split_header(content.replace("\r\n", "\n"))
    return _build(header, body)


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
