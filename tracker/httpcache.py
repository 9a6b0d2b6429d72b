"""Finished responses, cached until the data they show changes: `cached_response` wraps a page or
an API view so that, when nothing it depends on has changed, a GET is answered with the bytes of
an earlier answer — no query, no template, no serializer — with `ETag` and `Last-Modified`, and
`304 Not Modified` to `If-None-Match` / `If-Modified-Since`.

What an answer is good for: the data versions the view depends on (tracker.cache: its
categories — from `depends(request)` — and the global version; editors' views also the
unreviewed one) and today's date (estimates go stale as days pass). It is stored with them (its
`stamp`) under a key of the request alone: the path and the query string (parameters sorted),
the viewer's role, for the API the `Accept` header, and the variant sent (encoding, navigation);
so the answer last stored is read in the same round trip as the current versions, and served
when its stamp is theirs. Roles: anonymous visitors and analysts ("public") share entries — they
see the same claims; editors ("editor": who may review, tracker.selectors.user_sees_unreviewed)
have their own, since they see pending claims. For the API the caller is authenticated as DRF
would (session or token; a request with neither a session cookie nor an `Authorization` header
is anonymous without building DRF's request), and throttles are applied to answers from the
cache, counted in that same round trip (tracker.api.throttling: a counter added to in the
cache; one pipeline on Redis, config.cache). A cached answer thus costs one cache round trip; a
miss two more, to read the raw copy (kept under the stamp, for every variant) and to store the
answer.

Nothing per user is cached: the one per-user part of a page, the editors' links in the
navigation (base.html), is rendered as a marker in the cached page and filled in per answer
(`user_nav_html`, a pure function of the user's role and staff flag; the editors' pending count
is fixed per unreviewed version). A response that rendered a CSRF token, set a cookie, is not
200, is streamed or is not HTML/JSON is never cached.

Compression: each answer is stored once per encoding actually asked for (br, gzip, identity),
so a warm read compresses nothing. A miss (the view ran) goes out compressed at the fastest level
and stores only its raw copy: the first hit compresses that at the usual level and stores it
(most uncached answers — a new filter, a crawler — are never read again). Public answers
carry no secret (no CSRF token, nothing per user: BREACH needs one), so their compressed bytes
are cached. Editors' answers show unpublished claims beside a query string an attacker could
choose; they are cached uncompressed and compressed per response by `CompressionMiddleware`
(Django's GZipMiddleware, with its random padding against BREACH). Responses that carry a CSRF
token (admin forms, login, the browsable API) are never compressed.

Fails soft: with the cache unavailable the view runs as if this were not there.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
import time

from django.contrib.auth.models import AnonymousUser
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, urlencode
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from tracker import cache as data_cache
from tracker.api.throttling import COUNTED, CountedByCache
from tracker.selectors import user_sees_unreviewed

try:  # optional: without it, gzip only
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

log = logging.getLogger(__name__)

NAV_NAME = "tracker:user-nav"
NAV_MARKER = f"<!--{NAV_NAME}-->"  # what the template tag `user_nav` leaves for us to fill
_NAV = NAV_MARKER.encode()
DEFER_NAV = "_tracker_defer_user_nav"  # request attribute: render the marker, not the links
CACHEABLE_TYPES = ("text/html", "application/json")
MIN_COMPRESS = 200  # bytes: smaller bodies go out as they are (as GZipMiddleware does)
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # near gzip's speed, smaller output; 11 would take a second per page
# A miss (the view just ran) goes out compressed at the fastest level and is not stored so: the
# first hit compresses the raw copy at the levels above and stores that (see cached_response).
# A 59 KB list page: brotli quality 1 takes 0.06 ms for 4.8 KB where quality 5 takes 0.5 ms
# for 3.6 KB; gzip level 1 0.13 ms for 5.5 KB where level 6 takes 0.37 ms for 4.2 KB.
FAST = {"br": 1, "gzip": 1}
# A smaller body is compressed well on its miss at once and stored so (quality 5 takes under
# 0.3 ms there; a 3.5 KB claim detail 0.08 ms): its first hit then needs no second read of the
# raw copy, no compression and no store.
FAST_FROM = 16 * 1024  # bytes, uncompressed
_ACCEPTS = {"br": re.compile(r"\bbr\b"), "gzip": re.compile(r"\bgzip\b")}
_DROP_HEADERS = {"content-length", "etag", "last-modified", "set-cookie", "content-encoding"}


# --- What a view depends on ----------------------------------------------------------------------


def requested_categories(params) -> set[str] | None:
    """The categories a query string narrows to in the shared filter language
    (tracker.filtering: several values, aliases; a subtype names its category): an empty set
    when it names none, None when a category or subtype is not one we know (the page then
    shows the error and leaves the filter out, so it may show anything)."""
    from tracker import vocab
    from tracker.filtering import canonical_query, category_of

    params, _ = canonical_query(params)
    chosen = set()
    for category in params.getlist("category"):
        if category not in vocab.CATEGORIES:
            return None
        chosen.add(category)
    for subtype in params.getlist("subtype"):
        category = category_of(subtype)
        if not category:
            return None
        chosen.add(category)
    return chosen


def filter_categories(request, default: str | None = None) -> set[str] | None:
    """The categories a dashboard page shows under the filters in its query string; None for
    every category. `default`: the category the page shows when none is chosen, kept in the set
    whatever is chosen (a filter the page leaves out for an error falls back to it)."""
    chosen = requested_categories(request.GET)
    if chosen is None:
        return None
    if not chosen:
        return {default} if default else None
    return chosen | {default} if default else chosen


def every_category(request) -> None:
    return None


def api_category(request) -> set[str] | None:
    """The categories an API list or series asks for; None for every category."""
    return requested_categories(request.GET) or None


# --- The per-user part of a page -----------------------------------------------------------------


def user_nav_html(user) -> str:
    """The editors' links in the navigation for `user` (empty for anyone not staff)."""
    if not getattr(user, "is_staff", False):
        return ""
    return render_to_string("tracker/_user_nav.html", {"user": user})


