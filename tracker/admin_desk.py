"""The editors' desk in the claim form: the review bar, "next" along the editor's own list, the
quote and figure checks of the form. Rules stay in tracker.services; this is the admin's side.
"""

from __future__ import annotations

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse

from tracker import services, vocab
from tracker.models import Claim, ClaimSource, Credibility

# --- The form ---------------------------------------------------------------------------------


class SubtypeSelect(forms.Select):
    """Subtype options carry their category, so a small static script shows only the chosen
    category's subtypes (the server still validates, in Claim.clean)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        category = next((c for c, subs in vocab.SUBTYPES.items() if value in subs), "")
        if category:
            option["attrs"]["data-category"] = category
        return option


class ClaimAdminForm(forms.ModelForm):
    confirm_figures = forms.BooleanField(
        required=False,
        label="The figures are right",
        help_text="Tick to save figures that differ from the numbers in the quote.",
    )

    class Meta:
        model = Claim
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields
        widgets = {"subtype": SubtypeSelect(attrs={"data-subtype-filter": "id_category"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "credibility" in self.fields:
            # A hand-entered claim is graded on purpose, not left at "cannot be judged".
            field = self.fields["credibility"]
            field.choices = [("", "— grade the information —"), *Credibility.choices]
            field.initial = None
            self.initial.pop("credibility", None)
            field.help_text = "How credible is the information itself (1 best)?"
        if self.instance.pk is None and "reliability" in self.fields:
            self.fields["reliability"].help_text = "Left as it is, the claimant's default is used."


def _figures_changed(claim: Claim) -> bool:
    if claim.pk is None:
        return True
    saved = Claim.objects.filter(pk=claim.pk).values("low", "best", "high").first() or {}
    return any(saved.get(name) != getattr(claim, name) for name in ("low", "best", "high"))


class ClaimSourceFormSet(BaseInlineFormSet):
    """Warns when a quote's numbers do not contain the claim's figures (new figures or new
    quotes only), until the editor ticks "The figures are right"."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.data.get("confirm_figures") in ("on", "true", "1"):
            return
        claim = self.instance
        live = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        touched = _figures_changed(claim) or any(f.has_changed() for f in live)
        if not touched:
            return
        warnings = services.claim_figure_warnings(
            low=claim.low,
            best=claim.best,
            high=claim.high,
            quotes_=[f.instance.quote for f in live],
        )
        if warnings:
            raise ValidationError(
                [*warnings, "Correct the figures, or tick “The figures are right” to save."]
            )


class ClaimSourceInline(admin.StackedInline):
    model = ClaimSource
    formset = ClaimSourceFormSet
    extra = 0
    autocomplete_fields = ("article",)
    fields = ("article", "quote", "offsets", "in_context")
    readonly_fields = ("offsets", "in_context")

    @admin.display(description="found at")
    def offsets(self, obj):
        if not obj.pk:
            return "found when saved"
        if not obj.found_in_article:
            return "not found in the article"
        return f"characters {obj.quote_start}–{obj.quote_end}"

    @admin.display(description="in the article")
    def in_context(self, obj):
        from django.utils.html import format_html

        if not obj.pk:
            return "—"
        if not obj.found_in_article:
            return "Not found in the article."
        before, quote, after = obj.context()
        # format_html escapes every argument: article text is untrusted.
        return format_html(
            '<div class="quote-context">…{}<mark>{}</mark>{}…</div>', before, quote, after
        )


# --- The review bar ---------------------------------------------------------------------------

REVIEW_BUTTONS = ("_approve", "_approve_next", "_reject_next")
ARTICLE_LOOKUP = "sources__article__id__exact"


class QueueChangeList(ChangeList):
    """The editor's list as a queryset only: its filters, search and ordering, without counting
    or fetching a page (what "next" needs)."""

    def get_results(self, request):
        self.result_count = self.full_result_count = 0
        self.result_list, self.can_show_all, self.multi_page = [], False, False
        self.paginator = None


