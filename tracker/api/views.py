"""API views: thin. Visibility comes from tracker.selectors, series from tracker.series, writes
from tracker.services; nothing here re-implements a rule."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker import asof, csvexport, services
from tracker.api import fast, filter_params, filters, ingest_adapter, shapes
from tracker.api import serializers as api
from tracker.api.pagination import Pagination
from tracker.api.permissions import (
    CanReviewClaims,
    CanSubmitArticles,
    ModelPermissionsOrReadOnly,
)
from tracker.api.renderers import ClaimCSVRenderer, JSONLinesRenderer, SeriesJSONRenderer
from tracker.api.series_schema import SeriesSerializer
from tracker.api.throttling import CountedByCache
from tracker.exchange import dump_lines
from tracker.headlines import headline_changes_visible_to
from tracker.models import Article, Claimant, ClaimRelation, ClaimSource, Outlet, WeaponSystem
from tracker.selectors import claims_visible_to, user_sees_unreviewed, weapon_systems_counted
from tracker.series import cached_series


class ApiMixin:
    renderer_classes = [JSONRenderer]
    pagination_class = Pagination
    filter_backends = [filters.StrictFilterBackend]
    permission_classes = [ModelPermissionsOrReadOnly]
    lookup_value_regex = r"\d+"


def _claims_with_sources(claims):
    return claims.select_related("place", "origin_place").prefetch_related(
        Prefetch("sources", queryset=ClaimSource.objects.select_related("article__outlet")),
        Prefetch("weapon_systems", queryset=WeaponSystem.objects.order_by("name")),
    )


_ERRORS = {400: OpenApiResponse(description="Validation errors, per field.")}
_FOUR_EYES = OpenApiResponse(description="Four eyes: another editor must approve this claim.")


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description="Approved claims for anonymous callers and analysts; editors see all. "
        "Add ?format=csv for a CSV of every matching claim: the same file as the dashboard's "
        "/claims.csv (one row per claim, sources joined with ' | '; columns in docs/api.md).",
        parameters=[*filter_params.alias_parameters(), filter_params.AS_OF],
    ),
    retrieve=extend_schema(summary="One claim with its sources", parameters=[filter_params.AS_OF]),
    create=extend_schema(
        summary="Create a claim (editors)",
        request=api.ClaimWriteSerializer,
        responses={201: api.ClaimSerializer, **_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a claim's fields (editors)",
        request=api.ClaimWriteSerializer,
        responses={200: api.ClaimSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a claim's fields (editors)",
        request=api.ClaimWriteSerializer,
        responses={200: api.ClaimSerializer, **_ERRORS},
    ),
)
class ClaimViewSet(
    CountedByCache,
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = filters.ClaimFilter

    def get_queryset(self):
        return _claims_with_sources(claims_visible_to(self.request.user))

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return api.ClaimWriteSerializer
        if self.action == "approve":
            return api.ApproveSerializer
        if self.action == "reject":
            return api.RejectSerializer
        return api.ClaimSerializer

    def get_renderers(self):
        if getattr(self, "action", None) == "list":
            return [JSONRenderer(), ClaimCSVRenderer()]
        return super().get_renderers()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            claims = self.filter_queryset(self.get_queryset())
            return csvexport.claims_csv_response(request=request, claims=claims)
        if not self._fast_json():
            return super().list(request, *args, **kwargs)
        # Rows, not model instances: the same JSON as ClaimSerializer (tracker.api.fast), by a
        # statement compiled once when the filters are of a common shape (tracker.api.shapes).
        claims = shapes.claim_rows(request, self._fast_filtered)
        if claims is None:
            claims = fast.ClaimRows(self._fast_filtered())
        rows = self.paginate_queryset(claims)
        if rows is None:
            return self._json(fast.claim_dicts(list(claims.rows)))
        return self._json(self.paginator.page_data(claims.dicts(rows)))

    def retrieve(self, request, *args, **kwargs):
        if not self._fast_json():
            return super().retrieve(request, *args, **kwargs)
        # As get_object: the list's filters apply, then the id; 404 when not visible.
        pk = self.kwargs["pk"]
        if self._unfiltered() and not asof.active() and not user_sees_unreviewed(request.user):
            claim = fast.public_claim_detail(pk)  # the common case, by SQL compiled once
        else:
            try:
                claim = fast.claim_detail(self._fast_filtered(), pk)
            except (TypeError, ValueError, DjangoValidationError):
                claim = None
        if claim is None:
            raise Http404
        return self._json(claim)

    def _fast_json(self) -> bool:
        """Plain JSON (no indent asked for in the Accept header) takes the fast path."""
        request = self.request
        return (
            type(request.accepted_renderer) is JSONRenderer
            and "indent" not in request.accepted_media_type
        )

    def _fast_filtered(self):
        """The claims the caller sees, through the list's filters; with no filter parameter
        at all the filters are a no-op, so the filter set (and its form) is not built."""
        claims = claims_visible_to(self.request.user)
        if self._unfiltered():
            return claims
        return self.filter_queryset(claims)

    def _unfiltered(self) -> bool:
        return set(self.request.query_params) <= {"page", "page_size", "format"}

    @staticmethod
    def _json(data) -> HttpResponse:
        return HttpResponse(fast.dumps(data), content_type="application/json")

    @extend_schema(
        summary="Approve a claim (editors)",
        description="Four eyes (REVIEW_FOUR_EYES, on by default): an editor who entered or "
        "changed the claim by hand cannot approve it (403); a superuser may, with "
        "override_note. A claim still graded credibility 6 needs confirm_ungraded=true (400).",
        request=api.ApproveSerializer,
        responses={200: api.ClaimSerializer, **_ERRORS, 403: _FOUR_EYES},
    )
    @action(detail=True, methods=["post"], permission_classes=[CanReviewClaims])
    def approve(self, request, pk=None):
        body = api.ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            claim = services.claim_approve(
                claim=self.get_object(),
                reviewer=request.user,
                grade_confirmed=body.validated_data["confirm_ungraded"],
                override_note=body.validated_data.get("override_note", ""),
            )
        except DjangoValidationError as exc:
            raise api._as_drf_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(api.ClaimSerializer(claim, context={"request": request}).data)

    @extend_schema(
        summary="Reject a claim with a reason (editors)",
        request=api.RejectSerializer,
        responses={200: api.ClaimSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[CanReviewClaims])
    def reject(self, request, pk=None):
        body = api.RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            claim = services.claim_reject(
                claim=self.get_object(), reviewer=request.user, reason=body.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            raise api._as_drf_error(exc) from exc
        return Response(api.ClaimSerializer(claim, context={"request": request}).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="One claimant with its record",
        description="The claimant and its record over approved claims: claims and figures, "
        "first and latest claim dates, counts by confidence and grade, and how many of its "
        "figures another claimant later corroborated or contradicted (tracker.claimants).",
    )
)
class ClaimantViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Claimant.objects.prefetch_related("aliases").order_by("name", "id")
    serializer_class = api.ClaimantSerializer
    filterset_class = filters.ClaimantFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api.ClaimantDetailSerializer
        return api.ClaimantSerializer


@extend_schema_view(
    list=extend_schema(summary="The weapon-system registry, with claim counts"),
    retrieve=extend_schema(summary="One weapon system, by slug"),
)
class WeaponSystemViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.WeaponSystemSerializer
    filterset_class = filters.WeaponSystemFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return weapon_systems_counted(self.request.user).order_by("name", "id")


class OutletViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Outlet.objects.order_by("name", "id")
    serializer_class = api.OutletSerializer
    filterset_class = filters.OutletFilter


class ArticleViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Article.objects.select_related("outlet").order_by("-published_at", "-id")
    filterset_class = filters.ArticleFilter

    def get_queryset(self):
        qs = super().get_queryset()
        # The list leaves the article texts out: they are large and the list does not show them.
        return qs.defer("text", "raw") if self.action == "list" else qs.defer("raw")

    def get_serializer_class(self):
        if self.action == "ingest":
            return api.ArticleIngestSerializer
        if self.action == "retrieve":
            return api.ArticleDetailSerializer
        return api.ArticleSerializer

    @extend_schema(
        summary="Submit a URL or a text for ingest (editors)",
        request=api.ArticleIngestSerializer,
        responses={
            202: api.ArticleIngestResultSerializer,
            **_ERRORS,
            503: OpenApiResponse(
                description="The work queue is down: the submission is stored as queued; "
                "send the same request again later (see Retry-After)."
            ),
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[CanSubmitArticles])
    def ingest(self, request):
        submission = api.ArticleIngestSerializer(data=request.data)
        submission.is_valid(raise_exception=True)
        try:
            article = ingest_adapter.article_submit(
                submitted_by=request.user, **submission.validated_data
            )
        except ingest_adapter.IngestRefused as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        except ingest_adapter.IngestUnavailable as exc:
            return Response(
                {"detail": str(exc)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "60"},
            )
        status_url = request.build_absolute_uri(reverse("api:article-detail", args=[article.pk]))
        return Response(
            {"article_id": article.pk, "status": article.status, "status_url": status_url},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": status_url},
        )


class ClaimRelationViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.ClaimRelationSerializer
    filterset_class = filters.ClaimRelationFilter

    def get_queryset(self):
        visible = claims_visible_to(self.request.user).order_by().values("pk")
        return ClaimRelation.objects.filter(from_claim__in=visible, to_claim__in=visible).order_by(
            "id"
        )


class SeriesView(CountedByCache, APIView):
    """Timelines and running totals of one (category, subtype): the same function that draws
    the dashboard charts (tracker.series.series_build), cached until the data changes."""

    renderer_classes = [SeriesJSONRenderer, ClaimCSVRenderer]
    permission_classes: list = []

    @extend_schema(
        summary="Series: per-claimant steps, headline running total, increments summed",
        description="Takes the claim filters of /api/v1/claims/ (the same names, values and "
        "aliases) besides category and subtype, which name the one series. Add ?format=csv for "
        "the series as CSV: one row per point of each line (columns in docs/api.md).",
        parameters=[api.SeriesQuerySerializer, *filter_params.series_filter_parameters()],
        responses={
            (200, "application/json"): SeriesSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            **_ERRORS,
        },
    )
    def get(self, request):
        query, claims = filter_params.series_query_for(request)
        series = cached_series(query, base=claims)
        if request.accepted_renderer.format == "csv":
            return csvexport.series_csv_response(request=request, series=series)
        return Response(series)


@extend_schema_view(
    get=extend_schema(
        summary="Headline history: every change of a public series headline",
        description="Each time the headline of a default public series (approved claims, no "
        "filters) changes figure: the series (category, subtype, unit), old → new value, the "
        "claim now holding the headline, who caused it (editors only) and when. Newest first. "
        "Anonymous callers and analysts see only changes whose headline claim is approved "
        "(which is every change, since public headlines count approved claims only).",
    )
)
class HeadlineChangeList(ApiMixin, generics.ListAPIView):
    serializer_class = api.HeadlineChangeSerializer
    filterset_class = filters.HeadlineChangeFilter
    permission_classes: list = []

    def get_queryset(self):
        return headline_changes_visible_to(self.request.user)


class ExportView(APIView):
    """Every claimant, alias, outlet, article, claim (all statuses), source and relation as
    JSON lines; `manage.py import_jsonl` reads it back."""

    permission_classes = [CanReviewClaims]
    renderer_classes = [JSONRenderer, JSONLinesRenderer]

    @extend_schema(
        summary="Full dump as JSON lines (editors)",
        responses={(200, "application/jsonl"): OpenApiTypes.STR},
    )
    def get(self, request):
        response = StreamingHttpResponse(dump_lines(), content_type="application/jsonl")
        response["Content-Disposition"] = 'attachment; filename="tracker.jsonl"'
        return response
