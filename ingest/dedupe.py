"""What makes two articles the same: a canonical URL and a hash of the normalised text."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Tracking parameters that never change what a page says.
_NOISE_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SPACE = re.compile(r"\s+")


class InvalidURL(ValueError):
    """Not an http(s) URL with a host."""


def canonical_url(url: str) -> str:
    """The one spelling of `url` we store: lower-case scheme and host, no default port, no
    fragment, no utm_*/click-id parameters, '/' for an empty path."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. an unbalanced '[' in the host
        raise InvalidURL(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"only http and https URLs are fetched, not {url!r}")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise InvalidURL(f"no host in {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"bad port in {url!r}") from exc
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in _NOISE_PARAMS
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def url_domain(url: str) -> str:
    """The publisher's domain of a URL, without 'www.'."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def content_hash(text: str) -> str:
    """SHA-256 of the text with case and whitespace normalised; '' for an empty text."""
    normalised = _SPACE.sub(" ", text).strip().lower()
    if not normalised:
        return ""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
