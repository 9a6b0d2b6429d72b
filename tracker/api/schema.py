"""The OpenAPI schema's view of authentication: reads anyone may make carry no security
requirement, so the Swagger UI shows them without a lock; a token or session still shows
editors more (said in the descriptions)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request


def anonymous_may(view, method: str) -> bool:
    """Whether the view's permissions let an anonymous caller make a `method` request."""
    django_request = HttpRequest()
    django_request.method = method
    request = Request(django_request)
    request.user = AnonymousUser()
    try:
        return all(p.has_permission(request, view) for p in view.get_permissions())
    except Exception:  # a permission that needs more than the schema's mock request
        return False


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self):
        auths = super().get_auth()  # also registers the security schemes for the docs
        if self.method.upper() in SAFE_METHODS and anonymous_may(self.view, self.method.upper()):
            return []
        return auths
