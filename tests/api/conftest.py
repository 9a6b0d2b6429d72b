"""API fixtures: a client for each kind of caller, and the anonymous throttle reset."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are made in nearly every API test; a slow hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_anonymous_throttle(monkeypatch):
    # The throttle counts in the shared cache: every test starts with counters of its own (a
    # key prefix no earlier test used) and a rate high enough not to interfere (the throttle
    # tests set their own).
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/minute", raising=False)
    fresh = f"throttle_{uuid.uuid4().hex}_%(scope)s_%(ident)s"
    monkeypatch.setattr(AnonRateThrottle, "cache_format", fresh)


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def analyst_api(analyst):
    client = APIClient()
    client.force_login(analyst)
    return client


@pytest.fixture
def editor_api(editor):
    client = APIClient()
    client.force_login(editor)
    return client


@pytest.fixture
def editor_token(editor):
    return Token.objects.create(user=editor).key


@pytest.fixture
def token_api(editor_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token}")
    return client


@pytest.fixture
def clients(anon_api, analyst_api, editor_api, token_api):
    return {"anonymous": anon_api, "analyst": analyst_api, "editor": editor_api, "token": token_api}
