"""The claims list and detail are built from rows (tracker.api.fast), not by the serializer; the
JSON must be exactly what ClaimSerializer and DRF's JSON renderer give: same keys in the same
order, same types, same nested claimant and sources, same pagination links, same bytes."""

import datetime as dt
import json

import pytest
from rest_framework.renderers import JSONRenderer

from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ClaimSourceFactory,
    OutletFactory,
)
from tracker.api.serializers import ClaimSerializer
from tracker.api.views import _claims_with_sources
from tracker.models import Claim, ClaimRelation
from tracker.selectors import claims_visible_to

pytestmark = pytest.mark.django_db

TEXT = "Officials said about 1,100 soldiers were killed or wounded. Other news followed."


@pytest.fixture
def claims():
    """Claims of every kind the serializer writes."""
    kcna = ClaimantFactory(name="Korean Central News Agency", short_name="KCNA")
    made = [
        # A plain approved figure with one source.
        ClaimFactory(best=1100, claimant=kcna),
        # A range, no best; miles normalised to km; a grade the machine suggested.
        ClaimFactory(
            category="border_activity",
            subtype="fence",
            low=10,
            best=None,
            high=12.5,
            qualifier="range",
            unit="miles",
            credibility=3,
            claim_date=dt.date(2024, 6, 1),
        ),
        # Low, best and high together.
        ClaimFactory(low=900, best=1000, high=1200.75, qualifier="approximately"),
        # A vague figure ("thousands of"), no claimant, a period, text outside ASCII and the
        # line separators JSON renderers escape.
        ClaimFactory(
            low=1000,
            best=None,
            qualifier="vague",
            claimant=None,
            period_start=dt.date(2024, 10, 1),
            period_end=dt.date(2024, 12, 1),
            summary="Тысячи солдат — «thousands» \u2028 sent\u2029 over",
            location="Kursk région",
            weapon_system="240mm MRL",
        ),
        # No figure at all.
        ClaimFactory(
            category="arms_transfer",
            subtype="rocket_launchers",
            low=None,
            best=None,
            high=None,
            qualifier="none",
            unit="",
            measure="increment",
            claim_date=dt.date(2023, 11, 5),
        ),
        # Pending and rejected: editors see them, nobody else does.
        ClaimFactory(best=3000, status=Claim.Status.PENDING, origin="api", rule="casualties-1"),
        ClaimFactory(best=4000, status=Claim.Status.REJECTED, review_note="duplicate"),
    ]
    Claim.objects.filter(pk=made[1].pk).update(credibility_suggested=True)
    Claim.objects.filter(pk=made[2].pk).update(
        reviewed_at=dt.datetime(2024, 12, 24, 8, 30, 15, 123456, tzinfo=dt.UTC)
    )
    # Several sources: another outlet, an article without outlet, url or date, and a quote
    # with offsets; the serializer lists them by publication date, then id.
    ClaimSourceFactory(claim=made[0])
    ClaimSourceFactory(
        claim=made[0],
        article=ArticleFactory(
            outlet=OutletFactory(name="Yonhap"),
            published_at=dt.datetime(2024, 12, 20, 7, 0, tzinfo=dt.UTC),
            text=TEXT,
        ),
        quote="Other news",
        quote_start=60,
        quote_end=70,
    )
    ClaimSourceFactory(
        claim=made[0],
        article=ArticleFactory(outlet=None, url=None, published_at=None, title=""),
        quote="said about 1,100",
        quote_start=10,
        quote_end=26,
    )
    for claim in made[1:]:
        ClaimSourceFactory(claim=claim)
    ClaimRelation.objects.create(from_claim=made[2], to_claim=made[0], kind="corroborates")
    ClaimRelation.objects.create(from_claim=made[3], to_claim=made[0], kind="contradicts")
    return made


def _serializer_bytes(data) -> bytes:
    return JSONRenderer().render(data)


def _expected_list(user, path_query: str, count: int) -> bytes:
    claims = _claims_with_sources(claims_visible_to(user))
    results = ClaimSerializer(claims, many=True).data
    assert len(results) == count
    return _serializer_bytes({"count": count, "next": None, "previous": None, "results": results})


@pytest.mark.parametrize("role,count", [("anonymous", 5), ("analyst", 5), ("editor", 7)])
def test_list_is_the_serializers_json_byte_for_byte(clients, claims, role, count, request):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = clients[role].get("/api/v1/claims/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == _expected_list(user, "", count)
    # Every kind of value came through (the fixture is not accidentally narrow).
    body = response.json()["results"]
    assert {c["qualifier"] for c in body} >= {"range", "vague", "none", "approximately"}
    assert max(len(c["sources"]) for c in body) == 3
    assert any(c["claimant"] is None for c in body)


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_detail_is_the_serializers_json_byte_for_byte(clients, claims, role, request):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    visible = claims_visible_to(user)
    for claim in claims:
        response = clients[role].get(f"/api/v1/claims/{claim.pk}/")
        if not visible.filter(pk=claim.pk).exists():
            assert response.status_code == 404
            continue
        expected = ClaimSerializer(_claims_with_sources(visible).get(pk=claim.pk)).data
        assert response.content == _serializer_bytes(expected)


def _same_json(fast: bytes, slow: bytes) -> None:
    """Equal values, keys in the same order, and the same compact bytes once re-encoded."""
    fast_data, slow_data = json.loads(fast), json.loads(slow)
    assert fast_data == slow_data
    assert fast == _serializer_bytes(slow_data)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "format=json",
        "page_size=2",
        "page_size=2&page=2",
        "page_size=3&page=last",
        "category=casualties&min_confidence=moderate",
        "ordering=value&page_size=4",
        "ordering=-claim_date",
        "has_number=false",
        "status=pending",
        "q=soldiers&claimant={claimant}",
        "outlet={outlet}",
    ],
)
def test_fast_list_equals_the_serializer_path_of_the_same_view(editor_api, claims, query):
    """The view keeps the serializer path for indented JSON; both give the same document,
    pagination links included, for filters, ordering and pages."""
    query = query.format(
        claimant=claims[0].claimant_id,
        outlet=claims[0].sources.order_by("id").first().article.outlet_id,
    )
    fast = editor_api.get(f"/api/v1/claims/?{query}")
    slow = editor_api.get(f"/api/v1/claims/?{query}", HTTP_ACCEPT="application/json; indent=2")
    assert fast.status_code == slow.status_code == 200
    assert b"\n" in slow.content  # the serializer path, indented
    _same_json(fast.content, slow.content)
    assert fast.json()["count"] >= 1


