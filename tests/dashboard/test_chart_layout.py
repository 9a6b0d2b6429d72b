"""Charts read well at any width: every chart page in Debian's Chromium at 360, 768 and 1,400 px
wide, measured as drawn. No legend over a plot area or over the x-axis tick labels and title, no
tick label over another, no text cut at the figure's edge, date ticks on every panel, and an empty
series said in words with no axes. Screenshots of every page at every width go to
var/screenshots/<page>-<width>.png (gitignored)."""

from __future__ import annotations

import pprint
import time

import pytest
from django.conf import settings

from tests.dashboard.pages import demo_pages

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1400)
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"

# Everything wrong with the drawn charts of a page, as sentences naming the chart (an empty list
# when the page reads well). Boxes are compared with a pixel of tolerance for anti-aliasing.
PROBLEMS_JS = """
() => {
  const problems = [];
  const box = (el) => el.getBoundingClientRect();
  const shown = (el) => {
    const b = box(el);
    if (b.width === 0 || b.height === 0) return false;
    for (let n = el; n && n.nodeType === 1; n = n.parentNode) {
      const style = getComputedStyle(n);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0')
        return false;
    }
    return true;
  };
  const overlap = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const name = (el) => JSON.stringify((el.textContent || '').slice(0, 40));
  for (const chart of document.querySelectorAll('.chart[data-drawn]')) {
    if (chart.querySelector('.geolayer')) continue;  // maps: tests/dashboard/test_map_browser.py
    const id = '#' + chart.id;
    const frame = box(chart.querySelector('.main-svg'));
    const plots = [...chart.querySelectorAll('.draglayer .nsewdrag')].map(box);
    const xLabels = [...chart.querySelectorAll('.xaxislayer-above text')].filter(shown);
    const xTitles = [...chart.querySelectorAll(".infolayer g[class^='g-x'] text")].filter(shown);
    const legend = chart.querySelector('.infolayer .legend');
    if (legend && shown(legend)) {
      const lb = box(legend);
      plots.forEach((p) => { if (overlap(lb, p)) problems.push(id + ': legend over the plot'); });
      [...xLabels, ...xTitles].forEach((t) => {
        if (overlap(lb, box(t))) problems.push(id + ': legend over the x axis at ' + name(t));
      });
    }
    for (const text of chart.querySelectorAll('svg text')) {
      if (!shown(text) || text.closest('.hoverlayer')) continue;
      const t = box(text);
      if (t.left < frame.left - 1 || t.right > frame.right + 1 ||
          t.top < frame.top - 1 || t.bottom > frame.bottom + 1)
        problems.push(id + ': text cut at the edge: ' + name(text));
    }
    for (const layer of chart.querySelectorAll('.xaxislayer-above, .yaxislayer-above')) {
      const labels = [...layer.querySelectorAll('text')].filter(shown);
      for (let i = 0; i < labels.length; i++)
        for (let j = i + 1; j < labels.length; j++)
          if (overlap(box(labels[i]), box(labels[j])))
            problems.push(id + ': tick labels overlap: ' + name(labels[i]) + ' ' + name(labels[j]));
    }
    if (!chart.closest('.card')) {  // the overview's sparklines have no axes by design
      for (const subplot of chart.querySelectorAll('.cartesianlayer .subplot')) {
        const xaxis = subplot.querySelector('.xaxislayer-above');
        if (subplot.querySelector('.points path, .scatterlayer .js-line') &&
            [...xaxis.querySelectorAll('text')].filter(shown).length < 2)
          problems.push(id + ': fewer than two date ticks on a panel');
      }
    }
  }
  return problems;
}
"""


def _pages(demo) -> dict[str, str]:
    """The pages with cartesian charts (the map has its own test, test_map_browser)."""
    every = demo_pages(demo)
    names = ("overview", "timeline", "totals", "arms", "border", "claimant", "claim")
    return {**{name: every[name] for name in names}, "totals-empty": "/totals/?date_to=2000-01-01"}


def _wait(page, predicate: str, seconds: float = 90) -> None:
    """Poll a JS function until it returns true (wait_for_function would eval a string in the
    page, which our CSP refuses)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        page.wait_for_timeout(100)


def _open(page, url: str) -> None:
    page.set_default_timeout(60000)  # a loaded CI machine
    page.goto(url, wait_until="domcontentloaded")
    try:
        _wait(page, "() => [...document.querySelectorAll('.chart')].every(c => c.dataset.drawn)")
    except AssertionError:
        missing = page.evaluate(
            "() => [...document.querySelectorAll('.chart')].filter(c => !c.dataset.drawn)"
            ".map(c => c.id)"
        )
        raise AssertionError(f"{url}: charts never drawn: {missing}") from None


def test_every_chart_page_reads_cleanly_at_phone_tablet_and_desktop_widths(
    browser, live_server, live_demo
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name, path in _pages(live_demo).items():
            _open(page, live_server.url + path)
            problems = page.evaluate(PROBLEMS_JS)
            if problems:
                found[f"{name} at {width}px"] = problems
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            if name == "totals-empty":
                chart = page.locator("#totals")
                assert "No approved claims match these filters" in chart.inner_text()
                # No empty axes: no tick labels, no axis titles, no "(no unit)".
                assert chart.locator(".xtick, .ytick, .g-xtitle text, .g-ytitle text").count() == 0
            elif name in {"timeline", "totals", "arms", "border"}:
                # Every chart page draws axes with labels (the checks above are not vacuous).
                assert page.locator(".chart .xaxislayer-above text").count() > 0, name
        context.close()
    assert found == {}, pprint.pformat(found)
    assert errors == []


def test_the_legend_moves_out_of_the_way_when_the_window_narrows(browser, live_server, live_demo):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _open(page, live_server.url + "/border/")
    wide = page.locator(".chart").first.bounding_box()["height"]
    page.set_viewport_size({"width": 360, "height": 900})
    refitted = (
        "() => [...document.querySelectorAll('.chart')].filter(c => !c.querySelector('.geolayer'))"
        ".every(c => c.dataset.fitWidth && +c.dataset.fitWidth < 400)"
    )
    _wait(page, refitted)
    assert page.evaluate(PROBLEMS_JS) == []
    # A legend that wraps onto more rows at 360 px makes the figure grow; it never shrinks it.
    assert page.locator(".chart").first.bounding_box()["height"] >= wide
    context.close()
