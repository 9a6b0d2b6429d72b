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


@pytest.mark.parametrize("page_size", [100, 7, 6, 2])
def test_a_page_costs_one_query_or_counts_only_when_needed(editor_api, claims, page_size):
    """On PostgreSQL a page is one statement: its claims, their sources and weapon systems and
    the count. Elsewhere a first page holding every claim counts its own rows (no count query);
    a first page with more after it counts them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = editor_api.get(f"/api/v1/claims/?page_size={page_size}").json()
    assert body["count"] == 7
    assert len(body["results"]) == min(page_size, 7)
    assert (body["next"] is not None) == (page_size < 7)
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "tracker_claim"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(reads) == 1
    else:
        assert any("COUNT(" in sql.upper() for sql in reads) == (page_size < 7)


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


def test_a_public_detail_is_one_statement_on_postgresql(named_systems):
    """On PostgreSQL (in UTC) a public detail reads its claim, sources and weapon systems in
    one statement, the serializer's JSON; elsewhere two queries, the same JSON."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.api import fast

    one = connection.vendor == "postgresql"
    for claim in named_systems:
        with CaptureQueriesContext(connection) as queries:
            data = fast.public_claim_detail(claim.pk)
        if claim.status != Claim.Status.APPROVED:
            assert data is None
            continue
        assert len(queries) == (1 if one else 2)
        expected = ClaimSerializer(_claims_with_sources(claims_visible_to(None)).get(pk=claim.pk))
        assert fast.dumps(data) == _serializer_bytes(expected.data)
    assert [s["slug"] for s in fast.public_claim_detail(named_systems[0].pk)["weapon_systems"]]


@pytest.mark.parametrize("pk", ["0", "9223372036854775808"])
def test_a_detail_beyond_the_ids_is_not_found(anon_api, claims, pk):
    assert anon_api.get(f"/api/v1/claims/{pk}/").status_code == 404


@pytest.fixture
def named_systems(claims):
    """Weapon systems named by some claims (two by the first, listed by name)."""
    from tracker.models import WeaponSystem

    kn23 = WeaponSystem.objects.get_or_create(slug="kn-23", defaults={"name": "KN-23"})[0]
    bulsae = WeaponSystem.objects.get_or_create(slug="bulsae-4", defaults={"name": "Bulsae-4"})[0]
    claims[0].weapon_systems.set([kn23, bulsae])
    claims[2].weapon_systems.set([kn23])
    claims[5].weapon_systems.set([bulsae])
    return claims


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page_size=1",
        "page_size=2&page=2",
        "page_size=2&page=3",
        "page_size=2&page=last",
        "page_size=200",
        "ordering=value&page_size=3&page=2",
        "ordering=-value,id",
        "ordering=id&page_size=2",
        "category=casualties&min_confidence=moderate",
        "date_to=2031-01-01&date_from=2000-01-01",
        "weapon=kn-23",
        "q=soldiers",
        "outlet={outlet}&claimant={claimant}",
        "as_of={now}",
        "as_of={now}&page_size=2&page=2&ordering=value",
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_pages_read_in_one_statement_equal_the_serializer_path(clients, named_systems, query, role):
    """Whatever the filters, ordering, page and moment, the one-statement page (claims, sources
    and weapon systems as JSON, timestamps as text, the count) is the serializer's document."""
    from django.utils import timezone

    claims = named_systems
    query = query.format(
        claimant=claims[0].claimant_id,
        outlet=claims[0].sources.order_by("id").first().article.outlet_id,
        now=(timezone.now() + dt.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    client = clients[role]
    fast = client.get(f"/api/v1/claims/?{query}")
    slow = client.get(f"/api/v1/claims/?{query}", HTTP_ACCEPT="application/json; indent=2")
    assert fast.status_code == slow.status_code == 200
    assert b"\n" in slow.content  # the serializer path, indented
    _same_json(fast.content, slow.content)
    assert fast.json()["results"]


def test_one_statement_pages_carry_every_kind_of_value(anon_api, named_systems):
    """The fixture reaches the one-statement path's conversions: timestamps with and without
    microseconds and missing ones, sources without outlet, url or date, weapon systems."""
    results = anon_api.get("/api/v1/claims/").json()["results"]
    stamps = [c["reviewed_at"] for c in results] + [
        s["published_at"] for c in results for s in c["sources"]
    ]
    assert "2024-12-24T08:30:15.123456Z" in stamps
    assert "2024-12-20T07:00:00Z" in stamps
    assert None in stamps
    assert any(s["outlet"] is None and s["url"] is None for c in results for s in c["sources"])
    first = next(c for c in results if c["id"] == named_systems[0].pk)
    assert [s["slug"] for s in first["weapon_systems"]] == ["bulsae-4", "kn-23"]


@pytest.mark.parametrize("page", ["4", "99", "0", "-1", "x", "2.5"])
def test_a_page_past_the_end_or_not_a_page_is_the_same_404(anon_api, claims, page):
    fast = anon_api.get(f"/api/v1/claims/?page_size=2&page={page}")
    slow = anon_api.get(
        f"/api/v1/claims/?page_size=2&page={page}", HTTP_ACCEPT="application/json; indent=2"
    )
    assert fast.status_code == slow.status_code == 404
    assert fast.json() == slow.json()
