"""The OpenAPI schema is valid, the API holds to it under generated requests (schemathesis), and
the Swagger UI works from our own static files under our CSP."""

import io

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker.models import ClaimRelation

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/claims/" in out.getvalue()


def test_schema_is_served(anon_api):
    response = anon_api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.fixture
def rows(db):
    # The real WSGI handler closes "old" database connections when a request ends, which would
    # close the test's own connection on PostgreSQL; Django's test client detaches it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _some_rows()
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _some_rows():
    # Some rows for detail and action paths to find.
    claim = ClaimFactory()
    ClaimSourceFactory(claim=claim)
    pending = ClaimFactory(status="pending", best=1200)
    ClaimRelation.objects.create(from_claim=pending, to_claim=claim, kind="supersedes")


# Generating the schema needs no database: it is read through the WSGI app at collection.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_from_the_schema_makes_a_server_error_anonymous(case, rows):
    case.call_and_validate(checks=[not_a_server_error])


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_from_the_schema_makes_a_server_error_as_editor(case, rows, editor_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token}"}, checks=[not_a_server_error]
    )
