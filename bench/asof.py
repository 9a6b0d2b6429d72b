"""As-of reads against today's (issue 18): the claims list and a series at 1,000,000 claims with
three versions each, p50/p95 side by side and the ratio.

    .venv/bin/python bench/asof.py [--claims 1000000] [--runs 15] [--reload]

Uses the PostgreSQL database `bench_asof` (BENCH_DATABASE_URL to change; never the test
database), filled once with bench/api.py's COPY loader, then given a history of three versions
per claim (entered pending, approved, corrected) spread over 2025, written by SQL. Requests go
through the Django test client in this process with the cache switched off (DummyCache), so
every figure is a cold build: today's series reads the series state, an as-of series computes
from the claims as they stood (tracker.asof). Each as-of run asks for another moment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_asof")
sys.path.insert(0, str(ROOT))
from bench import api as bench_api  # noqa: E402  (the COPY loader)

PATHS = {
    "claims list, 2 filters": "/api/v1/claims/?category=casualties&min_confidence=moderate",
    "series": "/api/v1/series/?category=casualties&subtype=killed_or_wounded",
}
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def add_history() -> None:
    """Three versions a claim: pending on day d, approved on d + 20 with a figure 10 % lower,
    corrected to today's row on d + 40 (d spread over 2025); one version a source. The
    history tables' triggers date each version's end (tracker.validity); the relations,
    loaded without history, get their creation row (`validity.backfill_all`)."""
    from tracker import validity
    from tracker.models import Claim

    cols = [f.column for f in Claim._meta.local_concrete_fields]
    plain = ", ".join(f'"{c}"' for c in cols)
    first = ", ".join(
        {"status": "'pending'", "best": "best * 0.9", "norm_best": "norm_best * 0.9"}.get(
            c, f'"{c}"'
        )
        for c in cols
    )
    second = ", ".join(
        {"best": "best * 0.9", "norm_best": "norm_best * 0.9"}.get(c, f'"{c}"') for c in cols
    )
    day = "TIMESTAMPTZ '2025-01-01 09:00+00' + (id % 300) * INTERVAL '1 day'"
    t0 = time.perf_counter()
    with psycopg.connect(bench_api.BENCH_URL) as conn, conn.cursor() as cur:
        cur.execute(
            "TRUNCATE tracker_historicalclaim, tracker_historicalclaimsource, "
            "tracker_historicalclaimrelation"
        )
        # Newest first: each older version finds its successor already there and is written
        # with its end, so the triggers update no row.
        for sql_cols, offset, kind in ((plain, 40, "~"), (second, 20, "~"), (first, 0, "+")):
            cur.execute(
                f"INSERT INTO tracker_historicalclaim ({plain}, history_date, history_type, "
                f"history_change_reason) SELECT {sql_cols}, {day} + INTERVAL '{offset} days', "
                f"'{kind}', NULL FROM tracker_claim"
            )
        cur.execute(
            "INSERT INTO tracker_historicalclaimsource (id, claim_id, article_id, quote, "
            "quote_start, quote_end, created_at, history_date, history_type) SELECT s.id, "
            "s.claim_id, s.article_id, s.quote, s.quote_start, s.quote_end, s.created_at, "
            "TIMESTAMPTZ '2025-01-01 09:00+00' + (s.claim_id % 300) * INTERVAL '1 day', '+' "
            "FROM tracker_claimsource s"
        )
        conn.commit()
    validity.backfill_all()  # the relations, loaded without history: from their created_at
    with psycopg.connect(bench_api.BENCH_URL, autocommit=True) as conn:
        for table in ("claim", "claimsource", "claimrelation"):
            conn.execute(f"VACUUM ANALYZE tracker_historical{table}")
        n = conn.execute("SELECT count(*) FROM tracker_historicalclaim").fetchone()[0]
    print(f"history: {n:,} claim versions in {time.perf_counter() - t0:.1f}s")


def _history_rows() -> int:
    with psycopg.connect(bench_api.BENCH_URL) as conn:
        return conn.execute("SELECT count(*) FROM tracker_historicalclaim").fetchone()[0]


def measure(runs: int) -> None:
    from django.test import Client, override_settings

    client = Client()
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    rows = []
    with override_settings(CACHES=dummy):
        for name, path in PATHS.items():
            times: dict[str, list[float]] = {"today": [], "as of": []}
            for i in range(runs + 1):
                moment = START + dt.timedelta(days=150, minutes=7 * i)
                for kind, url in (
                    ("today", path),
                    ("as of", f"{path}&as_of={moment:%Y-%m-%dT%H:%M}"),
                ):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - t0) * 1000
                    assert response.status_code == 200, response.content[:300]
                    if i:  # the first run of each warms imports and connections
                        times[kind].append(elapsed)
            today, past = times["today"], times["as of"]
            p95 = lambda xs: statistics.quantiles(xs, n=20)[-1]  # noqa: E731
            rows.append(
                (name, statistics.median(today), p95(today), statistics.median(past), p95(past))
            )
    head = ("request", "today p50", "p95", "as-of p50", "p95", "ratio p95")
    print("\n{:26} {:>10} {:>8} {:>10} {:>8} {:>9}".format(*head))
    for name, t50, t95, a50, a95 in rows:
        print(f"{name:26} {t50:8.0f}ms {t95:6.0f}ms {a50:8.0f}ms {a95:6.0f}ms {a95 / t95:8.1f}×")
    print(f"(load average {os.getloadavg()[0]:.1f}; {runs} runs each, cache off)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = bench_api.BENCH_URL
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    for key, value in bench_api.SERVER_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    bench_api.ensure_database()
    import django

    django.setup()
    if args.reload or bench_api.claim_count() != args.claims:
        from django.core.management import call_command

        bench_api.load(args.claims)
        add_history()
        call_command("rebuild_series_state")
    elif _history_rows() < 3 * args.claims:
        add_history()
    measure(args.runs)


if __name__ == "__main__":
    main()
