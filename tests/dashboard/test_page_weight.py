"""Page weight (issue 15): the bytes a browser downloads for each chart page and for the API docs,
first visit and repeat visit, from a real gunicorn serving collectstatic's output through
WhiteNoise as production does; the static files' hashed names, gzip and brotli copies and cache
headers, under gunicorn and under runserver (`make run`); and the partial plotly.js bundle
drawing every trace type the pages use, maps included, with nothing fetched from elsewhere.

The figures: `.venv/bin/python -m pytest tests/dashboard/test_page_weight.py -s` prints them."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import brotli
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIRST_VISIT_BUDGET = 600_000  # bytes on the wire, chart library included
REPEAT_VISIT_BUDGET = 60_000
CHART_PAGES = ["/", "/timeline/", "/totals/", "/arms/", "/border/"]
YEAR = 365 * 24 * 60 * 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen) -> None:
    for _ in range(240):
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/methodology/", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} never answered")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A throwaway SQLite database with the demo claims (what `make run` shows) and
    collectstatic's output in a temporary STATIC_ROOT."""
    tmp = tmp_path_factory.mktemp("weight")
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "STATIC_ROOT"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        VAR_DIR=str(tmp / "var"),
        STATIC_ROOT=str(tmp / "static"),
        SECRET_KEY="w" * 40 + "-page-weight-test-only",
        DASHBOARD_WARM_ON_CHANGE="0",
    )
    for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return {"env": env, "static_root": tmp / "static"}


