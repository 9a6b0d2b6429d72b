"""Property tests (hypothesis, bounded): any input gives, in bounded time, a result or a recorded
error — never an exception or a hang. Complements tests/ingest/test_extract_robustness.py, which
covers extract_mentions and the eval-file header parser (ingest/extract/text.py)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, example, given, provisional, settings
from hypothesis import strategies as st

from ingest.dedupe import InvalidURL, canonical_url
from ingest.extract.numbers import find_quantities, words_to_number
from ingest.textfile import parse_text_file

BOUNDED = settings(max_examples=80, deadline=2000)
NUMBER_WORDS = st.sampled_from(
    "a an and one two three four five six seven eight nine ten eleven twelve twenty thirty "
    "forty fifty ninety hundred thousand million billion dozen dozens half quarter".split()
)


@BOUNDED
@given(st.lists(NUMBER_WORDS, max_size=12).map(" ".join))
def test_words_to_number_gives_none_or_a_non_negative_number(phrase):
    value = words_to_number(phrase)
    assert value is None or (value >= 0 and value == value)


@BOUNDED
@given(st.integers(min_value=1, max_value=999_999_999))
def test_a_figure_with_thousands_separators_reads_back_exactly(n):
    text = f"Officials said {n:,} soldiers were deployed."
    best = [q.best for q in find_quantities(text)]
    assert float(n) in best


@BOUNDED
@given(
    st.one_of(
        st.text(max_size=600),
        st.lists(
            st.sampled_from(
                "1,100 10,000-12,000 about at least up to between and - – , . $ % 240mm "
                "thousands of dozens one thousand 3.5 million 1e9 ½ ١٢٣ 12.000 0x10 -5".split()
            ),
            max_size=200,
        ).map(" ".join),
    )
)
def test_find_quantities_is_fast_and_well_formed(text):
    start = time.perf_counter()
    found = find_quantities(text)
    assert time.perf_counter() - start < 1.0
    for q in found:
        assert 0 <= q.start <= q.num_start <= q.end <= len(text)
        values = [v for v in (q.low, q.best, q.high) if v is not None]
        assert values == sorted(values)


URLS = st.one_of(
    provisional.urls(),
    st.text(max_size=200),
    st.builds(
        lambda scheme, host, port, path, query, frag: (
            f"{scheme}://{host}{port}{path}?{query}#{frag}"
        ),
        st.sampled_from(["http", "HTTPS", "hTTp", "ftp", "javascript", ""]),
        st.sampled_from(
            ["Example.ORG", "example.org.", "[::1]", "127.0.0.1", "", "xn--e1a.example"]
        ),
        st.sampled_from(["", ":80", ":443", ":8080", ":99999", ":x"]),
        st.text(max_size=30),
        st.text(max_size=30),
        st.text(max_size=10),
    ),
)


@BOUNDED
@given(URLS)
@example("http://example.org:99999/")
@example("https://user:pw@Example.org./a?utm_source=x&b=1#frag")
def test_canonical_url_is_idempotent_or_refuses_cleanly(url):
    try:
        canonical = canonical_url(url)
    except InvalidURL:
        return
    assert canonical.startswith(("http://", "https://"))
    assert "#" not in canonical
    assert "utm_" not in canonical.split("?", 1)[-1].lower() or "?" not in canonical
    assert canonical_url(canonical) == canonical


@BOUNDED
@given(st.text(max_size=800))
def test_the_text_file_header_parser_never_raises(content):
    parsed = parse_text_file(content)
    assert parsed.body in content.replace("\r\n", "\n")


# --- Feeds: arbitrary bytes in, a result or a recorded error out -----------------------------

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{t}</title>'
    "<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
    "</channel></rss>"
)


def _xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;")


FEED_BODIES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda t, link, date: RSS.format(t=t, link=link, date=date).encode("utf-8", "replace"),
        st.text(max_size=80).map(_xml_text),
        st.one_of(st.text(max_size=80).map(_xml_text), provisional.urls().map(_xml_text)),
        st.sampled_from(["", "Mon, 23 Dec 2024 09:00:00 GMT", "yesterday", "Tue, 99 Foo 9999"]),
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=3000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=FEED_BODIES)
def test_feed_poll_on_any_bytes_gives_a_result_or_a_recorded_error(monkeypatch, body):
    from ingest import services
    from ingest.fetch import Fetched
    from ingest.models import Feed

    feed, _ = Feed.objects.get_or_create(url="https://feeds.example.org/rss.xml")
    Feed.objects.filter(pk=feed.pk).update(last_error="")
    monkeypatch.setattr(
        services,
        "fetch",
        lambda url, headers=None: Fetched(url=url, status=200, content_type="text/xml", body=body),
    )
    try:
        result = services.feed_poll(feed=feed)
    except services.FeedUnparseable:
        feed.refresh_from_db()
        assert feed.last_error.startswith("unparseable feed")
        return
    assert isinstance(result, services.FeedPollResult)
