"""Round 6 mechanisms (issue 14), each with our own sentences: figures in more phrasings,
claims without numbers, attribution that follows the text, measure and the troop vocabulary."""

import pytest

from ingest.extract import extract_mentions
from ingest.extract.numbers import find_quantities


def found(text, published="2025-03-12"):
    return extract_mentions(text, published=published)


def figures(text):
    return [(q.low, q.best, q.high, q.qualifier) for q in find_quantities(text)]


def plain(text):
    """(category, subtype) of the claims without a number."""
    return [(m.category, m.subtype) for m in found(text) if m.qualifier == "none"]


def claimants(text):
    return [m.claimant for m in found(text)]


# figures in every phrasing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The North floated 25-hundred balloons.", [(None, 2500, None, "exact")]),
        ("Some 40 hundred shells were counted.", [(None, 4000, None, "approximately")]),
        ("A thousand of them were wounded.", [(None, 1000, None, "exact")]),
        ("Tens of thousands of shells arrived.", [(10000, None, None, "vague")]),
        ("Three of the seven missiles hit the town.", [(None, 3, None, "exact")]),
        ("4 of the 9 launchers were seen.", [(None, 4, None, "exact")]),
        ("Of the 210 reported cases, 160 were balloons.", [(None, 160, None, "exact")]),
        ("Nearly half of the soldiers were hurt.", []),
        ("One-fifth of them landed in the South.", []),
        ("Two thirds of the rounds were faulty.", []),
        ("It was the launch for the 20th time this year.", []),
        ("The North fired shells twice.", [(None, 2, None, "exact")]),
        ("Between 8,000 and 9,000 troops moved.", [(8000, None, 9000, "range")]),
        ("Inspectors found 12 000 containers.", [(None, 12000, None, "exact")]),
        ("It shipped more than 30 170mm guns.", [(30, None, None, "more_than")]),
    ],
)
def test_figures_in_many_phrasings(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The wounded were approaching 800 North Korean soldiers, Kyiv said.",
            ("wounded", None, 800, "approximately"),
        ),
        (
            "Pyongyang honoured 14 fallen fighters who had served in Kursk.",
            ("killed", None, 14, "exact"),
        ),
        (
            "Seoul said 40 North Korean soldiers had died and 300 more sustained injuries.",
            ("wounded", None, 300, "exact"),
        ),
        (
            "North Korea shipped 30 122mm multiple launch rocket systems to Russia, Kyiv said.",
            ("rocket_launchers", None, 30, "exact"),
        ),
        (
            "Of the 9,000 soldiers North Korea sent, 1,200 more were recently deployed to Kursk.",
            ("additional_deployment", None, 1200, "exact"),
        ),
    ],
)
def test_counted_nouns_in_more_phrasings(text, expected):
    got = [(m.subtype, m.low, m.best, m.qualifier) for m in found(text) if m.best or m.low]
    assert expected in got


def test_a_share_of_casualties_is_a_claim_kept_without_a_number():
    text = (
        "Kyiv said 2,000 North Korean troops were hurt and one-third of these losses were deaths."
    )
    kinds = [(m.subtype, m.best) for m in found(text) if m.category == "casualties"]
    assert ("killed", None) in kinds


