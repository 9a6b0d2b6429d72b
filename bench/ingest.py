"""Ingest throughput: N generated article pages served on 127.0.0.1, through the whole pipeline
(fetch_article, which processes in the same task, on real Celery workers over Redis) with one
and with two worker processes, against main-text extraction alone (the floor) on the same pages,
and against the pipeline's CPU work without I/O (main text + relevance + claim extraction).

    INGEST_ALLOW_PRIVATE_NETWORKS=1 DATABASE_URL=postgres://… REDIS_URL=redis://…/N \
        .venv/bin/python bench/ingest.py --n 300 --repeat 3 [--pages light,typical]

Two page weights: `light` pages (`page`, 6 KB: the article and a little navigation) and
`typical` ones (`typical_page`, 55 KB: the same article in a news site's markup).

Use a database and a Redis db of the bench's own: it purges the default queue and deletes the
articles and claims it created.
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


def _words(rng: random.Random, least: int, most: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(least, most)))


def typical_page(n: int, phase: str) -> bytes:
    """The same article as `page` (title, byline, paragraphs), in the markup of a news site:
    meta and JSON-LD in the head, inline configuration script and CSS, a twelve-section menu,
    a ticker, share links, a lead picture, a related box and an ad slot inside the story, tags,
    a most-read rail, sixteen related teasers with pictures, comments and a six-column footer.
    About 55 KB, 10 KB gzipped: lighter than the median HTML document of the web (18 KB
    compressed on a desktop home page, HTTP Archive's Web Almanac 2024, "Page Weight").
    Main-text extraction costs about twice what it costs on `page`; the text it finds is the
    article's (with its standfirst), so relevance and claims are the same work."""
    rng = random.Random(f"typical-{phase}-{n}")
    story = page(n, phase).decode().split("<h1>", 1)[1].split("</article>", 1)[0]
    title, body = story.split("</h1>", 1)
    paragraphs = body.split("</p>")

    def links(prefix: str, count: int, least: int, most: int) -> str:
        return "".join(
            f'<li><a href="/{prefix}/{rng.randrange(10**7)}">{_words(rng, least, most)}</a></li>'
            for _ in range(count)
        )

    def teaser(i: int) -> str:
        return (
            f'<article class="teaser"><a href="/news/{rng.randrange(10**7)}">'
            f'<figure><img src="/img/{rng.randrange(10**8)}.jpg" alt="{_words(rng, 3, 6)}" '
            'srcset="/img/s.jpg 320w, /img/m.jpg 640w, /img/l.jpg 1280w" '
            'sizes="(max-width: 600px) 100vw, 33vw" loading="lazy" width="640" height="360">'
            f'</figure><span class="kicker">{_words(rng, 1, 2)}</span>'
            f"<h3>{_words(rng, 6, 12).capitalize()}</h3></a>"
            f"<p>{_words(rng, 14, 24).capitalize()}.</p>"
            f'<time datetime="2026-11-{1 + i % 28:02d}T08:00:00Z">{1 + i % 28} Nov</time></article>'
        )

    menu = "".join(
        f'<li class="group"><button aria-expanded="false">{_words(rng, 1, 2)}</button>'
        f"<ul>{links('section', 12, 1, 3)}</ul></li>"
        for _ in range(12)
    )
    config = "".join(
        f'window.__slot{i}={{"slot":"ad-{i}","sizes":[[300,250],[728,90]],'
        f'"targeting":{{"section":"world","kw":"{_words(rng, 2, 4)}"}}}};'
        for i in range(60)
    )
    css = "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{rng.randrange(16**6):06x};"
        f"font-size:{12 + i % 6}px}}"
        for i in range(180)
    )
    meta = "".join(
        f'<meta property="og:{key}" content="{title if key == "title" else _words(rng, 3, 10)}">'
        for key in ("title", "description", "site_name", "type", "url", "image", "locale")
    ) + "".join(
        f'<meta name="twitter:{key}" content="{_words(rng, 3, 10)}">'
        for key in ("card", "site", "title", "description", "image")
    )
    json_ld = (
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":"' + title + '",'
        '"datePublished":"2026-11-20T06:00:00Z","author":[{"@type":"Person",'
        '"name":"Bench Reporter"}],"publisher":{"@type":"Organization","name":"Bench Daily"}}'
    )
    inside = (
        f'<aside class="inline-related"><h4>Read more</h4><ul>{links("news", 3, 6, 10)}</ul>'
        '</aside><div class="ad-slot" id="ad-mid" data-ad-unit="/1/world" aria-hidden="true">'
        "</div>"
    )
    story_body = "</p>".join(paragraphs[:3]) + "</p>" + inside + "</p>".join(paragraphs[3:])
    share = "".join(
        f'<li><a class="share" href="https://example.invalid/share?{site}" rel="noopener">'
        f"{site}</a></li>"
        for site in ("facebook", "x", "linkedin", "whatsapp", "email", "copy")
    )
    footer = "".join(
        f"<div><h5>{_words(rng, 1, 2)}</h5><ul>{links('f', 15, 1, 3)}</ul></div>" for _ in range(6)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | Bench Daily</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="author" content="Bench Reporter">{meta}'
        + "".join(
            f'<link rel="preload" href="/static/font{i}.woff2" as="font" crossorigin>'
            for i in range(4)
        )
        + f'<link rel="stylesheet" href="/static/site.css"><style>{css}</style>'
        f'<script type="application/ld+json">{json_ld}</script><script>{config}</script>'
        '</head><body class="article-page">'
        f'<div class="consent" role="dialog" hidden><p>{_words(rng, 30, 40).capitalize()}.</p>'
        "<button>Accept</button><button>Settings</button></div>"
        '<header><a class="logo" href="/">Bench Daily</a>'
        f'<nav aria-label="Sections"><ul>{menu}</ul></nav><form action="/search">'
        '<input name="q" type="search" placeholder="Search"><button>Go</button></form></header>'
        f'<div class="ticker"><ul>{links("live", 6, 6, 10)}</ul></div>'
        '<main><article class="story"><nav class="crumbs"><a href="/">Home</a> › '
        '<a href="/world">World</a> › <a href="/world/asia">Asia</a></nav>'
        f'<h1>{title}</h1><p class="standfirst">{_words(rng, 18, 26).capitalize()}.</p>'
        '<div class="byline">By <a href="/author/bench" rel="author">Bench Reporter</a> · '
        '<time datetime="2026-11-20T06:00:00Z">20 November 2026</time></div>'
        f'<ul class="share">{share}</ul><figure><img src="/img/lead.jpg" '
        f'alt="{_words(rng, 4, 8)}" width="1280" height="720">'
        f"<figcaption>{_words(rng, 10, 16).capitalize()}. Photo: Bench Agency</figcaption>"
        f'</figure><div class="story-body">{story_body}</div>'
        f'<ul class="tags">{links("tag", 8, 1, 2)}</ul>'
        f'<div class="author-bio"><p>{_words(rng, 20, 30).capitalize()}.</p></div></article>'
        f'<aside class="rail"><section><h2>Most read</h2><ol>{links("news", 10, 6, 11)}</ol>'
        f'</section><form class="newsletter"><h2>Newsletter</h2><p>{_words(rng, 12, 18)}.</p>'
        '<input type="email"><button>Sign up</button></form></aside></main>'
        f'<section class="related"><h2>More on this story</h2>'
        f"{''.join(teaser(i) for i in range(16))}</section>"
        f'<section id="comments"><h2>Comments</h2><div data-comments="{n}"></div></section>'
        f"<footer>{footer}<p>{_words(rng, 10, 14).capitalize()}.</p></footer>"
        + "".join(f'<script src="/static/bundle{i}.js" defer></script>' for i in range(6))
        + f"<script>{config[:4000]}</script></body></html>"
    ).encode()


