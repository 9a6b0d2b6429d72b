"""Classification of figures and claims without numbers, on sentences of our own."""

from ingest.extract import extract_mentions


def one(text, **kw):
    found = extract_mentions(text, published=kw.pop("published", "2024-11-11"), **kw)
    assert len(found) == 1, [(m.category, m.subtype, m.quote) for m in found]
    return found[0]


def kinds(text):
    return [(m.category, m.subtype) for m in extract_mentions(text, published="2024-11-11")]


def test_casualty_verbs_decide_the_subtype():
    assert one("At least 250 North Korean soldiers were killed near Sudzha.").subtype == "killed"
    assert one("Some 900 North Korean troops have been wounded.").subtype == "wounded"
    m = one("Nearly 1,200 North Korean troops were killed or wounded during the offensive.")
    assert (m.subtype, m.best, m.qualifier) == ("killed_or_wounded", 1200, "approximately")
    assert one("North Korean forces suffered about 600 casualties.").subtype == "killed_or_wounded"
    assert one("Ukraine captured three North Korean soldiers.").subtype == "captured"
    assert one("About 40 North Korean soldiers are missing, Seoul said.").subtype == "missing"


def test_a_participle_does_not_beat_the_main_verb():
    m = one("More than 200 North Korean soldiers sent to the front have been killed.")
    assert (m.category, m.subtype) == ("casualties", "killed")


def test_deployments_and_additional_rotations():
    assert kinds("North Korea has deployed about 11,000 troops to Russia.") == [
        ("troop_deployment", "deployed")
    ]
    assert kinds("Pyongyang sent another 2,000 soldiers to Kursk.") == [
        ("troop_deployment", "additional_deployment")
    ]
    assert kinds("North Korea has decided to send 5,000 more troops to Russia.") == [
        ("troop_deployment", "additional_deployment")
    ]


def test_other_nations_figures_are_not_taken():
    assert kinds("Russia said it had killed 150 Ukrainian soldiers near North Korean lines.") == []
    assert kinds("North Korea watched as 300 Russian soldiers were killed.") == []


def test_arms_nouns_give_subtype_unit_and_weapon_system():
    m = one("North Korea has shipped more than 50 240mm rocket launchers to Russia.")
    assert (m.subtype, m.unit, m.low, m.weapon_system) == (
        "rocket_launchers",
        "launchers",
        50,
        "240mm MRL",
    )
    m = one("Pyongyang delivered roughly 3 million artillery shells to Moscow.")
    assert (m.subtype, m.unit, m.best) == ("artillery_shells", "rounds", 3_000_000)
    assert one("North Korea sent 9,000 containers to Russia.").subtype == "containers"


def test_a_firing_rate_is_not_a_transferred_quantity():
    found = extract_mentions(
        "Russia fires 20,000 North Korean shells a day.", published="2024-11-11"
    )
    # the use of North Korean shells is a claim; the daily rate is not a shipment
    assert [(m.subtype, m.qualifier) for m in found] == [("artillery_shells", "none")]


def test_border_activity():
    m = one("North Korea floated some 500 balloons over the border on Saturday.")
    assert (m.category, m.subtype, m.unit) == ("border_activity", "balloons", "balloons")
    m = one("North Korea has built a fence 12 miles long along the border.")
    assert (m.subtype, m.unit, m.best) == ("fence", "miles", 12)
    m = one("North Korea launched trash balloons 15 times since June.")
    assert (m.subtype, m.unit) == ("balloon_launches", "incidents")
    m = one("Up to 3,000 North Korean soldiers are working along the border.")
    assert m.subtype == "soldiers_at_border"


def test_claims_without_numbers():
    assert kinds("North Korea is supplying 170mm self-propelled guns to Russia.") == [
        ("arms_transfer", "self_propelled_artillery")
    ]
    assert kinds("Russia has been firing North Korean-made missiles at Kyiv.") == [
        ("arms_transfer", "ballistic_missiles")
    ]
    assert kinds("North Korean troops are fighting in the Kursk region.") == [
        ("troop_deployment", "in_combat")
    ]
    assert kinds("Russia has given North Korea technology for its satellites.") == [
        ("other", "technology_transfer")
    ]
    assert kinds("North Korea launched more trash balloons toward the South.") == [
        ("border_activity", "balloon_launches")
    ]


def test_predictions_denials_and_intentions_are_not_claims():
    assert kinds("North Korea may send more troops to Russia.") == []
    assert kinds("North Korea could be supplying drones to Russia.") == []
    assert kinds("Pyongyang has not sent drones to Russia.") == []
    assert kinds("Kim is keen to obtain technology from Russia.") == []
    assert kinds("The South used to broadcast K-pop from loudspeakers near the border.") == []


def test_the_quote_is_the_verbatim_span():
    text = "Officials said on Monday that North Korea sent 7,000 troops to Russia."
    (m,) = extract_mentions(text, published="2024-11-11")
    assert text[m.quote_start : m.quote_end] == m.quote
    assert "7,000 troops" in m.quote
    assert m.rule.startswith("count:")
