"""Every claims filter, the other resources' filters, ordering and pagination."""

import datetime as dt

import pytest

from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ClaimSourceFactory,
    OutletFactory,
)
from tracker.models import Article, Claim, ClaimRelation

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def claims():
    jcs = ClaimantFactory(name="Joint Chiefs of Staff", reliability="B")
    gur = ClaimantFactory(name="Ukraine Defence Intelligence", reliability="C")
    yonhap = OutletFactory(name="Yonhap", domain="yna.co.kr")
    reuters = OutletFactory(name="Reuters", domain="reuters.com")
    a1 = ArticleFactory(outlet=yonhap, title="North Korean troops suffer casualties in Kursk")
    a2 = ArticleFactory(outlet=reuters, title="Pyongyang ships artillery shells to Moscow")
    killed = ClaimFactory(
        claimant=jcs, subtype="killed", best=300, claim_date=dt.date(2025, 1, 13),
        location="Kursk", reliability="B", credibility=2,
    )  # fmt: skip
    ClaimSourceFactory(claim=killed, article=a1, quote="about 300 soldiers were killed")
    shells = ClaimFactory(
        claimant=gur, category="arms_transfer", subtype="artillery_shells", best=None,
        low=4_000_000, qualifier="more_than", unit="rounds", claim_date=dt.date(2024, 10, 1),
        reliability="C", credibility=3, weapon_system="152mm shells",
    )  # fmt: skip
    ClaimSourceFactory(claim=shells, article=a2, quote="more than four million shells shipped")
    launchers = ClaimFactory(
        claimant=gur, category="arms_transfer", subtype="rocket_launchers", best=None,
        qualifier="none", unit="", claim_date=dt.date(2024, 11, 20), reliability="F",
        credibility=6, weapon_system="240mm MRL",
    )  # fmt: skip
    pending = ClaimFactory(claimant=jcs, status=Claim.Status.PENDING, best=3000)
    return {
        "jcs": jcs, "gur": gur, "yonhap": yonhap, "reuters": reuters, "a1": a1, "a2": a2,
        "killed": killed, "shells": shells, "launchers": launchers, "pending": pending,
    }  # fmt: skip


def test_category_filter_returns_only_that_category(anon_api, claims):
    found = ids(anon_api.get("/api/v1/claims/?category=casualties"))
    assert found == {claims["killed"].pk}


def test_subtype_filter(anon_api, claims):
    found = ids(anon_api.get("/api/v1/claims/?subtype=artillery_shells"))
    assert found == {claims["shells"].pk}


def test_claimant_filter_takes_several_ids(anon_api, claims):
    assert ids(anon_api.get(f"/api/v1/claims/?claimant={claims['jcs'].pk}")) == {
        claims["killed"].pk
    }
    both = f"{claims['jcs'].pk},{claims['gur'].pk}"
    assert len(ids(anon_api.get(f"/api/v1/claims/?claimant={both}"))) == 3


def test_outlet_and_article_filters_follow_the_sources(anon_api, claims):
    assert ids(anon_api.get(f"/api/v1/claims/?outlet={claims['reuters'].pk}")) == {
        claims["shells"].pk
    }
    assert ids(anon_api.get(f"/api/v1/claims/?article={claims['a1'].pk}")) == {claims["killed"].pk}


def test_status_filter_works_for_editors(editor_api, claims):
    assert ids(editor_api.get("/api/v1/claims/?status=pending")) == {claims["pending"].pk}


def test_status_filter_never_reveals_pending_to_anonymous(anon_api, analyst_api, claims):
    assert ids(anon_api.get("/api/v1/claims/?status=pending")) == set()
    assert ids(analyst_api.get("/api/v1/claims/?status=pending")) == set()
    assert len(ids(anon_api.get("/api/v1/claims/?status=approved"))) == 3


def test_min_confidence_filter(anon_api, claims):
    assert ids(anon_api.get("/api/v1/claims/?min_confidence=high")) == {claims["killed"].pk}
    assert ids(anon_api.get("/api/v1/claims/?min_confidence=moderate")) == {
        claims["killed"].pk,
        claims["shells"].pk,
    }
    assert len(ids(anon_api.get("/api/v1/claims/?min_confidence=low"))) == 3


def test_claim_date_range_is_inclusive(anon_api, claims):
    found = ids(
        anon_api.get("/api/v1/claims/?claim_date_after=2024-11-20&claim_date_before=2025-01-13")
    )
    assert found == {claims["launchers"].pk, claims["killed"].pk}


def test_has_number_filter(anon_api, claims):
    assert ids(anon_api.get("/api/v1/claims/?has_number=false")) == {claims["launchers"].pk}
    assert claims["launchers"].pk not in ids(anon_api.get("/api/v1/claims/?has_number=true"))


def test_weapon_system_and_location_filters(anon_api, claims):
    assert ids(anon_api.get("/api/v1/claims/?weapon_system=240mm")) == {claims["launchers"].pk}
    assert ids(anon_api.get("/api/v1/claims/?location=kursk")) == {claims["killed"].pk}


def test_full_text_search_finds_words_in_quotes_and_titles(anon_api, claims):
    assert ids(anon_api.get("/api/v1/claims/?q=killed")) == {claims["killed"].pk}
    assert ids(anon_api.get("/api/v1/claims/?q=Pyongyang")) == {claims["shells"].pk}
    assert ids(anon_api.get("/api/v1/claims/?q=submarine")) == set()


def test_full_text_search_does_not_reveal_pending_claims(anon_api, claims):
    ClaimSourceFactory(claim=claims["pending"], quote="a secret unreviewed figure")
    assert ids(anon_api.get("/api/v1/claims/?q=secret")) == set()


