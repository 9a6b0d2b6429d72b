"""Attribution and phrasings added after the second held-out set (own sentences)."""

from ingest.extract import extract_mentions
from ingest.extract.claimants import OFFICIALS


def found(text, published="2025-02-12"):
    return extract_mentions(text, published=published)


def claimants(text):
    return [m.claimant for m in found(text)]


def test_a_titled_speaker_with_lowercase_title_words_is_the_institution():
    text = (
        "Some 7,000 North Korean soldiers are in Russia, Pentagon deputy press secretary "
        "Ann Doe told reporters."
    )
    assert claimants(text) == ["US Department of Defense"]


def test_an_aside_between_speaker_and_verb_is_skipped():
    text = (
        "The Defense Intelligence Agency, in a report released Friday, said North Korea "
        "had handed over about 40 ballistic missiles to Russia."
    )
    assert claimants(text) == ["Defense Intelligence Agency"]
    text = (
        "Sergei Shoigu, on a visit to Pyongyang, said North Korea would send 2,000 "
        "builders to Russia."
    )
    assert claimants(text) == ["Russian Security Council secretary Sergei Shoigu"]


def test_the_agency_added_goes_back_to_the_agency_named_before():
    text = (
        "The Defense Intelligence Agency, in a report released Friday, said North Korea had "
        "shipped 9,000 containers to Russia. The agency added that North Korea had also handed "
        "over short-range ballistic missiles."
    )
    assert claimants(text) == ["Defense Intelligence Agency"] * 2


def test_a_pronoun_speaker_keeps_the_last_named_one():
    text = (
        "Defence Secretary John Healey, speaking in London on Tuesday, said the war was "
        "widening. Russia is giving North Korea satellite technology, he said."
    )
    assert claimants(text) == ["UK Defence Secretary John Healey"]


def test_a_possessive_estimate_names_its_owner():
    text = "By RUSI's estimate, North Korea has shipped more than 30,000 containers to Russia."
    assert claimants(text) == ["Royal United Services Institute"]


def test_a_parenthetical_acronym_belongs_to_the_name():
    text = (
        "The Royal United Services Institute (RUSI) estimated that North Korea shipped "
        "5,000 containers."
    )
    assert claimants(text) == ["Royal United Services Institute"]


def test_a_relayed_claim_belongs_to_the_source_not_the_relayer():
    text = (
        "Rep. Kim Min-ji said the agency estimated that 2,500 North Korean soldiers were "
        "wounded, the NIS being her source."
    )
    assert "Rep" not in (claimants(text)[0] or "")
    text = (
        "The NIS said 500 North Korean soldiers were killed. The agency added that Russia has "
        "given North Korea drone technology, according to Rep. Kim Min-ji."
    )
    assert claimants(text) == ["South Korea National Intelligence Service"] * 2


def test_capitalised_according_to_at_the_start_of_a_sentence():
    text = "According to a senior US official, North Korea has sent 3,000 more troops to Russia."
    assert claimants(text) == ["senior US official"]


def test_a_day_name_is_never_a_speaker():
    text = (
        "The JCS said North Korea sent soldiers to Russia. North Korea shipped more shells, "
        "in a report released Friday, put at 10,000 containers."
    )
    assert "Friday" not in claimants(text)


def test_a_named_country_side_is_not_prefixed_with_another_country():
    text = (
        "Kremlin spokesman Dmitry Peskov said Russia was grateful.\n\n"
        "Kyiv says some 9,000 North Korean soldiers have been sent to Russia."
    )
    assert claimants(text)[-1] == "Ukraine government"


def test_named_officials_map_to_their_institution_for_the_tracker():
    assert OFFICIALS["NATO Secretary General Mark Rutte"] == "NATO"
    assert (
        OFFICIALS["Russian Security Council secretary Sergei Shoigu"] == "Russia Security Council"
    )


def test_new_in_combat_phrasings():
    for sentence in (
        "North Korean troops are being used in assaults in the Kursk region, Kyiv said.",
        "North Korean troops have been committed to offensive operations, the UK said.",
        "Russian forces, supported by North Korean infantry, attacked a village, Kyiv said.",
        "North Korean servicemen fought alongside Russian units, the Kremlin said.",
    ):
        assert [m.subtype for m in found(sentence)] == ["in_combat"], sentence


def test_new_deployment_withdrawal_and_return_phrasings():
    assert [
        m.subtype
        for m in found("North Korean military units had been deployed to Kursk, NATO said.")
    ] == ["deployed"]
    assert [
        m.subtype
        for m in found("North Korean forces were pulled back from front-line positions, ISW said.")
    ] == ["withdrawn"]
    assert [
        m.subtype for m in found("Pyongyang has received Russian know-how on drones, the NIS said.")
    ] == ["technology_transfer"]
    assert [
        m.subtype
        for m in found("Moscow is supplying Pyongyang with air-defence systems, Seoul said.")
    ] == ["technology_transfer"]
    text = "North Korea sent shells. Russia is paying for the shells with oil, she said."
    assert "payment" in [m.subtype for m in found(text)]


def test_containers_of_munitions_are_one_claim_not_two():
    ms = found("North Korea has shipped more than 8,000 containers of munitions to Russia.")
    assert [(m.subtype, m.low) for m in ms] == [("containers", 8000)]
