"""The dashboard's pages as the browser tests visit them, listed once: a page added here is
checked by every browser test that walks them (axe, phone widths, chart layout)."""

from __future__ import annotations


def demo_pages(demo) -> dict[str, str]:
    """Name → path of every public page, on the demo data (`demo.claims` by key)."""
    claim = demo.claims["cas2"]
    return {
        "overview": "/",
        "timeline": "/timeline/",
        "totals": "/totals/",
        "arms": "/arms/",
        "border": "/border/",
        "map": "/map/",
        "claims": "/claims/",
        "claim": claim.get_absolute_url(),
        "claimant": claim.claimant.get_absolute_url(),
        "article": claim.sources.first().article.get_absolute_url(),
        "methodology": "/methodology/",
        "releases": "/releases/",
    }
