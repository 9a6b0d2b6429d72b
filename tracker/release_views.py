"""The releases page (/releases/) and its downloads: thin, over tracker.releases."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tracker.models import Release
from tracker.releases import release_citation, release_file, releases_listed


@require_GET
def release_list(request):
    site = request.build_absolute_uri("/")
    releases = [
        {"release": r, "citation": release_citation(r, site=site), "files": r.manifest["files"]}
        for r in releases_listed()
    ]
    return render(request, "tracker/releases.html", {"here": "releases", "releases": releases})


@require_GET
def release_download(request, number: int, name: str):
    release = get_object_or_404(Release, number=number)
    path = release_file(release, name)
    if path is None or not path.is_file():
        raise Http404("No such file in this release.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"release-{number}-{name}")