def _nav_variant(user) -> str:
    return "staff" if getattr(user, "is_staff", False) else "-"


# --- The decorator -------------------------------------------------------------------------------


def _encoding(request, role: str) -> str:
    if role != "public":
        return ""  # editors: compressed per response (CompressionMiddleware)
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if brotli is not None and _ACCEPTS["br"].search(accepted):
        return "br"
    if _ACCEPTS["gzip"].search(accepted):
        return "gzip"
    return ""


def _compress(body: bytes, encoding: str, *, fast: bool = False) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=FAST["gzip"] if fast else GZIP_LEVEL, mtime=0)
    if encoding == "br":
        return brotli.compress(body, quality=FAST["br"] if fast else BROTLI_QUALITY)
    return body


# Accept headers every cached API view answers alike, with its first renderer (JSON): one entry
# for them all (curl, browsers' fetch and most HTTP libraries send */*, some clients none).
_FIRST_RENDERER = frozenset({"*/*", "application/json"})


def _accept(request) -> str:
    """The API answer's key part for the Accept header: "" for no header and the usual JSON
    ones, else the header itself ("=" first: an empty header is refused, not answered as none)."""
    accept = request.META.get("HTTP_ACCEPT")
    if accept is None or accept.strip() in _FIRST_RENDERER:
        return ""
    return "=" + accept


def _query(request) -> str:
    return urlencode(sorted(request.GET.lists()), doseq=True)


def _cacheable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not _carries_csrf_token(request, response)
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
        and response.get("Content-Type", "").split(";")[0].strip() in CACHEABLE_TYPES
    )


def _get(key: str):
    try:
        return data_cache.cache.get(key)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: served uncached", exc_info=True)
        return None


def _set_many(entries: dict) -> None:
    try:
        data_cache.cache.set_many(entries, data_cache.timeout())
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: response not stored", exc_info=True)


def _fill_nav(response, user) -> None:
    """A response that is not cached gets its navigation links here."""
    if not response.streaming and _NAV in response.content:
        response.content = response.content.replace(_NAV, user_nav_html(user).encode())


def _representation(raw: dict, user, nav: str, encoding: str, *, fast: bool = False) -> dict:
    body = raw["body"]
    if _NAV in body:
        body = body.replace(_NAV, user_nav_html(user).encode())
    if len(body) < MIN_COMPRESS:
        encoding = ""
    return {
        "body": _compress(body, encoding, fast=fast),
        "encoding": encoding,
        "headers": raw["headers"],
        "etag": f'W/"{raw["etag"]}-{nav}"',
        "modified": raw["modified"],
    }