# claims without numbers: facts proposed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The agency said more North Korean soldiers are expected to be sent to Russia soon.",
            ("troop_deployment", "additional_deployment"),
        ),
        (
            "Officials reported fresh troop rotations from North Korea to the Russian front.",
            ("troop_deployment", "additional_deployment"),
        ),
        (
            "A new group of North Korean soldiers is due to arrive in Kursk next week, Kyiv said.",
            ("troop_deployment", "additional_deployment"),
        ),
        (
            "There were brief clashes between Ukrainian units and North Korean troops, he said.",
            ("troop_deployment", "in_combat"),
        ),
        (
            "North Korean soldiers have come under fire near the border, the ministry said.",
            ("troop_deployment", "in_combat"),
        ),
        (
            "Moscow used North Korean troops in night assaults on Ukrainian positions.",
            ("troop_deployment", "in_combat"),
        ),
        (
            "Seoul said the North had moved some of its units to the front line in Kursk.",
            ("troop_deployment", "in_combat"),
        ),
        (
            "Pyongyang said its soldiers fought side by side with Russian troops.",
            ("troop_deployment", "in_combat"),
        ),
        (
            "North Korean units suffered heavy losses in the fighting, the agency said.",
            ("casualties", "killed_or_wounded"),
        ),
        (
            "We have seen casualties among North Korean troops, the president said.",
            ("casualties", "killed_or_wounded"),
        ),
        (
            "Ukrainian paratroopers captured wounded North Korean soldiers near the village.",
            ("casualties", "captured"),
        ),
        (
            "State media showed Kim Jong Un mourning North Korean troops killed in Russia.",
            ("casualties", "killed"),
        ),
        (
            "Kim praised the North Korean comrades who laid down their lives abroad.",
            ("casualties", "killed"),
        ),
        (
            "The JCS said North Korea halted its noise broadcasts along the border on Monday.",
            ("border_activity", "loudspeakers"),
        ),
        (
            "North Korea resumed the launching of its rubbish balloons, the military said.",
            ("border_activity", "balloon_launches"),
        ),
        (
            "North Korea blew up sections of two roads leading south, the JCS said.",
            ("border_activity", "fence"),
        ),
        (
            "Seoul detected GPS signal jamming from North Korea near the western islands.",
            ("border_activity", "gps_jamming"),
        ),
        (
            "Kyiv said North Korea had set up missile assembly lines with Moscow's help.",
            ("other", "technology_transfer"),
        ),
        (
            "Russian instructors are training North Korean crews to fly attack drones, Kyiv said.",
            ("other", "technology_transfer"),
        ),
        (
            "Moscow has agreed to transfer submarine technology to North Korea, officials said.",
            ("other", "technology_transfer"),
        ),
        (
            "Russia is also exporting large amounts of refined petroleum to North Korea.",
            ("other", "payment"),
        ),
        (
            "Pyongyang is now the main supplier of shells and rockets to Russia, Kyiv said.",
            ("arms_transfer", "artillery_shells"),
        ),
        (
            "The Kremlin has been importing ballistic missiles from North Korea, Washington said.",
            ("arms_transfer", "ballistic_missiles"),
        ),
        (
            "The missile that hit the school in Kharkiv was made in North Korea, Kyiv said.",
            ("arms_transfer", "ballistic_missiles"),
        ),
    ],
)
def test_a_stated_fact_without_a_number_is_proposed(text, expected):
    assert expected in plain(text)


@pytest.mark.parametrize(
    "text",
    [
        # predictions, possibilities, denials, questions, references back
        "North Korea could send more troops to Russia next year, analysts said.",
        "There is a possibility that more North Korean troops will be sent, he said.",
        "Moscow denied that North Korean soldiers had come under fire.",
        "Will North Korea send more soldiers to Russia?",
        "The heavy losses were blamed on poor training, the agency said of North Korea's units.",
        "North Korean troops have not suffered heavy losses, Pyongyang insisted.",
        "With Russian help, North Korea is expected to build better missiles, analysts said.",
    ],
)
def test_predictions_denials_questions_and_references_back_are_not_claims(text):
    kinds = plain(text)
    assert ("troop_deployment", "additional_deployment") not in kinds
    assert ("troop_deployment", "in_combat") not in kinds
    assert ("casualties", "killed_or_wounded") not in kinds
    assert ("other", "technology_transfer") not in kinds


# attribution that follows the text


def test_a_lawmaker_citing_the_spy_agency_is_credited_to_the_agency():
    text = (
        "About 2,000 North Korean soldiers have been wounded, a South Korean lawmaker said on "
        "Tuesday, citing the National Intelligence Service."
    )
    assert claimants(text) == ["South Korea National Intelligence Service"]


def test_a_lawmaker_briefed_by_the_spy_agency_keeps_crediting_it_later():
    text = (
        "North Korea has sent about 2,000 more troops to Russia, a lawmaker said after a "
        "briefing by Seoul's spy agency.\n"
        "The lawmaker said 300 North Korean soldiers had been killed."
    )
    assert claimants(text) == ["South Korea National Intelligence Service"] * 2


def test_seouls_military_is_the_joint_chiefs_and_the_spy_agency_is_the_nis():
    assert claimants("Seoul's military said the North flew 90 balloons on Sunday.") == [
        "South Korea Joint Chiefs of Staff"
    ]
    assert claimants("The spy agency said 150 North Korean troops had been killed.") == [
        "South Korea National Intelligence Service"
    ]


