from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header: only our own scripts run (no inline, no CDN)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class VersionHeaderMiddleware:
    """Adds X-Tracker-Version (tracker.__version__) to every response, so API clients can tell
    which release answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from tracker import __version__

        response = self.get_response(request)
        response.headers.setdefault("X-Tracker-Version", __version__)
        return response


class AsOfMiddleware:
    """Serves a GET or HEAD with `?as_of=` as the tracker stood at that moment (tracker.asof):
    a bad value is a 400 naming the parameter (JSON on the API); a good one sets
    `request.as_of` (for the banner and citations) and shadows the tables while the view runs
    and its response is rendered. The admin is always today's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from tracker import asof

        raw = request.GET.get(asof.PARAM)
        request.as_of = None
        if (
            raw is None
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(("/admin/", settings.STATIC_URL))
        ):
            return self.get_response(request)
        try:
            at = asof.parse(raw)
        except asof.AsOfError as error:
            return _as_of_error(request, str(error))
        request.as_of = at
        with asof.shadow(at):
            response = self.get_response(request)
            if response.streaming:  # read it all while the past is in place
                response.streaming_content = [b"".join(response.streaming_content)]
        response.headers["X-As-Of"] = at.isoformat()
        return response


def _as_of_error(request, message: str):
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"as_of": [message]}, status=400)
    return render(request, "tracker/as_of_error.html", {"message": message}, status=400)
