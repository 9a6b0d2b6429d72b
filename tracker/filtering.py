"""The claim filter language: every filter parameter of the dashboard pages, the dashboard CSV,
the API's claim list and CSV, and the series endpoint, defined once.

`ClaimFilterSet` holds the names, types, validation, help texts and labels; `ALIASES` the older
names that keep working. The dashboard (tracker.dashboard.scope_for) renders its form and
applies it; the API (tracker.api.filters.ClaimFilter) subclasses it; so the two cannot drift.
Multi-value parameters take a comma-separated list, repeated parameters, or both
(`claimant=2,6` = `claimant=2&claimant=6`); values are ORed within a parameter and parameters
are ANDed. A bad value is a field error: 400 on the API, shown beside the field on pages.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from functools import partial

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.choices import CallableChoiceIterator

from tracker import trust, vocab
from tracker.models import HAS_NUMBER, Claim, Claimant, ClaimSource, Place, WeaponSystem
from tracker.search import claims_matching
from tracker.selectors import user_sees_unreviewed

MAX_ID = 2**63 - 1

# Older names -> the name they stand for. Documented in docs/api.md and in the API schema.
ALIASES: dict[str, str] = {
    "claim_date_after": "date_from",  # the API's first names (django-filter's range suffixes)
    "claim_date_before": "date_to",
    "pending": "include_pending",  # the dashboard's "Include pending" switch
}

# Parameters that take several values.
MULTI_VALUED = ("category", "subtype", "claimant", "outlet", "article", "confidence", "status")
MULTI_VALUED += ("measure", "place", "weapon")

TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


def canonical_query(params: Mapping | None) -> tuple[QueryDict, dict[str, str]]:
    """The query string with aliases renamed and multi-value parameters split into one value
    per item (commas and repetitions alike; empty items dropped); and, per parameter, a
    message when a name and its alias disagree."""
    out = QueryDict(mutable=True)
    conflicts: dict[str, str] = {}
    if not params:
        return out, conflicts
    getlist = params.getlist if hasattr(params, "getlist") else lambda k: _as_list(params[k])
    for key in params:
        name = ALIASES.get(key, key)
        values = [str(v) for v in getlist(key)]
        if name in MULTI_VALUED:
            tokens = [t.strip() for v in values for t in v.split(",")]
            out.setlist(name, out.getlist(name) + [t for t in tokens if t])
        elif name in out and out.getlist(name) != values:
            other = next(k for k in params if k != key and ALIASES.get(k, k) == name)
            conflicts[name] = f"Give {name} or its alias, not both ({key} and {other} differ)."
        else:
            out.setlist(name, values)
    return out, conflicts


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


# --- Fields and widgets ---------------------------------------------------------------------


class ChoiceSelect(forms.SelectMultiple):
    """A select that is a plain drop-down (with an "all" entry) until several values are
    chosen, then a multiple select: `category=a,b` survives a round trip through the form."""

    def __init__(self, *args, blank: str = "", **kwargs):
        self.blank = blank
        super().__init__(*args, **kwargs)

    def get_context(self, name, value, attrs):
        several = len(self.format_value(value)) > 1
        self.allow_multiple_selected = several
        choices = self.choices
        if not several and self.blank:
            self.choices = [("", self.blank), *choices]
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = choices
            self.allow_multiple_selected = True


class IdListInput(forms.TextInput):
    """Ids as one comma-separated text box (the value comes back as a list)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value) or None
        return super().format_value(value)


class IdListField(forms.Field):
    """Row ids: integers the database can hold (a huge or non-numeric id is an error)."""

    widget = IdListInput
    default_error_messages = {"invalid": "'%(value)s' is not an id (a whole number ≥ 1)."}

    def to_python(self, value) -> list[int]:
        if value in (None, "", [], ()):
            return []
        ids = []
        for item in _as_list(value):
            text = str(item).strip()
            if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": text[:40]}
                )
            ids.append(int(text))
        return ids


SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


class SlugListField(forms.Field):
    """Rows of a registry (gazetteer places, weapon systems) by slug; a value that is not a
    slug, or names no row, is an error (checked before any query: a NUL byte or a
    500-character value never reaches the database)."""

    default_error_messages = {"invalid": "No %(noun)s has the slug '%(value)s'."}

    def __init__(self, *args, registry, noun: str, **kwargs):
        self.registry, self.noun = registry, noun
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> list[str]:
        if value in (None, "", [], ()):
            return []
        slugs = [str(item).strip() for item in _as_list(value) if str(item).strip()]
        valid = [slug for slug in slugs if SLUG.match(slug)]
        known = set(self.registry.objects.filter(slug__in=valid).values_list("slug", flat=True))
        for slug in slugs:
            if slug not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid"],
                    code="invalid",
                    params={"noun": self.noun, "value": slug[:80]},
                )
        return slugs


