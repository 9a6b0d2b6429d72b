"""Renderers the API negotiates. The CSV files themselves are written by tracker.csvexport (one
schema for the dashboard and the API); the CSV renderer here renders only error bodies."""

from __future__ import annotations

import csv
import io

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer

from tracker.csvexport import csv_cell


class ClaimCSVRenderer(BaseRenderer):
    """Selected by ?format=csv or Accept: text/csv on the claims list and the series. Those views
    stream their CSV themselves (tracker.csvexport); this renders only what is left: error
    bodies."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["field", "message"])
        for field, messages in (data or {}).items() if isinstance(data, dict) else ():
            for message in messages if isinstance(messages, list) else [messages]:
                writer.writerow([field, csv_cell(str(message))])
        return buffer.getvalue().encode(self.charset)


class SeriesJSONRenderer(JSONRenderer):
    """orjson for the series: plain data of tens of thousands of points, where the standard
    encoder's time is most of the request. Same JSON; anything orjson cannot encode falls
    back to DRF's encoder."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)


class JSONLinesRenderer(BaseRenderer):
    """Lets clients ask for application/jsonl; the dump streams itself, errors are one line."""

    media_type = "application/jsonl"
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return orjson.dumps(data) + b"\n"
