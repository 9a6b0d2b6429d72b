"""Production mode (DEBUG=0), in a fresh process: HTTPS redirect, HSTS, secure cookies, the CSP
and friends on every response, and error pages without debug information."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
settings.ALLOWED_HOSTS = ["tracker.example.org", "testserver"]
# collectstatic's compressed manifest is slow to build and not what is under test here.
settings.STORAGES = {**settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
c = Client(HTTP_HOST="tracker.example.org")
plain = c.get("/methodology/")
https = {"HTTP_X_FORWARDED_PROTO": "https", "secure": False}
page = c.get("/methodology/", **https)
missing = c.get("/no-such-page/", **https)
missing_claim = c.get("/claims/999999/", **https)
bad_host = Client(HTTP_HOST="evil.example.com").get("/methodology/", **https)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "page": page.status_code,
    "headers": {k: page.get(k, "") for k in (
        "Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
        "X-Frame-Options", "Referrer-Policy")},
    "missing": [missing.status_code, missing.content.decode()],
    "missing_claim": [missing_claim.status_code, missing_claim.content.decode()],
    "bad_host": [bad_host.status_code, bad_host.content.decode()],
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
                settings.SESSION_COOKIE_HTTPONLY],
    "debug": settings.DEBUG,
}))
"""


def _probe(tmp_path) -> dict:
    # Always SQLite in a temporary directory: the probe must not touch a shared database.
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DEBUG="0",
        SECRET_KEY="y" * 30 + "-production-key-for-the-probe-only-91c2",
        ALLOWED_HOSTS="tracker.example.org",
        VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_mode_is_locked_down(tmp_path):
    out = _probe(tmp_path)
    assert out["debug"] is False
    status, location = out["plain"]
    assert status == 301 and location.startswith("https://tracker.example.org/")
    assert out["page"] == 200
    headers = out["headers"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert out["cookies"] == [True, True, True]
    for key in ("missing", "missing_claim", "bad_host"):
        status, body = out[key]
        assert status in (400, 404), key
        for leak in ("Traceback", "DEBUG = True", "URLconf", "SECRET_KEY", "settings.py"):
            assert leak not in body, (key, leak)
