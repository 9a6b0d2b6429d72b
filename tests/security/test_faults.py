"""Faults: Redis going away (cache and Celery broker), and PostgreSQL restarting.

Redis: each test starts its own throwaway redis-server on a free loopback port, points the
settings at it, and kills it — the shared Redis is never touched."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache

from tests.factories import ClaimSourceFactory
from tests.security.conftest import ROLES
from tests.services import requires

REDIS_SERVER = shutil.which("redis-server")
pytestmark = requires(REDIS_SERVER is not None, "redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    def __init__(self, port: int | None = None):
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("throwaway redis-server did not start")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def redis_server():
    server = ThrowawayRedis()
    yield server
    server.kill()


@pytest.fixture
def cache_on(settings, redis_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "tracker",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    yield redis_server


READS = [
    "/",
    "/timeline/",
    "/totals/",
    "/arms/",
    "/border/",
    "/claims/",
    "/claims.csv",
    "/methodology/",
    "/feeds/claims.atom",
    "/api/v1/claims/",
    "/api/v1/claimants/",
    "/api/v1/series/?category=casualties&subtype=killed_or_wounded",
]


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_still_serve_reads_when_redis_is_gone(cache_on, client_for, role):
    claim = ClaimSourceFactory().claim
    client = client_for(role)
    assert client.get("/").status_code == 200
    assert cache.get("__probe__", "miss") == "miss"
    cache.set("__probe__", "hit")
    assert cache.get("__probe__") == "hit"  # the cache really is this Redis
    cache_on.kill()
    assert cache.get("__probe__", "miss") == "miss"
    for url in READS + [f"/claims/{claim.pk}/", f"/api/v1/claims/{claim.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "1,100" in client.get("/claims/").content.decode()


def test_reads_and_counts_in_one_round_trip_and_fails_soft(cache_on):
    import redis

    from tracker.cache import read_and_count, versions_and

    server = redis.Redis.from_url(cache_on.url)
    cache.set("raw", {"body": b"{}"})
    assert read_and_count(["raw", "none"], {"count": 60, "other": 90}) == (
        {"raw": {"body": b"{}"}},
        {"count": 1, "other": 1},
    )
    assert read_and_count([], {"count": 60}) == ({}, {"count": 2})
    assert cache.get("count") == 2
    assert 0 < server.ttl(cache.make_key("count")) <= 60  # kept from its creation, not renewed
    assert read_and_count(["raw"], {}) == ({"raw": {"body": b"{}"}}, {})
    current, found, counts = versions_and(["casualties"], also=["raw"], count={"count": 60})
    assert current is not None and found == {"raw": {"body": b"{}"}} and counts == {"count": 3}
    cache_on.kill()
    assert versions_and(["casualties"], also=["raw"], count={"count": 60}) == (None, {}, {})
    assert versions_and(["casualties"], also=["raw"]) == (None, {}, {})  # a page's read


@pytest.mark.parametrize("path", ["claim", "/api/v1/claims/?category=casualties", "/totals/"])
def test_a_cached_answer_costs_one_redis_round_trip_and_a_miss_three(
    cache_on, client_for, monkeypatch, path
):
    import redis.connection

    claim = ClaimSourceFactory().claim
    path = f"/api/v1/claims/{claim.pk}/" if path == "claim" else path
    client = client_for("anonymous")
    client.get("/api/v1/claims/")  # a connection made, the versions set
    trips = []
    send = redis.connection.Connection.send_packed_command
    monkeypatch.setattr(
        redis.connection.Connection,
        "send_packed_command",
        lambda self, *a, **k: trips.append(1) or send(self, *a, **k),
    )

    def round_trips() -> tuple[str, int]:
        trips.clear()
        response = client.get(path)  # identity: stored on the miss
        assert response.status_code == 200
        return response["X-Tracker-Cache"], len(trips)

    # The versions, the answer last stored and (API) the throttle's count, in one pipeline; on
    # an API miss the raw copy read, then the store (a page's miss reads its cached parts too).
    state, trips_of_miss = round_trips()
    assert state == "miss" and (trips_of_miss == 3 or not path.startswith("/api/"))
    assert round_trips() == ("hit", 1)
    assert round_trips() == ("hit", 1)


@pytest.fixture
def broker_on(redis_server):
    """Celery publishes to the throwaway Redis (not eager), as in production."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    app._pool = app.amqp._producer_pool = None
    yield redis_server
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = app.amqp._producer_pool = None
    app.conf.broker_url, app.conf.task_always_eager = saved


def _queued(redis_url: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen("celery")


def test_an_ingest_request_is_queued_when_redis_is_up(broker_on, client_for, transactional_db):
    # Transactional tests flush the migration-made groups: a superuser holds every permission.
    client = client_for("superuser")
    response = client.post(
        "/api/v1/articles/ingest",
        {"url": "https://news.example.org/up"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert _queued(broker_on.url) == 1


def test_an_ingest_request_with_redis_down_is_refused_clearly_and_kept(
    broker_on, client_for, transactional_db
):
    from tracker.models import Article

    # Transactional tests flush the migration-made groups: a superuser holds every permission.
    client = client_for("superuser")
    broker_on.kill()
    started = time.monotonic()
    response = client.post(
        "/api/v1/articles/ingest",
        {"url": "https://news.example.org/down"},
        content_type="application/json",
    )
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert "queue" in response.json()["detail"].lower()
    assert response["Retry-After"]
    # Not lost: the article is stored, queued, and a retry of the same request enqueues it.
    article = Article.objects.get(url="https://news.example.org/down")
    assert article.status == Article.Status.QUEUED
    # Redis is back: the same request enqueues the stored article.
    again = ThrowawayRedis(port=broker_on.port)
    try:
        response = client.post(
            "/api/v1/articles/ingest",
            {"url": "https://news.example.org/down"},
            content_type="application/json",
        )
        assert response.status_code == 202
        assert response.json()["article_id"] == article.pk
        assert _queued(again.url) == 1
    finally:
        again.kill()


# --- PostgreSQL restart ---------------------------------------------------------------------
# Restarting the shared PostgreSQL disrupts everyone using it: opt in with HARDEN_RESTART_PG=1.


def _restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=60,
    )
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


@pytest.mark.serial
@requires(
    os.environ.get("HARDEN_RESTART_PG") == "1" and bool(os.environ.get("DATABASE_URL")),
    "restarts the shared PostgreSQL: set HARDEN_RESTART_PG=1 (and DATABASE_URL)",
)
def test_the_site_recovers_after_a_postgresql_restart(client_for, transactional_db):
    from django.db import close_old_connections

    ClaimSourceFactory()
    client = client_for("anonymous")
    assert client.get("/api/v1/claims/").json()["count"] == 1
    _restart_postgresql()
    # What Django does at the start of every request (the test client skips it):
    # CONN_HEALTH_CHECKS finds the dead persistent connection and opens a new one.
    close_old_connections()
    assert client.get("/api/v1/claims/").json()["count"] == 1
    assert client.get("/claims/").status_code == 200
