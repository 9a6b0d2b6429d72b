"""Comparing claimants and the date brush in Debian's Chromium, at a phone's width and a
desktop's: both claimants' lines are drawn, the legend stays clear of the plot, the ticks and
the slider, and the brush puts the dates shown into the address."""

from __future__ import annotations

import re

import pytest

from tests.dashboard.test_browser import Tab

pytestmark = pytest.mark.browser

# Boxes of the chart's parts, in page pixels (None when the part is not drawn).
BOXES = """(id) => {
  const gd = document.getElementById(id);
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
    return r.width && r.height ? {x: r.left, y: r.top, w: r.width, h: r.height} : null; };
  const lines = {};
  gd.calcdata.forEach((cd) => {
    const trace = cd[0].trace;
    const path = cd[0].node3 && cd[0].node3.node().querySelector('path.js-line');
    lines[trace.name] = path ? (path.getAttribute('d') || '').length : 0;
  });
  return {
    legend: box(gd.querySelector('.legend .bg')),
    legendItems: [...gd.querySelectorAll('.legend .traces')].map(box),
    plot: box(gd.querySelector('.draglayer .xy .nsewdrag')),
    ticks: [...gd.querySelectorAll('.xaxislayer-above .xtick text')].map(box).filter(Boolean),
    slider: box(gd.querySelector('.rangeslider-container .rangeslider-bg')),
    lines: lines,
    width: gd.clientWidth,
  };
}"""


def _overlap(a, b) -> bool:
    if a is None or b is None:
        return False
    return not (
        a["x"] + a["w"] <= b["x"]
        or b["x"] + b["w"] <= a["x"]
        or a["y"] + a["h"] <= b["y"]
        or b["y"] + b["h"] <= a["y"]
    )


def test_two_claimants_from_the_url_are_both_drawn_and_the_legend_stays_clear(
    browser, live_server, live_demo
):
    for width in (360, 1400):  # one demo for both widths (loading it is the slow part)
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = Tab(context, live_server.url)
        try:
            jcs, nis = live_demo.claimants["jcs"].pk, live_demo.claimants["nis"].pk
            page = tab.open(
                f"/totals/?category=casualties&subtype=killed_or_wounded&claimant={jcs},{nis}"
            )
            tab.shot(f"totals-compare-{width}")
            parts = page.evaluate(BOXES, "totals")
            assert parts["lines"]["JCS (own figures)"] > 0
            assert parts["lines"]["NIS (own figures)"] > 0
            assert parts["lines"]["Headline (the rule, every claimant)"] > 0
            legend = page.locator("#totals .legend .legendtext").all_text_contents()
            assert "JCS (own figures)" in legend and "NIS (own figures)" in legend
            for item in parts["legendItems"]:
                assert not _overlap(item, parts["plot"]), (width, item, parts["plot"])
                assert not _overlap(item, parts["slider"]), (width, item, parts["slider"])
                for tick in parts["ticks"]:
                    assert not _overlap(item, tick), (width, item, tick)
            assert parts["ticks"], "the date ticks are drawn"
            # The slider under the plot on a wide chart; on a phone only the buttons.
            assert (parts["slider"] is not None) == (parts["width"] >= 500)
            assert page.locator(".brush[data-brush-for=totals] button").first.is_visible()
            assert tab.errors == []
        finally:
            context.close()


def test_the_brush_buttons_narrow_the_chart_and_the_link_carries_the_dates(
    browser, live_server, live_demo
):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = Tab(context, live_server.url)
    try:
        page = tab.open("/timeline/?category=casualties")
        tab.shot("timeline-brush")
        link = page.locator(".brush[data-brush-for=timeline] .brush-filter")
        assert not link.is_visible()
        page.click(".brush[data-brush-for=timeline] button[data-months='6']")
        link.wait_for(state="visible")
        tab.shot("timeline-brush-6m")
        href = link.get_attribute("href")
        # The casualty claims end on 2025-04-28: six months back from there.
        assert re.search(r"date_from=2024-10-28", href) and re.search(r"date_to=2025-04-28", href)
        assert "category=casualties" in href
        page.click(".brush[data-brush-for=timeline] .brush-filter")
        page.wait_for_url(re.compile(r"date_from=2024-10-28"))
        tab.wait_for_charts()
        assert page.locator("input[name=date_from]").input_value() == "2024-10-28"
        assert tab.errors == []
    finally:
        context.close()
