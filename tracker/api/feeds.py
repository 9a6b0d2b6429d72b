"""Atom feed of newly approved claims, for tools that watch (/feeds/claims.atom)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from tracker.api.views import _claims_with_sources
from tracker.models import Claim
from tracker.selectors import claims_visible_to
from tracker.untrusted import for_xml

FEED_SIZE = 50


class ApprovedClaimsFeed(Feed):
    feed_type = Atom1Feed
    title = "NK–Russia claims tracker: newly approved claims"
    subtitle = "Every figure asserted about North Korea–Russia military cooperation, as approved."

    def link(self):
        return reverse("overview")

    def items(self):
        # Public feed: what an anonymous visitor may see, newest review first.
        claims = claims_visible_to(None, include_unreviewed=False)
        newest = F("reviewed_at").desc(nulls_last=True)
        return _claims_with_sources(claims).order_by(newest, "-id")[:FEED_SIZE]

    def item_title(self, claim: Claim) -> str:
        who = claim.claimant.name if claim.claimant_id else "Press report"
        # Article text may hold characters XML cannot carry: one ingested page must not
        # take the feed down.
        return for_xml(f"{who}: {claim.get_subtype_display()} — {claim.figure_display}")

    def item_description(self, claim: Claim) -> str:
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

    def item_link(self, claim: Claim) -> str:
        return claim.get_absolute_url()

    def item_pubdate(self, claim: Claim):
        return claim.reviewed_at or claim.created_at

    def item_updateddate(self, claim: Claim):
        return claim.updated_at

    def item_categories(self, claim: Claim):
        return [for_xml(claim.category), for_xml(claim.subtype)]
