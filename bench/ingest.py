"""Ingest throughput: N generated article pages served on 127.0.0.1, through the whole pipeline
(fetch_article → process_article on real Celery workers over Redis) with one and with two worker
processes, against main-text extraction alone (the floor) on the same pages.

    INGEST_ALLOW_PRIVATE_NETWORKS=1 DATABASE_URL=postgres://… REDIS_URL=redis://…/N \
        .venv/bin/python bench/ingest.py --n 300

Use a database and a Redis db of the bench's own: it purges the default queue and deletes the
articles it created.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFETCH = int(os.environ.get("BENCH_PREFETCH", "1"))
LOGLEVEL = os.environ.get("BENCH_LOGLEVEL", "WARNING")
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

WORDS = (
    "officials said the report added that forces region according statement ministry week "
    "analysts sources intelligence supply front line losses drone artillery assessment border "
    "talks envoy cooperation agreement pressure sanctions exports shipments equipment units"
).split()


def page(n: int, phase: str) -> bytes:
    rng = random.Random(f"{phase}-{n}")
    paragraphs = [
        f"South Korea's Joint Chiefs of Staff said about {1000 + n} North Korean soldiers have "
        f"been killed or wounded fighting for Russia in the Kursk region (run {phase}).",
        f"Pyongyang has shipped more than {n + 1} containers of artillery shells to Russia, "
        "the National Intelligence Service told lawmakers.",
    ]
    for _ in range(8):
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 80))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30))
    return (
        f"<!doctype html><html><head><title>Report {n}</title>"
        '<meta name="author" content="Bench Reporter"></head><body>'
        f"<header><ul>{nav}</ul></header><main><article><h1>Report {n}</h1>{body}</article>"
        f"<aside>{nav}</aside></main><footer>Copyright. Cookies. Privacy.</footer></body></html>"
    ).encode()


class Site:
    def __init__(self, pages: dict[str, bytes]):
        served = pages

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                body = served.get(self.path)
                status = 200 if body is not None else 404
                body = body or b"not found"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def start_workers(count: int, logdir: Path) -> list[subprocess.Popen]:
    processes = []
    for i in range(count):
        log = (logdir / f"bench-worker-{count}-{i}.log").open("w")
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=1", f"--loglevel={LOGLEVEL}", "--without-heartbeat",
            "--without-gossip", "--without-mingle", f"--prefetch-multiplier={PREFETCH}",
            "-n", f"bench-{i}@%h",
        ]  # fmt: skip
        processes.append(
            subprocess.Popen(
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if len(replies) >= count:
            return processes
    raise SystemExit("workers did not start; see bench-worker-*.log")


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_pipeline(site: Site, paths: list[str], workers: int, logdir: Path) -> float:
    from config.celery import app
    from ingest import tasks
    from tracker.models import Article

    app.control.purge()
    processes = start_workers(workers, logdir)
    try:
        urls = [site.url(p) for p in paths]
        started = time.perf_counter()
        for url in urls:
            tasks.fetch_article.delay(url)
        finished = ("processed", "irrelevant", "failed")
        while Article.objects.filter(url__in=urls, status__in=finished).count() < len(urls):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        failed = Article.objects.filter(url__in=urls, status="failed").count()
        if failed:
            print(f"warning: {failed} articles failed", file=sys.stderr)
        return elapsed
    finally:
        stop_workers(processes)
        Article.objects.filter(url__in=[site.url(p) for p in paths]).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="articles per run")
    args = parser.parse_args()
    if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs workers")
    os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"  # the pages are on 127.0.0.1
    import django

    django.setup()
    from django.core.management import call_command

    from ingest.maintext import main_text

    call_command("migrate", verbosity=0)
    logdir = ROOT / "var"
    logdir.mkdir(exist_ok=True)

    pages = {f"/{phase}/{n}": page(n, phase) for phase in ("w1", "w2") for n in range(args.n)}
    site = Site(pages)

    floor_paths = [p for p in pages if p.startswith("/w1/")]
    started = time.perf_counter()
    for p in floor_paths:
        main_text(pages[p].decode(), url=site.url(p))
    extract_rate = args.n / (time.perf_counter() - started)

    rows = [("text extraction alone (in-process)", 1, extract_rate, extract_rate)]
    for workers, phase in ((1, "w1"), (2, "w2")):
        paths = [p for p in pages if p.startswith(f"/{phase}/")]
        elapsed = run_pipeline(site, paths, workers, logdir)
        rate = args.n / elapsed
        rows.append((f"pipeline, {workers} worker process(es)", workers, rate, rate / workers))

    size = sum(len(b) for b in pages.values()) / len(pages) / 1024
    print(f"N = {args.n} generated pages of {size:.0f} KB each, {os.cpu_count()} CPU cores")
    print(f"{'run':<38} {'workers':>7} {'art/s':>8} {'art/s/core':>11} {'vs floor':>9}")
    for name, workers, rate, per_core in rows:
        ratio = per_core / extract_rate
        print(f"{name:<38} {workers:>7} {rate:>8.1f} {per_core:>11.1f} {ratio:>8.0%}")


if __name__ == "__main__":
    main()
