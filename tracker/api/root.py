"""/api/v1/: every endpoint a newcomer can call, with absolute URLs, what it gives and who
may call it."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

# (name, URL name or path, access, what it gives)
ENDPOINTS = [
    ("claims", "api:claim-list", "public", "Claims (approved ones for the public), filterable."),
    ("claims_csv", "api:claim-list", "public", "The same claims as CSV (?format=csv), unpaged."),
    ("claimants", "api:claimant-list", "public", "Who asserts: claimants and their grades."),
    ("outlets", "api:outlet-list", "public", "Publishers of source articles."),
    ("weapon_systems", "api:weapon-system-list", "public",
     "The weapon-system registry: kinds, calibres, aliases, claim counts (?kind=…&name=…)."),
    ("articles", "api:article-list", "public", "Source articles (texts on the detail)."),
    ("relations", "api:relation-list", "public", "Corroborates / contradicts / supersedes."),
    ("series", "api:series", "public",
     "Timelines and running totals of one series (?category=…&subtype=…)."),
    ("series_changes", "api:series-changes", "public", "Every change of a public headline."),
    ("changes", "api:changes", "public",
     "Every public change in order (approved, corrected, merged, retracted), ?since=…"),
    ("releases", "api:releases", "public", "Dated dataset releases with checksums and downloads."),
    ("vocabulary", "api:vocabulary", "public",
     "Categories, subtypes, qualifiers, measures, units, confidence levels, with labels."),
    ("schema", "api:schema", "public", "OpenAPI 3 schema (YAML; ?format=json for JSON)."),
    ("docs", "api-docs", "public", "Swagger UI over the schema."),
    ("dashboard_csv", "claim-csv", "public", "The dashboard's claims CSV (same filters)."),
    ("feed", "feed-claims", "public", "Atom feed: newly approved claims and headline changes."),
    ("changes_feed", "feed-changes", "public", "Atom feed of the change log (?since=…)."),
    ("export_jsonl", "api:export", "editors", "Full dump as JSON lines."),
    ("ingest", "api:article-ingest", "editors", "POST a URL or a text for ingest."),
]  # fmt: skip


def api_endpoints(request) -> dict:
    """Every endpoint by name: absolute URL, access (public or editors) and what it gives."""
    out = {}
    for name, url_name, access, description in ENDPOINTS:
        url = request.build_absolute_uri(reverse(url_name))
        if name == "claims_csv":
            url += "?format=csv"
        out[name] = {"url": url, "access": access, "description": description}
    return out


class EndpointSerializer(serializers.Serializer):
    url = serializers.URLField()
    access = serializers.ChoiceField(choices=["public", "editors"])
    description = serializers.CharField()


class ApiRootSerializer(serializers.Serializer):
    endpoints = serializers.DictField(child=EndpointSerializer())
    filters = serializers.CharField(help_text="Where the claim filters are documented.")


class ApiRoot(APIView):
    """The API's front door."""

    permission_classes: list = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Every endpoint, with absolute URLs",
        responses={200: ApiRootSerializer},
    )
    def get(self, request):
        return Response(
            {
                "endpoints": api_endpoints(request),
                "filters": "Claim filters are the same on /api/v1/claims/, /api/v1/series/, "
                "/claims.csv and the dashboard pages; see the schema's claims parameters and "
                "docs/api.md.",
            }
        )
