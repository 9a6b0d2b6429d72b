"""Feeds to poll, and the other URLs under which an already-stored article was found."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from tracker.models import Article, Outlet


class Feed(models.Model):
    url = models.URLField("RSS/Atom URL", max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="feeds"
    )
    enabled = models.BooleanField(default=True)
    poll_interval = models.PositiveIntegerField("poll interval (minutes)", default=30)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "url"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poll_interval__gte=1), name="feed_poll_interval_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url

    def is_due(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.enabled:
            return False
        if self.last_polled_at is None:
            return True
        return self.last_polled_at + dt.timedelta(minutes=self.poll_interval) <= now


class ArticleAlias(models.Model):
    """Another canonical URL that led to the same text: fetching it again does nothing."""

    url = models.URLField(max_length=2000, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        verbose_name_plural = "article aliases"

    def __str__(self) -> str:
        return f"{self.url} → {self.article_id}"