def test_two_filters_combine(anon_api, claims):
    found = ids(anon_api.get("/api/v1/claims/?category=arms_transfer&has_number=true"))
    assert found == {claims["shells"].pk}


def test_unknown_parameter_is_a_400_naming_it(anon_api, claims):
    response = anon_api.get("/api/v1/claims/?categroy=casualties")
    assert response.status_code == 400
    assert "categroy" in response.json()


def test_invalid_filter_value_is_a_400(anon_api, claims):
    assert anon_api.get("/api/v1/claims/?category=weather").status_code == 400
    assert anon_api.get("/api/v1/claims/?claim_date_after=yesterday").status_code == 400
    assert anon_api.get(f"/api/v1/claims/?claimant={2**70}").status_code == 400


def test_ordering_by_date_and_value(anon_api, claims):
    rows = anon_api.get("/api/v1/claims/?ordering=claim_date").json()["results"]
    assert [r["claim_date"] for r in rows] == ["2024-10-01", "2024-11-20", "2025-01-13"]
    values = [r["id"] for r in anon_api.get("/api/v1/claims/?ordering=-value").json()["results"]]
    # shells: more than 4,000,000 (low); killed: 300; launchers: no figure, always last.
    assert values == [claims["shells"].pk, claims["killed"].pk, claims["launchers"].pk]
    values = [r["id"] for r in anon_api.get("/api/v1/claims/?ordering=value").json()["results"]]
    assert values == [claims["killed"].pk, claims["shells"].pk, claims["launchers"].pk]


def test_empty_ordering_names_are_no_ordering_not_a_500(anon_api, claims):
    # Found by schemathesis: "?ordering=," splits into two empty names, which reached order_by.
    default = [r["id"] for r in anon_api.get("/api/v1/claims/").json()["results"]]
    for ordering in (",", ",,"):
        response = anon_api.get(f"/api/v1/claims/?ordering={ordering}")
        assert response.status_code == 200, response.content
        assert [r["id"] for r in response.json()["results"]] == default
    rows = anon_api.get("/api/v1/claims/?ordering=,claim_date").json()["results"]
    assert [r["claim_date"] for r in rows] == ["2024-10-01", "2024-11-20", "2025-01-13"]


def test_default_order_is_newest_claim_first(anon_api, claims):
    rows = anon_api.get("/api/v1/claims/").json()["results"]
    assert [r["claim_date"] for r in rows] == ["2025-01-13", "2024-11-20", "2024-10-01"]


def test_pagination_pages_and_refuses_page_sizes_outside_the_cap(anon_api):
    ClaimFactory.create_batch(205)
    first = anon_api.get("/api/v1/claims/?page_size=2").json()
    assert first["count"] == 205 and len(first["results"]) == 2 and "page=2" in first["next"]
    second = anon_api.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert len(anon_api.get("/api/v1/claims/?page_size=200").json()["results"]) == 200
    # Outside 1–200 is a 400 naming page_size, never a silent fallback to 50 rows.
    for bad in ("0", "-1", "201", "1000", "ten", "1.5"):
        refused = anon_api.get(f"/api/v1/claims/?page_size={bad}")
        assert refused.status_code == 400, bad
        assert "from 1 to 200" in refused.json()["page_size"][0]
    assert len(anon_api.get("/api/v1/claims/").json()["results"]) == 50
    assert anon_api.get("/api/v1/claims/?page=99").status_code == 404


def test_claimant_outlet_article_relation_filters(anon_api, claims):
    # The registry (migration 0006) ships South Korea's Joint Chiefs of Staff too.
    assert ids(anon_api.get("/api/v1/claimants/?name=joint&registry=false")) == {claims["jcs"].pk}
    [registry_jcs] = anon_api.get("/api/v1/claimants/?name=joint&registry=true").json()["results"]
    assert registry_jcs["name"] == "South Korea Joint Chiefs of Staff"
    assert registry_jcs["reliability"] == "B" and registry_jcs["reliability_reason"]
    assert ids(anon_api.get("/api/v1/outlets/?domain=YNA.co.kr")) == {claims["yonhap"].pk}
    assert ids(anon_api.get(f"/api/v1/articles/?outlet={claims['reuters'].pk}")) == {
        claims["a2"].pk
    }
    queued = ArticleFactory(status=Article.Status.QUEUED)
    assert ids(anon_api.get("/api/v1/articles/?status=queued")) == {queued.pk}
    relation = ClaimRelation.objects.create(
        from_claim=claims["killed"], to_claim=claims["shells"], kind="corroborates"
    )
    assert ids(anon_api.get(f"/api/v1/relations/?claim={claims['shells'].pk}")) == {relation.pk}
    assert ids(anon_api.get("/api/v1/relations/?kind=contradicts")) == set()


def test_claim_carries_claimant_trust_and_sources(anon_api, claims):
    body = anon_api.get(f"/api/v1/claims/{claims['killed'].pk}/").json()
    assert body["claimant"] == {
        "id": claims["jcs"].pk,
        "name": "Joint Chiefs of Staff",
        "short_name": claims["jcs"].short_name,
    }
    assert body["trust"] == {
        "reliability": "B", "credibility": 2, "confidence": "high", "grade": "B2",
        "credibility_suggested": False,
    }  # fmt: skip
    assert body["best"] == 300 and body["qualifier"] == "approximately"
    assert body["measure"] == "cumulative" and body["claim_date"] == "2025-01-13"
    [source] = body["sources"]
    assert source["article_id"] == claims["a1"].pk
    assert source["title"] == "North Korean troops suffer casualties in Kursk"
    assert source["outlet"] == "Yonhap"
    assert source["url"] == claims["a1"].url
    assert source["quote"] == "about 300 soldiers were killed"
