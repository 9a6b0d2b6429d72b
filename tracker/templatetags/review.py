"""The review queue's size, for editors, wherever they are (admin home, dashboard navigation)."""

from django import template

from tracker.selectors import claims_pending_count

register = template.Library()


@register.simple_tag
def pending_claims(user) -> int | None:
    """Claims waiting for review, or None when `user` may not review."""
    return claims_pending_count(user)
