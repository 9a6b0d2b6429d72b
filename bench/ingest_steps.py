"""Where one worker's CPU goes per article: bench/ingest.py's pages through `fetch_article`
in this process (eager, no broker), each pipeline step timed with `time.process_time` around
it, beside main-text extraction (trafilatura, the floor of bench/ingest.py), with the queries
per article. The pages are served by a thread of this process, so `fetch` includes the
server's side of each request.

    INGEST_ALLOW_PRIVATE_NETWORKS=1 DATABASE_URL=postgres://… REDIS_URL=redis://…/N \\
        .venv/bin/python bench/ingest_steps.py --n 200

Use a database and a Redis db of the bench's own: it deletes the articles and claims it
created. Steps nest (a step's time includes the steps it calls), so they do not add up.

`--density N` first stores N claims (15% pending, their grade a suggestion) in each series the
bench's articles propose to, over the 120 days around their date and 40 claimants: what each
article's merge lookup and credibility refresh read in a series as dense as a million claims
make them (bench/api.py's data: about 2,000 in 120 days). Without it the series hold only the
bench's own claims (up to N articles' worth).
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# (module, function): the steps timed, as each module calls them
STEPS = [
    ("ingest.services", "article_fetch"),
    ("ingest.services", "fetch"),
    ("ingest.services", "article_for_url"),
    ("ingest.services", "article_process"),
    ("ingest.services", "main_text"),
    ("ingest.services", "relevance_check"),
    ("ingest.claims", "article_propose_claims"),
    ("ingest.proposals", "extract_mentions"),
    ("ingest.proposals", "claimant_for"),
    ("ingest.proposals", "claim_propose"),
    ("ingest.proposals", "claims_create_pending"),
    ("ingest.proposals", "claim_credibility_refresh"),
    ("ingest.proposals", "claims_credibility_refresh"),
    ("ingest.proposals", "place_proposal"),
]


def _timed(
    module,
    name: str,
    spent: collections.Counter,
    calls: collections.Counter,
    clock=time.process_time,
):
    """Replace `module.name` by a wrapper that adds its `clock` time to spent[name] and counts
    its calls; returns the function replaced (to put back)."""
    function = getattr(module, name)

    @functools.wraps(function)
    def timed(*args, **kwargs):
        started = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += clock() - started
            calls[name] += 1

    setattr(module, name, timed)
    return function


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles")
    parser.add_argument("--pages", default="light", help="page weight: light or typical")
    parser.add_argument(
        "--density", type=int, default=0, help="claims stored first in each series (see above)"
    )
    args = parser.parse_args()
    if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL, as for bench/ingest.py")
    os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"  # the pages are on 127.0.0.1
    # Workers run as deployed (docker-compose.yml: DEBUG 0): DEBUG on keeps every query's SQL
    # and time, CPU the deployed worker does not spend. BENCH_DEBUG=1 measures that.
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import importlib

    import django

    django.setup()
    from django.db import connection

    from bench.ingest import PAGES, Site, cleanup
    from ingest import tasks
    from tracker.models import Claim

    page = PAGES[args.pages]
    pages = {f"/steps/{n}": page(n, "steps") for n in range(args.n + 1)}
    site = Site(pages)
    urls = [site.url(p) for p in pages]
    cleanup(urls)
    spent, calls = collections.Counter(), collections.Counter()
    for module, name in STEPS:
        _timed(importlib.import_module(module), name, spent, calls)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    seeded: list[int] = []
    try:
        tasks.fetch_article.apply(args=(urls[0],))  # the first article reads the registries
        if args.density:
            seeded = seed_series(urls[0], args.density)
        spent.clear()
        calls.clear()
        started = time.process_time()
        with connection.execute_wrapper(count):
            for url in urls[1:]:
                tasks.fetch_article.apply(args=(url,))
        total = time.process_time() - started
    finally:
        cleanup(urls)
        Claim.objects.filter(pk__in=seeded).delete()
    n, floor = args.n, spent["main_text"] / args.n
    print(
        f"N = {n} {args.pages} bench pages through fetch_article in one process; "
        "ms of CPU per article."
    )
    print(f"{'step':<28} {'ms/article':>11} {'× main_text':>12} {'calls/article':>14}")
    print(f"{'fetch_article (all)':<28} {1000 * total / n:>11.1f} {total / n / floor:>12.1f}")
    for name, seconds in spent.most_common():
        print(
            f"{name:<28} {1000 * seconds / n:>11.2f} {seconds / n / floor:>12.2f} "
            f"{calls[name] / n:>14.1f}"
        )
    print(f"queries per article: {queries / n:.1f}")
    if args.density:
        print(
            f"each series held {args.density:,} claims more, in the 120 days around the articles'"
        )


def seed_series(url: str, density: int) -> list[int]:
    """Store `density` claims in each series of the claims proposed from `url`'s article,
    around their date (see the module's doc); their ids."""
    import datetime as dt
    import random

    from tracker import trust
    from tracker.models import Claim, Claimant

    rng = random.Random(density)
    claimants = list(Claimant.objects.order_by("pk")[:40])
    made = []
    for model in Claim.objects.filter(sources__article__url=url):
        for _ in range(density):
            best = float(rng.randrange(10, 20000))
            who = rng.choice(claimants)
            credibility = rng.randrange(1, 7)
            made.append(
                Claim(
                    category=model.category,
                    subtype=model.subtype,
                    unit=model.unit,
                    norm_unit=model.norm_unit,
                    measure=model.measure,
                    best=best,
                    norm_best=best,
                    qualifier="approximately",
                    claim_date=model.claim_date + dt.timedelta(days=rng.randrange(-60, 61)),
                    claimant=who,
                    reliability=who.reliability,
                    credibility=credibility,
                    credibility_suggested=True,
                    confidence=trust.confidence_for(who.reliability, credibility),
                    status=rng.choices(["approved", "pending"], [85, 15])[0],
                    origin=Claim.Origin.EXTRACTED,
                )
            )
    return [claim.pk for claim in Claim.objects.bulk_create(made, batch_size=2000)]


if __name__ == "__main__":
    main()
