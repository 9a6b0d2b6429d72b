"""The change feed: /api/v1/changes/ (JSON, cursor-paginated) and /feeds/changes.atom. Both
read the public change log (tracker.changes) in order; replaying the JSON rebuilds the public
dataset of /api/v1/claims/."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer

from tracker.changes import parse_since, public_changes
from tracker.models import PublicChange
from tracker.untrusted import for_xml


class PublicChangeSerializer(serializers.ModelSerializer):
    claim = serializers.IntegerField(source="claim_id", read_only=True)
    related_claim = serializers.IntegerField(
        source="related_claim_id", read_only=True, allow_null=True
    )
    changed_fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="corrected, merged, superseded: the keys of the claim's JSON that changed "
        "(and superseded_by).",
    )
    superseded_by = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="The approved claims that supersede this one after the change (series leave "
        "a superseded claim out).",
    )
    snapshot = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="The claim after the change, exactly as GET /api/v1/claims/<id>/ gives it "
        "to anonymous callers; null when it left the public dataset (retracted).",
    )

    class Meta:
        model = PublicChange
        fields = [
            "seq", "at", "kind", "claim", "changed_fields", "related_claim", "superseded_by",
            "reason", "snapshot",
        ]  # fmt: skip
        read_only_fields = fields


BAD_CURSOR = "Not a cursor this feed gave out."
KNOWN_PARAMETERS = {"since", "cursor", "page_size", "format", "as_of"}  # as_of: tracker.asof


class ChangeCursor(CursorPagination):
    ordering = "seq"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({"cursor": [BAD_CURSOR]}) from exc
        position = cursor.position if cursor is not None else None
        # A forged cursor may carry any text as the position: only a seq is one.
        if position is not None and not (
            position.isascii() and position.isdigit() and int(position) < 2**63
        ):
            raise ValidationError({"cursor": [BAD_CURSOR]})
        return cursor


def _since(request):
    value = request.query_params.get("since") if hasattr(request, "query_params") else None
    if value is None or value == "":
        return None
    try:
        return parse_since(value)
    except ValueError as exc:
        raise ValidationError({"since": [str(exc)]}) from exc


@extend_schema(
    summary="Change feed: every public change of a claim, in order",
    description="Approved, corrected (with the fields that changed), merged (another report "
    "of the same statement joined it), superseded and retracted (approved, then rejected or "
    "deleted, with the reason). Each entry carries the claim's public JSON after the change "
    "(null once retracted): apply them in `seq` order to keep a copy of /api/v1/claims/ "
    "exactly in sync. Resume with ?since=<last seq applied>, or follow `next`.",
    parameters=[
        OpenApiParameter(
            "since",
            OpenApiTypes.STR,
            description="A sequence number (the changes after it) or an ISO date/datetime "
            "(the changes at or after it; UTC when no offset is given).",
        )
    ],
    responses={400: OpenApiResponse(description="Validation errors, per field.")},
)
class PublicChangeList(generics.ListAPIView):
    serializer_class = PublicChangeSerializer
    pagination_class = ChangeCursor
    renderer_classes = [JSONRenderer]
    permission_classes: list = []
    filter_backends: list = []

    def get_queryset(self):
        unknown = sorted(set(self.request.query_params) - KNOWN_PARAMETERS)
        if unknown:  # as the other lists: a misspelt parameter is a 400, not ignored
            raise ValidationError({name: ["Unknown parameter."] for name in unknown})
        return public_changes(_since(self.request))


FEED_SIZE = 100


class PublicChangesFeed(Feed):
    """The latest public changes as Atom (?since= as in the API), for feed readers; the JSON
    feed is the one to sync from."""

    feed_type = Atom1Feed
    title = "NK–Russia claims tracker: public changes"
    subtitle = "Every public change of a claim: approved, corrected, merged, superseded, retracted."

    def __call__(self, request, *args, **kwargs):
        value = request.GET.get("since", "")
        try:
            request.changes_since = parse_since(value) if value else None
        except ValueError as exc:
            return HttpResponseBadRequest(f"since: {exc}", content_type="text/plain")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return request.changes_since

    def link(self):
        return reverse("api:changes")

    def items(self, since):
        if since is not None:
            return list(public_changes(since)[:FEED_SIZE])
        return list(public_changes().order_by("-seq")[:FEED_SIZE])[::-1]

    def item_title(self, item: PublicChange) -> str:
        snapshot = item.snapshot or {}
        figure = snapshot.get("figure", "")
        return for_xml(f"Claim #{item.claim_id} {item.kind}" + (f": {figure}" if figure else ""))

    def item_description(self, item: PublicChange) -> str:
        snapshot = item.snapshot or {}
        claimant = (snapshot.get("claimant") or {}).get("name") or "Press report"
        fields = ", ".join(item.changed_fields)
        return for_xml(
            format_html(
                "<p>Change {}: claim #{} {}. {}{}{}</p>",
                item.seq,
                item.claim_id,
                item.kind,
                f"Fields changed: {fields}. " if fields else "",
                f"Reason: {item.reason} " if item.reason else "",
                f"{claimant}: {snapshot['figure']}" if snapshot else "",
            )
        )

    def item_link(self, item: PublicChange) -> str:
        if item.snapshot is not None:
            return reverse("claim-detail", args=[item.claim_id])
        return f"{reverse('api:changes')}?since={item.seq - 1}&page_size=1"

    def item_guid(self, item: PublicChange) -> str:
        return f"urn:nk-russia-tracker:change:{item.seq}"  # one id per change, for ever

    def item_pubdate(self, item: PublicChange):
        return item.at

    def item_updateddate(self, item: PublicChange):
        return item.at

    def item_categories(self, item: PublicChange):
        return [item.kind]
