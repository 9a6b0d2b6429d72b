"""Attribution: reporting verbs, cues, carry-over, and the injectable alias table."""

from ingest.extract import ClaimantResolver, extract_mentions


def claimant(text, **kw):
    found = extract_mentions(text, published="2024-11-11", **kw)
    return [m.claimant for m in found]


def test_sentence_final_attribution_resolves_through_aliases():
    assert claimant("About 3,000 North Korean soldiers were killed, the JCS said.") == [
        "South Korea Joint Chiefs of Staff"
    ]
    assert claimant(
        "At least 90 North Korean troops were killed, South Korea's spy agency told a panel."
    ) == ["South Korea National Intelligence Service"]


def test_according_to_and_citing():
    assert claimant(
        "North Korea sent 500 more soldiers to Russia, according to Ukraine's "
        "military intelligence."
    ) == ["Ukraine Defence Intelligence (GUR)"]
    assert claimant(
        "North Korea shipped 2 million shells to Russia, Yonhap reported, citing the Pentagon."
    ) == ["US Department of Defense"]


def test_a_named_person_unknown_to_the_table_is_kept_as_written():
    names = claimant("Deputy Minister Jane Roe said 400 North Korean soldiers were killed.")
    assert names == ["Deputy Minister Jane Roe"]


def test_a_following_sentence_of_the_same_paragraph_keeps_the_speaker():
    text = (
        "The NIS said 100 North Korean soldiers were killed. "
        "Another 1,000 North Korean soldiers were wounded."
    )
    assert claimant(text) == ["South Korea National Intelligence Service"] * 2


def test_injected_aliases_override_and_extend_the_defaults():
    aliases = {"Blue House": "South Korea presidential office", "NIS": "Spy Service X"}
    text = "The Blue House said 700 North Korean troops were wounded. The NIS said 50 died."
    assert claimant(text, aliases=aliases) == ["South Korea presidential office", "Spy Service X"]
    resolver = ClaimantResolver([("Acme Watch", "Acme Monitoring Group")], include_defaults=False)
    assert resolver.resolve("the Acme Watch researchers") == "Acme Monitoring Group"
    assert resolver.resolve("JCS") == "JCS"  # no defaults: kept as written


def test_coordinated_speakers():
    found = claimant("Kyiv and Washington say Russia is using North Korean-made missiles.")
    assert found == ["Ukraine government and US government"]


def test_a_resolver_answers_a_phrase_again_as_a_fresh_one_does():
    phrases = [
        ("the National Intelligence Service", None),
        ("military officials", "South Korea"),
        ("military officials", None),
        ("Kyiv and Washington", None),
        ("US and Ukrainian officials", None),
        ("the spy agency", "South Korea"),
        ("", None),
    ]
    aliases = {"the spy agency": "National Intelligence Service"}
    used = ClaimantResolver(aliases)
    first = [used.resolve(p, c) for p, c in phrases]
    again = [used.resolve(p, c) for p, c in reversed(phrases)][::-1]
    fresh = [ClaimantResolver(aliases).resolve(p, c) for p, c in phrases]
    assert first == again == fresh
    assert fresh[1] != fresh[2]  # the country is part of the question
