"""The editors' daily tool: review queues, bulk approve/reject, quotes in their sentence."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from tracker import (
    admin_autocomplete,  # noqa: F401 - autocompletes survive bogus ids
    history,
    services,
)
from tracker.admin_desk import ClaimAdminForm, ClaimSourceInline, ReviewDeskMixin
from tracker.credibility import credibility_assess
from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    ClaimSource,
    Outlet,
    Place,
    WeaponSystem,
)
from tracker.places import names_of, normalise
from tracker.selectors import article_relevance_summary, user_sees_unreviewed

admin.site.site_header = "NK–Russia claims tracker"
admin.site.site_title = "Claims tracker admin"
admin.site.index_title = "Editors' desk"
# The claim list needs the width (it fits 1,280 px without the app sidebar).
admin.site.enable_nav_sidebar = False


class LabelledHistoryAdmin(SimpleHistoryAdmin):
    """History pages that read "Reviewed by: — → editor", not "reviewed_by: — → 1"."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        history.set_labelled_deltas(self.model, historical_records)


class ClaimantAliasInline(admin.TabularInline):
    model = ClaimantAlias
    extra = 1


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = (
        "name", "short_name", "country", "kind", "reliability", "registry", "claim_count",
    )  # fmt: skip
    list_filter = ("registry", "kind", "country", "reliability")
    search_fields = ("name", "short_name", "aliases__alias")
    inlines = [ClaimantAliasInline]
    fields = (
        ("name", "short_name"),
        ("country", "kind"),
        ("reliability", "registry"),
        "reliability_reason",
        "description",
    )

    def get_queryset(self, request):
        # Analysts count approved claims only, as on the dashboard.
        seen = None if user_sees_unreviewed(request.user) else Q(claims__status="approved")
        return (
            super()
            .get_queryset(request)
            .annotate(n_claims=Count("claims", distinct=True, filter=seen))
        )

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj):
        return obj.n_claims


