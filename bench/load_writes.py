"""Writes under load (issue 8): 50 concurrent clients for 60 s against gunicorn on PostgreSQL
with 100,000 claims, mixing dashboard pages and API reads with editor writes (token auth), then
a check that the database holds exactly the acknowledged writes. Read throughput is measured
by bench/load.py (wrk), which leaves the server the CPU that locust would take.

    .venv/bin/python bench/load_writes.py [--users 50] [--seconds 60] [--claims 100000]
        [--workers 4]

Uses the PostgreSQL database `bench_load_writes` (BENCH_DATABASE_URL to change; never the test
database), filled once with bench/api.py's COPY loader. Starts gunicorn on 127.0.0.1 and runs
locust headless on loopback (this file is also the locustfile). Prints p50/p95/p99 and failures
per request kind; then checks that the database holds exactly the acknowledged writes: every
claim whose creation got a 201 exists once with its data, every approval that got a 200 is
approved, and no claim exists that was not acknowledged. Exit status 1 on any error or mismatch.
"""

from __future__ import annotations

import csv
import json
import os
import random
import uuid

from locust import HttpUser, between, events, task

ACK_FILE = os.environ.get("LOAD_ACK_FILE", "")
MARK = os.environ.get("LOAD_MARK", "load")
# Two editors' tokens: under the four-eyes rule each approves what the other created.
TOKENS = os.environ.get("LOAD_TOKEN", "").split(",")
CLAIM_MAX = int(os.environ.get("LOAD_CLAIM_MAX", "1000"))
CLAIMANT_MAX = int(os.environ.get("LOAD_CLAIMANT_MAX", "40"))
ACKED: dict[str, list] = {"created": [], "approved": []}
PENDING: dict[str, list[int]] = {}  # created and not yet approved, by the creator's token


class Reader(HttpUser):
    """An analyst or anonymous visitor: pages and API reads."""

    weight = 9
    wait_time = between(0.5, 1.5)

    def _claim(self) -> int:
        return random.randint(1, CLAIM_MAX)

    @task(3)
    def overview(self):
        self.client.get("/", name="page /")

    @task(2)
    def timeline(self):
        self.client.get("/timeline/?category=casualties", name="page /timeline/")

    @task(3)
    def claim_list(self):
        self.client.get(f"/claims/?page={random.randint(1, 50)}", name="page /claims/")

    @task(3)
    def claim_page(self):
        # Pending/rejected ids answer 404 to readers: that is the right answer, not an error.
        with self.client.get(
            f"/claims/{self._claim()}/", name="page /claims/<id>/", catch_response=True
        ) as r:
            r.success() if r.status_code in (200, 404) else r.failure(r.status_code)

    @task(1)
    def claimant_page(self):
        self.client.get(
            f"/claimants/{random.randint(1, CLAIMANT_MAX)}/", name="page /claimants/<id>/"
        )

    @task(4)
    def api_list(self):
        self.client.get(
            "/api/v1/claims/?category=casualties&min_confidence=moderate",
            name="api claims list",
        )

    @task(3)
    def api_detail(self):
        with self.client.get(
            f"/api/v1/claims/{self._claim()}/", name="api claim detail", catch_response=True
        ) as r:
            r.success() if r.status_code in (200, 404) else r.failure(r.status_code)

    @task(2)
    def api_series(self):
        self.client.get(
            "/api/v1/series/?category=casualties&subtype=killed_or_wounded", name="api series"
        )

    @task(1)
    def feed(self):
        self.client.get("/feeds/claims.atom", name="atom feed")


class Editor(HttpUser):
    """An external tool with an editor's token: creates claims and approves them."""

    weight = 1
    wait_time = between(0.5, 1.5)

    started = 0

    def on_start(self):
        Editor.started += 1
        self.token = TOKENS[Editor.started % len(TOKENS)]
        self.client.headers["Authorization"] = f"Token {self.token}"

    @task(3)
    def create(self):
        summary = f"{MARK}-{uuid.uuid4().hex}"
        body = {
            "category": "casualties",
            "subtype": "killed",
            "best": random.randint(1, 5000),
            "qualifier": "approximately",
            "unit": "troops",
            "claim_date": "2025-01-10",
            "claimant": random.randint(1, CLAIMANT_MAX),
            "summary": summary,
        }
        with self.client.post(
            "/api/v1/claims/", json=body, name="api create claim", catch_response=True
        ) as r:
            if r.status_code == 201:
                data = r.json()
                ACKED["created"].append(
                    {"id": data["id"], "summary": summary, "best": body["best"]}
                )
                PENDING.setdefault(self.token, []).append(data["id"])
            else:
                r.failure(f"{r.status_code} {r.text[:200]}")

    @task(1)
    def approve(self):
        others = [ids for token, ids in PENDING.items() if token != self.token and ids]
        if not others:
            return
        claim_id = others[0].pop(0)
        with self.client.post(
            f"/api/v1/claims/{claim_id}/approve",
            json={"confirm_ungraded": True},  # created ungraded (credibility 6)
            name="api approve claim",
            catch_response=True,
        ) as r:
            if r.status_code == 200:
                ACKED["approved"].append(claim_id)
            else:
                r.failure(f"{r.status_code} {r.text[:200]}")


