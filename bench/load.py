"""Throughput under 50 readers, beside its floor (issue 16): wrk against gunicorn on PostgreSQL.

    .venv/bin/python bench/load.py [--claims 1000000] [--seconds 15] [--connections 50]
        [--threads 2] [--workers 2] [--encoding 'gzip, br'] [--only NAME ...] [--reload]

Uses the PostgreSQL database `bench_load` (BENCH_DATABASE_URL to change; never the test
database), filled once with bench/api.py's COPY loader (1,000,000 claims load in about 3
minutes), and Redis database 7 (BENCH_REDIS_URL) as the shared cache, emptied at the start.
Starts gunicorn (2 workers) on a free loopback port, runs `warm_dashboard`, then for each
endpoint a 2 s warm-up and a measured `wrk -c50 -t2 -d<seconds>` (a Lua script spreads claim
detail over 2,000 approved claims and reads wrk's latency percentiles; every request asks for
gzip or brotli, as a browser does: `--encoding ''` measures the uncompressed bytes). Prints
requests/s, the share of the static-file floor (a file whitenoise serves from the same
gunicorn), the CPU the gunicorn workers spent per request, p50/p99, errors (socket errors and
non-2xx/3xx answers) and the load average of the machine during the run: on a shared machine
the ratios to the floor say more than the absolute figures.

wrk gets the CPU it needs from the same machine as the server (its 2 threads are event loops,
far lighter than a Python load generator). The write-correctness check under load (locust,
acknowledged writes exactly in the database) is bench/load_writes.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load")
sys.path.insert(0, str(ROOT))
from bench import api as bench_api  # noqa: E402  (the COPY loader and server settings)

REDIS_URL = bench_api.REDIS_URL
WRK = shutil.which("wrk") or "/usr/bin/wrk"

# name → path; None for the static file (found in the manifest). %(claim)s spreads over
# approved claims.
ENDPOINTS: dict[str, str | None] = {
    "static file (floor)": None,
    "/": "/",
    "/timeline/": "/timeline/",
    "/totals/": "/totals/",
    "/arms/": "/arms/",
    "/border/": "/border/",
    "claims list, 2 filters": "/api/v1/claims/?category=casualties&min_confidence=moderate",
    "claim detail": "/api/v1/claims/%(claim)s/",
    "series": "/api/v1/series/?category=casualties&subtype=killed_or_wounded",
}

LUA = """
%(headers)s
local paths = {%(paths)s}
local n = #paths
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% n) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%.0f %%.0f %%.0f %%d %%d\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max, summary.bytes, e.timeout))
end
"""


def _lua(paths: list[str], work: Path, name: str, encoding: str) -> Path:
    script = work / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.lua"
    headers = f'wrk.headers["Accept-Encoding"] = {json.dumps(encoding)}' if encoding else ""
    paths_lua = ", ".join(json.dumps(p) for p in paths)
    script.write_text(LUA % {"paths": paths_lua, "headers": headers})
    return script


def _cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn workers (the master's children), from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid; utime and stime are fields 14 and 15 of stat
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str, script: Path, seconds: float, connections: int, threads: int, timeout: int
) -> dict:
    out = subprocess.run(
        [WRK, "-c", str(connections), "-t", str(threads), "-d", f"{int(seconds)}s",
         "--timeout", f"{timeout}s", "-s", str(script), url],
        capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"wrk failed: {out.stdout}{out.stderr}")
    out = out.stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, micros, sock_errors, status_errors, p50, p99, worst, size, timeouts = map(
        int, line.split()[1:]
    )
    return {
        "requests": requests,
        "rps": requests / (micros / 1e6),
        "errors": sock_errors + status_errors,
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "bytes": size / max(requests, 1),
        "timeouts": timeouts,
    }


def _served(access_log: Path) -> int:
    """Requests gunicorn has answered so far (lines of its access log)."""
    try:
        with access_log.open("rb") as log:
            return sum(1 for _ in log)
    except FileNotFoundError:
        return 0


def drain(url: str) -> float:
    """Wait until gunicorn has answered every request still queued (wrk closes its
    connections at the end of a run, but the sync workers still serve what was sent): one
    request of the floor's path waits behind them. Returns the seconds waited."""
    t0 = time.perf_counter()
    httpx.get(url, timeout=600)
    return time.perf_counter() - t0


