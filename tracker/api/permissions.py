"""Who may do what through the API. Reads are open (visibility is tracker.selectors'); writes
follow Django model permissions, so the Editors group grants them and Analysts cannot write."""

from __future__ import annotations

from rest_framework import permissions

from tracker.selectors import user_sees_unreviewed


class ModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model's add/change permission (401/403 otherwise)."""

    def has_permission(self, request, view) -> bool:
        # A read needs no model permission (perms_map: none for safe methods), so the view's
        # queryset is not built just to name its model.
        if request.method in permissions.SAFE_METHODS and request.user:
            return True
        return super().has_permission(request, view)


class CanReviewClaims(permissions.BasePermission):
    """Approving and rejecting claims, and full dumps: editors only (tracker.review_claim)."""

    message = "Only editors (permission tracker.review_claim) may do this."

    def has_permission(self, request, view) -> bool:
        return user_sees_unreviewed(request.user)


class CanSubmitArticles(permissions.BasePermission):
    message = "Submitting articles needs the permission tracker.add_article."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("tracker.add_article"))