@events.test_stop.add_listener
def _write_acks(**kwargs):
    if ACK_FILE:
        with open(ACK_FILE, "w") as out:
            json.dump(ACKED, out)


# --- The driver (python bench/load.py) -----------------------------------------------------


def main() -> int:
    import argparse
    import subprocess
    import sys
    import tempfile
    import time
    from pathlib import Path

    import httpx
    import psycopg

    root = Path(__file__).resolve().parent.parent
    os.environ.setdefault(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load_writes"
    )
    sys.path.insert(0, str(root))
    from bench import api as bench_api  # the COPY loader and server settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    url = bench_api.BENCH_URL
    bench_api.ensure_database()
    if bench_api.claim_count() != args.claims:
        bench_api.load(args.claims)
    env = {**os.environ, **bench_api.SERVER_ENV}
    static_root = Path(env["STATIC_ROOT"])
    if not (static_root / "staticfiles.json").exists():
        print("collectstatic (once)…", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=root, env=env, check=True,
        )  # fmt: skip
    token = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.contrib.auth.models import Group, User\n"
         "from rest_framework.authtoken.models import Token\n"
         "keys = []\n"
         "for name in ('load-editor', 'load-editor-2'):\n"
         "    u, _ = User.objects.get_or_create(username=name, defaults={'is_staff': True})\n"
         "    u.groups.add(Group.objects.get(name='Editors'))\n"
         "    keys.append(Token.objects.get_or_create(user=u)[0].key)\n"
         "print(','.join(keys))"],
        cwd=root, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    with psycopg.connect(url) as conn:
        claim_max = conn.execute("SELECT max(id) FROM tracker_claim").fetchone()[0]
        before = conn.execute("SELECT count(*) FROM tracker_claim").fetchone()[0]
    mark = f"load-{uuid.uuid4().hex[:8]}"

    port = bench_api.PORT
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--log-level", "warning"],
        cwd=root, env=env,
    )  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        for _ in range(150):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert server.poll() is None, "gunicorn did not start"
        locust_env = {
            **os.environ,
            "LOAD_ACK_FILE": str(work / "acks.json"),
            "LOAD_MARK": mark,
            "LOAD_TOKEN": token,
            "LOAD_CLAIM_MAX": str(claim_max),
        }
        subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f", __file__, "--headless",
             "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "stats"),
             "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            env=locust_env, cwd=root,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = list(csv.DictReader(open(work / "stats_stats.csv")))
    print(
        f"\n{args.claims:,} claims · gunicorn {args.workers} workers · {args.users} users · "
        f"{args.seconds}s"
    )
    print(f"{'request':28} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    failures = 0
    for row in rows:
        failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
        print(
            f"{row['Name'][:28]:28} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )

    acks = json.loads((work / "acks.json").read_text())
    created = {a["id"]: a for a in acks["created"]}
    with psycopg.connect(url) as conn:
        stored = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT id, summary, best, status FROM tracker_claim WHERE summary LIKE %s",
                [f"{mark}-%"],
            )
        }
        after = conn.execute("SELECT count(*) FROM tracker_claim").fetchone()[0]
    problems = []
    if set(stored) != set(created):
        problems.append(
            f"acknowledged {len(created)} creations, database holds {len(stored)} "
            f"(missing {sorted(set(created) - set(stored))[:5]}, "
            f"unacknowledged {sorted(set(stored) - set(created))[:5]})"
        )
    for cid, ack in created.items():
        if cid in stored and (stored[cid][0], stored[cid][1]) != (ack["summary"], ack["best"]):
            problems.append(f"claim {cid} differs: {stored[cid]} vs {ack}")
    for cid in acks["approved"]:
        if cid in stored and stored[cid][2] != "approved":
            problems.append(f"claim {cid} approved (200) but is {stored[cid][2]}")
    if after - before != len(created):
        problems.append(f"{after - before} new claims in all, {len(created)} acknowledged")
    print(
        f"writes: {len(created)} creations and {len(acks['approved'])} approvals acknowledged; "
        f"database: {len(stored)} claims from this run, "
        f"{sum(1 for v in stored.values() if v[2] == 'approved')} approved"
    )
    print("acknowledged writes check: " + ("OK" if not problems else "; ".join(problems[:5])))
    print(f"failed requests: {failures}")
    return 1 if problems or failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