def warm_each(base: str, paths: list[str], encoding: str) -> None:
    """Ask for each path once, with the headers wrk sends (its Accept-Encoding and no Accept: a
    cached answer is kept per encoding and API answers per Accept): the measured window then
    reads what a warmed site serves, as the pages do after `warm_dashboard` (the 2 s wrk
    warm-up alone reached under half of the 2,000 claims, so most of the window's first
    requests were misses; `--cold-details` measures that way)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        del client.headers["Accept"]
        client.headers["Accept-Encoding"] = encoding or "identity"
        for path in paths:
            assert client.get(path).status_code == 200, path


def static_path(static_root: Path) -> str:
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--timeout", type=int, default=30, help="wrk's request timeout, seconds (counted apart)"
    )
    parser.add_argument(
        "--encoding",
        default="gzip, br",
        help="Accept-Encoding sent with every request, as a browser does ('' for none: the "
        "uncompressed bytes)",
    )
    parser.add_argument("--only", nargs="*", help="endpoint names to run (the floor always runs)")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument(
        "--cold-details",
        action="store_true",
        help="do not ask for each claim once before the claim detail's run (the old warm-up)",
    )
    args = parser.parse_args()

    assert not bench_api.BENCH_URL.endswith("/test"), "never the test database"
    bench_api.ensure_database()
    if args.reload or bench_api.claim_count() != args.claims:
        bench_api.load(args.claims)
    bench_api.series_state_ensure()
    env = {**os.environ, **bench_api.SERVER_ENV, "REDIS_URL": REDIS_URL}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    static_root = Path(env["STATIC_ROOT"])
    if not (static_root / "staticfiles.json").exists():
        print("collectstatic (once)…", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
    import redis

    cache_server = redis.Redis.from_url(REDIS_URL)
    cache_server.flushdb()

    def redis_cpu() -> float:
        """CPU seconds the Redis server has spent (all its clients: this bench is its main one)."""
        info = cache_server.info("cpu")
        return info["used_cpu_user"] + info["used_cpu_sys"]

    with psycopg.connect(bench_api.BENCH_URL) as conn:
        approved = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM tracker_claim WHERE status = 'approved' "
                "ORDER BY random() LIMIT 2000"
            )
        ]
    random.shuffle(approved)

    work = Path(tempfile.mkdtemp(prefix="wrk-"))
    access_log = work / "access.log"
    port = bench_api.PORT
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--log-level", "warning", "--timeout", "60",
         "--access-logfile", str(access_log), "--access-logformat", "%(s)s %(D)s"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    master = server.pid
    rows = []
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/api/v1/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert server.poll() is None, "gunicorn did not start"
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "warm_dashboard"], cwd=ROOT, env=env, check=True
        )
        print(f"warm_dashboard: {time.perf_counter() - t0:.1f}s", flush=True)
        floor_url = base + static_path(static_root)
        names = [n for n in ENDPOINTS if not args.only or n in args.only or ENDPOINTS[n] is None]
        for name in names:
            path = ENDPOINTS[name]
            if path is None:
                paths = [static_path(static_root)]
            elif "%(claim)s" in path:
                paths = [path % {"claim": c} for c in approved]
            else:
                paths = [path]
            first = httpx.get(base + paths[0], timeout=120)
            assert first.status_code == 200, (name, first.status_code)
            if len(paths) > 1 and not args.cold_details:
                warm_each(base, paths[1:], args.encoding)
            script = _lua(paths, work, name, args.encoding)
            wrk = (args.connections, args.threads, args.timeout)
            run_wrk(base, script, 2, *wrk)  # warm-up
            drain(floor_url)
            load_before = os.getloadavg()[0]
            cpu_before, redis_before = _cpu_seconds(master), redis_cpu()
            served_before = _served(access_log)
            result = run_wrk(base, script, args.seconds, *wrk)
            # The CPU of the requests wrk sent in the window, including those answered after it.
            result["drain"] = drain(floor_url)
            cpu = _cpu_seconds(master) - cpu_before
            redis_seconds = redis_cpu() - redis_before
            served = _served(access_log) - served_before - 1  # less the drain's request
            result.update(
                name=name,
                cpu_ms=cpu / max(served, 1) * 1000,
                redis_ms=redis_seconds / max(served, 1) * 1000,
                load=(load_before + os.getloadavg()[0]) / 2,
            )
            rows.append(result)
            print(
                f"  {name}: {result['rps']:.1f} req/s, p99 {result['p99']:.0f} ms",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    floor = rows[0]["rps"]

    def ceiling(r: dict) -> float:
        """Requests/s the workers could serve if each had a CPU of its own."""
        return args.workers * 1000 / max(r["cpu_ms"], 0.001)

    print(
        f"\n{bench_api.claim_count():,} claims · PostgreSQL + Redis · gunicorn "
        f"{args.workers} workers · wrk -c{args.connections} -t{args.threads} "
        f"-d{args.seconds:g}s · Accept-Encoding: {args.encoding or 'none'} · "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'endpoint':24} {'req/s':>8} {'floor':>7} {'CPU/req':>8} {'Redis':>6} {'p50':>8} "
        f"{'p99':>8} "
        f"{'errors':>6} {'timeouts':>8} {'KB':>7} {'load':>5} {'CPU ceiling':>12}"
    )
    for r in rows:
        done = r["requests"] > 0
        p50 = f"{r['p50']:6.1f}ms" if done else "       —"
        p99 = f"{r['p99']:6.0f}ms" if done else "       —"
        print(
            f"{r['name']:24} {r['rps']:8.1f} {r['rps'] / floor:7.1%} {r['cpu_ms']:6.1f}ms "
            f"{r['redis_ms']:4.2f}ms {p50} {p99} {r['errors']:6d} {r['timeouts']:8d} "
            f"{r['bytes'] / 1024:7.1f} "
            f"{r['load']:5.1f} {ceiling(r):7.0f} {ceiling(r) / ceiling(rows[0]):4.0%}"
        )
    print(
        "floor: the share of the static file's req/s; CPU/req: gunicorn workers' CPU per "
        "request answered (from its access log; what was queued at the end of the window "
        "included) (PostgreSQL and Redis not counted); Redis: the Redis server's CPU per "
        f"request answered; timeouts: no answer within {args.timeout}s (in errors too); "
        "load: 1-minute load average during the run; CPU ceiling: workers × 1000 / CPU per "
        "request, and its share of the floor's (what a machine with a core per worker would "
        "allow, the database aside)."
    )
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
