"""The claims list's common filter shapes are compiled once (tracker.api.shapes): a request of a
shape seen before runs the same statement with its own values. Every answer must still be the
serializer's document, for each role, and every bad value the filter set's 400."""

import datetime as dt
import json

import pytest
from django.http import QueryDict
from rest_framework.renderers import JSONRenderer

from tests.factories import ClaimantFactory, ClaimFactory, ClaimSourceFactory
from tracker.api import shapes
from tracker.models import Claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    """Claims that differ in every value a shape takes: category, subtype, claimant, date,
    confidence (from the grade), measure, figure; some pending (editors only)."""
    kcna, mod = ClaimantFactory(name="KCNA"), ClaimantFactory(name="Ministry of Defence")
    made = [
        ClaimFactory(claimant=kcna, best=100, claim_date=dt.date(2024, 1, 5)),
        ClaimFactory(claimant=mod, best=2500, claim_date=dt.date(2024, 3, 9), reliability="D"),
        ClaimFactory(claimant=mod, best=None, low=10, high=20, qualifier="range",
                     claim_date=dt.date(2024, 6, 1), reliability="E", credibility=5),
        ClaimFactory(category="arms_transfer", subtype="rocket_launchers", unit="",
                     measure="increment", best=12, claim_date=dt.date(2024, 2, 1)),
        ClaimFactory(category="border_activity", subtype="fence", unit="miles", low=10,
                     best=None, high=12.5, qualifier="range", claim_date=dt.date(2024, 6, 1)),
        ClaimFactory(claimant=kcna, best=3000, status=Claim.Status.PENDING,
                     claim_date=dt.date(2024, 4, 1)),
        ClaimFactory(claimant=mod, best=4000, status=Claim.Status.PENDING,
                     category="arms_transfer", subtype="rocket_launchers", unit=""),
    ]  # fmt: skip
    for claim in made:
        ClaimSourceFactory(claim=claim)
    return made


def _same_json(fast: bytes, slow: bytes) -> None:
    assert json.loads(fast) == json.loads(slow)
    assert fast == JSONRenderer().render(json.loads(slow))


def _both(client, query: str):
    fast = client.get(f"/api/v1/claims/?{query}")
    slow = client.get(f"/api/v1/claims/?{query}", HTTP_ACCEPT="application/json; indent=2")
    assert fast.status_code == slow.status_code == 200, (query, fast.content)
    _same_json(fast.content, slow.content)
    return fast.json()


QUERIES = [
    "category=casualties",
    "category=arms_transfer",
    "category=casualties,casualties,border_activity",
    "category=border_activity&category=casualties&page_size=1&page=2",
    "subtype=rocket_launchers",
    "claimant={kcna}",
    "claimant={kcna},{mod}&ordering=value",
    "confidence=high,low",
    "min_confidence=moderate",
    "min_confidence=high&ordering=-value,id",
    "measure=increment",
    "date_from=2024-02-01&date_to=2024-06-01",
    "claim_date_after=2024-03-01&ordering=claim_date",
    "claim_date_before=2024-03-01&ordering=-id",
    "date_to=2031-01-01&category=casualties&min_confidence=low&page_size=2&page=2",
    "category=&date_to=&claimant=",
]


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_shaped_lists_are_the_serializers_json(clients, claims, role):
    """Each shape in turn, for each role (editors see the pending claims too: their shapes are
    their own), equals the serializer path of the same view."""
    client = clients[role]
    ids = {"kcna": claims[0].claimant_id, "mod": claims[1].claimant_id}
    counts = {}
    for query in QUERIES:
        assert shapes.cleaned(QueryDict(query.format(**ids))) is not None  # a shape, not refused
        counts[query] = _both(client, query.format(**ids))["count"]
    assert counts["category=arms_transfer"] == (2 if role == "editor" else 1)
    assert counts["claimant={kcna}"] == (2 if role == "editor" else 1)
    assert counts["category=&date_to=&claimant="] == (7 if role == "editor" else 5)


def test_a_shape_is_compiled_once_then_run_with_each_requests_values(anon_api, claims, monkeypatch):
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler

    # Shapes are compiled once on PostgreSQL only; elsewhere the filter set's path answers the
    # same, and no shape is kept.
    postgresql = connection.vendor == "postgresql"
    monkeypatch.setattr(shapes, "_shapes", {})
    first = anon_api.get("/api/v1/claims/?category=casualties&date_to=2024-12-31").json()
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or as_sql(self, *a, **k)
    )
    answers = {
        query: anon_api.get(f"/api/v1/claims/?{query}")
        for query in (
            "category=arms_transfer&date_to=2024-12-31",
            "category=border_activity&date_to=2024-03-01",
            "category=casualties&date_to=2024-03-09",
            "claim_date_before=2024-01-31&category=casualties",  # the alias: the same shape
        )
    }
    assert (compiled == []) is postgresql
    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    assert first["count"] == 3
    counts = {}
    for query, fast in answers.items():
        slow = anon_api.get(f"/api/v1/claims/?{query}", HTTP_ACCEPT="application/json; indent=2")
        _same_json(fast.content, slow.content)
        counts[query] = fast.json()["count"]
    assert list(counts.values()) == [1, 0, 2, 1]
    assert len(shapes._shapes) == (1 if postgresql else 0)


@pytest.mark.parametrize(
    "query,field",
    [
        ("category=nope", "category"),
        ("category=casualties,nope", "category"),
        ("date_to=2024-13-01", "date_to"),
        ("claimant=abc", "claimant"),
        ("claimant=0", "claimant"),
        ("ordering=bogus", "ordering"),
        ("min_confidence=extreme", "min_confidence"),
        ("claim_date_before=2024-01-01&date_to=2024-02-01", "date_to"),
        ("category=arms_transfer&subtype=killed_or_wounded", "subtype"),
        ("categroy=casualties", "categroy"),
    ],
)
def test_a_bad_value_is_still_the_filter_sets_400(anon_api, claims, query, field):
    response = anon_api.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_filters_outside_the_shapes_still_filter(anon_api, claims):
    """A filter that is not of a shape (text search, a figure or not) takes the filter set's
    path, beside shaped ones, and gives the same document as the serializer."""
    assert _both(anon_api, "has_number=false&category=casualties")["count"] == 0
    assert _both(anon_api, "q=soldiers&min_confidence=low")["count"] == 5
    assert _both(anon_api, "category=casualties&subtype=killed_or_wounded")["count"] == 3


def test_a_shape_run_again_and_again_by_a_prepared_statement_keeps_its_answers(anon_api, claims):
    """PostgreSQL prepares a shape's statement and, after five runs, may plan it once for any
    values (a generic plan): the answers stay the serializer's, whatever the values."""
    from django.db import connection

    days = [f"2024-0{m}-0{d}" for m in (1, 3, 6) for d in (1, 5, 9)]
    for day in days:
        _both(anon_api, f"date_to={day}&claimant={claims[1].claimant_id},{claims[0].claimant_id}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%fs_sources%"],
            )
            assert cursor.fetchone()[0] >= 1
