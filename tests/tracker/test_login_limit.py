"""Admin login attempts are limited per username and address."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_right_password_logs_an_editor_in():
    UserFactory(username="ed", is_staff=True, password="correct-horse-battery")
    response = _login(Client(), "ed", "correct-horse-battery")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_fifth_failure_locks_out_even_the_right_password():
    UserFactory(username="ed", is_staff=True, password="correct-horse-battery")
    client = Client()
    for _ in range(4):
        assert _login(client, "ed", "wrong-guess").status_code == 200
    assert _login(client, "ed", "wrong-guess").status_code == 429
    locked = _login(client, "ed", "correct-horse-battery")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_block_another_user():
    UserFactory(username="ed", is_staff=True, password="correct-horse-battery")
    UserFactory(username="other", is_staff=True, password="another-long-secret")
    client = Client()
    for _ in range(5):
        _login(client, "ed", "wrong-guess")
    assert _login(Client(), "other", "another-long-secret").status_code == 302
