"""Charts in words (tracker.summaries): the sentence under each chart says the headline, who
gives it, its range, as of when and the latest change; a series of events says its sum; an
empty series says so."""

from __future__ import annotations

import re

from tracker.series import SeriesQuery, series_build
from tracker.summaries import claims_summary, series_summary


def _series(category: str, subtype: str, **query) -> dict:
    return series_build(SeriesQuery(category=category, subtype=subtype, **query))


def test_a_running_figure_reads_as_headline_range_claimant_date_and_change(demo):
    text = series_summary(_series("casualties", "killed_or_wounded"))
    # JCS's 4,700 (4,500–5,000) of 28 April 2025 holds the headline; it was 1,100 before.
    assert text.startswith("Casualties: Killed or wounded: 4,700 troops (range 4,500–5,000)")
    assert "according to JCS as of 28 April 2025" in text
    # The headline was 1,100 from NIS's figure of 19 December 2024 (JCS's later 1,100 agreed).
    assert "up 3,600 since 19 December 2024" in text
    # Demo figures are from 2025: the sentence says how old the estimate is.
    assert re.search(r"This estimate is \d+ days old", text)


def test_a_lower_bound_headline_says_at_least(demo):
    gur = demo.claimants["gur"].pk
    text = series_summary(_series("casualties", "killed_or_wounded", claimant_ids=(gur,)))
    assert "at least 3,000 troops according to GUR as of 23 December 2024" in text
    assert "first given on 23 December 2024" in text


def test_events_read_as_their_sum_and_the_latest_event(demo):
    text = series_summary(_series("border_activity", "balloons"))
    assert text == (
        "Border activity: Balloons: 1,950 balloons summed over 4 dated reports from 29 May 2024"
        " to 10 October 2024; the latest, on 10 October 2024, added 470."
    )


def test_an_empty_series_says_so(demo):
    text = series_summary(_series("casualties", "captured"))
    assert text == "Casualties: Captured: no figures under these filters."


def test_a_chart_of_claims_names_its_count_dates_and_latest(demo):
    rows = [
        {"claim_date": "2024-12-19", "subtype": "killed_or_wounded", "category": "casualties",
         "figure": "about 1,100 troops", "claimant": "NIS"},
        {"claim_date": "2025-04-28", "subtype": "killed_or_wounded", "category": "casualties",
         "figure": "about 4,700 troops", "claimant": "JCS"},
    ]  # fmt: skip
    assert claims_summary(rows, what="Claims with figures") == (
        "Claims with figures: 2 claims from 19 December 2024 to 28 April 2025; the latest is"
        " Killed or wounded: about 4,700 troops according to JCS on 28 April 2025."
    )
    assert "no claims" in claims_summary([], what="Weapon systems reported")


def test_pages_render_the_summary_under_each_chart_with_a_link_to_its_table(client, demo):
    html = client.get("/border/").content.decode()
    figures = re.findall(r'<figure class="chart-card">.*?</figure>', html, flags=re.S)
    assert figures
    for figure in figures:
        chart_id = re.search(r'<div class="chart" id="([^"]+)"', figure)[1]
        assert f'aria-describedby="{chart_id}-summary"' in figure
        summary = re.search(rf'<p class="chart-summary" id="{chart_id}-summary">(.*?)</p>', figure)
        # A series panel links to its totals table; the map panel to the map's places table.
        assert summary and re.search(
            r'<a href="/(totals/\?[^"]*#totals|map/\?[^"]*#places)-table">', summary[1]
        )


def test_overview_sparklines_are_images_named_by_their_summary(client, demo):
    html = client.get("/").content.decode()
    sparks = re.findall(r'<div class="chart" id="spark-[^"]+"[^>]*>', html)
    assert sparks
    for tag in sparks:
        assert 'role="img"' in tag
        label = re.search(r'aria-label="([^"]*)"', tag)[1]
        assert len(label) > 30 and (" as of " in label or " summed " in label), label
