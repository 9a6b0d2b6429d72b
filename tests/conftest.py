"""Shared fixtures: one for each kind of user, and clients logged in as them."""

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True, groups=["Editors"])


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", is_staff=True, groups=["Analysts"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def analyst_client(analyst):
    return _client_for(analyst)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)


@pytest.fixture(autouse=True)
def _no_dashboard_warm_on_change(settings):
    """No test enqueues dashboard warms on the real broker after its saves unless it asks
    (tests/dashboard/test_warm.py turns this back on)."""
    settings.DASHBOARD_WARM_ON_CHANGE = False


@pytest.fixture(autouse=True)
def _new_data_version(_no_dashboard_warm_on_change):
    """A test's rows are rolled back without signals: start each test on a new data version so
    nothing cached by an earlier test is served (tracker.cache)."""
    from tracker.cache import bump_data_version

    bump_data_version()
    yield
