"""Fetching a URL safely: http/https only, timeouts, a streamed size cap, a redirect limit,
HTML/XML/text content types only, and the private-address guard on every connection."""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpcore
import httpx
from django.conf import settings

from ingest import guard
from ingest.dedupe import InvalidURL, canonical_url

ACCEPTED_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
}
REDIRECT_CODES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A fetch that failed for a reason worth recording; `retryable` for network faults/5xx."""

    retryable = False

    def __init__(self, reason: str, detail: str = "", status: int | None = None):
        self.reason, self.detail, self.status = reason, detail, status
        super().__init__(f"{reason}: {detail}" if detail else reason)


class TransientFetchError(FetchError):
    """Network error, timeout or 5xx: worth another try later."""

    retryable = True


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str = ""
    body: bytes = b""
    encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to the address the guard checked, so DNS cannot change it afterwards."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            address = guard.resolve_checked(host, port)
        except guard.UnresolvableHost as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a pool that dials through GuardedBackend."""

    def __init__(self) -> None:  # not super(): that would build (slowly) a pool we discard
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(), network_backend=GuardedBackend(), max_connections=4
        )


def _client() -> httpx.Client:
    timeout = settings.INGEST_FETCH_TIMEOUT
    return httpx.Client(
        transport=GuardedTransport(),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,  # followed by hand, so each hop is checked
        trust_env=False,  # an environment proxy would bypass the guard
        headers={
            "User-Agent": settings.INGEST_USER_AGENT,
            # No brotli/zstd: their ratios make the decompressed-size cap coarser.
            "Accept-Encoding": "gzip, deflate",
        },
    )


def _read_capped(response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchError("too large", f"{declared} bytes declared, cap {cap}")
    chunks, total = [], 0
    for chunk in response.iter_bytes():  # decompressed bytes: the cap holds after gzip too
        total += len(chunk)
        if total > cap:
            raise FetchError("too large", f"over {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch(url: str, *, headers: dict[str, str] | None = None) -> Fetched:
    """GET `url` within the limits above; raise FetchError (or TransientFetchError) with the
    reason when it cannot be used."""
    cap = settings.INGEST_MAX_BYTES
    current = url
    try:
        with _client() as client:
            for _ in range(settings.INGEST_MAX_REDIRECTS + 1):
                try:
                    current = canonical_url(current)
                except InvalidURL as exc:
                    raise FetchError("invalid URL", str(exc)) from exc
                with client.stream("GET", current, headers=headers or {}) as response:
                    if response.status_code in REDIRECT_CODES:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError("bad redirect", "no Location", response.status_code)
                        current = urljoin(current, location)
                        continue
                    return _finish(current, response, cap)
            raise FetchError("too many redirects", f"more than {settings.INGEST_MAX_REDIRECTS}")
    except guard.BlockedAddress as exc:
        raise FetchError("refused address", str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise TransientFetchError("timeout", f"{type(exc).__name__} on {current}") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError("invalid URL", str(exc)) from exc
    except httpx.TransportError as exc:
        raise TransientFetchError("network error", f"{type(exc).__name__}: {exc}") from exc


def _finish(url: str, response: httpx.Response, cap: int) -> Fetched:
    status = response.status_code
    kept = {k: response.headers[k] for k in ("etag", "last-modified") if k in response.headers}
    if status == 304:
        return Fetched(url=url, status=status, headers=kept)
    if status >= 500:
        raise TransientFetchError(f"HTTP {status}", url, status)
    if status >= 400 or status < 200:
        raise FetchError(f"HTTP {status}", url, status)
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type not in ACCEPTED_TYPES:
        raise FetchError("unsupported content type", content_type or "none given", status)
    body = _read_capped(response, cap)
    return Fetched(
        url=url,
        status=status,
        content_type=content_type,
        body=body,
        encoding=response.charset_encoding,
        headers=kept,
    )
