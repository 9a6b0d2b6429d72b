"""Page-number pagination whose page size is checked: outside 1–max it is a 400, not a
silent fallback."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class FirstPageCountPaginator(DjangoPaginator):
    """Django's paginator, except that a first page holding every row counts its own rows
    (it reads one row more than the page to know): the count query, the dearest part of a
    filtered list, runs only when there are more pages. The count is exact either way.

    A list whose rows carry the count (`counts_with_page`: tracker.api.fast.ClaimRows) is read
    in one statement, page and count together; only a page past the end counts again (to say
    it is past the end, as Django does)."""

    def page(self, number):
        if getattr(self.object_list, "counts_with_page", False) and not self.orphans:
            return self._page_with_count(number)
        try:
            first = int(number) == 1
        except (TypeError, ValueError):
            first = False
        if not first:
            return super().page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.__dict__["count"] = len(rows)  # the cached_property, set
        return self._get_page(rows[: self.per_page], 1, self)

    def _page_with_count(self, number):
        try:  # as Django's validate_number, up to the count
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        rows, count = self.object_list.page_rows((number - 1) * self.per_page, self.per_page)
        if rows:
            self.__dict__["count"] = count  # the cached_property, set
        elif number == 1:
            self.__dict__["count"] = 0
        else:
            number = self.validate_number(number)  # counts: past the end is EmptyPage
        return self._get_page(rows, number, self)


class Pagination(PageNumberPagination):
    django_paginator_class = FirstPageCountPaginator
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

    def page_data(self, results) -> dict:
        """The body of a page: count, links and results (also the fast claims list's)."""
        return {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }

    def get_paginated_response(self, data):
        return Response(self.page_data(data))
