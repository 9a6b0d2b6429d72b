"""Reads that several callers share: visibility rules live here and nowhere else."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tracker.models import Claim, Claimant, WeaponSystem


def user_sees_unreviewed(user) -> bool:
    """Editors (who may review claims) see pending and rejected claims; everyone else does not."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("tracker.review_claim")
    )


def claims_visible_to(user, *, include_unreviewed: bool = True) -> QuerySet[Claim]:
    """Claims `user` may see: approved only for anonymous users and analysts; all for editors
    (unless include_unreviewed is off)."""
    qs = Claim.objects.select_related("claimant")
    if include_unreviewed and user_sees_unreviewed(user):
        return qs
    return qs.filter(status=Claim.Status.APPROVED)


def weapon_systems_counted(user) -> QuerySet[WeaponSystem]:
    """The weapon-system registry, each with `claim_count`: the claims naming it that `user`
    may see (approved ones for the public)."""
    seen = Q() if user_sees_unreviewed(user) else Q(claims__status=Claim.Status.APPROVED)
    return WeaponSystem.objects.annotate(claim_count=Count("claims", filter=seen, distinct=True))


def claimants_in_registry() -> QuerySet[Claimant]:
    """The registry's claimants (migration 0006_claimant_registry), by country then name."""
    return Claimant.objects.filter(registry=True).order_by("country", "name")


def claims_pending_count(user) -> int | None:
    """How many claims wait for review, for an editor (None for anyone who may not review)."""
    if not user_sees_unreviewed(user):
        return None
    return Claim.objects.filter(status=Claim.Status.PENDING).count()


_RELEVANCE_TOPICS = {
    "north_korea": "North Korea",
    "russia_ukraine": "Russia or Ukraine",
    "korean_border": "the inter-Korean border",
    "military_terms": "military terms",
}


def article_relevance_summary(article, *, figures: int | None = None) -> str:
    """The relevance verdict as a sentence: "Relevant (score 0.9): mentions North Korea, Russia
    or Ukraine and military terms; 3 figures proposed." """
    reasons = [r for r in (article.relevance_reasons or []) if isinstance(r, dict)]
    topics = [_RELEVANCE_TOPICS[r["rule"]] for r in reasons if r.get("rule") in _RELEVANCE_TOPICS]
    missing = next(
        (
            (r.get("evidence") or {}).get("missing", "")
            for r in reasons
            if r.get("rule") == "verdict"
        ),
        "",
    )
    if article.relevance is None and not reasons:
        verdict = "Not checked for relevance yet"
    elif missing:
        verdict = f"Not relevant: {missing}"
    else:
        verdict = "Relevant"
    if article.relevance is not None:
        verdict += f" (score {article.relevance:g})"
    parts = [verdict]
    if topics:
        listed = topics[0] if len(topics) == 1 else ", ".join(topics[:-1]) + " and " + topics[-1]
        parts.append(f"mentions {listed}")
    sentence = ": ".join(parts[:2]) if len(parts) > 1 and not missing else "; ".join(parts)
    if figures is not None:
        sentence += f"; {figures} claim{'s' if figures != 1 else ''} proposed"
    return sentence + "."
