"""Main-text extraction: title, author, publication date and the article's text, from HTML
(trafilatura) or from plain text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser

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


_HTML_ELEMENTS = frozenset(
    "html head body title meta link script style p div span a b i em strong br hr img ul ol li "
    "table tr td th thead tbody h1 h2 h3 h4 h5 h6 article section header footer nav main "
    "aside figure figcaption blockquote pre code time small sup sub form input button".split()
)
_SNIFF_CHARS = 65_536


class _TagCounter(HTMLParser):
    """Counts start and end tags of real HTML elements; everything else is text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.starts = self.ends = 0

    def handle_starttag(self, tag, attrs):
        self.starts += tag in _HTML_ELEMENTS

    def handle_startendtag(self, tag, attrs):
        self.starts += tag in _HTML_ELEMENTS

    def handle_endtag(self, tag):
        self.ends += tag in _HTML_ELEMENTS


def looks_like_html(raw: str) -> bool:
    """Is this body HTML? A document that opens as one (doctype, <html>), or text in which a
    parser finds real element tags: a closing tag, or several opening ones. A pasted text that
    mentions "<body of evidence>" or "5 < 7" stays text."""
    head = raw.lstrip("\ufeff \t\r\n")[:_SNIFF_CHARS]
    opening = head[:64].lower()
    if opening.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    counter = _TagCounter()
    try:
        counter.feed(head)
        counter.close()
    except (AssertionError, ValueError):  # markup the parser gives up on is not a page
        return False
    return counter.ends >= 1 or counter.starts >= 3


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
