"""Reads that several callers share: visibility rules live here and nowhere else."""

from __future__ import annotations

from django.db.models import QuerySet

from tracker.models import Claim


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
