"""URL spellings that try to smuggle a loopback target past the guard (userinfo, fragments,
trailing dots, mapped IPv6, localhost names): a live server on 127.0.0.1 that would record any
hit stays untouched and the fetch fails with a FetchError. Complements
tests/ingest/test_guard.py."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ingest.fetch import FetchError, fetch


@pytest.fixture
def trap():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<p>internal</p>")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()


SPELLINGS = [
    "http://127.0.0.1:{port}/",
    "http://example.org@127.0.0.1:{port}/",
    "http://user:pw@127.0.0.1:{port}/x",
    "http://127.0.0.1.:{port}/",
    "http://localhost:{port}/",
    "http://LOCALHOST.:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f.1:{port}/",
    "http://127.0.0.1:{port}#@example.org/",
    "http://127.0.0.1:{port}\\@example.org/",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_loopback_in_any_url_spelling_is_never_contacted(settings, trap, spelling):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    port, hits = trap
    with pytest.raises(FetchError):
        fetch(spelling.format(port=port))
    assert hits == []


def test_the_trap_does_answer_when_private_networks_are_allowed(settings, trap):
    # Not vacuous: with the guard off, the same server is reachable.
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = True
    port, hits = trap
    fetch(f"http://127.0.0.1:{port}/")
    assert hits == ["/"]
