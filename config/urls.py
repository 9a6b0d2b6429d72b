from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from tracker.api.changes import PublicChangesFeed
from tracker.api.feeds import ApprovedClaimsFeed

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("tracker.api.urls")),
    # Split view: the init script is a separate file, so the page runs under our CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="api-docs"),
    path("feeds/claims.atom", ApprovedClaimsFeed(), name="feed-claims"),
    path("feeds/changes.atom", PublicChangesFeed(), name="feed-changes"),
    path("", include("tracker.urls")),
]
