"""The shared claim filter language (tracker.filtering) on the API: the series endpoint's
parameters, and the filters and their aliases as OpenAPI parameters."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from tracker.api.serializers import SeriesQuerySerializer
from tracker.filtering import ALIASES, ClaimFilterSet, IdListFilter, SlugFilter, canonical_query
from tracker.models import Claim
from tracker.selectors import claims_visible_to
from tracker.series import SeriesQuery

SERIES_OWN = ("category", "subtype", "unit", "freshness_days", "on")
ONE_SERIES = "A series is one category and one subtype."


def series_query_for(request) -> tuple[SeriesQuery, object]:
    """The series asked for by `request`'s query string and the claims it may count (visible
    to the caller, narrowed by the shared claim filters). Raises a 400 with field messages."""
    params, conflicts = canonical_query(request.query_params)
    filters_known = set(ClaimFilterSet.base_filters) - {"category", "subtype"}
    errors: dict[str, list[str]] = {k: [v] for k, v in conflicts.items()}
    for name in sorted(set(params) - set(SERIES_OWN) - filters_known - {"format", "as_of"}):
        errors[name] = ["Unknown parameter."]
    for name in ("category", "subtype"):
        if len(params.getlist(name)) > 1:
            errors[name] = [ONE_SERIES]
    own = SeriesQuerySerializer(data={k: params.get(k) for k in SERIES_OWN if k in params})
    if not own.is_valid():
        errors = {**own.errors, **errors}
    rest = params.copy()
    for name in (*SERIES_OWN, "as_of"):
        rest.pop(name, None)
    filterset = ClaimFilterSet(rest, queryset=Claim.objects.none(), request=request)
    if not filterset.is_valid():
        errors.update(_messages(filterset.errors))
    if errors:
        raise ValidationError(errors)
    own_values, values = own.validated_data, filterset.cleaned()
    query = SeriesQuery(
        category=own_values["category"],
        subtype=own_values["subtype"],
        unit=own_values.get("unit"),
        claimant_ids=tuple(values.get("claimant", ())),
        min_confidence=values.get("min_confidence"),
        include_pending=filterset.wants_unreviewed(),
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        location=values.get("location", ""),
        weapon_system=values.get("weapon_system", ""),
        freshness_days=own_values.get("freshness_days"),
        as_of=own_values.get("on"),
    )
    if not query.include_pending and not set(rest) - {"format"}:
        # No filter and no pending claims: every caller sees the same approved claims, the
        # default series that tracker.series_state keeps (base None).
        return query, None
    return query, filterset.apply(claims_visible_to(request.user))


def _messages(errors) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in errors.items()}


def _parameter(name: str, flt, description: str = "") -> OpenApiParameter:
    description = description or flt.extra.get("help_text", "")
    if isinstance(flt, IdListFilter):
        return OpenApiParameter(name, OpenApiTypes.INT, many=True, explode=True,
                                description=description)  # fmt: skip
    if isinstance(flt, SlugFilter):  # registry rows by slug
        return OpenApiParameter(name, OpenApiTypes.STR, many=True, explode=True,
                                description=description)  # fmt: skip
    if isinstance(flt, django_filters.MultipleChoiceFilter | django_filters.ChoiceFilter):
        return OpenApiParameter(
            name,
            OpenApiTypes.STR,
            many=isinstance(flt, django_filters.MultipleChoiceFilter),
            explode=True if isinstance(flt, django_filters.MultipleChoiceFilter) else None,
            enum=[key for key, _ in flt.extra["choices"]],
            description=description,
        )
    kind = {
        django_filters.DateFilter: OpenApiTypes.DATE,
        django_filters.BooleanFilter: OpenApiTypes.BOOL,
    }
    for cls, api_type in kind.items():
        if isinstance(flt, cls):
            return OpenApiParameter(name, api_type, description=description)
    return OpenApiParameter(name, OpenApiTypes.STR, description=description)


def alias_parameters() -> list[OpenApiParameter]:
    """The older names (tracker.filtering.ALIASES) as documented parameters."""
    return [
        _parameter(alias, ClaimFilterSet.base_filters[name], f"Alias of {name}.")
        for alias, name in ALIASES.items()
    ]


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.STR,
    description="Answer as the tracker stood at that moment: YYYY-MM-DD (the end of that day) "
    "or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] (UTC when no offset). Claims as they then stood, with "
    "their grades, sources and relations, and the headline the rule gave then. Not in the "
    "future.",
)


def series_filter_parameters() -> list[OpenApiParameter]:
    """The shared claim filters the series endpoint takes (all but category and subtype,
    which name the series), then the aliases."""
    return [
        _parameter(name, flt)
        for name, flt in ClaimFilterSet.base_filters.items()
        if name not in ("category", "subtype")
    ] + [*alias_parameters(), AS_OF]
