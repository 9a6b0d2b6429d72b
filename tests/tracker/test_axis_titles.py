"""A chart's value axis names what it counts and its unit once, for every subtype of the
vocabulary (tracker.vocab.axis_title)."""

from __future__ import annotations

import re

import pytest

from tracker import vocab

EVERY_SERIES = [(cat, sub) for cat, subs in vocab.SUBTYPES.items() for sub in subs]
UNITS = [*vocab.UNITS, "tonnes"]  # the vocabulary's units and one it does not know


def test_every_subtype_has_its_own_words():
    for category, subtype in EVERY_SERIES:
        assert subtype in vocab.AXIS_QUANTITIES[category], (category, subtype)


@pytest.mark.parametrize(("category", "subtype"), EVERY_SERIES)
def test_each_subtype_names_its_quantity_and_unit_once_in_any_unit(category, subtype):
    for unit in UNITS:
        title = vocab.axis_title(category, subtype, unit)
        assert title and title[0].isupper(), (unit, title)
        assert "(number)" not in title and "no unit" not in title, (unit, title)
        # "Containers (containers)": the unit's name never follows words that already say it.
        name = vocab.UNITS.get(unit, unit)
        if unit:
            assert len(re.findall(rf"\b{re.escape(name)}\b", title, re.IGNORECASE)) <= 1, title
        words = [w for w in re.findall(r"[a-z]+", title.lower()) if len(w) > 3]
        assert len(words) == len(set(words)), title


@pytest.mark.parametrize("subtype", list(vocab.SUBTYPES["casualties"]))
def test_casualties_are_soldiers_lost_never_a_troops_axis(subtype):
    title = vocab.axis_title("casualties", subtype, "troops")
    assert title.startswith("North Korean soldiers ")
    assert vocab.SUBTYPES["casualties"][subtype].lower() in title
    assert "troops" not in title.lower()


def test_titles_read_as_a_sentence_fragment():
    assert (
        vocab.axis_title("casualties", "killed_or_wounded", "troops")
        == "North Korean soldiers killed or wounded"
    )
    assert vocab.axis_title("troop_deployment", "deployed", "troops") == (
        "North Korean troops in Russia"
    )
    assert vocab.axis_title("arms_transfer", "containers", "containers") == (
        "Containers of munitions shipped"
    )
    assert vocab.axis_title("arms_transfer", "artillery_shells", "rounds") == (
        "Artillery shells supplied"
    )
    # A measuring unit goes in brackets; a counting unit the words do not name is said.
    assert vocab.axis_title("border_activity", "fence", "km") == "Fence or barrier built (km)"
    assert vocab.axis_title("arms_transfer", "artillery_shells", "containers") == (
        "Artillery shells supplied, counted in containers"
    )
    # No unit: the words alone, never "(no unit)".
    assert vocab.axis_title("arms_transfer", "drones", "") == "Drones supplied"


def test_a_panel_mixing_subtypes_names_the_unit_as_the_quantity():
    assert vocab.axis_title("arms_transfer", None, "rounds") == "Rounds supplied"
    assert vocab.axis_title("arms_transfer", None, "missiles") == "Missiles supplied"
    assert vocab.axis_title("casualties", None, "troops") == (
        "North Korean soldiers killed, wounded, captured or missing"
    )
    assert vocab.axis_title("border_activity", None, "balloons") == (
        "Balloons at or across the border"
    )
    assert vocab.axis_title("border_activity", None, "km") == "Border activity (km)"
