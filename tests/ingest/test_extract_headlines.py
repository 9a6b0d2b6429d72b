"""What a troop, casualty or arms figure counts, so that the headlines built from ingested
articles read as their reader would say them (issue 11). Our own sentences, one per rule."""

import pytest

from ingest.extract import extract_mentions
from ingest.extract.pipeline import Mention
from ingest.proposals import mentions_without_totals


def found(text, category):
    return [
        (m.subtype, m.measure, m.best or m.low or m.high)
        for m in extract_mentions(text, published="2025-03-12")
        if m.category == category and (m.best or m.low or m.high)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the "additional" of the next coordinated predicate is not this figure's
        (
            "The agency said the North sent about 9,000 troops to Russia in May and deployed "
            "additional forces in July.",
            [("deployed", "cumulative", 9000)],
        ),
        # the first contingent named next to a later batch: only the batch is one
        (
            "Officials estimated 2,000 losses among the 9,000 North Korean troops sent last "
            "spring, noting that 1,000 additional troops were dispatched in June.",
            [("deployed", "cumulative", 9000), ("additional_deployment", "increment", 1000)],
        ),
        # "a total of" right before the figure: everyone sent, not one batch
        (
            "Seoul said Pyongyang has dispatched a total of 9,000 troops to Russia.",
            [("sent_total", "cumulative", 9000)],
        ),
        # ... unless it is a plan (the plan stays a batch to come)
        (
            "Seoul said Pyongyang has decided to dispatch a total of 9,000 troops to Russia.",
            [("additional_deployment", "increment", 9000)],
        ),
        # "has sent N": the perfect counts everyone sent so far
        (
            "Analysts say North Korea has sent around 14,000 troops to Russia.",
            [("sent_total", "cumulative", 14000)],
        ),
        # ... but "has sent thousands" says nothing about a total
        (
            "Seoul says North Korea has sent thousands of troops to Russia.",
            [("deployed", "cumulative", 1000)],
        ),
        # ... and a batch of specialists stays a batch
        (
            "North Korea has sent about 4,000 construction troops to Russia since May, Seoul said.",
            [("additional_deployment", "increment", 4000)],
        ),
    ],
)
def test_troop_figures_say_what_they_count(text, expected):
    assert found(text, "troop_deployment") == expected


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        # the perfect tense with an adverb between: a running total
        ("Seoul says North Korea has steadily delivered more than 9 million shells to Russia.",
         "cumulative"),
        ("Pyongyang has also shipped more than 7,000 containers of rockets, officials said.",
         "cumulative"),
        # what shipped containers could hold: an estimate of everything shipped so far
        ("North Korea shipped containers that could contain as many as 4 million artillery "
         "shells, Seoul said.", "cumulative"),
        # one shipment in the past tense stays one event
        ("North Korea shipped 2,000 shells to Russia last week, Seoul said.", "increment"),
    ],
)  # fmt: skip
def test_arms_figures_so_far_are_running_totals(text, measure):
    [(_, got, _)] = found(text, "arms_transfer")
    assert got == measure


def test_missiles_launched_by_russia_are_not_a_delivery():
    text = "Kyiv said more than 150 missiles and drones were launched by Russia at its cities."
    assert found(text, "arms_transfer") == []


def _mention(text, best, start, end):
    return Mention(
        "troop_deployment", "additional_deployment", None, best, None, "exact", "troops", None,
        None, text[start:end], start, end, "test", measure="increment",
    )  # fmt: skip


def test_a_total_broken_down_into_its_parts_is_not_counted_beside_them():
    text = "Moscow said 7,000 will come, including 3,000 sappers and 4,000 builders."
    at = text.index
    whole = _mention(text, 7000, 0, at(" will come") + 10)
    parts = [
        _mention(text, 3000, at("including"), len(text)),
        _mention(text, 4000, at("including"), len(text)),
    ]
    # 3,000 + 4,000 = 7,000 behind "including": the parts are the batches
    assert mentions_without_totals([whole, *parts], text) == parts
    # parts that do not add up (3,000 + 3,500 = 6,500 for 7,000) leave the total alone
    other = [parts[0], _mention(text, 3500, at("including"), len(text))]
    assert mentions_without_totals([whole, *other], text) == [whole, *other]
    # no breakdown word: two batches told after a third
    text2 = "Moscow said 7,000 will come; 3,000 sappers and 4,000 builders left in May."
    whole2 = _mention(text2, 7000, 0, text2.index(";"))
    at2 = text2.index("3,000")
    later = [_mention(text2, 3000, at2, len(text2)), _mention(text2, 4000, at2, len(text2))]
    assert mentions_without_totals([whole2, *later], text2) == [whole2, *later]