def _answer(request, rep: dict, *, role: str, state: str, api: bool):
    from django.http import HttpResponse

    response = HttpResponse(rep["body"])
    for name, value in rep["headers"]:
        response[name] = value
    if rep["encoding"]:
        response["Content-Encoding"] = rep["encoding"]
    response["Content-Length"] = str(len(rep["body"]))
    response["ETag"] = rep["etag"]
    response["Last-Modified"] = http_date(rep["modified"])
    # Revalidate each time (a 304 costs nothing); editors' answers stay out of shared caches.
    response["Cache-Control"] = "no-cache" if role == "public" else "private, no-cache"
    response["X-Tracker-Cache"] = state
    patch_vary_headers(
        response, ("Cookie", "Accept-Encoding", *(("Authorization",) if api else ()))
    )
    return get_conditional_response(
        request, etag=rep["etag"], last_modified=int(rep["modified"]), response=response
    )


class _Api:
    """The caller as DRF sees it (session or token), and the view's throttles."""

    def __init__(self, view_func, request, args, kwargs):
        view = view_func.cls(**getattr(view_func, "initkwargs", {}))
        if hasattr(view_func, "actions"):
            view.action_map = view_func.actions
        view.args, view.kwargs, view.headers = args, kwargs, {}
        self.view = view
        self.request = view.initialize_request(request, *args, **kwargs)
        view.request = self.request
        self.user = self.request.user  # authenticates; raises on a bad token

    def throttle_counters(self) -> tuple[dict, list]:
        """The counters of the view's throttles that count in the versions' round trip
        (tracker.api.throttling: {key: timeout}) and the keys they read there; the other
        throttles count on their own (`throttled`)."""
        self.throttles = self.view.get_throttles()
        counters, reads = {}, []
        for t in self.throttles:
            if hasattr(t, "allow_counted") and t.counts_for(self.request, self.view):
                counters.update(t.counter())
                reads.append(t.previous_key)
        return counters, reads

    def throttled(self, found: dict, counts: dict) -> bool:
        """Whether a throttle refuses the request, from the counts read and added to in the
        versions' round trip (`counts`; a throttle not counted there counts by its own
        calls)."""
        for throttle in self.throttles:
            if getattr(throttle, "key", None) in counts:
                allowed = throttle.allow_counted(found, counts)
            else:
                allowed = throttle.allow_request(self.request, self.view)
            if not allowed:
                return True
        return False


class _Anonymous(_Api):
    """A caller with no credentials at all (no session cookie, no Authorization header): DRF's
    session and token authentication would find nobody, so DRF's request is not built; the
    view's throttles see the Django request (they read only its address and its user)."""

    def __init__(self, view_func, request, args, kwargs):
        view = view_func.cls(**getattr(view_func, "initkwargs", {}))
        view.args, view.kwargs, view.headers = args, kwargs, {}
        self.view, self.request, self.user = view, request, AnonymousUser()


_STANDARD_AUTH = (SessionAuthentication, TokenAuthentication)


def _anonymous_shortcut(view_func) -> bool:
    """Whether the view authenticates only by session or token (so a request without either
    is anonymous, whatever it is)."""
    classes = getattr(view_func.cls, "authentication_classes", ())
    return all(issubclass(c, _STANDARD_AUTH) for c in classes)


def _without_credentials(request) -> bool:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.META.get(
        "HTTP_AUTHORIZATION"
    )


