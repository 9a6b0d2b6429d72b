"""Full-text search over claims: their source quotes, article titles and summaries.

One function for every caller: PostgreSQL full-text search (websearch syntax, English
stemming) when the database is PostgreSQL, a case-insensitive substring match on SQLite.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from tracker.models import Claim, ClaimSource

SEARCH_CONFIG = "english"


def claims_matching(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """`claims` narrowed to those whose quotes, article titles or summary match `text`."""
    text = text.strip()
    if not text:
        return claims
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        sources = (
            ClaimSource.objects.filter(claim=OuterRef("pk"))
            .annotate(document=SearchVector("quote", "article__title", config=SEARCH_CONFIG))
            .filter(document=query)
        )
        own = Claim.objects.annotate(document=SearchVector("summary", config=SEARCH_CONFIG)).filter(
            pk=OuterRef("pk"), document=query
        )
        return claims.filter(Exists(sources) | Exists(own))
    sources = ClaimSource.objects.filter(claim=OuterRef("pk")).filter(
        Q(quote__icontains=text) | Q(article__title__icontains=text)
    )
    return claims.filter(Exists(sources) | Q(summary__icontains=text))
