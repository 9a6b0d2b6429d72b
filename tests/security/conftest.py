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


# --- Hostile content ---------------------------------------------------------------------------
# Each payload, if it ever ran, would set window.__pwned and the document title.
PWN = "window.__pwned=1;document.title='PWNED'"
P_SCRIPT = f"<script>{PWN}</script>"
P_IMG = f'<img src=x onerror="{PWN}">'
P_BREAK = f'"</script><script>{PWN}</script>'
P_SVG = f"<svg onload={PWN}>"
P_JSON = '\\"}]}\u2028\u2029{{"x":"'
HOSTILE_LONG = " ".join([P_SCRIPT, P_IMG, P_BREAK, P_SVG, P_JSON])
HOSTILE_SHORT = f"<svg onload={PWN}>\"'<img src=x onerror={PWN}>"[:120]
JS_URL = "javascript:window.__pwned=1//"
# What must never appear unescaped in an HTML response.
RAW_PAYLOADS = [P_SCRIPT, P_IMG, "<svg onload=", "<img src=x", "<script>window"]


@dataclass
class Hostile:
    claimant: object
    outlet: object
    article: object
    js_article: object
    claim: object
    feed: object


@pytest.fixture
def hostile(db) -> Hostile:
    cache.clear()
    yield build_hostile()
    cache.clear()


@pytest.fixture
def live_hostile(transactional_db) -> Hostile:
    cache.clear()
    yield build_hostile()
    cache.clear()


def build_hostile() -> Hostile:
    from ingest.models import Feed
    from tests.factories import OutletFactory

    claimant = ClaimantFactory(name=HOSTILE_LONG[:200], short_name=P_SVG[:60])
    outlet = OutletFactory(name=HOSTILE_LONG[:200], domain="hostile.example.org")
    article = ArticleFactory(
        outlet=outlet,
        title=HOSTILE_LONG,
        author=HOSTILE_SHORT,
        text=f"Officials said {HOSTILE_LONG} about 2,500 troops arrived.",
        url="https://hostile.example.org/a?q=%22%3E%3Cscript%3E",
    )
    js_article = ArticleFactory(
        outlet=outlet, title=P_IMG, url=JS_URL, text=f"First {P_BREAK} then {HOSTILE_LONG} end."
    )
    claim = ClaimFactory(
        claimant=claimant,
        best=2500,
        category="troop_deployment",
        subtype="deployed",
        weapon_system=HOSTILE_SHORT,
        location=HOSTILE_LONG[:200],
        summary=HOSTILE_LONG[:300],
        notes=HOSTILE_LONG,
        claim_date=dt.date(2024, 11, 1),
    )
    # Every quote is in its article with offsets that hold it (tracker.quotes): the admin, the
    # API and an import refuse anything else.
    start = article.text.index(HOSTILE_LONG)
    ClaimSourceFactory(
        claim=claim,
        article=article,
        quote=HOSTILE_LONG,
        quote_start=start,
        quote_end=start + len(HOSTILE_LONG),
    )
    start = js_article.text.index(P_BREAK)
    ClaimSourceFactory(
        claim=claim,
        article=js_article,
        quote=P_BREAK,
        quote_start=start,
        quote_end=start + len(P_BREAK),
    )
    arms = ClaimFactory(
        claimant=claimant,
        category="arms_transfer",
        subtype="artillery_shells",
        best=1_000_000,
        unit="shells",
        weapon_system=HOSTILE_SHORT,
        claim_date=dt.date(2024, 10, 1),
    )
    start = js_article.text.index(HOSTILE_LONG)
    ClaimSourceFactory(
        claim=arms,
        article=js_article,
        quote=HOSTILE_LONG,
        quote_start=start,
        quote_end=start + len(HOSTILE_LONG),
    )
    feed = Feed.objects.create(
        url="https://hostile.example.org/feed.xml",
        title=HOSTILE_LONG[:300],
        last_error=HOSTILE_LONG,
    )
    return Hostile(claimant, outlet, article, js_article, claim, feed)
