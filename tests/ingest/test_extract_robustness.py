"""Property: any text comes back quickly, without raising."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract import extract_mentions, parse_text_file

WORDS = st.sampled_from(
    "North Korea Korean soldiers troops killed wounded at least more than about up to between "
    "and 1,100 240mm 2024 Monday said the JCS according to , . “ ” - thousands of dozens "
    "balloons shells missiles since last May 10,000-12,000 one thousand $ % mid- KN-23".split()
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=2000), st.lists(WORDS, max_size=400).map(" ".join)))
def test_any_text_returns_in_bounded_time(text):
    start = time.perf_counter()
    found = extract_mentions(text, published="2024-12-23")
    assert time.perf_counter() - start < 2.0
    for m in found:
        assert text[m.quote_start : m.quote_end] == m.quote


@given(st.text(max_size=500))
def test_parse_text_file_never_raises_and_body_is_a_suffix(raw):
    headers, body = parse_text_file(raw)
    assert raw.endswith(body)
    assert isinstance(headers, dict)


def test_pathological_input_is_fast():
    text = ("1," * 5000) + " " + ("at least " * 2000) + ("North Korean " * 3000)
    start = time.perf_counter()
    extract_mentions(text, published=None)
    assert time.perf_counter() - start < 5.0
