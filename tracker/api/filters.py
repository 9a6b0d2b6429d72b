"""One FilterSet per resource. Unknown query parameters are refused (400) on purpose: a typo
such as `categroy=casualties` must not silently return every claim."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from tracker import vocab
from tracker.filtering import MAX_ID, ClaimFilterSet, canonical_query
from tracker.models import Article, Claimant, ClaimRelation, HeadlineChange, Outlet, WeaponSystem

# Parameters every list understands besides its filters.
# `as_of` is read by config.middleware.AsOfMiddleware (tracker.asof) before any view runs.
COMMON_PARAMETERS = {"page", "page_size", "format", "ordering", "as_of"}


class StrictFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that answers 400 to parameters no filter knows."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(COMMON_PARAMETERS)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
            known |= set(getattr(filterset_class, "aliases", {}))
            for name, flt in filterset_class.base_filters.items():
                if isinstance(flt, django_filters.DateFromToRangeFilter):
                    known |= {f"{name}_after", f"{name}_before"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: ["Unknown parameter."] for name in unknown})
        return super().filter_queryset(request, queryset, view)


def _choices(mapping) -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in mapping.items()]


class IdFilter(django_filters.NumberFilter):
    """A row id: an integer the database can hold (huge numbers are a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ClaimOrdering(django_filters.OrderingFilter):
    """Ordering with a stable tie-break (id), and claims without a figure last either way."""

    def filter(self, qs, value):
        if not value:
            return qs
        terms = []
        for term in filter(None, value):  # "?ordering=," splits into empty names: none given
            descending = term.startswith("-")
            name = self.param_map.get(term.lstrip("-"), term.lstrip("-"))
            if name == "value":
                qs = qs.annotate(value=Coalesce("norm_best", "norm_low", "norm_high"))
            expr = F(name)
            terms.append(expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True))
        return qs.order_by(*terms, "-id") if terms else qs


class ClaimFilter(ClaimFilterSet):
    """The shared claim filter language (tracker.filtering) plus the API's ordering."""

    ordering = ClaimOrdering(
        fields=(("claim_date", "claim_date"), ("value", "value"), ("id", "id")),
        help_text="claim_date, value (best, else low, else high; claims without a number "
        "last) or id; prefix with - for descending.",
    )

    class Meta(ClaimFilterSet.Meta):
        pass


class WeaponSystemFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=WeaponSystem.Kind.choices)
    name = django_filters.CharFilter(
        method="filter_name", help_text="Part of the name, or of one of the aliases."
    )

    class Meta:
        model = WeaponSystem
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value))


class ClaimantFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Claimant.Kind.choices)
    registry = django_filters.BooleanFilter(
        help_text="true: the usual claimants the tracker ships with, graded with a reason."
    )
    country = django_filters.CharFilter(lookup_expr="iexact")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Claimant
        fields: list[str] = []


class OutletFilter(django_filters.FilterSet):
    domain = django_filters.CharFilter(lookup_expr="iexact")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Outlet
        fields: list[str] = []


class ArticleFilter(django_filters.FilterSet):
    outlet = IdFilter(field_name="outlet_id")
    status = django_filters.ChoiceFilter(choices=Article.Status.choices)
    published_at = django_filters.DateFromToRangeFilter(
        help_text="published_at_after / published_at_before (YYYY-MM-DD)."
    )
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Article
        fields: list[str] = []


class ClaimRelationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ClaimRelation.Kind.choices)
    claim = IdFilter(method="filter_claim", help_text="Either end's id.")

    class Meta:
        model = ClaimRelation
        fields: list[str] = []

    def filter_claim(self, queryset, name, value):
        return queryset.filter(Q(from_claim_id=value) | Q(to_claim_id=value))


class SinceFilter(django_filters.IsoDateTimeFilter):
    """At or after an ISO date-time, compared in UTC: PostgreSQL refuses offsets such as
    +23:03 that ISO 8601 allows. A moment past the calendar's edge in UTC matches everything
    (year 1) or nothing (year 9999)."""

    def filter(self, qs, value):
        if value is None:
            return qs
        try:
            value = value.astimezone(dt.UTC)
        except OverflowError:
            return qs.none() if value.year == dt.MAXYEAR else qs
        return super().filter(qs, value)


class HeadlineChangeFilter(django_filters.FilterSet):
    since = SinceFilter(
        field_name="changed_at",
        lookup_expr="gte",
        help_text="Changes recorded at or after this ISO 8601 date-time (e.g. "
        "2025-01-31T00:00:00Z); a malformed value is a 400.",
    )
    # The claim filters' names and forms: several values, comma-separated or repeated.
    category = django_filters.MultipleChoiceFilter(
        choices=_choices(vocab.CATEGORIES), help_text="Categories; several allowed."
    )
    subtype = django_filters.MultipleChoiceFilter(
        choices=vocab.subtype_choices(), help_text="Subtypes; several allowed."
    )
    unit = django_filters.CharFilter()

    class Meta:
        model = HeadlineChange
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data, _ = canonical_query(data)
        super().__init__(data, *args, **kwargs)
