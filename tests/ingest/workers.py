"""Real `celery worker` processes on Redis for the worker tests, and a wait helper."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

from tests.services import require_now

ROOT = Path(__file__).resolve().parents[2]


def require_broker_and_server_database() -> None:
    """Worker tests need Redis and a database another process can open (PostgreSQL).
    In CI both are there, so a missing one is a failure, not a skip."""
    require_now(
        bool(os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")),
        "worker tests need REDIS_URL and DATABASE_URL (PostgreSQL)",
    )


def worker_database_url() -> str:
    """DATABASE_URL pointing at the test database this session writes to."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def wait_for(condition, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Workers:
    """Starts worker processes on one queue of their own; stops them all at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.queue = f"ingest-test-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.processes: list[tuple[subprocess.Popen, Path]] = []

    def start(self, *, pause_marker: Path | None = None, concurrency: int = 1) -> Path:
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "INGEST_ALLOW_PRIVATE_NETWORKS": "1",
            "INGEST_TEST_QUEUE": self.queue,
            "INGEST_MAX_RETRIES": "2",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # The pipeline only: no dashboard warms (tracker.warm) queued behind its tasks.
            "DASHBOARD_WARM_ON_CHANGE": "0",
        }
        if pause_marker is not None:
            env["INGEST_TEST_PAUSE_MARKER"] = str(pause_marker)
        command = [
            sys.executable, "-m", "celery", "-A", "tests.ingest.worker_app", "worker",
            "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "-Q", self.queue, "-n", f"{self.queue}-{len(self.processes)}@%h",
        ]  # fmt: skip
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.processes.append((process, log))
        wait_for(lambda: "ready." in log.read_text(), timeout=30, what=f"worker ready ({log})")
        return log

    def send(self, task, *args) -> None:
        task.apply_async(args, queue=self.queue)

    def logs(self) -> str:
        return "\n".join(log.read_text() for _, log in self.processes)

    def stop(self) -> None:
        for process, _ in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
