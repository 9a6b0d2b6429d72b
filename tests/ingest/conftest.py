"""The internet, faked: a real HTTP server on 127.0.0.1 serving feeds and article pages.

Every ingest test runs with INGEST_ALLOW_PRIVATE_NETWORKS on (the server is on loopback) and
Celery eager, except the worker tests, which switch eager off themselves.
"""

from __future__ import annotations

import gzip
import ipaddress
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest

from config.celery import app as celery_app
from ingest import guard
from tests.ingest.workers import Workers, require_broker_and_server_database


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fail_first: int = 0  # answer 500 to the first N requests
    etag: str = ""
    gzip: bool = False
    chunked: bool = False


class LocalSite:
    """Pages by path; counts the requests each path received and the headers last sent."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.hits: Counter = Counter()
        self.last_headers: dict[str, dict[str, str]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # clients may hang up early
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: str | bytes, **options) -> str:
        self.pages[path] = Page(body=body.encode() if isinstance(body, str) else body, **options)
        return self.url(path)

    def add_article(self, path: str, title: str, paragraphs: list[str], **options) -> str:
        return self.add(path, article_html(title, paragraphs), **options)

    def add_feed(self, path: str, entries: list[dict], **options) -> str:
        options.setdefault("content_type", "application/rss+xml; charset=utf-8")
        return self.add(path, rss(entries), **options)

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                path = self.path
                with site.lock:
                    site.hits[path] += 1
                    hit = site.hits[path]
                    site.last_headers[path] = dict(self.headers.items())
                page = site.pages.get(path)
                if page is None:
                    return self._send(404, b"not found", "text/plain")
                if page.delay:
                    time.sleep(page.delay)
                if hit <= page.fail_first:
                    return self._send(500, b"server error", "text/plain")
                if page.etag and self.headers.get("If-None-Match") == page.etag:
                    return self._send(304, b"", "", {"ETag": page.etag})
                headers = dict(page.headers)
                if page.etag:
                    headers["ETag"] = page.etag
                body = page.body
                if page.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self._send(page.status, body, page.content_type, headers, page.chunked)

            def _send(self, status, body, content_type, headers=None, chunked=False):
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(body), 65536):
                        piece = body[start : start + 65536]
                        try:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        except OSError:  # the client stopped reading at its cap
                            return
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    try:
                        self.wfile.write(body)
                    except OSError:
                        pass

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def article_html(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head>"
        f"<title>{escape(title)}</title>"
        '<meta name="author" content="Test Reporter">'
        '<meta property="article:published_time" content="2024-12-23">'
        "</head><body><nav>Home | World | Sport | Weather</nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright Example News. All rights reserved. Cookie settings.</footer>"
        "</body></html>"
    )


def relevant_paragraphs(n: int) -> list[str]:
    """A distinct, relevant article text for number n."""
    return [
        f"South Korea's Joint Chiefs of Staff said on Monday that about {1000 + n} North Korean "
        "soldiers have been killed or wounded fighting for Russia in the Kursk region.",
        f"Report {n}: Pyongyang is preparing to send additional troops and artillery shells to "
        "Moscow, the JCS said, adding that the deployment could begin within weeks.",
        "Ukraine's military intelligence said North Korean units suffered heavy losses in drone "
        "attacks, and that Russian commanders had moved them away from the front line.",
    ]


def rss(entries: list[dict]) -> str:
    items = []
    for entry in entries:
        link = f"<link>{escape(entry['link'])}</link>" if entry.get("link") else ""
        items.append(
            f"<item><title>{escape(entry.get('title', 'Untitled'))}</title>{link}"
            f"<guid>{escape(entry.get('guid', entry.get('link', entry.get('title', ''))))}</guid>"
            f"<pubDate>{formatdate(1734940800, usegmt=True)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Example News — World</title><link>http://example.org/</link>"
        "<description>World news</description>" + "".join(items) + "</channel></rss>"
    )


@pytest.fixture
def site():
    with LocalSite() as served:
        yield served


@pytest.fixture
def loopback_counts_as_public(monkeypatch, settings):
    """Guard on, but 127.0.0.1 plays a public server, so redirects can be tested with traffic
    that never leaves the machine."""
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    real = guard.address_allowed
    public_stand_in = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(guard, "address_allowed", lambda ip: ip == public_stand_in or real(ip))


@pytest.fixture(autouse=True)
def ingest_settings(settings):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
    settings.INGEST_FETCH_TIMEOUT = 2.0
    settings.INGEST_MAX_RETRIES = 2
    return settings


@pytest.fixture(autouse=True)
def celery_eager():
    """Eager Celery unless a test starts real workers (those turn it off)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Real workers on Redis; `workers.send` puts a task on their queue."""
    require_broker_and_server_database()
    pool = Workers(tmp_path)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield pool
    finally:
        pool.stop()
        celery_app.conf.task_always_eager = previous
