"""Settings come from the environment; production mode passes the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "PYTEST_XDIST_WORKER",
    }
}


def _settings(expr: str, tmp_path, **env) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**CLEAN_ENV, "VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_no_environment_gives_sqlite_under_var_and_eager_celery(tmp_path):
    engine = _settings("settings.DATABASES['default']['ENGINE']", tmp_path)
    assert engine == "django.db.backends.sqlite3"
    assert _settings("settings.DATABASES['default']['NAME']", tmp_path).startswith(str(tmp_path))
    assert _settings("settings.CELERY_TASK_ALWAYS_EAGER", tmp_path) == "True"
    assert _settings("settings.DEBUG", tmp_path) == "True"


def test_database_url_gives_postgresql(tmp_path):
    url = "postgres://tracker:pw@db.internal:5433/tracker"
    assert (
        _settings("settings.DATABASES['default']['ENGINE']", tmp_path, DATABASE_URL=url)
        == "django.db.backends.postgresql"
    )
    assert _settings("settings.DATABASES['default']['PORT']", tmp_path, DATABASE_URL=url) == "5433"


def test_redis_url_configures_broker_and_cache(tmp_path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/3"}
    assert _settings("settings.CELERY_BROKER_URL", tmp_path, **env) == env["REDIS_URL"]
    assert _settings("settings.CELERY_TASK_ALWAYS_EAGER", tmp_path, **env) == "False"
    assert "RedisCache" in _settings("settings.CACHES['default']['BACKEND']", tmp_path, **env)


def test_each_parallel_test_process_gets_a_redis_database_of_its_own(tmp_path):
    """pytest-xdist's processes gw0, gw1… share one Redis: a cache.clear() or a queue in one
    must not reach the other, so process N works in the URL's database + N."""
    from config.env import redis_url_for_test_process as url_for

    assert url_for("redis://127.0.0.1:6379/3", "gw0") == "redis://127.0.0.1:6379/3"
    assert url_for("redis://127.0.0.1:6379/3", "gw2") == "redis://127.0.0.1:6379/5"
    assert url_for("redis://r:6379", "gw1") == "redis://r:6379/1"
    assert url_for("redis://127.0.0.1:6379/3", "") == "redis://127.0.0.1:6379/3"  # no xdist
    assert url_for("", "gw1") == ""  # no Redis: the embedded default
    # Broker and cache both follow it.
    expr = "settings.CELERY_BROKER_URL, settings.CACHES['default']['LOCATION']"
    env = {"REDIS_URL": "redis://127.0.0.1:6379/3", "PYTEST_XDIST_WORKER": "gw1"}
    assert _settings(expr, tmp_path, **env).split() == ["redis://127.0.0.1:6379/4"] * 2


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**CLEAN_ENV, "VAR_DIR": str(tmp_path), "DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_names_the_variable(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**CLEAN_ENV, "VAR_DIR": str(tmp_path), "DEBUG": "maybe"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "DEBUG='maybe'" in result.stderr


def test_beat_schedules_are_cron_fields_or_off_and_a_bad_one_names_its_variable(tmp_path):
    names = "sorted(settings.CELERY_BEAT_SCHEDULE)"
    default = _settings(names, tmp_path)
    assert "'dataset-release'" in default and "'headline-check'" in default
    off = _settings(names, tmp_path, HEADLINE_CHECK_SCHEDULE="off")
    assert "'headline-check'" not in off and "'dataset-release'" in off
    for bad in ("10 0 * *", "99 0 * * *"):
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env={**CLEAN_ENV, "VAR_DIR": str(tmp_path), "HEADLINE_CHECK_SCHEDULE": bad},
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0 and "HEADLINE_CHECK_SCHEDULE" in result.stderr, bad


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    env = {
        **CLEAN_ENV,
        "VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": "x" * 30 + "-production-key-for-the-deploy-check-only-7f3a9",
        "ALLOWED_HOSTS": "tracker.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
