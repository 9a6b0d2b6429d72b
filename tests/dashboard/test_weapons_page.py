"""The arms page's list of weapon systems (like Oryx's) and its per-system chart, from a small
fixture worked out by hand, and chart labels that are wrapped, never cut."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tracker import dashboard, figures, services, weapons
from tracker.models import Claim, ClaimSource, WeaponSystem
from tracker.selectors import claims_visible_to


@pytest.fixture
def registry(db):
    weapons.registry_load(WeaponSystem, weapons.registry_entries())
    weapons.forget_index()


@pytest.fixture
def arms(registry):
    """Two claimants, five arms claims and one casualty claim:

    c1 A 2024-11-13  KN-23              no figure        article Y
    c2 B 2024-12-15  KN-23/KN-24        about 100        article X
    c3 B 2025-02-15  KN-23/KN-24        about 150 (B3)   article X
    c4 A 2025-02-27  170mm SPG + 240mm  about 220        articles Y, Z
    c5 A 2025-03-01  KN-23              300, PENDING     article Z
    c6 A 2025-03-02  KN-23              casualties, not an arms claim
    """
    a = ClaimantFactory(name="Alpha Agency", short_name="Alpha")
    b = ClaimantFactory(name="Bravo Bureau", short_name="Bravo")
    x, y, z = (ArticleFactory(text=f"Article {n}: the figures.") for n in "XYZ")

    def claim(who, day, label, articles, **fields):
        fields.setdefault("category", "arms_transfer")
        fields.setdefault("subtype", "ballistic_missiles")
        fields.setdefault("unit", "missiles")
        made = ClaimFactory(claimant=who, claim_date=dt.date.fromisoformat(day),
                            weapon_system=label, **fields)  # fmt: skip
        for article in articles:
            ClaimSource.objects.create(claim=made, article=article, quote="the figures",
                                       quote_start=11, quote_end=22)  # fmt: skip
        services.claim_weapons_set(claim=made)
        return made

    return {
        "c1": claim(a, "2024-11-13", "KN-23", [y], best=None, qualifier="none", unit=""),
        "c2": claim(b, "2024-12-15", "KN-23/KN-24", [x], best=100),
        "c3": claim(b, "2025-02-15", "KN-23/KN-24", [x], best=150, reliability="B",
                    credibility=3),
        "c4": claim(a, "2025-02-27", "170mm SPG and 240mm MRL", [y, z], best=220,
                    subtype="artillery_systems", unit="systems"),
        "c5": claim(a, "2025-03-01", "KN-23", [z], best=300, status=Claim.Status.PENDING),
        "c6": claim(a, "2025-03-02", "KN-23", [z], category="casualties",
                    subtype="killed_or_wounded", unit="troops", best=10),
    }  # fmt: skip


def test_the_table_counts_claims_per_system_as_worked_out_by_hand(arms):
    rows = dashboard.weapon_table(claims_visible_to(None))
    got = [
        (r["slug"], r["claims"], r["first"].isoformat(), r["latest"] and r["latest"]["id"],
         r["claimants"], r["sources"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("kn-23", 3, "2024-11-13", arms["c3"].pk, ["Alpha", "Bravo"], 2),
        ("kn-24", 2, "2024-12-15", arms["c3"].pk, ["Bravo"], 1),
        ("koksan-170mm", 1, "2025-02-27", arms["c4"].pk, ["Alpha"], 2),
        ("m1991-240mm-mrl", 1, "2025-02-27", arms["c4"].pk, ["Alpha"], 2),
    ]
    latest = rows[0]["latest"]
    assert (latest["figure"], latest["claimant"], latest["grade"], latest["unit"]) == (
        "about 150 missiles", "Bravo", "B3", "missiles",
    )  # fmt: skip


def test_editors_asking_for_pending_claims_see_them_counted(arms, editor):
    rows = {r["slug"]: r for r in dashboard.weapon_table(claims_visible_to(editor))}
    assert rows["kn-23"]["claims"] == 4
    assert rows["kn-23"]["latest"]["id"] == arms["c5"].pk and rows["kn-23"]["latest"]["pending"]


def test_the_arms_page_shows_the_table_with_links_and_the_count_chart(client, arms):
    response = client.get("/arms/")
    page = response.content.decode()
    assert [w["slug"] for w in response.context["weapons"]][:2] == ["kn-23", "kn-24"]
    assert 'href="/claims/?category=arms_transfer&amp;weapon=kn-23"' in page
    assert f'href="/claims/{arms["c3"].pk}/"' in page  # the latest figure's claim
    assert "B3" in page and "M1989 Koksan 170 mm self-propelled gun" in page
    counts = response.context["counts_chart"]["figure"]
    dots = counts["data"][1]
    assert dots["x"] == [3, 2, 1, 1]
    assert dots["customdata"][0] == "/claims/?category=arms_transfer&weapon=kn-23"


def test_the_systems_link_opens_the_claims_list_filtered_by_it(client, arms):
    response = client.get("/claims/?category=arms_transfer&weapon=kn-24")
    shown = {c.pk for c in response.context["claims"]}
    assert shown == {arms["c2"].pk, arms["c3"].pk}


def test_filters_narrow_the_table(client, arms):
    response = client.get("/arms/?date_from=2025-01-01")
    rows = {w["slug"]: w["claims"] for w in response.context["weapons"]}
    assert rows == {"kn-23": 1, "kn-24": 1, "koksan-170mm": 1, "m1991-240mm-mrl": 1}


def _plain(label: str) -> str:
    return label.replace("<br>", " ")


def test_long_system_names_are_wrapped_never_cut_in_both_charts(arms):
    rows = dashboard.weapon_table(claims_visible_to(None))
    names = {r["name"] for r in rows}
    counts = figures.weapon_counts_figure(rows)
    timeline = figures.weapons_figure(dashboard.weapon_points(claims_visible_to(None)))
    for fig in (counts, timeline):
        labels = {_plain(y) for trace in fig.data for y in (trace.y or ()) if y is not None}
        assert labels == names  # every name whole, word for word
        assert fig.layout.yaxis.automargin is True  # the margin grows to the label
        assert {_plain(y) for y in fig.layout.yaxis.categoryarray} == names
    wrapped = figures.wrap_label("M1991 240 mm multiple rocket launcher")
    assert "<br>" in wrapped and max(len(line) for line in wrapped.split("<br>")) <= 22


def test_a_claim_naming_two_systems_is_drawn_on_both_rows(arms):
    points = dashboard.weapon_points(claims_visible_to(None))
    mine = sorted(p["weapon_system"] for p in points if p["id"] == arms["c4"].pk)
    assert mine == [
        "M1989 Koksan 170 mm self-propelled gun", "M1991 240 mm multiple rocket launcher",
    ]  # fmt: skip


def test_wrapped_labels_stay_escaped():
    label = figures.wrap_label("<b>Hostile</b> & long name of a system from an article")
    assert "<b>" not in label and "&lt;b&gt;Hostile&lt;/b&gt;" in label


def test_an_empty_table_draws_no_axes_and_says_so(registry):
    fig = figures.weapon_counts_figure([])
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert "No approved claims match these filters" in fig.layout.annotations[0].text
