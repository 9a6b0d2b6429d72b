"""The one door from ingest into claim extraction."""

from __future__ import annotations

from django.conf import settings

from ingest.extract.budget import Budget
from ingest.proposals import article_propose_claims
from tracker.models import Article
from tracker.rows import row_update


def extraction_budget() -> Budget:
    """What one article may cost the extractor (settings EXTRACT_TIME_BUDGET_SECONDS,
    EXTRACT_MAX_CHARS), started now."""
    return Budget(
        seconds=settings.EXTRACT_TIME_BUDGET_SECONDS, max_chars=settings.EXTRACT_MAX_CHARS
    ).start()


def article_extract_claims(*, article: Article) -> int:
    """Propose claims for a relevant article; returns how many claims were created or merged
    (a mention matching an existing claim becomes another source of it). Extraction is
    bounded: when it had to stop early, the claims found so far stay proposed and the article
    is marked too long, for an editor to read by hand."""
    budget = extraction_budget()
    changed = article_propose_claims(article=article, budget=budget)
    if budget.exceeded:
        article.status = Article.Status.TOO_LONG
        article.error = budget.summary()[:2000]
        row_update(article, ["status", "error", "updated_at"])  # article.save(update_fields=…)
    return changed
