"""The editors' daily tool: review queues, bulk approve/reject, quotes in their sentence."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from tracker import (
    admin_autocomplete,  # noqa: F401 - autocompletes survive bogus ids
    services,
)
from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    ClaimSource,
    Outlet,
)
from tracker.selectors import user_sees_unreviewed

admin.site.site_header = "NK–Russia claims tracker"
admin.site.site_title = "Claims tracker admin"
admin.site.index_title = "Editors' desk"


class ClaimantAliasInline(admin.TabularInline):
    model = ClaimantAlias
    extra = 1


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "country", "kind", "reliability", "claim_count")
    list_filter = ("kind", "country", "reliability")
    search_fields = ("name", "short_name", "aliases__alias")
    inlines = [ClaimantAliasInline]

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
    readonly_fields = ("content_hash", "created_at", "updated_at", "relevance_reasons")
    list_select_related = ("outlet",)

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


class ClaimSourceInline(admin.StackedInline):
    model = ClaimSource
    extra = 0
    autocomplete_fields = ("article",)
    fields = ("article", "quote", ("quote_start", "quote_end"), "in_context")
    readonly_fields = ("in_context",)

    @admin.display(description="in the article")
    def in_context(self, obj):
        if not obj.pk:
            return "—"
        before, quote, after = obj.context()
        # format_html escapes every argument: article text is untrusted.
        return format_html(
            '<div class="quote-context">…{}<mark>{}</mark>{}…</div>', before, quote, after
        )


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
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = (
        "id",
        "figure",
        "category",
        "subtype",
        "claimant",
        "claim_date",
        "grade",
        "confidence",
        "status",
        "origin",
        "n_sources",
    )
    list_display_links = ("id", "figure")
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
        "location",
    )
    date_hierarchy = "claim_date"
    autocomplete_fields = ("claimant",)
    list_select_related = ("claimant",)
    list_per_page = 50
    actions = ["approve_selected", "reject_selected"]
    inlines = [ClaimSourceInline]
    readonly_fields = (
        "confidence",
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
                    "norm_display",
                    ("measure", "claim_date", "period_start", "period_end"),
                    "claimant",
                    ("location", "weapon_system"),
                    "summary",
                )
            },
        ),
        ("Trust", {"fields": (("reliability", "credibility", "confidence"),)}),
        (
            "Review",
            {
                "fields": (
                    ("status", "origin"),
                    ("rule", "extraction_score"),
                    "notes",
                    ("reviewed_by", "reviewed_at"),
                    ("created_by", "created_at", "updated_at"),
                )
            },
        ),
    )

    def get_queryset(self, request):
        # The review queue puts pending claims first (get_ordering).
        qs = self.model._default_manager.get_queryset().annotate(
            source_total=Count("sources", distinct=True),
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

    @admin.display(description="grade")
    def grade(self, obj):
        return obj.grade

    @admin.display(description="sources", ordering="source_total")
    def n_sources(self, obj):
        return obj.source_total

    @admin.display(description="normalised")
    def norm_display(self, obj):
        if not obj.pk or obj.norm_unit == obj.unit:
            return "—"
        return f"{obj.norm_low} / {obj.norm_best} / {obj.norm_high} {obj.norm_unit}"

    change_form_template = "admin/tracker/claim/change_form.html"
    REVIEW_BUTTONS = {
        "_approve": (services.claim_approve, False),
        "_approve_next": (services.claim_approve, True),
        "_reject_next": (services.claim_reject, True),
    }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["review_sources"] = [
                dict(zip(("before", "quote", "after"), s.context(), strict=True), article=s.article)
                for s in obj.sources.select_related("article__outlet")
            ]
            context["can_review"] = self._can_review(request)
            context["pending_left"] = Claim.objects.filter(status=Claim.Status.PENDING).count()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        button = next((b for b in self.REVIEW_BUTTONS if b in request.POST), None)
        if button is None or not self._can_review(request):
            return super().response_change(request, obj)
        review, go_next = self.REVIEW_BUTTONS[button]
        obj = review(claim=obj, reviewer=request.user)
        self.message_user(request, f"Claim #{obj.pk} {obj.status}.", messages.SUCCESS)
        target = services.claim_next_pending(after=obj) if go_next else obj
        if target is None:
            self.message_user(request, "The review queue is empty.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:tracker_claim_changelist"))
        return HttpResponseRedirect(reverse("admin:tracker_claim_change", args=[target.pk]))

    def save_model(self, request, obj, form, change):
        services.claim_save_from_form(claim=obj, editor=request.user, changed=form.changed_data)

    def _can_review(self, request) -> bool:
        return request.user.has_perm("tracker.review_claim")

    @admin.action(description="Approve selected claims", permissions=["review"])
    def approve_selected(self, request, queryset):
        n = services.claims_approve(claims=queryset, reviewer=request.user)
        self.message_user(request, f"Approved {n} claim(s).", messages.SUCCESS)

    @admin.action(description="Reject selected claims", permissions=["review"])
    def reject_selected(self, request, queryset):
        n = services.claims_reject(claims=queryset, reviewer=request.user)
        self.message_user(request, f"Rejected {n} claim(s).", messages.WARNING)

    def has_review_permission(self, request) -> bool:
        return self._can_review(request)


@admin.register(ClaimSource)
class ClaimSourceAdmin(admin.ModelAdmin):
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


@admin.register(ClaimRelation)
class ClaimRelationAdmin(admin.ModelAdmin):
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
