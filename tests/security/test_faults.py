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

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None and not os.environ.get("CI"), reason="redis-server is not installed"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    def __init__(self):
        self.port = _free_port()
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
