"""Mechanisms added after the fourth held-out set, each with our own sentences."""

from ingest.extract import extract_mentions


def found(text, published="2025-06-11"):
    return extract_mentions(text, published=published)


def numbered(text):
    return [(m.subtype, m.low, m.best, m.qualifier) for m in found(text) if m.best or m.low]


# classification


def test_ballistic_missile_launchers_are_launchers_not_missiles():
    text = "Seoul said Pyongyang had shipped about 90 ballistic missile launchers to Russia."
    assert numbered(text) == [("rocket_launchers", None, 90, "approximately")]
    assert [m.unit for m in found(text)] == ["launchers"]


def test_people_destroyed_or_eliminated_are_killed():
    text = "Ukrainian drones eliminated some 25 North Korean soldiers near Sudzha, Kyiv said."
    assert numbered(text) == [("killed", None, 25, "approximately")]


def test_a_casualty_verb_before_more_counts_the_same_people():
    text = (
        "Ukrainian units killed 12 North Korean soldiers in Kursk and injured about 20 more, "
        "the army said."
    )
    assert numbered(text) == [
        ("killed", None, 12, "exact"),
        ("wounded", None, 20, "approximately"),
    ]


# precision guards


def test_equipment_in_a_list_of_losses_is_not_a_delivery():
    text = (
        "North Korean troops fight in Kursk. Russia's losses over the past week included 40 "
        "tanks, 55 artillery systems and 300 drones, Kyiv said."
    )
    assert not [m for m in found(text) if m.category == "arms_transfer"]


def test_north_koreas_own_launches_are_not_a_transfer():
    text = (
        "North Korea sent shells to Russia last year. The North fired 25 ballistic missiles "
        "into the sea in 2024, Tokyo said."
    )
    assert not [m for m in found(text) if m.best == 25]


def test_a_conditional_figure_is_not_a_claim():
    text = "Pyongyang might deploy another 20,000 troops to Russia if the war drags on, he said."
    assert not numbered(text)


def test_a_weapon_inside_an_if_clause_is_not_a_claim():
    text = "If North Korea had sold Russia its shells at market prices, it would be far richer."
    assert not found(text)


# claims without numbers


def test_bare_likely_after_an_auxiliary_is_a_stated_assessment():
    text = "North Korean units have likely been withdrawn from the front line, analysts said."
    assert [m.subtype for m in found(text)] == ["withdrawn"]
    text = "North Korea has likely supplied Russia with ballistic missiles, the ministry said."
    assert [m.subtype for m in found(text)] == ["ballistic_missiles"]


def test_likely_to_is_still_a_prediction():
    text = "North Korean units are likely to be withdrawn from the front line, analysts said."
    assert not found(text)


def test_units_that_continue_to_take_part_in_assaults_are_in_combat():
    text = "North Korean assault units continue to take part in attacks near Kursk, Kyiv said."
    assert [m.subtype for m in found(text)] == ["in_combat"]


def test_some_engaging_in_combat_after_north_korean_troops_are_in_combat():
    text = (
        "Thousands of North Korean soldiers are in Russia. Some have started engaging in "
        "combat near Kursk."
    )
    assert "in_combat" in [m.subtype for m in found(text)]
    assert not [m for m in found("Some have started engaging in combat.")]


# claimants


def test_a_dateline_with_dashes_is_not_part_of_the_speaker():
    text = "TOKYO -- Japan's Defense Ministry said North Korea sent 100 missiles to Russia."
    assert [m.claimant for m in found(text)] == ["Japan Ministry of Defense"]


def test_a_countrys_intelligence_service_is_its_agency():
    text = (
        "South Korea's intelligence service estimated that the North had sent 9 million "
        "shells to Russia."
    )
    assert [m.claimant for m in found(text)] == ["South Korea National Intelligence Service"]


def test_several_countries_officials_are_one_compound_claimant():
    text = (
        "About 12,000 North Korean troops are in Russia, according to British and Ukrainian "
        "officials."
    )
    assert [m.claimant for m in found(text)] == ["UK and Ukraine officials"]


def test_a_compound_subject_names_both_governments():
    text = "Russia and North Korea publicly confirmed that North Korean troops fought in Kursk."
    assert [m.claimant for m in found(text)] == ["Russia government and North Korea government"]


def test_a_bare_surname_is_the_person_named_before():
    text = (
        "Defence Minister Kim Yong-hyun briefed lawmakers on Tuesday. Kim also said North "
        "Korea had sent 150 self-propelled guns to Russia."
    )
    [m] = [m for m in found(text) if m.best]
    assert m.claimant == "South Korea Defense Minister Kim Yong-hyun"


def test_an_appositive_director_speaks_for_the_agency_named_before():
    text = (
        "South Korea's Defense Intelligence Agency briefed lawmakers on Tuesday. Maj. Gen. "
        "Lee Min-su, the agency's director, replied that North Korean units had been "
        "pulled back from the front line."
    )
    assert [m.claimant for m in found(text)] == ["South Korea Defense Intelligence Agency"]


def test_a_capitalised_the_name_is_not_a_reference_back():
    text = (
        "Ukraine's government said on Monday that Russia was losing ground. North Korean units "
        "continue to take part in assaults, the General Staff said."
    )
    assert [m.claimant for m in found(text)] == ["General Staff"]