def _serve(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytest.fixture(scope="module")
def gunicorn_url(site):
    """Production settings (DEBUG off) on plain HTTP over loopback."""
    port = _free_port()
    env = {
        **site["env"],
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
    }
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "2",
    ]  # fmt: skip
    process = _serve(command, env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def runserver_url(site):
    """What `make run` starts: runserver with DEBUG on, after collectstatic."""
    port = _free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = _serve(command, site["env"])
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(url: str, **headers) -> tuple[dict, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return {k.lower(): v for k, v in r.headers.items()}, r.read()


def _plotly_src(html: str) -> str:
    return re.search(r'<script src="(/static/vendor/plotly/[^"]+)"', html).group(1)


# --- Static files -----------------------------------------------------------------------------


def test_collectstatic_writes_hashed_names_with_gzip_and_brotli_copies(site):
    static_root = site["static_root"]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    original = (ROOT / "static/vendor/plotly/plotly-geo.min.js").read_bytes()
    for name in ("vendor/plotly/plotly-geo.min.js", "js/charts.js", "css/site.css"):
        hashed = manifest[name]
        assert hashed != name and re.search(r"\.[0-9a-f]{12}\.", hashed), hashed
        assert (static_root / hashed).exists()
    hashed = static_root / manifest["vendor/plotly/plotly-geo.min.js"]
    assert brotli.decompress(Path(f"{hashed}.br").read_bytes()) == original
    assert gzip.decompress(Path(f"{hashed}.gz").read_bytes()) == original


@pytest.mark.parametrize("server", ["gunicorn_url", "runserver_url"])
def test_static_files_are_sent_compressed_and_cached_for_a_year(server, request):
    url = request.getfixturevalue(server)
    _, html = _get(url + "/")
    src = _plotly_src(html.decode())
    assert re.search(r"\.[0-9a-f]{12}\.js$", src), src  # the hashed name, DEBUG or not
    for encoding in ("br", "gzip"):
        headers, body = _get(url + src, **{"Accept-Encoding": encoding})
        assert headers.get("content-encoding") == encoding
        cache = headers["cache-control"]
        assert "immutable" in cache
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= YEAR
        assert len(body) < 500_000  # 1.4 MB on disk


# --- What a browser downloads -----------------------------------------------------------------


def _visit(context, url: str, ready: str) -> dict:
    """Open `url` in a new tab of `context`; the bytes received for every request (headers and
    body as sent, from the DevTools protocol), console errors, and the page once `ready` holds."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    encodings: dict[str, str] = {}
    received: dict[str, int] = {}
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: encodings.__setitem__(
            e["requestId"],
            {k.lower(): v for k, v in e["response"]["headers"].items()}.get("content-encoding", ""),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(ready, timeout=30000)
    requests = [(urls.get(i, "?"), n, encodings.get(i, "")) for i, n in received.items()]
    return {"page": page, "bytes": sum(received.values()), "requests": requests, "errors": errors}


# Functions, not expressions: Playwright polls an expression with eval, which the CSP forbids.
CHARTS_DRAWN = (
    "() => document.querySelectorAll('.chart').length > 0 && document.querySelectorAll("
    "'.chart').length === document.querySelectorAll('.chart[data-drawn]').length"
)
SWAGGER_READY = "() => document.querySelectorAll('.opblock').length > 0"


def _report(path: str, first: dict, repeat: dict) -> None:
    print(f"\n{path}: first visit {first['bytes']:,} B, repeat visit {repeat['bytes']:,} B")
    for url, size, encoding in sorted(first["requests"], key=lambda r: -r[1]):
        if size:
            where = "/" + url.split("://", 1)[-1].split("/", 1)[-1]
            print(f"    {size:>9,} B  {encoding or 'identity':8}  {where}")


@pytest.mark.parametrize("path", CHART_PAGES)
def test_a_chart_page_weighs_at_most_600_kb_first_and_60_kb_again(browser, gunicorn_url, path):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    try:
        first = _visit(context, gunicorn_url + path, CHARTS_DRAWN)
        repeat = _visit(context, gunicorn_url + path, CHARTS_DRAWN)
    finally:
        context.close()
    _report(path, first, repeat)
    assert first["errors"] == [] and repeat["errors"] == []
    assert first["bytes"] <= FIRST_VISIT_BUDGET
    assert repeat["bytes"] <= REPEAT_VISIT_BUDGET
    # Only the HTML travels again: every static file comes from the browser's cache.
    assert [url for url, size, _ in repeat["requests"] if size and "/static/" in url] == []


def test_the_api_docs_weigh_at_most_600_kb_first_and_60_kb_again(browser, gunicorn_url):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    try:
        first = _visit(context, gunicorn_url + "/api/docs/", SWAGGER_READY)
        repeat = _visit(context, gunicorn_url + "/api/docs/", SWAGGER_READY)
    finally:
        context.close()
    _report("/api/docs/", first, repeat)
    assert first["errors"] == [] and repeat["errors"] == []
    assert all(url.startswith((gunicorn_url, "data:")) for url, _, _ in first["requests"])
    assert first["bytes"] <= FIRST_VISIT_BUDGET
    assert [url for url, size, _ in repeat["requests"] if size and "/static/" in url] == []
    schema = [(size, enc) for url, size, enc in repeat["requests"] if "/schema/" in url]
    assert schema and schema[0][1], "the schema JSON travels compressed"
    assert repeat["bytes"] <= REPEAT_VISIT_BUDGET


# --- The partial plotly.js bundle -------------------------------------------------------------


def _figure_trace_types() -> set[str]:
    """Trace types tracker/figures.py builds (go.Scatter → scatter …)."""
    source = (ROOT / "tracker/figures.py").read_text()
    return {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w*)\(", source)} - {"figure"}


def test_the_bundle_registers_every_trace_type_the_pages_draw(browser, gunicorn_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        emitted: set[str] = set()
        for path in CHART_PAGES:
            page.goto(gunicorn_url + path, wait_until="load")
            page.wait_for_function(CHARTS_DRAWN, timeout=30000)
            emitted |= set(
                page.evaluate(
                    """() => [...document.querySelectorAll('script[type="application/json"]')]
                      .flatMap(s => (JSON.parse(s.textContent).data || [])
                      .map(t => t.type || 'scatter'))"""
                )
            )
        registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    finally:
        context.close()
    assert _figure_trace_types() and "scatter" in emitted
    assert _figure_trace_types() | emitted | {"scattergeo"} <= registered


def test_a_map_draws_from_our_own_base_maps(browser, gunicorn_url):
    """The map page (next round) draws a scattergeo trace: plotly.js fetches its topojson from
    our static files, not from plotly's CDN (which the CSP would block anyway)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        requested: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(gunicorn_url + "/", wait_until="load")
        page.wait_for_function(CHARTS_DRAWN, timeout=30000)
        countries = page.evaluate(
            """async () => {
                const div = document.createElement('div');
                document.body.appendChild(div);
                await Plotly.newPlot(div, [{type: 'scattergeo', mode: 'markers',
                    lon: [125.75, 37.62], lat: [39.03, 55.75]}],
                    {geo: {scope: 'asia', showcountries: true}});
                return div.querySelectorAll('.geo .countries path, .geo path.countries').length;
            }"""
        )
    finally:
        context.close()
    assert errors == []
    assert countries > 0
    assert any(url.endswith("/static/vendor/topojson/asia_110m.json") for url in requested)
    assert all(url.startswith((gunicorn_url, "data:")) for url in requested)
