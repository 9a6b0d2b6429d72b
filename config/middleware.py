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
