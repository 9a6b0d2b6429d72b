"""Serve plotly.js from the copy the pinned plotly package ships, and nothing else of it."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_FILES = {"vendor/plotly/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = "vendor/plotly"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        name = PLOTLY_FILES.get(path)
        if name is None:
            return [] if find_all else None
        match = str(PLOTLY_DIR / name)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        for name in PLOTLY_FILES.values():
            yield name, self.storage