def cached_response(depends=every_category, *, api: bool = False):
    """Cache the finished responses of a GET view until its data changes (module docstring).
    `depends(request)` names the categories the response shows (None: every category); `api`
    marks a DRF view (authenticated and throttled as DRF would)."""

    def decorator(view):
        shortcut = api and _anonymous_shortcut(view)
        counts_here = api and issubclass(view.cls, CountedByCache)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET":
                return view(request, *args, **kwargs)
            caller = None
            if shortcut and _without_credentials(request):
                caller = _Anonymous(view, request, args, kwargs)
                user = caller.user
            elif api:
                try:
                    caller = _Api(view, request, args, kwargs)
                except Exception:  # noqa: BLE001 — a refused caller: the view answers it
                    return view(request, *args, **kwargs)
                user = caller.user
            else:
                user = request.user
            role = "editor" if user_sees_unreviewed(user) else "public"
            accept = _accept(request) if api else ""
            query = _query(request)
            nav, encoding = _nav_variant(user) if not api else "-", _encoding(request, role)
            # The answer last stored for this request, whatever the versions then (they are in
            # it), read with the versions: a hit costs this one round trip.
            variant = (role, request.path, query, accept)
            rep_key = "http:" + data_cache.cache_key(*variant, nav, encoding)
            counters, reads = caller.throttle_counters() if caller is not None else ({}, [])
            if not counts_here:  # the view's throttles count on their own (at the end)
                counters, reads = {}, []
            current, found, counts = data_cache.versions_and(
                depends(request),
                unreviewed=role == "editor",
                also=[rep_key, *reads],
                count=counters,
            )
            if current is None:
                return view(request, *args, **kwargs)
            if caller is not None and counts_here:
                # Counted now, in that round trip; the view (if it runs) does not count the
                # request again.
                if caller.throttled(found, counts):
                    return view(request, *args, **kwargs)  # DRF answers 429 with Retry-After
                setattr(request, COUNTED, True)
                caller = None
            stamp = (current, timezone.localdate().isoformat())
            rep = found.get(rep_key)
            state = "hit"
            if not isinstance(rep, dict) or rep.get("stamp") != stamp:
                # The raw copy, for any variant (encoding, navigation) of these versions.
                raw_key = "http:" + data_cache.cache_key(*variant, *stamp)
                raw = _get(raw_key)
                store = {}
                if raw is None:
                    setattr(request, DEFER_NAV, True)
                    response = view(request, *args, **kwargs)
                    delattr(request, DEFER_NAV)
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    if not _cacheable(request, response):
                        _fill_nav(response, user)
                        return response
                    raw = {
                        "body": response.content,
                        "headers": [
                            (k, v) for k, v in response.items() if k.lower() not in _DROP_HEADERS
                        ],
                        "etag": hashlib.sha256(response.content).hexdigest()[:24],
                        "modified": time.time(),
                    }
                    store[raw_key] = raw
                    caller = None  # the view ran: DRF throttled it already
                    state = "miss"
                # A miss of a large body goes out compressed fast and stores the raw copy alone
                # (and the uncompressed representation, which costs nothing to make): many
                # uncached answers are never asked for again, and the first hit compresses well
                # once. A small body is compressed well at once (FAST_FROM).
                fast = state == "miss" and encoding != "" and len(raw["body"]) >= FAST_FROM
                rep = _representation(raw, user, nav, encoding, fast=fast)
                if not fast:
                    store[rep_key] = {**rep, "stamp": stamp}
                _set_many(store)  # one round trip
            if caller is not None and caller.throttled(found, counts):
                return view(request, *args, **kwargs)  # DRF answers 429 with Retry-After
            return _answer(request, rep, role=role, state=state, api=api)

        return wrapper

    return decorator


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its random padding against BREACH), for the text we send
    (HTML, JSON, the schema, feeds, CSV), and never for a response that carries a CSRF token
    (forms with a secret: admin, login, the browsable API). Cached public answers arrive
    compressed already and pass through."""

    def process_response(self, request, response):
        kind = response.get("Content-Type", "").split(";")[0].strip()
        if not _compressible(kind) or _carries_csrf_token(request, response):
            return response
        return super().process_response(request, response)


# Besides HTML and JSON: the OpenAPI schema (JSON or YAML), the Atom feeds and the CSV files.
COMPRESSIBLE_TYPES = (*CACHEABLE_TYPES, "application/vnd.oai.openapi", "text/csv")


def _compressible(kind: str) -> bool:
    return kind in COMPRESSIBLE_TYPES or kind.endswith(("+json", "+xml"))


def _carries_csrf_token(request, response) -> bool:
    """Whether the response rendered a CSRF token: `get_token` flags the request, and
    CsrfViewMiddleware (inside this one) answers the flag by setting the cookie."""
    from django.conf import settings

    return bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or settings.CSRF_COOKIE_NAME in response.cookies  # (cookie-based CSRF, as configured)
    )
