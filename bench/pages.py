"""Server time and response size of the dashboard's /, /timeline/ and /totals/ with 10,000,
100,000 and 1,000,000 claims in PostgreSQL.

    .venv/bin/python bench/pages.py [--sizes 10000,100000,1000000] [--runs 5] [--reuse]

Claims are generated into a separate database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_pages; created if missing, wiped per size) with COPY,
then each page is fetched through Django's test client as an anonymous user: "cold" is the first
request after a cache clear; "warmed" the first request after the cache was cleared again and
`dashboard_warm()` ran (what the Celery task does after a change); "warm" the median of --runs
requests after that. Targets at 1,000,000 claims: ≤ 300 ms and ≤ 1 MB per page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_pages")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
# Series and page parts are cached (Django cache; local memory here, in this process).
os.environ.pop("REDIS_URL", None)

import psycopg  # noqa: E402

PAGES = ["/", "/timeline/", "/totals/"]
CLAIMANTS = 24
START = dt.date(2023, 1, 1)
DAYS = 900
# (category, subtype, unit, measure, weight): the headline series carry more claims.
SERIES = [
    ("casualties", "killed_or_wounded", "troops", "cumulative", 6),
    ("casualties", "killed", "troops", "cumulative", 4),
    ("casualties", "wounded", "troops", "cumulative", 3),
    ("troop_deployment", "deployed", "troops", "cumulative", 6),
    ("troop_deployment", "additional_deployment", "troops", "increment", 2),
    ("arms_transfer", "artillery_shells", "rounds", "cumulative", 6),
    ("arms_transfer", "containers", "containers", "cumulative", 3),
    ("arms_transfer", "ballistic_missiles", "missiles", "cumulative", 3),
    ("arms_transfer", "rocket_launchers", "launchers", "increment", 2),
    ("border_activity", "balloons", "balloons", "increment", 6),
    ("border_activity", "balloon_launches", "incidents", "increment", 2),
    ("border_activity", "fence", "km", "cumulative", 2),
    ("border_activity", "soldiers_at_border", "troops", "cumulative", 2),
    ("other", "visit", "", "cumulative", 1),
]
WEAPONS = ["240mm MRL", "170mm Koksan", "KN-23/KN-24", "Bulsae-4 ATGM", "122mm shells", ""]


def ensure_database() -> None:
    name = BENCH_URL.rsplit("/", 1)[1]
    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def generate(n: int, seed: int = 7) -> float:
    """Wipe the tracker tables and COPY `n` claims (each with one source) in; seconds taken."""
    from tracker import trust, vocab

    rng = random.Random(seed)
    started = time.perf_counter()
    weights = [s[4] for s in SERIES]
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(BENCH_URL) as conn, conn.cursor() as cur:
        cur.execute(
            "TRUNCATE tracker_claimsource, tracker_claimrelation, tracker_historicalclaim, "
            "tracker_claim, tracker_article, tracker_outlet, tracker_claimantalias, "
            "tracker_claimant RESTART IDENTITY CASCADE"
        )
        with cur.copy("COPY tracker_claimant (name, short_name, country, kind, reliability, "
                      "description) FROM STDIN") as copy:  # fmt: skip
            for i in range(CLAIMANTS):
                copy.write_row((f"Claimant {i}", f"C{i}", "", "military", "ABCDEF"[i % 6], ""))
        with cur.copy("COPY tracker_outlet (name, domain, reliability, country) FROM STDIN") as c:
            for i in range(20):
                c.write_row((f"Outlet {i}", f"outlet{i}.example.org", "B", ""))
        n_articles = max(1, n // 50)
        with cur.copy("COPY tracker_article (url, outlet_id, title, author, published_at, "
                      "language, text, raw, content_hash, status, error, relevance_reasons, "
                      "created_at, updated_at) FROM STDIN") as copy:  # fmt: skip
            for i in range(n_articles):
                day = START + dt.timedelta(days=i * DAYS // n_articles)
                copy.write_row((
                    f"https://outlet.example.org/{i}", 1 + i % 20, f"Report {i}", "",
                    dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), "en",
                    "Officials said about 1,100 soldiers were killed or wounded.", "", "",
                    "processed", "", "[]", now, now,
                ))  # fmt: skip
        cols = (
            "category, subtype, low, best, high, qualifier, unit, norm_unit, norm_low, "
            "norm_best, norm_high, measure, claim_date, claimant_id, location, weapon_system, "
            "summary, reliability, credibility, confidence, status, origin, rule, notes, "
            "review_note, location_precision, created_at, updated_at"
        )
        with cur.copy(f"COPY tracker_claim ({cols}) FROM STDIN") as copy:
            for _ in range(n):
                cat, sub, unit, measure, _ = rng.choices(SERIES, weights)[0]
                claimant = 1 + rng.randrange(CLAIMANTS)
                rel = "ABCDEF"[(claimant - 1) % 6]
                cred = rng.randint(1, 6)
                day = START + dt.timedelta(days=rng.randrange(DAYS))
                base = 10 ** rng.uniform(1, 6)
                if cat == "other":
                    low = best = high = None
                    qualifier = "none"
                elif rng.random() < 0.2:
                    low, best, high, qualifier = base * 0.9, None, base * 1.1, "range"
                else:
                    low, best, high, qualifier = None, round(base), None, "approximately"
                _, factor = vocab.normalise_unit(unit)
                status = "approved" if rng.random() < 0.9 else "pending"
                copy.write_row((
                    cat, sub, low, best, high, qualifier, unit, unit,
                    *_scaled((low, best, high), factor),
                    measure, day, claimant, "",
                    rng.choice(WEAPONS) if cat == "arms_transfer" else "", "", rel, cred,
                    trust.confidence_for(rel, cred), status, "extracted", "", "", "", "", now, now,
                ))  # fmt: skip
        with cur.copy("COPY tracker_claimsource (claim_id, article_id, quote, quote_start, "
                      "quote_end, created_at) FROM STDIN") as copy:  # fmt: skip
            for i in range(1, n + 1):
                copy.write_row(
                    (i, 1 + i % n_articles, "about 1,100 soldiers were killed or wounded",
                     15, 58, now)
                )  # fmt: skip
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
    return time.perf_counter() - started


def _count() -> int:
    with psycopg.connect(BENCH_URL) as conn:
        return conn.execute("SELECT count(*) FROM tracker_claim").fetchone()[0]


def _state_counts_the_claims() -> bool:
    """Whether the series state counts the claims the default series count (`series_claims`:
    approved, with a number, not superseded by an approved claim). A database loaded by COPY
    without `rebuild_series_state` has a state that does not (bench_load had one)."""
    from django.db.models import Q, Sum

    from tracker.models import Claim, ClaimRelation, SeriesTotal

    superseded = ClaimRelation.objects.filter(
        kind="supersedes", from_claim__status="approved"
    ).values("to_claim_id")
    counted = (
        Claim.objects.filter(status="approved")
        .filter(Q(norm_low__isnull=False) | Q(norm_best__isnull=False) | Q(norm_high__isnull=False))
        .exclude(pk__in=superseded)
        .count()
    )
    return (SeriesTotal.objects.aggregate(n=Sum("claims"))["n"] or 0) == counted


def _scaled(values, factor):
    return [None if v is None else v * factor for v in values]


def _get_ms(client, path) -> tuple[float, object]:
    t0, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    _get_ms.cpu_ms = (time.process_time() - cpu) * 1000  # this process' CPU: the server's work
    return (time.perf_counter() - t0) * 1000, response


def measure(runs: int) -> tuple[list[tuple[str, float, float, float, int]], dict]:
    """Per page: cold, warmed (first request after `dashboard_warm()`), warm median, size; and
    what the warm itself cost."""
    from django.core.cache import cache
    from django.test import Client

    from tracker.warm import dashboard_warm

    client = Client(HTTP_HOST="127.0.0.1")
    cold = {}
    cache.clear()
    for path in PAGES:
        cold[path], _ = _get_ms(client, path)  # cold: nothing cached yet
    cache.clear()
    warming = dashboard_warm()  # what the Celery task does after a change
    results = []
    for path in PAGES:
        warmed, response = _get_ms(client, path)  # a reader's first request after the warm
        times = [_get_ms(client, path)[0] for _ in range(runs)]
        results.append((path, cold[path], warmed, statistics.median(times), len(response.content)))
    return results, warming


SERIES_API = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"


def after_approval(approvals: int, *, state: bool = True) -> tuple[dict, list[float]]:
    """Per path (the pages and the series API): the first request after an approval and a warm
    one, over `approvals` approvals of random pending claims of the casualties series (each path
    gets its own approvals, so every "first" follows a change); and each approval's time.
    state=False reads every series from the claims (tracker.series_state unused): as before."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tracker import series_state, services
    from tracker.models import Claim

    if not state:
        series_state.built = lambda: None  # every read computes from the claims
    reviewer, _ = get_user_model().objects.get_or_create(
        username="bench-reviewer", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    paths = [*PAGES, SERIES_API]
    rng = random.Random(3)
    pending = list(
        Claim.objects.filter(
            status="pending", category="casualties", subtype="killed_or_wounded"
        ).values_list("pk", flat=True)[:5000]
    )
    rng.shuffle(pending)
    first: dict[str, list[float]] = {p: [] for p in paths}
    warm: dict[str, list[float]] = {p: [] for p in paths}
    first_cpu: dict[str, list[float]] = {p: [] for p in paths}
    warm_cpu: dict[str, list[float]] = {p: [] for p in paths}
    render: dict[str, list[float]] = {p: [] for p in paths}
    render_cpu: dict[str, list[float]] = {p: [] for p in paths}
    # Per first request of a path that sums the series' increments: "increment" if an increment
    # claim was approved since they were last read (they are summed again), else "cumulative".
    measures: dict[str, list[str]] = {p: [] for p in paths}
    approved: list[str] = []
    summed = 0  # approved[:summed] were seen by a read that sums the increments
    approving = []
    for path in paths:
        _get_ms(client, path)
    for k in range(approvals * len(paths)):
        path = paths[k % len(paths)]
        claim = Claim.objects.get(pk=pending.pop())
        t0 = time.perf_counter()
        services.claim_approve(claim=claim, reviewer=reviewer, grade_confirmed=True)
        approving.append((time.perf_counter() - t0) * 1000)
        approved.append(claim.measure)
        if path in ("/totals/", SERIES_API):
            since, summed = approved[summed:], len(approved)
            measures[path].append("increment" if "increment" in since else "cumulative")
        first[path].append(_get_ms(client, path)[0])
        first_cpu[path].append(_get_ms.cpu_ms)
        warm[path].append(_get_ms(client, path)[0])
        warm_cpu[path].append(_get_ms.cpu_ms)
        if path in PAGES:
            # A warm render: a parameter no filter reads misses the finished bytes (keyed by
            # the whole query string) and finds every page part cached (keyed by the filters).
            # (The API answers 400 to a parameter it does not know.)
            render[path].append(
                _get_ms(client, f"{path}{'&' if '?' in path else '?'}render={k}")[0]
            )
            render_cpu[path].append(_get_ms.cpu_ms)
    return {
        p: (first[p], warm[p], first_cpu[p], warm_cpu[p], render[p], render_cpu[p], measures[p])
        for p in paths
    }, approving


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the claims if the database holds exactly N"
    )
    parser.add_argument(
        "--after-approval",
        type=int,
        default=0,
        metavar="N",
        help="also time the first request after each of N approvals per path against a warm one",
    )
    parser.add_argument(
        "--no-state", action="store_true", help="with --after-approval: without the series state"
    )
    args = parser.parse_args()
    ensure_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    print(
        f"{'claims':>10}  {'page':<12} {'cold ms':>8} {'warmed ms':>9} {'warm ms':>8} "
        f"{'size KB':>8}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        seconds_loaded = 0.0
        if args.reuse and _count() == n:
            print(f"# reusing the {n:,} claims in the database", flush=True)
        else:
            seconds_loaded = generate(n)
            print(f"# generated {n:,} claims in {seconds_loaded:.1f} s", flush=True)
        if seconds_loaded or not _state_counts_the_claims():
            if not seconds_loaded:
                print("# the series state does not count these claims: rebuilt", flush=True)
            call_command("rebuild_series_state")  # COPY bypasses the signals that keep it
            with psycopg.connect(BENCH_URL, autocommit=True) as conn:
                conn.execute("ANALYZE")  # the state's tables were empty at the first ANALYZE
        if args.after_approval:
            per_path, approving = after_approval(args.after_approval, state=not args.no_state)
            print(f"# after an approval (load average {os.getloadavg()[0]:.1f}):")
            for path, (
                first, warm, first_cpu, warm_cpu, render, render_cpu, measures
            ) in per_path.items():  # fmt: skip
                print(
                    f"#   {path[:24]:<24} first after an approval: median "
                    f"{statistics.median(first):5.0f} ms, p95 {_p95(first):5.0f} ms (CPU p95 "
                    f"{_p95(first_cpu):4.0f} ms); warm: median {statistics.median(warm):4.0f} "
                    f"ms, p95 {_p95(warm):4.0f} ms (CPU p95 {_p95(warm_cpu):4.0f} ms); first/"
                    f"warm {_p95(first) / _p95(warm):4.1f}x (CPU "
                    f"{_p95(first_cpu) / _p95(warm_cpu):3.1f}x)",
                    flush=True,
                )
                # An increment claim's approval sums the series' increments again (from the
                # claims); a cumulative claim's reads them from the cache (series_state). The
                # paths take turns, each after its own approval.
                said = {"cumulative": "cumulative claims only", "increment": "an increment claim"}
                for measure in said if measures else ():
                    wall = [ms for ms, m in zip(first, measures, strict=True) if m == measure]
                    cpu = [ms for ms, m in zip(first_cpu, measures, strict=True) if m == measure]
                    if wall:
                        print(
                            f"#   {'':<24} after approvals of {said[measure]} since the "
                            f"increments were read ({len(wall)}): "
                            f"median {statistics.median(wall):4.0f} ms, max {max(wall):4.0f} "
                            f"ms (CPU median {statistics.median(cpu):4.0f}, max {max(cpu):4.0f} "
                            "ms)",
                            flush=True,
                        )
                if not render:
                    continue
                print(
                    f"#   {'':<24} warm render (parts cached, bytes not): median "
                    f"{statistics.median(render):4.0f} ms, p95 {_p95(render):4.0f} ms (CPU p95 "
                    f"{_p95(render_cpu):4.0f} ms); first/warm render "
                    f"{_p95(first) / _p95(render):4.1f}x (CPU "
                    f"{_p95(first_cpu) / _p95(render_cpu):3.1f}x); target: first p95 <= 300 "
                    f"ms ({_p95(first) / 300:4.2f} of it)",
                    flush=True,
                )
            print(
                f"#   the approvals: median {statistics.median(approving):.0f} ms, p95 "
                f"{_p95(approving):.0f} ms",
                flush=True,
            )
            continue
        results, warming = measure(args.runs)
        for path, cold, warmed, ms, size in results:
            flag = "" if max(warmed, ms) <= 300 and size <= 1_000_000 else "  (over target)"
            print(
                f"{n:>10,}  {path:<12} {cold:>8.0f} {warmed:>9.0f} {ms:>8.0f} "
                f"{size / 1024:>8.0f}{flag}",
                flush=True,
            )
        pages = ", ".join(f"{p} {ms:,.0f}" for p, ms in warming["pages"].items())
        print(f"# dashboard_warm() took {warming['seconds']:.2f} s ({pages} ms)", flush=True)


if __name__ == "__main__":
    main()
