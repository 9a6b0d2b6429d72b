"""Shared fixtures: one for each kind of user, and clients logged in as them."""

import os

import pytest
from django.test import Client

from tests.factories import UserFactory


def pytest_configure(config):
    """Templates name static files without a collectstatic run: the plain storage, not the
    hashed manifest one (tests/dashboard/test_page_weight.py checks that one on a real server)."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser build); one per test
    module, so the variable below is restored when the module's browser tests end."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # safe. Set only while browser tests run: `check --deploy` elsewhere flags the variable.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
