"""Feeds in admin with *poll now*; articles gain *re-process* and an add-by-URL-or-text form."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ingest import progress, services
from ingest.models import ArticleAlias, Feed
from tracker.admin import ArticleAdmin
from tracker.models import Article


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("__str__", "outlet", "enabled", "poll_interval", "last_polled_at", "last_error")
    list_filter = ("enabled", "outlet")
    search_fields = ("title", "url")
    autocomplete_fields = ("outlet",)
    readonly_fields = ("etag", "last_modified", "last_polled_at", "last_error", "created_at")
    actions = ["poll_now"]

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        for feed in queryset:
            services.feed_enqueue_poll(feed=feed)
        self.message_user(request, f"{queryset.count()} feed(s) queued for polling.")


@admin.register(ArticleAlias)
class ArticleAliasAdmin(admin.ModelAdmin):
    list_display = ("url", "article", "created_at")
    search_fields = ("url",)
    raw_id_fields = ("article",)


FILE_MAX_BYTES = 5 * 1024 * 1024


class ArticleSourceForm(forms.Form):
    url = forms.URLField(
        required=False, max_length=2000, label="Article URL", assume_scheme="https"
    )
    text = forms.CharField(required=False, widget=forms.Textarea, label="…or paste the text")
    title = forms.CharField(required=False, max_length=500)
    outlet = forms.CharField(required=False, max_length=200, help_text="Outlet name")
    published = forms.DateField(required=False, help_text="YYYY-MM-DD")
    file = forms.FileField(
        required=False, label="…or upload a file", help_text=".txt or .html, at most 5 MB"
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if Path(upload.name).suffix.lower() not in services.TEXT_FILE_SUFFIXES:
            raise forms.ValidationError("Upload a .txt, .html or .htm file.")
        if upload.size > FILE_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return upload

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if url and (reason := services.url_refusal(url)):
            raise forms.ValidationError(f"This URL cannot be fetched: {reason}")
        return url

    def clean(self):
        data = super().clean()
        given = (data.get("url"), data.get("text", "").strip(), data.get("file"))
        if sum(map(bool, given)) != 1 and not self.errors:
            raise forms.ValidationError("Give one of a URL to fetch, a pasted text or a file.")
        return data


class IngestArticleAdmin(ArticleAdmin):
    actions = [*(ArticleAdmin.actions or []), "reprocess"]
    change_list_template = "admin/ingest/article_change_list.html"
    readonly_fields = (*ArticleAdmin.readonly_fields, "progress")

    @admin.display(description="progress")
    def progress(self, obj):
        return progress.article_progress(obj) if obj.pk else "—"

    @admin.action(description="Re-process (fetch again if nothing was fetched)")
    def reprocess(self, request, queryset):
        for article in queryset:
            services.article_enqueue_reprocess(article=article)
        self.message_user(request, f"{queryset.count()} article(s) queued for processing.")

    def get_urls(self):
        extra = [
            path(
                "add-from-source/",
                self.admin_site.admin_view(self.add_from_source_view),
                name="tracker_article_add_from_source",
            )
        ]
        return extra + super().get_urls()

    def add_from_source_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ArticleSourceForm(*((request.POST, request.FILES) if posted else (None, None)))
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["url"]:
                article = services.article_enqueue_url(url=data["url"], submitted_by=request.user)
                self.message_user(
                    request,
                    f"Queued for fetching: {article.url}. Its proposed claims are listed here "
                    "once it is processed (reload).",
                )
                return redirect(reverse("admin:tracker_article_change", args=[article.pk]))
            # Heavy work leaves the request: the text is stored queued, a worker processes it.
            if data["file"] is not None:
                result = services.article_enqueue_file(
                    name=data["file"].name, content=data["file"].read(), submitted_by=request.user
                )
            else:
                result = services.article_enqueue_text(
                    text=data["text"],
                    title=data["title"],
                    outlet_name=data["outlet"],
                    published=data["published"],
                    submitted_by=request.user,
                )
            level = messages.ERROR if result.outcome == "failed" else messages.SUCCESS
            said = progress.article_progress(result.article) if result.article else ""
            self.message_user(request, f"Article {result.outcome}. {result.reason or said}", level)
            if result.article is not None and result.outcome != "failed":
                return redirect(reverse("admin:tracker_article_change", args=[result.article.pk]))
            return redirect(reverse("admin:tracker_article_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Add an article from a URL or a text",
        }
        return TemplateResponse(request, "admin/ingest/article_add_from_source.html", context)


admin.site.unregister(Article)
admin.site.register(Article, IngestArticleAdmin)
