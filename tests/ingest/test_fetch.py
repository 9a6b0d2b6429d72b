"""The fetcher's limits, each failing with a reason that says what went wrong."""

import pytest

from ingest.fetch import FetchError, fetch
from tests.ingest.conftest import article_html


def test_it_fetches_html_and_follows_a_redirect(site):
    site.add_article("/final", "Title", ["Body text."])
    url = site.add("/start", b"", status=301, headers={"Location": "/final"})
    fetched = fetch(url)
    assert fetched.url == site.url("/final")
    assert b"Body text." in fetched.body


def test_it_sends_a_clear_user_agent(site, settings):
    url = site.add_article("/ua", "Title", ["Body."])
    fetch(url)
    assert site.last_headers["/ua"]["User-Agent"] == settings.INGEST_USER_AGENT


def test_it_stops_after_five_redirects(site):
    for n in range(7):
        site.add(f"/r{n}", b"", status=302, headers={"Location": f"/r{n + 1}"})
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(site.url("/r0"))
    assert sum(site.hits.values()) == 6


@pytest.mark.parametrize("status, retryable", [(404, False), (410, False), (500, True)])
def test_http_errors_carry_their_status(site, status, retryable):
    url = site.add("/e", b"error", status=status, content_type="text/html")
    with pytest.raises(FetchError) as raised:
        fetch(url)
    assert raised.value.reason == f"HTTP {status}"
    assert raised.value.retryable is retryable


def test_a_slow_server_is_a_retryable_timeout(site, settings):
    settings.INGEST_FETCH_TIMEOUT = 0.3
    url = site.add_article("/slow", "Slow", ["Body."], delay=1.5)
    with pytest.raises(FetchError) as raised:
        fetch(url)
    assert raised.value.reason == "timeout" and raised.value.retryable


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "streamed"])
def test_a_body_over_the_cap_is_refused(site, settings, chunked):
    settings.INGEST_MAX_BYTES = 100_000
    url = site.add("/big", b"<html>" + b"x" * 300_000, chunked=chunked)
    with pytest.raises(FetchError, match="too large"):
        fetch(url)


def test_the_cap_applies_to_the_decompressed_body(site, settings):
    settings.INGEST_MAX_BYTES = 200_000
    bomb = b"<html><body>" + b"a" * 5_000_000  # ~5 KB gzipped
    url = site.add("/bomb", bomb, gzip=True)
    with pytest.raises(FetchError, match="too large"):
        fetch(url)


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json"])
def test_non_text_content_types_are_refused(site, content_type):
    url = site.add("/file", b"%PDF-1.4", content_type=content_type)
    with pytest.raises(FetchError, match="unsupported content type"):
        fetch(url)


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(FetchError, match="invalid URL"):
        fetch(url)


def test_gzip_bodies_are_decoded(site):
    url = site.add("/gz", article_html("T", ["Zipped body."]), gzip=True)
    assert b"Zipped body." in fetch(url).body


def test_a_malformed_host_is_refused_cleanly_not_with_a_crash():
    from ingest.dedupe import InvalidURL, canonical_url

    with pytest.raises(InvalidURL, match="malformed URL"):
        canonical_url("http://[::1/page")