def test_it_said_carries_the_nearest_named_claimant():
    text = (
        "Ukraine's intelligence agency said 900 North Korean troops were killed. It said 50 "
        "more North Korean soldiers were captured."
    )
    assert claimants(text) == ["Ukraine Defence Intelligence (GUR)"] * 2


def test_a_reporting_verb_before_or_after_the_claim():
    assert claimants("The NIS said 500 North Korean soldiers were wounded.") == [
        "South Korea National Intelligence Service"
    ]
    assert claimants("500 North Korean soldiers were wounded, the NIS said.") == [
        "South Korea National Intelligence Service"
    ]
    assert claimants("According to the NIS, 500 North Korean soldiers were wounded.") == [
        "South Korea National Intelligence Service"
    ]


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("North Korea has sent 2,000 more troops to Russia, US officials said.", "US officials"),
        (
            "North Korea has sent 2,000 more troops to Russia, a senior US official said.",
            "senior US official",
        ),
        (
            "North Korean losses are heavy, according to assessments by US and Ukrainian "
            "officials.",
            "US and Ukraine officials",
        ),
    ],
)
def test_anonymous_groups_are_claimants_of_their_own(text, claimant):
    assert claimants(text)[0] == claimant


def test_a_country_speaker_is_not_narrowed_to_a_person():
    text = (
        "Volodymyr Zelensky thanked the troops on Sunday.\n"
        "Ukraine said on Monday that 70 North Korean soldiers had been killed."
    )
    assert claimants(text) == ["Ukraine government"]


# measure and the troop vocabulary


@pytest.mark.parametrize(
    ("text", "subtype", "measure"),
    [
        (
            "North Korea has sent a total of 15,000 troops to Russia, rotations included, "
            "Seoul said.",
            "sent_total",
            "cumulative",
        ),
        (
            "Another 2,000 North Korean troops have arrived in Kursk, Kyiv said.",
            "additional_deployment",
            "increment",
        ),
        (
            "Some 11,000 North Korean troops are stationed in Kursk now, the NIS said.",
            "deployed",
            "cumulative",
        ),
        (
            "Pyongyang sent 1,200 military engineers to Kursk, Moscow said.",
            "additional_deployment",
            "increment",
        ),
    ],
)
def test_troop_figures_use_the_troop_vocabulary(text, subtype, measure):
    (m,) = [m for m in found(text) if m.category == "troop_deployment" and m.best]
    assert (m.subtype, m.measure) == (subtype, measure)
    assert f"measure {measure}" in m.rule


@pytest.mark.parametrize(
    ("text", "measure", "why"),
    [
        ("About 300 North Korean troops were killed, the NIS said.", "cumulative", "casualty"),
        (
            "About 300 North Korean troops were killed in the past week, the NIS said.",
            "increment",
            "past week",
        ),
        (
            "So far about 300 North Korean troops have been killed, the NIS said.",
            "cumulative",
            "",
        ),
    ],
)
def test_casualties_are_cumulative_unless_a_period_is_stated(text, measure, why):
    (m,) = [m for m in found(text) if m.category == "casualties"]
    assert m.measure == measure
    assert why in m.rule


# speed: the alias scan is one compiled pattern with a gate in front


def test_the_alias_scan_is_one_pattern_and_finds_capitalised_and_lower_case_aliases():
    from ingest.extract.claimants import ClaimantResolver

    resolver = ClaimantResolver(
        {"defence headquarters": "South Korea Ministry of National Defense"}
    )
    text = (
        "The NIS and the spy agency's analysts disagreed; state media and defence headquarters "
        "said otherwise, as did Seoul's military."
    )
    names = [n for _, _, n in resolver.mentions(text)]
    assert names == [
        "South Korea National Intelligence Service",
        "South Korea National Intelligence Service",
        "North Korea KCNA",
        "South Korea Ministry of National Defense",
        "South Korea Joint Chiefs of Staff",
    ]
    assert hasattr(resolver._rx, "finditer")  # a single compiled pattern, not one per alias


