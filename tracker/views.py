"""Dashboard pages. Thin: they call selectors and render."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from tracker import trust
from tracker.models import Article, Claimant, ClaimSource
from tracker.selectors import claims_visible_to


def _with_sources(qs):
    return qs.prefetch_related(
        Prefetch("sources", queryset=ClaimSource.objects.select_related("article__outlet"))
    )


def overview(request):
    latest = _with_sources(claims_visible_to(request.user, include_unreviewed=False))[:20]
    return render(request, "tracker/overview.html", {"latest": latest})


def claim_detail(request, pk: int):
    claim = get_object_or_404(_with_sources(claims_visible_to(request.user)), pk=pk)
    return render(
        request,
        "tracker/claim_detail.html",
        {
            "claim": claim,
            "reliability_text": trust.RELIABILITY.get(claim.reliability, ""),
            "credibility_text": trust.CREDIBILITY.get(claim.credibility, ""),
            "confidence_rules": trust.CONFIDENCE_RULES,
        },
    )


def claimant_detail(request, pk: int):
    claimant = get_object_or_404(Claimant, pk=pk)
    claims = _with_sources(claims_visible_to(request.user).filter(claimant=claimant))[:200]
    return render(request, "tracker/claimant_detail.html", {"claimant": claimant, "claims": claims})


def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    claims = claims_visible_to(request.user).filter(sources__article=article).distinct()
    return render(request, "tracker/article_detail.html", {"article": article, "claims": claims})
