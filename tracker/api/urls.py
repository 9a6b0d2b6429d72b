from django.urls import URLPattern, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter, DynamicRoute

from tracker.api import changes, releases, views
from tracker.api.root import ApiRoot
from tracker.api.vocabulary import VocabularyView
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
router.include_root_view = False  # tracker.api.root lists every endpoint, not only these
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("claimants", views.ClaimantViewSet, basename="claimant")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("weapon-systems", views.WeaponSystemViewSet, basename="weapon-system")
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
    path("", ApiRoot.as_view(), name="api-root"),
    path("vocabulary/", VocabularyView.as_view(), name="vocabulary"),
    path(
        "series/",
        cached_response(api_category, api=True)(views.SeriesView.as_view()),
        name="series",
    ),
    path("series/changes/", views.HeadlineChangeList.as_view(), name="series-changes"),
    path("changes/", changes.PublicChangeList.as_view(), name="changes"),
    path("releases/", releases.ReleaseList.as_view(), name="releases"),
    path("export.jsonl", views.ExportView.as_view(), name="export"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *_cached(router.urls),
]
