"""Comparing claimants and the date brush: several claimants from the URL draw one line each
beside the rule's headline, which they never change; a bad claimant id is a field error; time
charts carry a range slider; the claimant page charts its figures against the headline."""

from __future__ import annotations

import csv
import io

import pytest

from tests.dashboard.test_views import _figures

CAS = "category=casualties&subtype=killed_or_wounded"


def _named(figure: dict, suffix: str) -> list[str]:
    return [t["name"] for t in figure["data"] if (t.get("name") or "").endswith(suffix)]


def _headline(figure: dict) -> dict:
    (trace,) = [t for t in figure["data"] if (t.get("name") or "").startswith("Headline")]
    return trace


@pytest.mark.parametrize("form", ["{a},{b}", "{a}&claimant={b}"])
def test_two_claimants_from_the_url_draw_two_named_lines_beside_an_unchanged_headline(
    client, demo, form
):
    jcs, nis = demo.claimants["jcs"].pk, demo.claimants["nis"].pk
    alone = client.get(f"/totals/?{CAS}")
    compared = client.get(f"/totals/?{CAS}&claimant=" + form.format(a=jcs, b=nis))
    assert compared.status_code == 200
    figure = _figures(compared)["totals"]
    assert sorted(_named(figure, "(own figures)")) == ["JCS (own figures)", "NIS (own figures)"]
    # The other claimants (GUR, UK MoD) speak to this series but are not compared: no line.
    assert all("GUR" not in (t.get("name") or "") for t in figure["data"])
    # The headline is the rule's over every claimant: the same steps as with no claimant chosen.
    before, after = _headline(_figures(alone)["totals"]), _headline(figure)
    assert after["y"] == before["y"] and after["customdata"] == before["customdata"]
    assert after["name"] == "Headline (the rule, every claimant)"
    assert compared.context["current"] == alone.context["current"]
    # Each line is that claimant's own estimates, and nothing else.
    jcs_line = next(t for t in figure["data"] if t.get("name") == "JCS (own figures)")
    own = {f"/claims/{demo.claims[k].pk}/" for k in ("cas2", "cas7")}
    assert set(jcs_line["customdata"]) == own
    html = compared.content.decode()
    assert 'id="compare-note"' in html and "Lines: each claimant" in html
    assert figure["layout"]["title"]["subtitle"]["text"].startswith("Lines: each claimant")


def test_a_compared_claimant_with_no_figure_in_the_series_is_named_in_the_legend(client, demo):
    ukmod, jcs = demo.claimants["ukmod"].pk, demo.claimants["jcs"].pk
    response = client.get(
        f"/totals/?category=troop_deployment&subtype=deployed&claimant={ukmod},{jcs}"
    )
    figure = _figures(response)["totals"]
    assert _named(figure, "(own figures)") == ["JCS (own figures)"]
    assert "UK MoD: no figure in this series" in [t.get("name") for t in figure["data"]]
    assert "(no figure in this series)" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "3;drop", "99999999999999999999", "-1"])
@pytest.mark.parametrize("page", ["/totals/", "/timeline/"])
def test_a_bad_claimant_id_is_a_field_error_not_a_server_error(client, demo, page, value):
    response = client.get(page, {"claimant": value})
    assert response.status_code == 200
    assert "claimant" in response.context["form"].errors
    assert 'class="field-error"' in response.content.decode()
    # The download refuses rather than widen the selection.
    assert client.get("/series.csv", {"claimant": value}).status_code == 400


def test_the_series_csv_of_a_comparison_has_the_chart_s_lines_and_headline(client, demo):
    jcs, nis = demo.claimants["jcs"].pk, demo.claimants["nis"].pk

    def rows(query):
        body = b"".join(client.get(f"/series.csv?{query}").streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(body)))

    every, compared = rows(CAS), rows(f"{CAS}&claimant={jcs},{nis}")
    headline = [(r["date"], r["value"]) for r in every if r["line"] == "headline"]
    assert headline == [(r["date"], r["value"]) for r in compared if r["line"] == "headline"]
    claimants = {r["claimant"] for r in compared if r["line"] == "estimate"}
    assert claimants == {demo.claimants["jcs"].name, demo.claimants["nis"].name}


def test_the_timeline_draws_a_line_per_claimant_and_series_never_joining_two_series(client, demo):
    jcs, gur = demo.claimants["jcs"].pk, demo.claimants["gur"].pk
    response = client.get(f"/timeline/?claimant={jcs},{gur}")
    figure = _figures(response)["timeline"]
    legend = [t["name"] for t in figure["data"] if t.get("showlegend") is not False]
    assert legend == ["JCS (own figures)", "GUR (own figures)"]
    subtype_of = {f"/claims/{c.pk}/": c.subtype for c in demo.claims.values()}
    claimant_of = {f"/claims/{c.pk}/": c.claimant_id for c in demo.claims.values()}
    for trace in figure["data"]:
        assert trace["mode"] == "lines+markers"
        assert len({subtype_of[url] for url in trace["customdata"]}) == 1
        owner = jcs if trace["name"].startswith("JCS") else gur
        assert {claimant_of[url] for url in trace["customdata"]} == {owner}
    # Without claimants chosen the timeline stays as it was: markers by confidence.
    plain = _figures(client.get("/timeline/"))["timeline"]
    assert {t["mode"] for t in plain["data"]} == {"markers"}


@pytest.mark.parametrize("page,chart", [("/totals/", "totals"), ("/timeline/", "timeline")])
def test_time_charts_carry_a_range_slider_and_the_brush_controls(client, demo, page, chart):
    response = client.get(page)
    layout = _figures(response)[chart]["layout"]
    axis = layout["meta"]["brush"]["axis"]
    assert layout[axis]["rangeslider"]["visible"] is True
    html = response.content.decode()
    assert f'data-brush-for="{chart}"' in html and "Filter the page to these dates" in html


def test_the_claimant_page_charts_its_figures_against_the_headline(client, demo):
    jcs = demo.claimants["jcs"]
    response = client.get(jcs.get_absolute_url())
    charts = {chart["id"]: chart["figure"] for chart in response.context["charts"]}
    assert charts, "a claimant with figures gets charts"
    assert len(charts) <= 4
    casualties = charts["claimant-killed_or_wounded"]
    assert _named(casualties, "(own figures)") == ["JCS (own figures)"]
    every = _headline(_figures(client.get(f"/totals/?{CAS}"))["totals"])
    assert _headline(casualties)["y"] == every["y"]
    assert 'class="chart"' in response.content.decode()
    # A series reported only without numbers gets no chart, and leaves room for another.
    gur = client.get(demo.claimants["gur"].get_absolute_url()).context["charts"]
    assert [chart["id"] for chart in gur] == [
        "claimant-artillery_shells",
        "claimant-ballistic_missiles",
        "claimant-killed_or_wounded",
        "claimant-deployed",
    ]


def test_the_headline_table_names_holders_who_are_not_compared_by_their_short_name(client, demo):
    nis, gur = demo.claimants["nis"].pk, demo.claimants["gur"].pk
    alone = client.get(f"/totals/?{CAS}").context["headline"]
    compared = client.get(f"/totals/?{CAS}&claimant={nis},{gur}").context["headline"]
    assert [(s["date"], s["value"], s["short"]) for s in compared] == [
        (s["date"], s["value"], s["short"]) for s in alone
    ]
    assert "JCS" in {s["short"] for s in compared}  # JCS holds the headline, not compared
