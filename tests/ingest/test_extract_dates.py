"""Claim dates resolved against the publication date (2024-11-13 is a Wednesday)."""

import datetime as dt

import pytest

from ingest.extract import extract_mentions
from ingest.extract.dates import find_dates

PUBLISHED = dt.date(2024, 11, 13)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("said Monday", "2024-11-11"),
        ("said on Wednesday", "2024-11-13"),
        ("said last week", "2024-11-06"),
        ("said in March", "2024-03-15"),
        ("said in December", "2023-12-15"),  # a later month is last year's
        ("said last month", "2024-10-15"),
        ("said earlier in the week", "2024-11-11"),
        ("said over the weekend", "2024-11-10"),
        ("said on Nov. 4", "2024-11-04"),
        ("said on 2 October 2023", "2023-10-02"),
        ("said yesterday", "2024-11-12"),
    ],
)
def test_relative_dates(phrase, expected):
    (d,) = find_dates(phrase, 0, len(phrase), PUBLISHED)
    assert d.date.isoformat() == expected


def test_since_opens_a_period_and_is_not_the_claim_date():
    text = (
        "At least 310 North Korean troops have been killed since last May, the NIS said on Monday."
    )
    (m,) = extract_mentions(text, published=PUBLISHED)
    assert m.claim_date == "2024-11-11"
    assert m.period_start == "2024-05-15"
    assert m.measure == "cumulative"


def test_may_the_verb_is_not_a_month():
    assert find_dates("May be preparing", 0, 16, PUBLISHED) == []