PAGES = {"light": page, "typical": typical_page}


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


def worker_cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """CPU time (user + system) used so far by the worker processes and their pool children
    (each worker runs in a process group of its own)."""
    groups = {process.pid for process in processes}
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) in groups:  # pgrp; then utime, stime are fields 14 and 15 of stat
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def run_pipeline(site: Site, paths: list[str], workers: int, logdir: Path) -> tuple[float, float]:
    """(wall-clock seconds from enqueue to the last article done, worker CPU seconds)."""
    from config.celery import app
    from ingest import tasks
    from tracker.models import Article

    app.control.purge()
    processes = start_workers(workers, logdir)
    try:
        urls = [site.url(p) for p in paths]
        cpu_before = worker_cpu_seconds(processes)
        started = time.perf_counter()
        for url in urls:
            tasks.fetch_article.delay(url)
        finished = ("processed", "irrelevant", "failed")
        while Article.objects.filter(url__in=urls, status__in=finished).count() < len(urls):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu = worker_cpu_seconds(processes) - cpu_before
        failed = Article.objects.filter(url__in=urls, status="failed").count()
        if failed:
            print(f"warning: {failed} articles failed", file=sys.stderr)
        return elapsed, cpu
    finally:
        stop_workers(processes)
        cleanup([site.url(p) for p in paths])


def cleanup(urls: list[str]) -> None:
    """Delete the run's articles and the claims proposed from them, so the next run creates
    its claims again instead of merging into these."""
    from tracker.models import Article, Claim

    Claim.objects.filter(sources__article__url__in=urls).delete()
    Article.objects.filter(url__in=urls).delete()