class SlugFilter(django_filters.MultipleChoiceFilter):
    """Several registry rows by slug (OR): `registry`'s rows, named `noun` in errors, `blank` in
    the page's drop-down. A MultipleChoiceFilter so the schema shows an array."""

    field_class = SlugListField

    def __init__(self, *args, registry, noun: str, blank: str, **kwargs):
        self.registry, self.noun, self.blank = registry, noun, blank
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            extra = {k: v for k, v in self.extra.items() if k not in ("choices", "null_value")}
            extra.pop("null_label", None)
            self._field = SlugListField(
                label=self.label, registry=self.registry, noun=self.noun, **extra
            )
            self._field.widget = ChoiceSelect(blank=self.blank)
        return self._field


class FlagField(forms.Field):
    """true / false (also 1/0, yes/no, on/off); empty means "not filtered"."""

    widget = forms.Select(choices=[("", "Either"), ("true", "Yes"), ("false", "No")])
    default_error_messages = {"invalid": "Enter true or false."}

    def to_python(self, value) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class IdListFilter(django_filters.MultipleChoiceFilter):
    """Several row ids (OR). A MultipleChoiceFilter so the schema shows an exploded array."""

    field_class = IdListField

    @property
    def field(self):
        if not hasattr(self, "_field"):
            extra = {k: v for k, v in self.extra.items() if k not in ("choices", "null_value")}
            extra.pop("null_label", None)
            self._field = IdListField(label=self.label, **extra)
        return self._field


class FlagFilter(django_filters.BooleanFilter):
    field_class = FlagField


ISO_DATE_INPUT = forms.DateInput(
    format="%Y-%m-%d",
    attrs={"placeholder": "YYYY-MM-DD", "pattern": r"\d{4}-\d{2}-\d{2}", "inputmode": "numeric"},
)


def _choices(mapping) -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in mapping.items()]


def _subtype_groups() -> list:
    return [
        (vocab.CATEGORIES[cat], [(sub, label) for sub, label in subs.items()])
        for cat, subs in vocab.SUBTYPES.items()
    ]


def _slug_choices(model) -> list[tuple[str, str]]:
    return list(model.objects.order_by("name").values_list("slug", "name"))


def _claimant_choices() -> list[tuple[int, str]]:
    return [(c.pk, str(c)) for c in Claimant.objects.order_by("name")]


def category_of(subtype: str) -> str:
    """The category a subtype belongs to ('' when unknown)."""
    return next((c for c, subs in vocab.SUBTYPES.items() if subtype in subs), "")


class ClaimFilterForm(forms.Form):
    """The checks across fields: the subtypes must belong to the categories asked for, and a
    name and its alias must not disagree."""

    alias_conflicts: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the page shows: the API never renders these, so no query is made there.
        self.fields["subtype"].widget.choices = _subtype_groups()
        # Always a multiple select (none chosen: every claimant): the series pages compare the
        # claimants chosen, and a multiple select needs no script.
        self.fields["claimant"].widget = forms.SelectMultiple(
            attrs={"size": 4, "aria-describedby": "claimant-hint"}
        )
        self.fields["claimant"].widget.choices = CallableChoiceIterator(_claimant_choices)
        for name in ("place", "weapon"):
            registry = self.fields[name].registry
            choices = partial(_slug_choices, registry)
            self.fields[name].widget.choices = CallableChoiceIterator(choices)

    def clean(self):
        data = super().clean()
        for name, message in self.alias_conflicts.items():
            self.add_error(name if name in self.fields else None, message)
        categories, subtypes = data.get("category") or [], data.get("subtype") or []
        if categories and subtypes:
            strays = [s for s in subtypes if category_of(s) not in categories]
            if strays:
                self.add_error(
                    "subtype",
                    f"{', '.join(strays)}: not a subtype of {', '.join(categories)}.",
                )
        return data


