"""Small display helpers for the dashboard templates."""

from django import template

from tracker import vocab

register = template.Library()


@register.filter
def subtype_label(claim) -> str:
    """The subtype's own label ('Killed or wounded'), without its category prefix."""
    return vocab.SUBTYPES.get(claim.category, {}).get(claim.subtype, claim.subtype)