class ReviewDeskMixin:
    """Approve / Approve & next / Reject & next / Skip at the top of the claim form; "next"
    follows the filters and ordering of the list the editor came from (_changelist_filters)."""

    change_form_template = "admin/tracker/claim/change_form.html"

    def _can_review(self, request) -> bool:
        return request.user.has_perm("tracker.review_claim")

    # The editor's list: the changelist they came from, rebuilt from its preserved filters.
    def _list_queryset(self, request):
        list_request = copy.copy(request)
        list_request.GET = QueryDict(request.GET.get("_changelist_filters", ""))
        list_request.POST = QueryDict()
        list_request.method = "GET"
        list_request.desk_queue = True  # see get_changelist: no page of results is fetched
        try:
            return self.get_changelist_instance(list_request).queryset
        except (IncorrectLookupParameters, DisallowedModelAdminLookup, ValueError):
            return self.get_queryset(request)

    def get_changelist(self, request, **kwargs):
        if getattr(request, "desk_queue", False):
            return QueueChangeList
        return super().get_changelist(request, **kwargs)

    def lookup_allowed(self, lookup, value, request=None):
        # The article page links its claims as a list of their own ("next" walks them).
        if lookup == ARTICLE_LOOKUP:
            return True
        return super().lookup_allowed(lookup, value, request)

    def _next_pending(self, request, current: Claim) -> Claim | None:
        """The next claim the editor can approve after `current` in their list, wrapping to the
        top; claims they may not approve (four eyes) are for another editor and skipped."""
        first, seen_current = None, False
        rows = (
            self._list_queryset(request)
            .filter(Q(pk=current.pk) | services.reviewable_by(request.user))
            .values_list("pk", flat=True)
        )
        for pk in rows.iterator(chunk_size=500):
            if pk == current.pk:
                seen_current = True
            elif seen_current:
                return Claim.objects.get(pk=pk)
            elif first is None:
                first = pk
        return Claim.objects.get(pk=first) if first is not None else None

    def _with_filters(self, request, url: str) -> str:
        context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return add_preserved_filters(context, url)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            sources = list(obj.sources.select_related("article__outlet"))
            warnings = services.claim_figure_warnings(
                low=obj.low, best=obj.best, high=obj.high, quotes_=[s.quote for s in sources]
            )
            context["review_sources"] = [
                {
                    **dict(zip(("before", "quote", "after"), s.context(), strict=True)),
                    "article": s.article,
                    "found": s.found_in_article,
                }
                for s in sources
            ]
            context["figure_warnings"] = warnings
            can_review = self._can_review(request)
            context["can_review"] = can_review
            if can_review:
                following = self._next_pending(request, obj)
                if following is not None:
                    context["skip_url"] = self._with_filters(
                        request, reverse("admin:tracker_claim_change", args=[following.pk])
                    )
                context["pending_left"] = Claim.objects.filter(status=Claim.Status.PENDING).count()
                context["reject_reasons"] = services.REJECT_REASONS
                context["four_eyes_author"] = services.four_eyes_on() and (
                    request.user.pk in services.claim_authors(obj)
                )
                context["needs_grade"] = int(obj.credibility) == 6
                context["changelist_url"] = self._with_filters(
                    request, reverse("admin:tracker_claim_changelist")
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        button = next((b for b in REVIEW_BUTTONS if b in request.POST), None)
        if button is None or not self._can_review(request):
            return super().response_change(request, obj)
        go_next = button != "_approve"
        # Where "next" leads is decided while this claim still sits in the editor's list.
        following = self._next_pending(request, obj) if go_next else None
        stay = HttpResponseRedirect(
            self._with_filters(request, reverse("admin:tracker_claim_change", args=[obj.pk]))
        )
        try:
            if button == "_reject_next":
                reason = request.POST.get("_reject_reason", "")
                if reason in ("", "other"):
                    reason = request.POST.get("_reject_reason_other", "")
                obj = services.claim_reject(claim=obj, reviewer=request.user, reason=reason)
                self.message_user(
                    request, f"Claim #{obj.pk} rejected: {obj.review_note}", messages.WARNING
                )
            else:
                obj = services.claim_approve(
                    claim=obj,
                    reviewer=request.user,
                    grade_confirmed=bool(request.POST.get("_confirm_ungraded")),
                    override_note=request.POST.get("_override_note", ""),
                )
                self.message_user(request, f"Claim #{obj.pk} approved.", messages.SUCCESS)
        except PermissionDenied as exc:
            # Four eyes: the edits are saved; the claim waits for another editor.
            self.message_user(request, f"Saved, not approved. {exc}", messages.WARNING)
            if not go_next:
                return stay
        except ValidationError as exc:
            self.message_user(
                request, "Saved, not reviewed. " + " ".join(exc.messages), messages.ERROR
            )
            return stay
        if not go_next:
            return stay
        if (
            following is not None
            and not Claim.objects.filter(
                Q(pk=following.pk) & services.reviewable_by(request.user)
            ).exists()
        ):
            following = self._next_pending(request, obj)  # reviewed meanwhile by someone else
        if following is None:
            self.message_user(request, "Nothing left to review in this list.", messages.INFO)
            return HttpResponseRedirect(
                self._with_filters(request, reverse("admin:tracker_claim_changelist"))
            )
        return HttpResponseRedirect(
            self._with_filters(request, reverse("admin:tracker_claim_change", args=[following.pk]))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # New or changed quotes are a hand edit of the claim (four eyes).
        if change and any(fs.has_changed() for fs in formsets):
            services.claim_mark_edited(claim=form.instance, editor=request.user)
        # Systems left empty are those the printed label names (the one resolver).
        if "weapon_systems" in form.cleaned_data and not form.cleaned_data["weapon_systems"]:
            services.claim_weapons_set(claim=form.instance)

    # Bulk review from the list, through the same services.
    @admin.action(description="Approve selected claims", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._bulk_approve(request, queryset, grade_confirmed=False)

    @admin.action(
        description="Approve selected claims, confirming credibility 6 (cannot be judged)",
        permissions=["review"],
    )
    def approve_selected_ungraded(self, request, queryset):
        self._bulk_approve(request, queryset, grade_confirmed=True)

    def _bulk_approve(self, request, queryset, *, grade_confirmed: bool) -> None:
        selected = queryset.count()
        n = services.claims_approve(
            claims=queryset, reviewer=request.user, grade_confirmed=grade_confirmed
        )
        self.message_user(request, f"Approved {n} claim(s).", messages.SUCCESS)
        if n < selected:
            self.message_user(
                request,
                f"{selected - n} claim(s) left pending: graded credibility 6 (grade them, or "
                "use the action that confirms it), or entered or changed by you (four eyes: "
                "another editor approves them).",
                messages.WARNING,
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self._can_review(request):
            for i, reason in enumerate(services.REJECT_REASONS):
                name = f"reject_selected_{i}"
                actions[name] = (
                    self._reject_action(reason),
                    name,
                    f"Reject selected claims: {reason.lower()}",
                )
        return actions

    @staticmethod
    def _reject_action(reason: str):
        def reject(modeladmin, request, queryset):
            n = services.claims_reject(claims=queryset, reviewer=request.user, reason=reason)
            modeladmin.message_user(request, f"Rejected {n} claim(s): {reason}.", messages.WARNING)

        return reject

    def has_review_permission(self, request) -> bool:
        return self._can_review(request)
