"""Every API response matches the schema (schemathesis, bounded), anonymous and as an editor.
tests/api/test_schema.py already proves no generated request makes a 500; this adds the body
and content-type checks: a client generated from /api/v1/schema/ can trust what it gets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.api.test_schema import rows, schema  # noqa: F401 - the rows fixture is used

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# The WSGI client asks for gzip but does not decode it: compression (tracker.httpcache) is
# transport, checked in tests/dashboard/test_cache_targeted.py; the schema checks read plain JSON.
PLAIN = {"Accept-Encoding": "identity"}
BOUNDED = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@schema.parametrize()
@BOUNDED
def test_every_response_matches_the_schema_anonymous(case, rows):  # noqa: F811
    case.call_and_validate(headers=PLAIN, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_every_response_matches_the_schema_as_editor(case, rows, editor, _fast_hashes):  # noqa: F811
    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=editor)[0].key
    case.call_and_validate(headers={**PLAIN, "Authorization": f"Token {token}"}, checks=CHECKS)
