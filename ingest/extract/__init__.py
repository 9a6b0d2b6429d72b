"""Rule-based claim extraction (pure Python, no Django).

from ingest.extract import extract_mentions, parse_text_file
headers, body = parse_text_file(raw)
mentions = extract_mentions(body, published=headers.get("published"), aliases=None)
"""

from .claimants import DEFAULT_ALIASES, ClaimantResolver
from .pipeline import Mention, extract_mentions
from .text import body_offset, parse_text_file

__all__ = [
    "DEFAULT_ALIASES",
    "ClaimantResolver",
    "Mention",
    "body_offset",
    "extract_mentions",
    "extract_file",
    "parse_text_file",
]


def extract_file(raw: str, *, aliases=None) -> list[Mention]:
    """Mentions of a file in the eval text format, with offsets into the whole file."""
    headers, body = parse_text_file(raw)
    shift = body_offset(raw, body)
    mentions = extract_mentions(body, published=headers.get("published"), aliases=aliases)
    title_at, line_start, line_end = _repeated_title(raw, headers, body)
    for m in mentions:
        if title_at is not None and line_start <= m.quote_start and m.quote_end <= line_end:
            # the page repeats its headline as the first body line: cite the headline itself
            m.quote_start += title_at - line_start
            m.quote_end += title_at - line_start
            m.rule += "; quote in the headline"
        else:
            m.quote_start += shift
            m.quote_end += shift
    return mentions


def _repeated_title(raw: str, headers: dict[str, str], body: str) -> tuple[int | None, int, int]:
    """Where the title sits in `raw`, when the body's first line repeats it verbatim."""
    title = headers.get("title", "")
    stripped = body.lstrip()
    first = stripped.split("\n", 1)[0].strip()
    if not title or first != title:
        return None, 0, 0
    line_start = len(body) - len(stripped)
    at = raw.find(title)
    return (at if at >= 0 else None), line_start, line_start + len(first)
