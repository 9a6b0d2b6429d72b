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
    for m in mentions:
        m.quote_start += shift
        m.quote_end += shift
    return mentions