class ClaimFilterSet(django_filters.FilterSet):
    """The claim filters, in the order the pages show them and links carry them."""

    category = django_filters.MultipleChoiceFilter(
        choices=_choices(vocab.CATEGORIES),
        method="filter_in",
        widget=ChoiceSelect(blank="All categories"),
        help_text="Category; several allowed (comma-separated or repeated).",
    )
    subtype = django_filters.MultipleChoiceFilter(
        choices=vocab.subtype_choices(),
        method="filter_in",
        widget=ChoiceSelect(blank="All subtypes"),
        help_text="What is counted (see /api/v1/vocabulary/ for the list per category); "
        "several allowed. " + vocab.subtype_help(),
    )
    claimant = IdListFilter(
        field_name="claimant_id",
        method="filter_ids",
        help_text="Claimant ids (/api/v1/claimants/); several allowed.",
    )
    min_confidence = django_filters.ChoiceFilter(
        choices=[("low", "Low or better"), ("moderate", "Moderate or high"), ("high", "High only")],
        method="filter_min_confidence",
        label="Confidence",
        empty_label="Any confidence",
        help_text="Claims at this confidence or above (low < moderate < high).",
    )
    date_from = django_filters.DateFilter(
        field_name="claim_date",
        lookup_expr="gte",
        label="From",
        widget=ISO_DATE_INPUT,
        help_text="Claims made on or after this date (YYYY-MM-DD). Alias: claim_date_after.",
    )
    date_to = django_filters.DateFilter(
        field_name="claim_date",
        lookup_expr="lte",
        label="To",
        widget=ISO_DATE_INPUT,
        help_text="Claims made on or before this date (YYYY-MM-DD). Alias: claim_date_before.",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label="Text",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "quote, title, summary…", "type": "search"}),
        help_text="Text search over source quotes, article titles and the summary "
        "(PostgreSQL full-text search with web-search syntax; a substring on SQLite).",
    )
    confidence = django_filters.MultipleChoiceFilter(
        choices=_choices(trust.CONFIDENCE_LEVELS),
        method="filter_in",
        label="Confidence is",
        widget=ChoiceSelect(blank="Any"),
        help_text="Exact confidence labels (high, moderate, low); several allowed.",
    )
    measure = django_filters.MultipleChoiceFilter(
        choices=_choices(vocab.MEASURES),
        method="filter_in",
        widget=ChoiceSelect(blank="Any"),
        help_text="cumulative (a running figure as of a date) or increment (one event or "
        "batch). additional_deployment is always an increment; deployed and sent_total are "
        "always cumulative.",
    )
    has_number = FlagFilter(
        method="filter_has_number",
        label="Has a number",
        help_text="true: claims with a figure; false: claims without one.",
    )
    weapon_system = django_filters.CharFilter(
        lookup_expr="icontains",
        max_length=120,
        label="Weapon label",
        help_text="Substring of the weapon label as printed; `weapon` filters by registry system.",
    )
    weapon = SlugFilter(
        registry=WeaponSystem,
        noun="weapon system",
        blank="Any weapon system",
        method="filter_weapon",
        label="Weapon system",
        help_text="Weapon-system slugs from the registry (/api/v1/weapon-systems/): claims "
        "that name one of them; several allowed. An unknown slug is an error.",
    )
    location = django_filters.CharFilter(
        lookup_expr="icontains", max_length=200, help_text="Substring of the location."
    )
    place = SlugFilter(
        registry=Place,
        noun="place",
        blank="Any place",
        method="filter_place",
        help_text="Gazetteer place slugs (the map page lists them): claims at the place, and "
        "arms transfers shipped from it; several allowed.",
    )
    outlet = IdListFilter(
        method="filter_outlet", help_text="Outlet ids: claims with a source from one of them."
    )
    article = IdListFilter(
        method="filter_article", help_text="Article ids: claims with one of them as a source."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Claim.Status.choices,
        method="filter_status",
        widget=ChoiceSelect(blank="Any status"),
        help_text="Editors only: other callers only ever see approved claims (asking for "
        "another status gives none). Several allowed.",
    )
    include_pending = FlagFilter(
        method="filter_include_pending",
        label="Include pending",
        help_text="Editors: true = approved and pending claims, false = approved only (the "
        "pages' default); ignored for everyone else and when status is given. Alias: pending.",
    )

    aliases = ALIASES

    class Meta:
        model = Claim
        fields: list[str] = []
        form = ClaimFilterForm

    def __init__(self, data=None, *args, **kwargs):
        self.alias_conflicts: dict[str, str] = {}
        if data is not None:
            data, self.alias_conflicts = canonical_query(data)
        _copy_filters_shallowly(type(self))
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        """The form class, built once per filter set class: every field is the same for every
        request (no filter's field depends on the request or the data), and building it
        (a field per filter, then a class) cost more than a request's filtering itself."""
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.alias_conflicts = self.alias_conflicts
        return self._form

    def apply(
        self,
        queryset: QuerySet[Claim],
        *,
        skip: Iterable[str] = (),
        only: Iterable[str] | None = None,
    ) -> QuerySet[Claim]:
        """`queryset` narrowed by every valid filter (or those in `only`) but those in `skip`.
        Invalid ones are in `errors`: the pages show them and apply the rest."""
        for name, value in self.cleaned().items():
            if name in skip or (only is not None and name not in only):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def cleaned(self) -> dict:
        """The valid filter values by name (empty ones left out)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        # Model choices (weapon) come as a queryset: as a list, so "empty" is plain to see.
        values = {
            k: list(v) if isinstance(v, QuerySet) else v for k, v in self.form.cleaned_data.items()
        }
        return {
            k: v for k, v in values.items() if k in self.filters and v not in (None, "", [], ())
        }

    # One function per kind of filter; the values are already validated. The hint on `value`
    # names one item's type for the API schema.
    def filter_in(self, queryset, name, value: str):
        return queryset.filter(**{f"{name}__in": value})

    def filter_ids(self, queryset, name, value: int):
        return queryset.filter(**{f"{name}__in": value})

    def filter_min_confidence(self, queryset, name, value):
        return queryset.filter(confidence__in=trust.confidence_at_least(value))

    def filter_q(self, queryset, name, value):
        return claims_matching(queryset, value)

    def filter_has_number(self, queryset, name, value):
        return queryset.filter(HAS_NUMBER) if value else queryset.exclude(HAS_NUMBER)

    def filter_place(self, queryset, name, value: str):
        return queryset.filter(Q(place__slug__in=value) | Q(origin_place__slug__in=value))

    def filter_weapon(self, queryset, name, value: list[str]):
        links = Claim.weapon_systems.through.objects.filter(
            claim_id=OuterRef("pk"), weaponsystem__slug__in=value
        )
        return queryset.filter(Exists(links))

    def filter_outlet(self, queryset, name, value: int):
        sources = ClaimSource.objects.filter(claim=OuterRef("pk"), article__outlet_id__in=value)
        return queryset.filter(Exists(sources))

    def filter_article(self, queryset, name, value: int):
        sources = ClaimSource.objects.filter(claim=OuterRef("pk"), article_id__in=value)
        return queryset.filter(Exists(sources))

    def filter_status(self, queryset, name, value):
        if not self.sees_unreviewed():
            value = [v for v in value if v == Claim.Status.APPROVED]
        return queryset.filter(status__in=value)

    def filter_include_pending(self, queryset, name, value):
        if not self.sees_unreviewed() or self.form.cleaned_data.get("status"):
            return queryset
        wanted = [Claim.Status.APPROVED, Claim.Status.PENDING] if value else [Claim.Status.APPROVED]
        return queryset.filter(status__in=wanted)

    def sees_unreviewed(self) -> bool:
        return user_sees_unreviewed(getattr(self.request, "user", None))

    def wants_unreviewed(self) -> bool:
        """Whether the caller may and did ask for claims other than approved ones."""
        values = self.cleaned()
        return self.sees_unreviewed() and bool(
            values.get("include_pending") or values.get("status")
        )


class _ShallowCopies(dict):
    """A filter set class's filters, whose deep copy (django-filter makes one for each filter
    set, that is each request) copies every filter one level deep: a filter keeps nothing of a
    request but its `parent` and `model`, which the filter set sets on its own copies. The
    deep copy of the choices, widgets and fields cost more than the filtering itself."""

    def __deepcopy__(self, memo):
        return {name: _copy_filter(flt) for name, flt in self.items()}


def _copy_filter(flt):
    clone = copy.copy(flt)
    if clone.method is not None:
        clone.method = clone.method  # a `method` proxy of its own, to the copy's parent
    return clone


def _copy_filters_shallowly(cls) -> None:
    if not isinstance(cls.__dict__.get("base_filters"), _ShallowCopies):
        cls.base_filters = _ShallowCopies(cls.base_filters)


def filter_names() -> list[str]:
    """Every public filter parameter, in the pages' order."""
    return list(ClaimFilterSet.base_filters)
