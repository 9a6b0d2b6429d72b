"""Quantities: what counts as a figure, and what only looks like one."""

import pytest

from ingest.extract.numbers import find_quantities, words_to_number


def figures(text):
    return [(q.low, q.best, q.high, q.qualifier) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("some 2,300 troops", [(None, 2300, None, "approximately")]),
        ("1.5 million rounds", [(None, 1_500_000, None, "exact")]),
        ("12k soldiers", [(None, 12_000, None, "exact")]),
        ("two thousand and five hundred men", [(None, 2500, None, "exact")]),
        ("a dozen drones", [(None, 12, None, "exact")]),
        ("more than a dozen drones", [(12, None, None, "more_than")]),
        ("tens of thousands of troops", [(10_000, None, None, "vague")]),
        ("hundreds of balloons", [(100, None, None, "vague")]),
        ("dozens of missiles", [(12, None, None, "vague")]),
        ("several hundred workers", [(100, None, None, "vague")]),
        ("millions of shells", [(1_000_000, None, None, "vague")]),
        ("at least 40 soldiers", [(40, None, None, "at_least")]),
        ("nearly 600 soldiers", [(None, 600, None, "approximately")]),
        ("up to 9,000 troops", [(None, None, 9000, "up_to")]),
        ("fewer than 50 soldiers", [(None, None, 50, "fewer_than")]),
        ("between 5,000 and 7,000 troops", [(5000, None, 7000, "range")]),
        ("from 5,000 to 7,000 troops", [(5000, None, 7000, "range")]),
        ("about 8,000-9,000 troops", [(8000, None, 9000, "range")]),
        ("between 1.5 and 2 million shells", [(1_500_000, None, 2_000_000, "range")]),
        ("as many as more than 4 million shells", [(4_000_000, None, None, "more_than")]),
        ("it happened twice", [(None, 2, None, "exact")]),
    ],
)
def test_it_reads_figures_with_their_hedges(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a battery of 122mm guns",  # calibre
        "its 170-mm howitzers",
        "the 240 mm launchers",
        "in 2023 the agreement",  # year
        "on Sept. 3, 2024",  # date
        "on 14 March",
        "at 10:30 a.m.",  # time
        "a 19-year-old private",  # age
        "a soldier aged 24",
        "for eight months",  # duration
        "a three-year programme",
        "over 48 hours",
        "the 11th Corps",  # ordinal
        "the third time",
        "Article 4 of the treaty",  # section number
        "the KN-23 and Hwasong-11",  # model names
        "roughly 30% of shells",  # percentage
        "one of the soldiers",
        "perhaps one in five rounds",  # a ratio
        "https://example.org/2024/12/23/1200x630.jpg",
    ],
)
def test_it_ignores_what_only_looks_like_a_count(text):
    assert figures(text) == []


def test_money_is_a_figure_of_its_own_kind():
    (q,) = find_quantities("paid an estimated $20 billion")
    assert (q.best, q.qualifier, q.kind) == (20e9, "approximately", "money")


def test_number_words():
    assert words_to_number("one thousand and one hundred") == 1100
    assert words_to_number("twenty-five") == 25
    assert words_to_number("two dozen") == 24
    assert words_to_number("soldiers") is None
