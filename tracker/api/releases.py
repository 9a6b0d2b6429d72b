"""/api/v1/releases/: the dataset releases with their manifests, download links and citation."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer

from tracker.models import Release
from tracker.releases import release_citation, releases_listed


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    bytes = serializers.IntegerField(required=False)
    sha256 = serializers.CharField(required=False)
    lines = serializers.IntegerField(required=False)
    url = serializers.URLField()


class ReleaseSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()
    manifest_url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = [
            "number", "date", "created_at", "last_change_seq", "manifest", "notes", "files",
            "manifest_url", "citation",
        ]  # fmt: skip
        read_only_fields = fields

    def _url(self, release: Release, name: str) -> str:
        path = reverse("release-download", args=[release.number, name])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, release: Release) -> list[dict]:
        return [{**f, "url": self._url(release, f["name"])} for f in release.manifest["files"]]

    def get_manifest_url(self, release: Release) -> str:
        return self._url(release, "manifest.json")

    def get_citation(self, release: Release) -> str:
        request = self.context.get("request")
        site = request.build_absolute_uri("/") if request is not None else ""
        return release_citation(release, site=site)


class ReleasePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema(
    summary="Dataset releases, newest first",
    description="Numbered, dated, immutable releases of the public dataset: claims JSONL and "
    "CSV, series CSV, release notes and a manifest with SHA-256 checksums; each with its "
    "download links and a citation line.",
)
class ReleaseList(generics.ListAPIView):
    serializer_class = ReleaseSerializer
    pagination_class = ReleasePagination
    renderer_classes = [JSONRenderer]
    permission_classes: list = []
    filter_backends: list = []

    def get_queryset(self):
        return releases_listed()
