"""Atom feed of newly approved claims and of headline changes, for tools that watch
(/feeds/claims.atom)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from tracker import vocab
from tracker.api.views import _claims_with_sources
from tracker.headlines import headline_changes_visible_to
from tracker.models import HeadlineChange
from tracker.selectors import claims_visible_to
from tracker.untrusted import for_xml

FEED_SIZE = 50


class ApprovedClaimsFeed(Feed):
    feed_type = Atom1Feed
    title = "NK–Russia claims tracker: newly approved claims and headline changes"
    subtitle = (
        "Every figure asserted about North Korea–Russia military cooperation, as approved, and "
        "every change of a headline figure."
    )

    def link(self):
        return reverse("overview")

    def items(self):
        # Public feed: what an anonymous visitor may see, newest review first.
        claims = claims_visible_to(None, include_unreviewed=False)
        newest = F("reviewed_at").desc(nulls_last=True)
        items = [
            *_claims_with_sources(claims).order_by(newest, "-id")[:FEED_SIZE],
            *headline_changes_visible_to(None)[:FEED_SIZE],
        ]
        items.sort(key=self.item_pubdate, reverse=True)
        return items[:FEED_SIZE]

    def item_title(self, item) -> str:
        if isinstance(item, HeadlineChange):
            return f"Headline changed: {_series_name(item)} {_figure(item.old_value)} → " + (
                f"{_figure(item.new_value)} {item.unit}".rstrip()
            )
        claim = item
        who = claim.claimant.name if claim.claimant_id else "Press report"
        # Article text may hold characters XML cannot carry: one ingested page must not
        # take the feed down.
        return for_xml(f"{who}: {claim.get_subtype_display()} — {claim.figure_display}")

    def item_description(self, item) -> str:
        if isinstance(item, HeadlineChange):
            claim = item.claim
            who = claim.claimant.name if claim and claim.claimant_id else "Press report"
            return format_html(
                "<p>The headline of {} moved from {} to {} {}, now held by {} ({}).</p>",
                _series_name(item),
                _figure(item.old_value),
                _figure(item.new_value),
                item.unit,
                who,
                claim.figure_display if claim else "no claim",
            )
        claim = item
        # Atom carries this as type="html": escape article text so readers show it as text.
        sources = format_html_join(
            "", "<li>“{}” — {}</li>", ((s.quote, s.article.title) for s in claim.sources.all())
        )
        return for_xml(
            format_html(
                "<p>{} ({}), said {}; confidence {} ({}).</p><ul>{}</ul>",
                claim.figure_display,
                claim.get_category_display(),
                claim.claim_date.isoformat(),
                claim.confidence,
                claim.grade,
                sources,
            )
        )

    def item_link(self, item) -> str:
        if isinstance(item, HeadlineChange):
            query = f"category={item.category}&subtype={item.subtype}"
            return f"{reverse('totals')}?{query}#changes-{item.pk}"
        return item.get_absolute_url()

    def item_pubdate(self, item):
        if isinstance(item, HeadlineChange):
            return item.changed_at
        return item.reviewed_at or item.created_at

    def item_updateddate(self, item):
        if isinstance(item, HeadlineChange):
            return item.changed_at
        return item.updated_at

    def item_categories(self, item):
        if isinstance(item, HeadlineChange):
            return [for_xml(item.category), for_xml(item.subtype), "headline-change"]
        return [for_xml(item.category), for_xml(item.subtype)]


def _series_name(change: HeadlineChange) -> str:
    subtype = vocab.SUBTYPES.get(change.category, {}).get(change.subtype, change.subtype)
    return f"{vocab.CATEGORIES.get(change.category, change.category)}: {subtype}"


def _figure(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