def test_a_date_inside_quoted_speech_is_not_when_it_was_said():
    text = (
        'Kim said on Thursday, "The unit that left on April 2 fought bravely and 12 North Korean '
        'soldiers were killed."'
    )
    (m,) = [m for m in found(text, published="2025-09-20") if m.best == 12]
    assert m.claim_date == "2025-09-18"


def test_a_system_named_inside_a_counted_total_is_a_claim_of_its_own():
    text = (
        "Seoul said North Korea sent about 150 artillery systems to Russia, including 170mm "
        "self-propelled guns."
    )
    got = [(m.subtype, m.best, m.weapon_system) for m in found(text)]
    assert ("self_propelled_artillery", 150, "") in got
    assert ("self_propelled_artillery", None, "170mm self-propelled gun") in got


def test_the_official_of_the_lead_is_the_one_named_next():
    text = (
        "North Korea will send 2,000 more builders to Russia, a top Russian official said.\n"
        "Russian Security Council secretary Sergei Shoigu made the remarks in Pyongyang."
    )
    assert claimants(text)[0] == "Russian Security Council secretary Sergei Shoigu"


def test_an_anonymous_official_stays_anonymous_when_only_an_institution_follows():
    text = (
        "North Korea has sent 2,000 more troops to Russia, a US official said.\n"
        "The US State Department declined to comment on North Korea."
    )
    assert claimants(text)[0] == "US official"


def test_a_country_speaker_with_itself_or_officially_before_its_verb():
    assert claimants("Russia itself reported that 300 North Korean troops were in Kursk.") == [
        "Russia government"
    ]


def test_a_title_points_to_the_person_named_before():
    text = (
        "Kim Jong Un met the returning engineers on Friday.\n"
        "The Chairperson said 14 North Korean soldiers had been killed."
    )
    assert claimants(text) == ["Kim Jong Un"]


def test_a_modifier_letter_apostrophe_in_a_name():
    text = "South Koreaʼs defense minister said North Korea sent 3,000 containers to Russia."
    assert claimants(text) == ["South Korea Ministry of National Defense"]


def test_a_described_report_belongs_to_the_international_body_that_wrote_it():
    text = (
        "The Multilateral Sanctions Monitoring Team published its second study on Monday.\n"
        "North Korea shipped more than 9,000 containers to Russia last year, according to a "
        "new sanctions monitoring report released Monday by Japan's foreign ministry."
    )
    assert claimants(text) == ["Multilateral Sanctions Monitoring Team (MSMT)"]


def test_a_hyphenated_given_name_is_the_same_person():
    text = "Kim Jong-un said 20 North Korean soldiers had been killed in Kursk."
    assert claimants(text) == ["Kim Jong Un"]


def test_a_titled_official_is_named_with_the_title_the_text_gives():
    text = (
        "Russian Defense Minister Sergei Shoigu said North Korea had sent 1,000 sappers to Kursk."
    )
    assert claimants(text) == ["Russia Defence Minister Sergei Shoigu"]
    text = "Andriy Kovalenko said 600 North Korean soldiers had been wounded near Sudzha."
    assert claimants(text) == ["Ukraine Center for Countering Disinformation head Andriy Kovalenko"]


# after held-out 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kyiv said North Korean units had returned to the front line near Sudzha.",
            ("troop_deployment", "in_combat"),
        ),
        (
            "North Korean pilots have been trained at Russian flight schools, the report said.",
            ("other", "technology_transfer"),
        ),
        (
            "About a third of the North Korean force has been killed or wounded, Kyiv said.",
            ("casualties", "killed_or_wounded"),
        ),
        (
            "Roughly half of the shells Russia fires now come from North Korea, Kyiv said.",
            ("arms_transfer", "artillery_shells"),
        ),
    ],
)
def test_facts_found_after_held_out_5(text, expected):
    assert expected in plain(text)


def test_a_list_of_what_russia_gives_is_one_claim_per_kind():
    text = "Moscow has given Pyongyang fuel, money and help with its rocket engines, he said."
    kinds = plain(text)
    assert ("other", "payment") in kinds and ("other", "technology_transfer") in kinds


def test_a_minister_citing_an_agency_passes_on_the_agencys_claim():
    text = (
        "The defence minister told parliament, citing the National Intelligence Service, that "
        "about 500 North Korean soldiers had been wounded."
    )
    assert claimants(text) == ["South Korea National Intelligence Service"]