@admin.register(ClaimantAlias)
class ClaimantAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "claimant")
    search_fields = ("alias", "claimant__name")
    autocomplete_fields = ("claimant",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """The gazetteer: editors add places and names here; the resolver reads them at once."""

    list_display = ("name", "slug", "kind", "country", "latitude", "longitude", "alias_list")
    list_filter = ("kind", "country")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="aliases")
    def alias_list(self, place: Place) -> str:
        return ", ".join(place.aliases or [])

    def get_search_results(self, request, queryset, search_term):
        """Name and slug as usual, plus any alias, compared as the resolver compares names
        (case, accents and punctuation aside): "najin" finds Rajin, "Суджа" finds Sudzha."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = normalise(search_term)
        if term:
            by_alias = [
                p.pk for p in Place.objects.all() if any(term in name for name in names_of(p))
            ]
            queryset |= self.model.objects.filter(pk__in=by_alias)
        return queryset, duplicates


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "country", "reliability")
    search_fields = ("name", "domain")
    list_filter = ("reliability",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "outlet", "published_at", "status", "relevance", "source_count")
    list_filter = ("status", "outlet", "language")
    search_fields = ("title", "url", "text")
    date_hierarchy = "published_at"
    autocomplete_fields = ("outlet",)
    exclude = ("relevance_reasons",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = (
        "content_hash",
        "created_at",
        "updated_at",
    )
    list_select_related = ("outlet",)

    def get_readonly_fields(self, request, obj=None):
        # Analysts see approved claims only, here as everywhere (tracker.selectors).
        shown = ("proposed_claims", "relevance_summary")
        if not user_sees_unreviewed(request.user):
            shown = ("approved_claims", "relevance_summary_approved")
        return (*shown, *super().get_readonly_fields(request, obj))

    @staticmethod
    def _claims_of(obj, *, approved_only: bool):
        claims = Claim.objects.filter(sources__article=obj).select_related("claimant").distinct()
        if approved_only:
            claims = claims.filter(status=Claim.Status.APPROVED)
        return claims.order_by("status", "-claim_date", "id")

    def _claim_links(self, obj, *, approved_only: bool):
        if obj is None or not obj.pk:
            return "—"
        article_list = f"?_changelist_filters=sources__article__id__exact%3D{obj.pk}"
        rows = [
            (
                reverse("admin:tracker_claim_change", args=[c.pk]) + article_list,
                c.get_subtype_display(),
                c.figure_display,
                c.claimant.label if c.claimant else "the article itself",
                c.get_status_display(),
            )
            for c in self._claims_of(obj, approved_only=approved_only)
        ]
        if not rows:
            return "No claims proposed from this article (yet)."
        # format_html_join escapes every value: figures and names come from articles.
        items = format_html_join("", '<li><a href="{}">{}: {}</a> — {} · {}</li>', rows)
        return format_html('<ul class="proposed-claims">{}</ul>', items)

    def _relevance(self, obj, *, approved_only: bool):
        if obj is None or not obj.pk:
            return "—"
        figures = self._claims_of(obj, approved_only=approved_only).count()
        return article_relevance_summary(obj, figures=figures)

    @admin.display(description="claims from this article")
    def proposed_claims(self, obj):
        return self._claim_links(obj, approved_only=False)

    @admin.display(description="claims from this article")
    def approved_claims(self, obj):
        return self._claim_links(obj, approved_only=True)

    @admin.display(description="relevance")
    def relevance_summary(self, obj):
        return self._relevance(obj, approved_only=False)

    @admin.display(description="relevance")
    def relevance_summary_approved(self, obj):
        return self._relevance(obj, approved_only=True)

    def get_queryset(self, request):
        seen = (
            None
            if user_sees_unreviewed(request.user)
            else Q(claim_sources__claim__status="approved")
        )
        return super().get_queryset(request).annotate(n_sources=Count("claim_sources", filter=seen))

    @admin.display(description="quotes", ordering="n_sources")
    def source_count(self, obj):
        return obj.n_sources


class PendingFirst(admin.SimpleListFilter):
    """Review queue shortcut; the list is ordered pending first whatever the filter."""

    title = "review queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("mine", "Reviewed by me"), ("unreviewed", "Not reviewed yet")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(reviewed_by=request.user)
        if self.value() == "unreviewed":
            return queryset.filter(reviewed_at__isnull=True)
        return queryset


PENDING_FIRST = Case(
    When(status=Claim.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
)


@admin.register(Claim)
class ClaimAdmin(ReviewDeskMixin, LabelledHistoryAdmin):
    form = ClaimAdminForm

    class Media:
        css = {"all": ["css/admin-review.css"]}

    list_display = (
        "claim_date",
        "figure",
        "subtype_label",
        "claimant_label",
        "quote_excerpt",
        "confidence",
        "status",
        "n_sources",
    )
    list_display_links = ("claim_date", "figure")
    list_filter = (
        "status",
        "category",
        "subtype",
        "confidence",
        "origin",
        "measure",
        PendingFirst,
        ("claimant", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "sources__quote",
        "claimant__name",
        "claimant__short_name",
        "sources__article__title",
        "weapon_system",
        "weapon_systems__name",
        "location",
        "place__name",
    )
    date_hierarchy = "claim_date"
    autocomplete_fields = ("claimant", "place", "origin_place", "weapon_systems")
    list_select_related = ("claimant", "place")
    list_per_page = 50
    actions = ["approve_selected", "approve_selected_ungraded"]
    inlines = [ClaimSourceInline]
    readonly_fields = (
        "status",
        "origin",
        "review_note",
        "edited_by",
        "confidence",
        "credibility_basis",
        "norm_display",
        "reviewed_by",
        "reviewed_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            "What was claimed",
            {
                "fields": (
                    ("category", "subtype"),
                    ("qualifier", "low", "best", "high", "unit"),
                    ("confirm_figures", "norm_display"),
                    ("measure", "claim_date", "period_start", "period_end"),
                    "claimant",
                    ("location", "weapon_system"),
                    "weapon_systems",
                    "summary",
                )
            },
        ),
        ("Trust", {"fields": (("reliability", "credibility", "confidence"), "credibility_basis")}),
        (
            "Review",
            {
                "fields": (
                    ("status", "origin", "review_note"),
                    ("rule", "extraction_score"),
                    "notes",
                    ("reviewed_by", "reviewed_at"),
                    ("created_by", "edited_by", "created_at", "updated_at"),
                )
            },
        ),
    )

    def get_queryset(self, request):
        # The review queue puts pending claims first (get_ordering).
        qs = self.model._default_manager.get_queryset()
        # The review queue ("next") needs the list's order, not its display columns.
        if not getattr(request, "desk_queue", False) or "o" in request.GET:
            qs = qs.annotate(
                source_total=Count("sources", distinct=True),
                first_quote=Substr(
                    Subquery(
                        ClaimSource.objects.filter(claim=OuterRef("pk"))
                        .order_by("id")
                        .values("quote")[:1]
                    ),
                    1,
                    90,
                ),
            )
        if not user_sees_unreviewed(request.user):
            # Analysts browse admin read-only: approved claims only, as everywhere else.
            qs = qs.filter(status=Claim.Status.APPROVED)
        return qs.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # An expression, not the "queue" annotation: other admins order their claim choices
        # (ClaimSource, ClaimRelation forms) by this on a plain, unannotated queryset.
        return (PENDING_FIRST.asc(), "-claim_date", "-id")

    def _hide_unreviewed(self, request, object_id) -> None:
        # The history pages look claims up by id, not through get_queryset: same rule here.
        if not user_sees_unreviewed(request.user):
            if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
                raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._hide_unreviewed(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._hide_unreviewed(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description="figure")
    def figure(self, obj):
        return obj.figure_display

    @admin.display(description="subtype", ordering="subtype")
    def subtype_label(self, obj):
        from tracker import vocab

        return vocab.SUBTYPES.get(obj.category, {}).get(obj.subtype, obj.subtype)

    @admin.display(description="claimant", ordering="claimant__name")
    def claimant_label(self, obj):
        return obj.claimant.label if obj.claimant else "—"

    @admin.display(description="quote")
    def quote_excerpt(self, obj):
        quote = obj.first_quote or ""
        return quote if len(quote) < 90 else quote[:88] + "…"

    @admin.display(description="sources", ordering="source_total")
    def n_sources(self, obj):
        return obj.source_total

    @admin.display(description="normalised")
    def norm_display(self, obj):
        if not obj.pk or obj.norm_unit == obj.unit:
            return "—"
        return f"{obj.norm_low} / {obj.norm_best} / {obj.norm_high} {obj.norm_unit}"

    @admin.display(description="credibility basis")
    def credibility_basis(self, obj):
        if not obj.pk:
            return "—"
        if not obj.credibility_suggested:
            return "Graded by an editor (or as entered): never recomputed."
        found = credibility_assess(obj)
        related = ", ".join(f"#{pk}" for pk in found.agreeing + found.contradicting)
        suffix = f" (claims {related})" if related else ""
        return f"Suggested {found.grade}: {found.reason}{suffix}"

    def save_model(self, request, obj, form, change):
        services.claim_save_from_form(claim=obj, editor=request.user, changed=form.changed_data)


@admin.register(ClaimSource)
class ClaimSourceAdmin(LabelledHistoryAdmin):
    list_display = ("claim", "article", "short_quote")
    search_fields = ("quote", "article__title")
    autocomplete_fields = ("claim", "article")
    list_select_related = ("claim", "article")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if user_sees_unreviewed(request.user):
            return qs
        return qs.filter(claim__status=Claim.Status.APPROVED)

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote[:100]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        # A quote added or changed by hand makes the editor an author of the claim (four eyes).
        services.claim_mark_edited(claim=obj.claim, editor=request.user)


@admin.register(ClaimRelation)
class ClaimRelationAdmin(LabelledHistoryAdmin):
    list_display = ("from_claim", "kind", "to_claim", "note")
    list_filter = ("kind",)
    autocomplete_fields = ("from_claim", "to_claim")
    search_fields = ("note",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if user_sees_unreviewed(request.user):
            return qs
        approved = Claim.Status.APPROVED
        return qs.filter(from_claim__status=approved, to_claim__status=approved)


class AliasesField(forms.CharField):
    """A list of aliases edited as text, one a line."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        lines = (value or "").splitlines()
        out: list[str] = []
        for line in (line.strip() for line in lines):
            if line and line not in out:
                out.append(line)
        return out


class WeaponSystemForm(forms.ModelForm):
    aliases = AliasesField(
        required=False,
        help_text="One a line: designations and names as printed (KN-23, Hwasong-11A, 240mm "
        "MRL…). Matching ignores case, spaces, hyphens and slashes; an alias names one system.",
    )

    class Meta:
        model = WeaponSystem
        fields = ("name", "slug", "kind", "calibre", "origin", "aliases", "notes")


@admin.register(WeaponSystem)
class WeaponSystemAdmin(admin.ModelAdmin):
    """The weapon-system registry (tracker/data/weapon_systems.json); editors extend it here.
    Searching finds a system by any of its aliases."""

    form = WeaponSystemForm
    list_display = ("name", "kind", "calibre", "origin", "alias_list", "claim_count")
    list_filter = ("kind", "origin")
    search_fields = ("name", "slug", "aliases")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_claims=Count("claims", distinct=True))
        return qs.order_by("name")

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(obj.aliases or [])

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj):
        return obj.n_claims
