"""The one door from ingest into claim extraction."""

from __future__ import annotations

from tracker.models import Article


def article_extract_claims(*, article: Article) -> int:
    """Propose claims for a relevant article; returns how many claims were created or merged.
    Filled in by the extraction issue."""
    return 0
