"""Main-text extraction: title, author, publication date and the article's text, from HTML
(trafilatura) or from plain text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import trafilatura

_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\u00a0]+")


class Unparseable(ValueError):
    """No main text could be found."""


@dataclass
class MainText:
    text: str
    title: str = ""
    author: str = ""
    published: dt.date | None = None
    language: str = ""


def looks_like_html(raw: str) -> bool:
    head = raw.lstrip()[:512].lower()
    return head.startswith("<") or "<html" in head or "<body" in head


def tidy(text: str) -> str:
    """Collapse runs of spaces, keep paragraphs apart by one blank line."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def main_text_from_html(html: str, *, url: str | None = None) -> MainText:
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = tidy(getattr(document, "text", None) or "") if document is not None else ""
    if not text:
        raise Unparseable("no main text found in the HTML")
    return MainText(
        text=text,
        title=(document.title or "").strip(),
        author=(document.author or "").strip(),
        published=_date(document.date),
        language=(document.language or "")[:10],
    )


def main_text(raw: str, *, url: str | None = None) -> MainText:
    """The main text of a fetched or submitted body, HTML or plain text."""
    if looks_like_html(raw):
        return main_text_from_html(raw, url=url)
    text = tidy(raw)
    if not text:
        raise Unparseable("the text is empty")
    return MainText(text=text)
