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


def test_a_place_in_another_paragraph_is_not_proposed():
    [claim] = _propose(
        "Officials met in Pyongyang last week.\n\nAbout 300 North Korean soldiers have been "
        "killed, the National Intelligence Service said on Monday."
    )
    assert claim.place is None and claim.location_precision == ""


def test_a_dateline_or_the_two_countries_are_not_a_place():
    [claim] = _propose(
        "SEOUL -- About 1,100 North Korean soldiers have been killed or wounded fighting for "
        "Russia, the Joint Chiefs of Staff said on Monday."
    )
    assert claim.place is None
