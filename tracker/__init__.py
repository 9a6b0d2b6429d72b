"""The claims tracker's domain app. `__version__` is the one source of the release number: the
page footer, the API's X-Tracker-Version header, the OpenAPI schema and citations read it."""

__version__ = "0.15.0"