def extraction_rates(pages: dict[str, bytes], paths: list[str], site: Site) -> tuple[float, float]:
    """Articles per CPU second, in this one process, of main-text extraction alone (the floor)
    and of main-text + relevance + claim extraction (the pipeline's CPU work without I/O).
    One process on one core: per CPU second is per core, and other load on the machine
    does not count against it."""
    from ingest.aliases import claimant_resolver
    from ingest.extract import extract_mentions
    from ingest.maintext import main_text
    from ingest.relevance import relevance_check

    started = time.process_time()
    for p in paths:
        main_text(pages[p].decode(), url=site.url(p))
    text_rate = len(paths) / (time.process_time() - started)
    started = time.process_time()
    for p in paths:
        main = main_text(pages[p].decode(), url=site.url(p))
        relevance_check(title=main.title, text=main.text)
        extract_mentions(main.text, published=None, aliases=claimant_resolver())
    work_rate = len(paths) / (time.process_time() - started)
    return text_rate, work_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="articles per run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration")
    parser.add_argument(
        "--pages",
        default="light,typical",
        help="page weights, comma-separated: light (page, 6 KB) and typical (typical_page, 55 KB)",
    )
    args = parser.parse_args()
    weights = args.pages.split(",")
    if not set(weights) <= set(PAGES):
        raise SystemExit(f"--pages: choose among {', '.join(PAGES)}")
    if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs workers")
    os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"  # the pages are on 127.0.0.1
    # Workers run as deployed (docker-compose.yml: DEBUG 0): DEBUG on keeps every query's SQL
    # and time, CPU the deployed worker does not spend. BENCH_DEBUG=1 measures that.
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logdir = ROOT / "var"
    logdir.mkdir(exist_ok=True)
    print(
        f"N = {args.n} generated pages per run, {os.cpu_count()} CPU cores, "
        f"{args.repeat} run(s) of each, min–max.\n"
        "per core: the pipeline's articles per wall-clock second / worker processes; "
        "per CPU s: articles per CPU second of the worker processes (their pool children "
        "included). The in-process rows are per CPU second of the one process. "
        "vs floor: against the best floor run of the same pages."
    )
    for weight in weights:
        _run_weight(weight, args.n, args.repeat, logdir)


def _run_weight(weight: str, n: int, repeat: int, logdir: Path) -> None:
    phases = [f"{weight}-w{workers}r{run}" for run in range(repeat) for workers in (1, 2)]
    pages = {f"/{phase}/{i}": PAGES[weight](i, phase) for phase in phases for i in range(n)}
    site = Site(pages)
    cleanup([site.url(p) for p in pages])  # leftovers of an interrupted run

    # The floor: the same N pages, one process, as many times as the pipeline runs.
    floor, work = [], []
    for run in range(repeat):
        paths = [p for p in pages if p.startswith(f"/{weight}-w1r{run}/")]
        text_rate, work_rate = extraction_rates(pages, paths, site)
        floor.append((text_rate, text_rate))
        work.append((work_rate, work_rate))
    rows = [
        ("text extraction alone (the floor)", 1, floor),
        ("text + relevance + claims, no I/O", 1, work),
    ]
    for workers in (1, 2):
        runs = []
        for run in range(repeat):
            paths = [p for p in pages if p.startswith(f"/{weight}-w{workers}r{run}/")]
            elapsed, cpu = run_pipeline(site, paths, workers, logdir)
            runs.append((n / elapsed / workers, n / cpu))
        rows.append((f"pipeline, {workers} worker process(es)", workers, runs))
    site.server.shutdown()

    size = sum(len(b) for b in pages.values()) / len(pages) / 1024
    print(f"\n{weight} pages, {size:.0f} KB each")
    print(f"{'run':<38} {'art/s/core':>12} {'vs floor':>10} {'art/CPU s':>12} {'vs floor':>10}")
    best_floor = max(rate for rate, _ in floor)
    for name, _workers, runs in rows:
        wall = [w for w, _ in runs]
        cpu = [c for _, c in runs]
        print(
            f"{name:<38} {_span(wall, '.1f'):>12} {_span(wall, '.0%', best_floor):>10} "
            f"{_span(cpu, '.1f'):>12} {_span(cpu, '.0%', best_floor):>10}"
        )


def _span(values: list[float], fmt: str, per: float = 1.0) -> str:
    lo, hi = f"{min(values) / per:{fmt}}", f"{max(values) / per:{fmt}}"
    return lo if lo == hi else f"{lo}–{hi}"


if __name__ == "__main__":
    main()
