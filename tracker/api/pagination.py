"""Page-number pagination whose page size is checked: outside 1–max it is a 400, not a
silent fallback."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = (
        "Results per page: 1–200 (default 50); anything else is a 400 naming page_size."
    )

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        message = f"page_size must be a whole number from 1 to {self.max_page_size}."
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [message]})
        return int(text)
