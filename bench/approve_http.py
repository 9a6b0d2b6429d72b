"""An editor's approval over HTTP and the first reader after it, with the series built with the
change (SERIES_PRIME_ON_COMMIT) on and off: gunicorn (1 worker) on PostgreSQL and Redis, N
approvals of random pending casualties claims through `POST /api/v1/claims/{id}/approve` (token
auth), each followed `--wait` seconds later by `GET /totals/`. Prints the medians of the
approval's response time and of the first page, per setting, runs interleaved.

    BENCH_DATABASE_URL=postgres://…/firstread BENCH_REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/approve_http.py --approvals 10 --rounds 2

Uses a database of bench/pages.py or bench/load.py (1,000,000 claims); it approves claims there.
Loopback only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PORT = 8799


def _env(prime: bool) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "REDIS_URL": os.environ["BENCH_REDIS_URL"],
        "SERIES_PRIME_ON_COMMIT": "true" if prime else "false",
        "DASHBOARD_WARM_ON_CHANGE": "false",  # no warm on a worker: the first reader's own
        "DEBUG": "true",  # plain HTTP on loopback (no HTTPS redirect)
    }


def _token(env: dict) -> str:
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from rest_framework.authtoken.models import Token\n"
        "user, _ = get_user_model().objects.get_or_create(username='bench-reviewer', "
        "defaults={'is_superuser': True, 'is_staff': True})\n"
        "print(Token.objects.get_or_create(user=user)[0].key)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.split()[-1]


def _pending(env: dict, n: int) -> list[int]:
    code = (
        "from tracker.models import Claim\n"
        "print(*Claim.objects.filter(status='pending', category='casualties', "
        f"subtype='killed_or_wounded').order_by('?').values_list('pk', flat=True)[:{n}])"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [int(pk) for pk in out.stdout.split()]


def run(prime: bool, approvals: int, wait: float) -> tuple[list[float], list[float]]:
    env = _env(prime)
    token, ids = _token(env), _pending(env, approvals)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--workers", "1",
         "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    approving, first = [], []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=60) as client:
            for _ in range(100):
                try:
                    client.get("/totals/")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            auth = {"Authorization": f"Token {token}"}
            for pk in ids:
                t0 = time.perf_counter()
                answer = client.post(
                    f"/api/v1/claims/{pk}/approve", json={"confirm_ungraded": True}, headers=auth
                )
                approving.append((time.perf_counter() - t0) * 1000)
                assert answer.status_code == 200, (pk, answer.status_code, answer.text[:200])
                time.sleep(wait)
                t0 = time.perf_counter()
                assert client.get("/totals/").status_code == 200
                first.append((time.perf_counter() - t0) * 1000)
    finally:
        server.terminate()
        server.wait()
    return approving, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--approvals", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--wait", type=float, default=0.5, help="seconds before the page")
    args = parser.parse_args()
    if not (os.environ.get("BENCH_DATABASE_URL") and os.environ.get("BENCH_REDIS_URL")):
        raise SystemExit("set BENCH_DATABASE_URL (PostgreSQL) and BENCH_REDIS_URL")
    print(f"{'round':>5} {'prime':>5} {'approval median':>16} {'first /totals/ median':>22}  load")
    for round_ in range(args.rounds):
        for prime in (False, True):
            approving, first = run(prime, args.approvals, args.wait)
            load = os.getloadavg()[0]
            print(
                f"{round_ + 1:>5} {'on' if prime else 'off':>5} "
                f"{statistics.median(approving):13.0f} ms {statistics.median(first):19.0f} ms"
                f"  {load:.1f}"
            )


if __name__ == "__main__":
    main()
