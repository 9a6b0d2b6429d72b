"""API latency at 1,000,000 claims (issue 6).

    .venv/bin/python bench/api.py [--claims 1000000] [--seconds 15] [--concurrency 2] [--reload]
        [--only "claims list, 2 filters" "claims list, uncached" "claim detail"]

Creates the PostgreSQL database `bench_api` (BENCH_DATABASE_URL to change; never the test
database), loads generated claims with COPY once (kept between runs; --reload to redo), starts
gunicorn with 2 workers on 127.0.0.1, and drives it from a thread pool of httpx clients on
loopback. For each request kind it prints req/s and p50/p95/p99, beside the time of the SQL
that the endpoint runs (captured from the endpoint itself, then timed alone through psycopg),
and the ratio of the two p50s. The server's cache is Redis, as deployed: database 7
(BENCH_REDIS_URL), emptied at the start; `--no-redis` for the local-memory cache (the figures
before 2026-11-30 were taken so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_api")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT", 0)) or _free_port()
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SERVER_ENV = {
    "DATABASE_URL": BENCH_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "API_ANON_RATE": "100000000/minute",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}
# The requests measured; %(claim)s is a random approved claim id, %(day)s a random date after
# the data (2030 onwards).
REQUESTS = {
    "claims list, 2 filters": "/api/v1/claims/?category=casualties&min_confidence=moderate",
    # A date_to past the data: the same claims, but a new cache key each time (the view runs).
    "claims list, uncached": "/api/v1/claims/?category=casualties&min_confidence=moderate"
    "&date_to=%(day)s",
    "claim detail": "/api/v1/claims/%(claim)s/",
    "series": "/api/v1/series/?category=casualties&subtype=killed_or_wounded",
    # A date_to past the data: the same series, but a new cache key each time (a cold build).
    "series, uncached": "/api/v1/series/?category=casualties&subtype=killed_or_wounded"
    "&date_to=%(day)s",
}


def _admin_url() -> str:
    return BENCH_URL.rsplit("/", 1)[0] + "/postgres"


def ensure_database() -> None:
    name = BENCH_URL.rsplit("/", 1)[1]
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, **SERVER_ENV}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def load(claims: int, seed: int = 6) -> None:
    """Generate claimants, outlets, articles, claims (one source each) and relations with COPY."""
    from tracker import trust, vocab

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    start = dt.date(2022, 2, 24)
    days = (dt.date(2026, 11, 1) - start).days
    series = [(c, s) for c, subs in vocab.SUBTYPES.items() for s in subs]
    units = {"casualties": "troops", "troop_deployment": "troops", "arms_transfer": "rounds"}
    n_claimants, n_outlets, n_articles = 40, 60, claims // 5
    t0 = time.perf_counter()
    with psycopg.connect(BENCH_URL) as conn, conn.cursor() as cur:
        cur.execute(
            "TRUNCATE tracker_claimrelation, tracker_claimsource, tracker_historicalclaim, "
            "tracker_claim, tracker_article, tracker_claimantalias, tracker_claimant, "
            "tracker_outlet RESTART IDENTITY CASCADE"
        )
        with cur.copy(
            "COPY tracker_claimant (name, short_name, country, kind, reliability, description) "
            "FROM STDIN"
        ) as copy:
            for i in range(n_claimants):
                copy.write_row(
                    [f"Claimant {i}", f"C{i}", "Somewhere", "military", "ABCDEF"[i % 6], ""]
                )
        with cur.copy(
            "COPY tracker_outlet (name, domain, reliability, country) FROM STDIN"
        ) as copy:
            for i in range(n_outlets):
                copy.write_row([f"Outlet {i}", f"outlet{i}.example.org", "ABCDEF"[i % 6], ""])
        cols = (
            "url, outlet_id, title, author, published_at, language, text, raw, content_hash, "
            "status, error, relevance_reasons, created_at, updated_at"
        )
        with cur.copy(f"COPY tracker_article ({cols}) FROM STDIN") as copy:
            for i in range(n_articles):
                published = now - dt.timedelta(days=rng.randrange(days))
                copy.write_row([
                    f"https://outlet{i % n_outlets}.example.org/news/{i}", 1 + i % n_outlets,
                    f"Report {i} on North Korean troops and Russian arms", "", published, "en",
                    f"Officials said about {i} soldiers were killed or wounded.", "", "",
                    "processed", "", "[]", now, now,
                ])  # fmt: skip
        cols = (
            "category, subtype, low, best, high, qualifier, unit, norm_unit, norm_low, norm_best, "
            "norm_high, measure, claim_date, period_start, period_end, claimant_id, location, "
            "weapon_system, summary, reliability, credibility, confidence, status, origin, rule, "
            "notes, review_note, reviewed_at, created_at, updated_at, location_precision"
        )
        with cur.copy(f"COPY tracker_claim ({cols}) FROM STDIN") as copy:
            for _ in range(claims):
                category, subtype = rng.choice(series)
                best = float(rng.randrange(10, 20000))
                low = high = None
                qualifier = rng.choice(["exact", "approximately", "more_than", "at_least"])
                if rng.random() < 0.2:
                    low, high, best, qualifier = best * 0.8, best * 1.2, None, "range"
                elif rng.random() < 0.05:
                    best, qualifier = None, "none"
                unit = units.get(category, "")
                reliability, credibility = rng.choice("ABCDEF"), rng.randrange(1, 7)
                status = rng.choices(["approved", "pending", "rejected"], [80, 15, 5])[0]
                day = start + dt.timedelta(days=rng.randrange(days))
                measure = vocab.FIXED_MEASURE.get(subtype) or (
                    "increment" if rng.random() < 0.3 else "cumulative"
                )
                copy.write_row([
                    category, subtype, low, best, high, qualifier, unit, unit, low, best, high,
                    measure, day, None, None, rng.randrange(1, n_claimants + 1), "Kursk", "",
                    "", reliability, credibility, trust.confidence_for(reliability, credibility),
                    status, "extracted", "", "", "", now if status != "pending" else None, now, now,
                    "",  # location_precision: no place
                ])  # fmt: skip
        with cur.copy(
            "COPY tracker_claimsource (claim_id, article_id, quote, quote_start, quote_end, "
            "created_at) FROM STDIN"
        ) as copy:
            for claim_id in range(1, claims + 1):
                copy.write_row(
                    [claim_id, rng.randrange(1, n_articles + 1), "about 300 soldiers", 0, 18, now]
                )
        with cur.copy(
            "COPY tracker_claimrelation (from_claim_id, to_claim_id, kind, note, created_at) "
            "FROM STDIN"
        ) as copy:
            for claim_id in range(2, claims // 100):
                copy.write_row([claim_id, claim_id - 1, "corroborates", "", now])
        conn.commit()
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"loaded {claims:,} claims with COPY in {time.perf_counter() - t0:.1f}s", flush=True)
    series_state_ensure()


def series_state_counts_the_claims() -> bool:
    """Whether the series state (tracker.series_state) counts the claims a default series
    counts: approved, with a number, not superseded by an approved claim. COPY bypasses the
    signals that keep it, so a database filled by `load` has none until it is rebuilt."""
    with psycopg.connect(BENCH_URL) as conn:
        kept = conn.execute("SELECT coalesce(sum(claims), 0) FROM tracker_seriestotal")
        counted = conn.execute(
            "SELECT count(*) FROM tracker_claim c WHERE c.status = 'approved' AND "
            "(c.norm_low IS NOT NULL OR c.norm_best IS NOT NULL OR c.norm_high IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM tracker_claimrelation r JOIN tracker_claim s "
            "ON s.id = r.from_claim_id WHERE r.kind = 'supersedes' AND r.to_claim_id = c.id "
            "AND s.status = 'approved')"
        )
        return kept.fetchone()[0] == counted.fetchone()[0]


def series_state_ensure() -> None:
    """Rebuild the series state when it does not count the claims (after `load`, or on a
    database loaded before the benches did this): pages and series read from it."""
    if series_state_counts_the_claims():
        return
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "rebuild_series_state"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute("ANALYZE")  # the state's tables were empty at the load's ANALYZE
    print(f"series state rebuilt in {time.perf_counter() - t0:.1f}s", flush=True)


def _values(approved: list[int]) -> dict:
    day = dt.date(2030, 1, 1) + dt.timedelta(days=random.randrange(20_000))
    return {"claim": random.choice(approved), "day": day.isoformat()}


def claim_count() -> int:
    with psycopg.connect(BENCH_URL) as conn:
        return conn.execute("SELECT count(*) FROM tracker_claim").fetchone()[0]


def capture_sql(paths: dict[str, str]) -> dict[str, list[str]]:
    """The SQL each endpoint runs, captured from the endpoint itself (in-process)."""
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    captured = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (path, response.status_code)
        captured[name] = [q["sql"] for q in ctx.captured_queries]
    connection.close()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return captured


def time_sql(statements: list[str], repeat: int = 30) -> list[float]:
    with psycopg.connect(BENCH_URL) as conn:
        for sql in statements:  # warm
            conn.execute(sql).fetchall()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for sql in statements:
                conn.execute(sql).fetchall()
            times.append(time.perf_counter() - t0)
    return times


def drive(path_for, seconds: float, concurrency: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        nonlocal errors
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=30) as client:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                response = client.get(path_for())
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    errors += response.status_code != 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--no-redis", action="store_true", help="the local-memory cache")
    parser.add_argument("--only", nargs="*", choices=list(REQUESTS), help="request kinds to run")
    args = parser.parse_args()
    requests = {k: v for k, v in REQUESTS.items() if not args.only or k in args.only}

    ensure_database()
    if args.reload or claim_count() != args.claims:
        load(args.claims)
    series_state_ensure()
    with psycopg.connect(BENCH_URL) as conn:
        approved = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM tracker_claim WHERE status = 'approved' "
                "ORDER BY random() LIMIT 5000"
            )
        ]
    sample = {name: path % _values(approved) for name, path in requests.items()}
    captured = capture_sql(sample)

    env = {**os.environ, **SERVER_ENV}
    env.pop("REDIS_URL", None)
    if not args.no_redis:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/api/v1/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert server.poll() is None, "gunicorn did not start"
        print(
            f"{claim_count():,} claims · gunicorn 2 workers · cache: "
            f"{'local memory' if args.no_redis else 'Redis'} · {args.concurrency} concurrent "
            f"clients · {args.seconds:.0f}s each"
        )
        header = f"{'request':24} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6}"
        print(header + f" {'SQL p50':>8} {'SQL p95':>8} {'HTTP/SQL':>8} {'load':>5}  (ms)")
        for name, path in requests.items():
            drive(lambda p=path: p % _values(approved), 2, args.concurrency)
            latencies, errors, wall = drive(
                lambda p=path: p % _values(approved),
                args.seconds,
                args.concurrency,
            )
            sql = time_sql(captured[name])
            sql_p50, sql_p95 = pct(sql, 50), pct(sql, 95)
            p50 = pct(latencies, 50)
            print(
                f"{name:24} {len(latencies) / wall:7.1f} {p50:7.1f} {pct(latencies, 95):7.1f} "
                f"{pct(latencies, 99):7.1f} {errors:6d} {sql_p50:8.1f} {sql_p95:8.1f} "
                f"{p50 / sql_p50:8.1f}x {os.getloadavg()[0]:5.1f}  ({len(captured[name])} queries)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
