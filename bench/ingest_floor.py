"""What the pipeline cannot go below: per article of bench/ingest.py's pages, the CPU of the
parts no rewrite of our glue removes, beside issue 16's target (the pipeline at half the rate
of main-text extraction alone, so at most twice its CPU per article):

- main-text extraction (trafilatura): the floor itself;
- relevance and claim extraction, in this process (bench/ingest.py's "no I/O" row, less the
  floor);
- a Celery task that does nothing (`celery.accumulate`, built in), on a worker started as
  bench/ingest.py starts its own: the broker, the pool and the acknowledgement of one task;
- the page's GET on the fetching side (this thread's CPU: the page server is another thread);
- the article's statements inside the database driver (Django's cursor and psycopg: sending,
  waiting, reading rows), without the ORM that builds them or the code that uses the rows.

The last two are read while `fetch_article` runs eagerly in this process, as in
bench/ingest_steps.py. Their sum is what an article would cost if every line of our own code
around them took no time at all.

    DATABASE_URL=postgres://… REDIS_URL=redis://…/N .venv/bin/python bench/ingest_floor.py \\
        --n 200 [--pages light,typical]

Use a database and a Redis db of the bench's own: it purges the default queue and deletes the
articles and claims it created.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def empty_task_cpu(n: int, logdir: Path) -> float:
    """Worker CPU seconds (its pool child included) per task of `n` tasks that do nothing."""
    import redis
    from django.conf import settings

    from bench.ingest import start_workers, stop_workers, worker_cpu_seconds
    from config.celery import app

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    app.control.purge()
    processes = start_workers(1, logdir)
    try:
        empty = app.tasks["celery.accumulate"]
        before = worker_cpu_seconds(processes)
        for i in range(n):
            empty.delay(i)
        # Done when the queue is empty and no message waits for its acknowledgement (kombu's
        # Redis transport keeps those in the "unacked" hash till the task ends).
        while broker.llen("celery") or broker.hlen("unacked"):
            time.sleep(0.02)
        return (worker_cpu_seconds(processes) - before) / n
    finally:
        stop_workers(processes)


def eager_parts(weight: str, n: int) -> dict[str, float]:
    """CPU seconds per article, through `fetch_article` in this process: the GET on the fetching
    side, the statements inside the driver, and the whole task."""
    from django.db import connection

    from bench.ingest import PAGES, Site, cleanup
    from bench.ingest_steps import _timed
    from ingest import services, tasks

    pages = {f"/floor-{weight}/{i}": PAGES[weight](i, f"floor-{weight}") for i in range(n + 1)}
    site = Site(pages)
    urls = [site.url(p) for p in pages]
    cleanup(urls)
    spent, calls = collections.Counter(), collections.Counter()
    # The GET on this thread's clock: the page server is another thread of this process.
    fetch = _timed(services, "fetch", spent, calls, clock=time.thread_time)

    def timed_statement(execute, sql, params, many, context):
        started = time.thread_time()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["statements"] += time.thread_time() - started

    try:
        tasks.fetch_article.apply(args=(urls[0],))  # the first article reads the registries
        spent.clear()
        started = time.thread_time()
        with connection.execute_wrapper(timed_statement):
            for url in urls[1:]:
                tasks.fetch_article.apply(args=(url,))
        whole = time.thread_time() - started
    finally:
        services.fetch = fetch
        cleanup(urls)
        site.server.shutdown()
    return {"fetch": spent["fetch"] / n, "statements": spent["statements"] / n, "whole": whole / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles (and empty tasks) per run")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each part: the least is kept"
    )
    parser.add_argument("--pages", default="light,typical", help="page weights, comma-separated")
    args = parser.parse_args()
    if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL, as for bench/ingest.py")
    os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"  # the pages are on 127.0.0.1
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")  # as deployed; see bench/ingest.py
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import logging

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)  # no line per eager task
    from django.core.management import call_command

    from bench.ingest import PAGES

    weights = args.pages.split(",")
    if not set(weights) <= set(PAGES):
        raise SystemExit(f"--pages: choose among {', '.join(PAGES)}")
    call_command("migrate", verbosity=0)
    logdir = ROOT / "var"
    logdir.mkdir(exist_ok=True)
    empty = min(empty_task_cpu(args.n, logdir) for _ in range(args.repeat))
    print(
        f"N = {args.n} articles of each weight, {args.repeat} runs of each part, the least CPU "
        "kept; ms of CPU per article. The target: the pipeline at ≥ 50% of the floor's rate, "
        "so ≤ 2 × the floor's CPU per article."
    )
    rows: dict[str, list[float]] = {}
    for weight in weights:
        floor, work = in_process(weight, args.n, args.repeat)
        parts = [eager_parts(weight, args.n) for _ in range(args.repeat)]
        fetch = min(p["fetch"] for p in parts)
        statements = min(p["statements"] for p in parts)
        whole = min(p["whole"] for p in parts)
        unavoidable = work + empty + fetch + statements
        for name, value in [
            ("main-text extraction (the floor)", floor),
            ("the target: 2 × the floor", 2 * floor),
            ("relevance + claim extraction (no I/O, less floor)", work - floor),
            ("a Celery task that does nothing", empty),
            ("the GET, fetching side", fetch),
            ("the statements inside the driver", statements),
            ("sum: the floor and the four above", unavoidable),
            ("  … its rate as a share of the floor's", floor / unavoidable),
            ("fetch_article in this process, all of it", whole),
            ("  … its rate as a share of the floor's (eager)", floor / whole),
        ]:
            rows.setdefault(name, []).append(value)
    print(f"{'':<50}" + "".join(f"{w:>12}" for w in weights))
    for name, values in rows.items():
        shares = name.startswith("  …")
        cells = "".join(f"{v:>12.0%}" if shares else f"{1000 * v:>12.2f}" for v in values)
        print(f"{name:<50}{cells}")


def in_process(weight: str, n: int, repeat: int) -> tuple[float, float]:
    """CPU seconds per article, in this process, of main-text extraction alone and of main text +
    relevance + claim extraction (bench/ingest.py's two in-process rows), each the least of
    `repeat` runs, after one run of a few pages that reads the claimant registry."""
    from bench.ingest import PAGES, Site, extraction_rates

    pages = {f"/rates-{weight}/{i}": PAGES[weight](i, f"rates-{weight}") for i in range(n)}
    site = Site(pages)
    try:
        extraction_rates(pages, list(pages)[:5], site)  # the registry read, not counted
        rates = [extraction_rates(pages, list(pages), site) for _ in range(repeat)]
    finally:
        site.server.shutdown()
    return 1 / max(text for text, _ in rates), 1 / max(work for _, work in rates)


if __name__ == "__main__":
    main()
