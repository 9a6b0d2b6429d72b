"""Lists cost a fixed number of queries whatever the page size; anonymous callers are throttled."""

import pytest
from rest_framework.throttling import AnonRateThrottle

from tests.factories import ArticleFactory, ClaimFactory, ClaimSourceFactory
from tracker.models import Claimant, ClaimantAlias, ClaimRelation

pytestmark = pytest.mark.django_db

# count + rows (+ one prefetch per nested list) — and for a session: session + user + perms.
LISTS = {
    "claims/": 4,  # sources and weapon systems are the two nested lists
    "claimants/": 3,
    "outlets/": 2,
    "articles/": 2,
    "relations/": 2,
}


@pytest.fixture
def many():
    claims = []
    for n in range(105):
        claim = ClaimFactory(best=100 + n)
        ClaimSourceFactory(claim=claim)
        ClaimSourceFactory(claim=claim, article=ArticleFactory(), quote_start=1, quote_end=2)
        ClaimantAlias.objects.create(claimant=claim.claimant, alias=f"alias {n}")
        claims.append(claim)
    for a, b in zip(claims, claims[1:], strict=False):
        ClaimRelation.objects.create(from_claim=a, to_claim=b, kind="corroborates")
    assert Claimant.objects.count() >= 100


def test_lists_cost_a_fixed_number_of_queries_whatever_the_page_size(
    anon_api, editor_api, many, django_assert_max_num_queries
):
    # One set of 105 claims for every list, page size and caller (building it is the slow part).
    for path, queries in LISTS.items():
        for page_size in (1, 100):
            url = f"/api/v1/{path}?page_size={page_size}"
            with django_assert_max_num_queries(queries, info=f"anonymous {url}"):
                response = anon_api.get(url)
            assert len(response.json()["results"]) == page_size, url
            # Session, user, and the user's permissions (for visibility) on top of the list's.
            with django_assert_max_num_queries(queries + 4, info=f"editor {url}"):
                response = editor_api.get(url)
            assert len(response.json()["results"]) == page_size, url
    with django_assert_max_num_queries(4, info="CSV"):  # claims, sources, weapon systems
        response = anon_api.get("/api/v1/claims/?format=csv")
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == 106


def test_anonymous_requests_are_throttled(anon_api, editor_api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute")
    codes = [anon_api.get("/api/v1/claims/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in anon_api.get("/api/v1/claims/").headers
    # Signed-in callers are not anonymous.
    assert editor_api.get("/api/v1/claims/").status_code == 200