def test_fast_detail_equals_the_serializer_path_with_list_filters(anon_api, claims):
    claim = claims[0]
    for query in ("", "?category=casualties", "?category=arms_transfer"):
        fast = anon_api.get(f"/api/v1/claims/{claim.pk}/{query}")
        slow = anon_api.get(
            f"/api/v1/claims/{claim.pk}/{query}", HTTP_ACCEPT="application/json; indent=2"
        )
        assert fast.status_code == slow.status_code
        if fast.status_code == 200:
            _same_json(fast.content, slow.content)
    assert anon_api.get(f"/api/v1/claims/{claim.pk}/?category=arms_transfer").status_code == 404


def test_errors_stay_what_they_were(anon_api, claims):
    assert anon_api.get("/api/v1/claims/?categroy=casualties").status_code == 400
    assert anon_api.get("/api/v1/claims/?page=99").status_code == 404
    assert anon_api.get(f"/api/v1/claims/{claims[5].pk}/").status_code == 404  # pending
    assert anon_api.get("/api/v1/claims/99999999999999999999/").status_code == 404


def test_plain_json_reads_do_not_build_serializers(anon_api, claims, monkeypatch):
    def refuse(self, instance):
        raise AssertionError("the serializer ran")

    monkeypatch.setattr(ClaimSerializer, "to_representation", refuse)
    assert anon_api.get("/api/v1/claims/").status_code == 200
    assert anon_api.get(f"/api/v1/claims/{claims[0].pk}/").status_code == 200
    with pytest.raises(AssertionError, match="the serializer ran"):
        anon_api.get("/api/v1/claims/", HTTP_ACCEPT="application/json; indent=2")


@pytest.mark.parametrize("page_size,counts", [(100, False), (7, False), (6, True), (2, True)])
def test_a_first_page_that_holds_everything_needs_no_count_query(
    editor_api, claims, page_size, counts
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = editor_api.get(f"/api/v1/claims/?page_size={page_size}").json()
    assert body["count"] == 7
    assert len(body["results"]) == min(page_size, 7)
    assert (body["next"] is not None) == (page_size < 7)
    assert any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries) == counts


def test_later_pages_count_as_before(anon_api, claims):
    body = anon_api.get("/api/v1/claims/?page_size=2&page=3").json()
    assert body["count"] == 5
    assert [len(body["results"]), body["next"]] == [1, None]
    assert body["previous"].endswith("/api/v1/claims/?page=2&page_size=2")


def test_datetimes_follow_the_current_time_zone_as_the_serializer_does(anon_api, claims, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    response = anon_api.get("/api/v1/claims/")
    assert response.content == _expected_list(None, "", 5)
    assert response.json()["results"][0]["created_at"].endswith("+09:00")


def test_public_details_run_sql_compiled_once(anon_api, claims, monkeypatch):
    """After a first detail, a public detail (and the sources and weapon systems of a list)
    runs SQL the ORM compiled once (tracker.api.fast.Prepared): the serializer's bytes, with
    no SQL compiled for the detail, and any number of claims on a list's page."""
    from django.db.models.sql.compiler import SQLCompiler

    from tracker.models import WeaponSystem

    kn23 = WeaponSystem.objects.get_or_create(slug="kn-23", defaults={"name": "KN-23"})[0]
    bulsae = WeaponSystem.objects.get_or_create(slug="bulsae-4", defaults={"name": "Bulsae-4"})[0]
    claims[0].weapon_systems.set([kn23, bulsae])
    claims[2].weapon_systems.set([kn23])
    public = [c for c in claims if c.status == Claim.Status.APPROVED]
    assert anon_api.get(f"/api/v1/claims/{public[-1].pk}/").status_code == 200
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or as_sql(self, *a, **k)
    )
    details = [anon_api.get(f"/api/v1/claims/{claim.pk}/") for claim in public[:-1]]
    assert compiled == []
    for claim, response in zip(public[:-1], details, strict=True):
        expected = ClaimSerializer(_claims_with_sources(claims_visible_to(None)).get(pk=claim.pk))
        assert response.content == _serializer_bytes(expected.data)
    by_name = [s.slug for s in sorted([kn23, bulsae], key=lambda s: s.name)]
    assert [s["slug"] for s in details[0].json()["weapon_systems"]] == by_name
    for page_size in (1, 2, 5):
        fast = anon_api.get(f"/api/v1/claims/?page_size={page_size}")
        slow = anon_api.get(
            f"/api/v1/claims/?page_size={page_size}", HTTP_ACCEPT="application/json; indent=2"
        )
        assert len(fast.json()["results"]) == page_size
        _same_json(fast.content, slow.content)


@pytest.mark.parametrize("pk", ["0", "9223372036854775808"])
def test_a_detail_beyond_the_ids_is_not_found(anon_api, claims, pk):
    assert anon_api.get(f"/api/v1/claims/{pk}/").status_code == 404
