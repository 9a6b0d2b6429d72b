"""Static files as production serves them, also under `make run`: hashed names, gzip and brotli
copies (built by collectstatic), served by WhiteNoise with a year-long immutable cache."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        # Django gives unhashed names while DEBUG is on; we want the hashed, long-cached file
        # whenever collectstatic has built it. A bare `runserver` before any collectstatic
        # falls back to the unhashed name, which WhiteNoise then finds in static/.
        try:
            return super().url(name, force=True)
        except ValueError:
            if not settings.DEBUG:
                raise
            return super().url(name)
