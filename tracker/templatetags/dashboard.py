"""Small display helpers for the dashboard templates."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.filter
def figure_script(chart) -> str:
    """The chart's figure in a `<script type="application/json">`, as `json_script` writes it,
    from the text made once when the chart was built (tracker.figures.FigureJSON: already
    serialised and escaped, so it is marked safe as json_script marks its own)."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        chart["data_id"],
        mark_safe(chart["figure"].text),  # noqa: S308 — json_script's escapes, applied
    )
