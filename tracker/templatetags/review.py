"""The review queue's size, for editors, wherever they are (admin home, dashboard navigation)."""

from django import template

from tracker.selectors import claims_pending_count

register = template.Library()


@register.simple_tag
def pending_claims(user) -> int | None:
    """Claims waiting for review, or None when `user` may not review."""
    return claims_pending_count(user)


@register.simple_tag(takes_context=True)
def user_nav(context) -> str:
    """The editors' links in the navigation: rendered here, or left as a marker that
    tracker.httpcache fills in per answer when the page is cached for every user of a role."""
    from django.utils.html import format_html

    from tracker.httpcache import DEFER_NAV, NAV_NAME, user_nav_html

    request = context.get("request")
    if request is not None and getattr(request, DEFER_NAV, False):
        return format_html("<!--{}-->", NAV_NAME)  # httpcache.NAV_MARKER
    return user_nav_html(context.get("user"))
