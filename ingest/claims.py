"""The one door from ingest into claim extraction."""

from __future__ import annotations

from ingest.proposals import article_propose_claims
from tracker.models import Article


def article_extract_claims(*, article: Article) -> int:
    """Propose claims for a relevant article; returns how many claims were created or merged
    (a mention matching an existing claim becomes another source of it)."""
    return article_propose_claims(article=article)
