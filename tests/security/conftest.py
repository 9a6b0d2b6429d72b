"""Data for the security tests: claims in every review state, each unreviewed one carrying a
marker string that must never reach a reader who may not see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, ClaimSourceFactory
from tracker.models import Claim, ClaimRelation

PENDING_MARK = "zqxpendingmark"
REJECTED_MARK = "zqxrejectedmark"
PENDING_FIGURE = 987654
REJECTED_FIGURE = 876543


def forbidden_strings() -> list[str]:
    """What a reader without review rights must never receive, in any spelling we print."""
    out = [PENDING_MARK, REJECTED_MARK]
    for n in (PENDING_FIGURE, REJECTED_FIGURE):
        out += [str(n), f"{n:,}", f"{n:,}".replace(",", "\u202f"), f"{n:,}".replace(",", " ")]
    return out


@dataclass
class Matrix:
    approved: Claim
    pending: Claim
    rejected: Claim
    claimant: object
    article: object


def _claim(*, status, mark, figure, claimant, article):
    claim = ClaimFactory(
        status=status,
        best=figure,
        claimant=claimant,
        summary=f"summary {mark}",
        location=f"loc {mark}",
        weapon_system=f"ws {mark}",
        notes=f"notes {mark}",
        claim_date=dt.date(2024, 12, 24),
    )
    ClaimSourceFactory(claim=claim, article=article, quote=f"quote {mark} {figure} troops")
    return claim


@pytest.fixture
def matrix(db) -> Matrix:
    cache.clear()
    claimant = ClaimantFactory(name="Matrix Claimant", short_name="MC")
    article = ArticleFactory(title="Matrix article", text="Officials spoke about troops.")
    approved = ClaimFactory(claimant=claimant, best=1100, summary="approved summary")
    ClaimSourceFactory(claim=approved, article=article, quote="about 1,100 troops")
    pending = _claim(
        status=Claim.Status.PENDING,
        mark=PENDING_MARK,
        figure=PENDING_FIGURE,
        claimant=claimant,
        article=article,
    )
    rejected = _claim(
        status=Claim.Status.REJECTED,
        mark=REJECTED_MARK,
        figure=REJECTED_FIGURE,
        claimant=claimant,
        article=article,
    )
    ClaimRelation.objects.create(from_claim=pending, to_claim=approved, kind="updates")
    ClaimRelation.objects.create(from_claim=approved, to_claim=rejected, kind="updates")
    yield Matrix(approved, pending, rejected, claimant, article)
    cache.clear()


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch, settings):
    from rest_framework.throttling import AnonRateThrottle

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/minute", raising=False)


ROLES = ["anonymous", "analyst", "editor", "superuser"]


@pytest.fixture
def client_for(db):
    """client_for(role) → a test client logged in as that role (anonymous: not logged in)."""
    from django.test import Client

    from tests.factories import UserFactory

    def make(role: str) -> Client:
        client = Client()
        user = {
            "anonymous": lambda: None,
            "analyst": lambda: UserFactory(username="analyst", is_staff=True, groups=["Analysts"]),
            "editor": lambda: UserFactory(username="editor", is_staff=True, groups=["Editors"]),
            "superuser": lambda: UserFactory(username="root", is_staff=True, is_superuser=True),
        }[role]()
        if user is not None:
            client.force_login(user)
        return client

    return make
