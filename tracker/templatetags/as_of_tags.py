"""The banner of a page viewed as of a past moment (tracker.asof)."""

from django import template
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html

from tracker import asof
from tracker.models import Claim, PublicChange, Release

register = template.Library()


@register.simple_tag(takes_context=True)
def as_of_banner(context) -> str:
    """'As of 1 March 2025 …' with links to the same view today, to the release current then and
    to the change feed from that moment on; nothing on today's pages."""
    request = context.get("request")
    at = getattr(request, "as_of", None) if request is not None else None
    if at is None:
        return ""
    params = request.GET.copy()
    params.pop(asof.PARAM, None)
    today = request.path + (f"?{params.urlencode()}" if params else "")
    # Read as of the moment too (the logs are shadowed): the release then current, and the
    # last public change shown, from which the feed carries on exactly.
    release = Release.objects.order_by("-number").first()
    last_seq = PublicChange.objects.aggregate(last=Max("seq"))["last"] or 0
    # The history itself is not shadowed: when it begins after the moment, say so rather than
    # leave an empty page unexplained (a tracker started, or a demo loaded, later).
    begins = Claim.history.order_by("history_date").values_list("history_date", flat=True)
    begins = begins.first()
    empty = ""
    if begins is not None and begins > at:
        empty = format_html(
            " The tracker held no claims yet then: its records begin on {}.", asof.label(begins)
        )
    if release is None:
        then = "No dataset release had been made yet."
    else:
        then = format_html(
            'The release then current: <a href="{}">{}</a>.', release.get_absolute_url(), release
        )
    return format_html(
        '<div class="as-of-banner" role="status"><strong>As of {}</strong>: this page shows '
        "what the tracker showed then — the approved claims as they stood, their grades and "
        'sources, and the headlines its rule gave on that day.{} <a href="{}">See today\'s '
        'view</a>. {} Every change since: <a href="{}?since={}">the change feed</a> '
        '(<a href="{}?since={}">Atom</a>).</div>',
        asof.label(at),
        empty,
        today,
        then,
        reverse("api:changes"),
        last_seq,
        reverse("feed-changes"),
        last_seq,
    )


@register.simple_tag(takes_context=True)
def pinned_url(context, absolute: bool = True) -> str:
    """This view's address with `as_of` set to the moment shown (tracker.asof.pinned_path): the
    link a citation gives."""
    request = context["request"]
    path = asof.pinned_path(request)
    return request.build_absolute_uri(path) if absolute else path


@register.simple_tag(takes_context=True)
def shown_at(context) -> str:
    """The moment this view shows, in words: the as-of moment, or now."""
    from django.utils import timezone

    return asof.label(getattr(context["request"], "as_of", None) or timezone.now())
