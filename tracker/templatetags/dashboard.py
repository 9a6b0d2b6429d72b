"""Small display helpers for the dashboard templates."""

from django import template

from tracker import vocab

register = template.Library()


@register.filter
def subtype_label(claim) -> str:
    """The subtype's own label ('Killed or wounded'), without its category prefix."""
    return vocab.SUBTYPES.get(claim.category, {}).get(claim.subtype, claim.subtype)


@register.filter
def http_url(value) -> str:
    """The URL if it is http(s), else "": article URLs come from outside and must never become
    javascript:/data: links."""
    from urllib.parse import urlsplit

    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""


@register.simple_tag
def tracker_version() -> str:
    """The release number (tracker.__version__), for the footer."""
    from tracker import __version__

    return __version__
