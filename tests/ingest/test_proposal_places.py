"""The extractor proposes a place: the gazetteer resolved over the claim's sentence, then its
paragraph (tracker.places.resolve); the rest of extraction is unchanged."""

import datetime as dt

import pytest

from ingest.proposals import article_propose_claims
from tests.factories import ArticleFactory, ClaimantFactory
from tracker.models import Claim
from tracker.places import places_load

PUBLISHED = dt.datetime(2025, 1, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def gazetteer(db):
    places_load()
    ClaimantFactory(name="South Korea Joint Chiefs of Staff", short_name="JCS")
    ClaimantFactory(name="South Korea National Intelligence Service", short_name="NIS")


def _propose(text: str) -> list[Claim]:
    article = ArticleFactory(text=text, published_at=PUBLISHED)
    article_propose_claims(article=article)
    return list(Claim.objects.order_by("id"))


def test_a_place_in_the_claims_own_sentence_is_proposed_with_its_precision():
    [claim] = _propose(
        "About 300 North Korean soldiers have been killed in the Kursk region, the National "
        "Intelligence Service said on Monday."
    )
    assert claim.place.slug == "kursk-oblast" and claim.location_precision == "region"


def test_a_place_named_earlier_in_the_paragraph_is_proposed():
    [claim] = _propose(
        "Fighting went on near Sudža through the weekend. About 300 North Korean soldiers have "
        "been killed, the National Intelligence Service said on Monday."
    )
    assert claim.place.slug == "sudzha" and claim.location_precision == "area"


def test_the_sentence_wins_over_the_paragraph():
    claims = _propose(
        "Ships were seen at Rajin last month. North Korea has sent about 1,000 containers "
        "of munitions through the port of Vostochny, the National Intelligence Service said."
    )
    arms = [c for c in claims if c.category == "arms_transfer"]
    assert arms and all(c.place.slug == "vostochny-port" for c in arms)
    assert arms[0].location_precision == "exact"


@pytest.mark.parametrize(
    "text",
    [
        # A dateline, and the two countries.
        "SEOUL -- About 1,100 North Korean soldiers have been killed or wounded fighting for "
        "Russia, the Joint Chiefs of Staff said on Monday.",
        # A news agency's dateline, with a colon.
        "VLADIVOSTOK, Russia, Nov 20, (AP): About 1,100 North Korean soldiers have been killed "
        "or wounded fighting for Russia, the Joint Chiefs of Staff said on Monday.",
        # A capital standing for its government.
        "Pyongyang has sent about 1,500 soldiers to Russia, the National Intelligence Service "
        "said on Monday.",
    ],
)
def test_no_place_is_proposed_from_a_dateline_a_country_or_a_government(text):
    [claim] = _propose(text)
    assert claim.place is None


# A blank line between paragraphs, or none: main text from HTML puts each on its own line.
@pytest.mark.parametrize("between", ["\n\n", "\n"])
def test_a_place_in_another_paragraph_is_not_proposed(between):
    [claim] = _propose(
        f"Troops trained near Vladivostok last year.{between}About 300 North Korean soldiers "
        "have been killed, the National Intelligence Service said on Monday."
    )
    assert claim.place is None and claim.location_precision == ""


@pytest.mark.parametrize(
    ("route", "place", "precision"),
    [
        # Rajin follows "from": the origin; Dunai is the other place of the sentence.
        ("from Rajin to the port of Dunai", "dunai", "exact"),
        # "from Rajin" and nothing else: counted at its destination, which no one named.
        ("from Rajin", None, ""),
    ],
)
def test_an_arms_shipment_gets_where_it_left_from_and_counts_where_it_went(route, place, precision):
    claims = _propose(
        f"North Korea has shipped about 2,000 containers of munitions {route} since August, "
        "the National Intelligence Service said on Monday."
    )
    [shipment] = [c for c in claims if c.category == "arms_transfer"]
    assert shipment.origin_place.slug == "rajin"
    assert (shipment.place.slug if shipment.place else None) == place
    assert shipment.location_precision == precision


def test_the_origin_may_come_from_the_paragraph_and_never_for_other_claims():
    claims = _propose(
        "Freighters left Rajin every week. North Korea has shipped about 2,000 containers of "
        "munitions to Vostochny, the National Intelligence Service said. About 300 North "
        "Korean soldiers have been killed, the Joint Chiefs of Staff said."
    )
    [shipment] = [c for c in claims if c.category == "arms_transfer"]
    assert (shipment.origin_place.slug, shipment.place.slug) == ("rajin", "vostochny-port")
    others = [c for c in claims if c.category != "arms_transfer"]
    assert others and all(c.origin_place is None for c in others)
