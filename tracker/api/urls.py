from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter, DynamicRoute

from tracker.api import views
from tracker.httpcache import api_category, cached_response, every_category


class Router(DefaultRouter):
    """Lists and details end with a slash (/claims/, /claims/7/); actions do not
    (/claims/7/approve, /articles/ingest), as the API was specified."""

    root_renderers = [JSONRenderer]
    routes = [
        route._replace(url=route.url.replace("{url_path}{trailing_slash}$", "{url_path}$"))
        if isinstance(route, DynamicRoute)
        else route
        for route in DefaultRouter.routes
    ]


app_name = "api"
router = Router()
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("claimants", views.ClaimantViewSet, basename="claimant")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("relations", views.ClaimRelationViewSet, basename="relation")


def _cached(patterns):
    """The claims list and detail answer from their finished bytes until the claims they show
    change (tracker.httpcache); writes pass through."""
    depends = {"claim-list": api_category, "claim-detail": every_category}
    return [
        URLPattern(p.pattern, cached_response(depends[p.name], api=True)(p.callback), None, p.name)
        if getattr(p, "name", None) in depends
        else p
        for p in patterns
    ]


urlpatterns = [
    path(
        "series/",
        cached_response(api_category, api=True)(views.SeriesView.as_view()),
        name="series",
    ),
    path("series/changes/", views.HeadlineChangeList.as_view(), name="series-changes"),
    path("export.jsonl", views.ExportView.as_view(), name="export"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *_cached(router.urls),
]
