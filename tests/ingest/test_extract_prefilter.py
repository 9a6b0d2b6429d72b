"""The prefilter in front of the assertion patterns only skips a pattern that cannot match:
extraction finds the same claims with it as without it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from ingest.extract import assertions, claimants, pipeline
from ingest.extract.claimants import ClaimantResolver
from ingest.extract.lexicon import WEAPON
from ingest.extract.prefilter import (
    FOLDS_TO_ASCII,
    Prefilter,
    Sentence,
    may_hold,
    needle_finder,
    needles,
)
from ingest.extract.text import split_sentences

HERE = Path(__file__).parent
PATTERNS, FILTERS = assertions._PATTERNS, assertions._PREFILTERS
ARTICLES = sorted(HERE.glob("extract_*/articles/*.txt"))


def test_the_characters_that_fold_to_ascii_letters_are_all_listed():
    everything = "".join(
        chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF
    )
    folding = {m.group(0) for m in re.finditer("[a-z]", everything, re.IGNORECASE)}
    assert folding == set(FOLDS_TO_ASCII)


def test_a_sentence_without_a_patterns_first_words_skips_it():
    rx = re.compile(r"\b(?:sent|deployed)\s+(?:more\s+)?troops\b", re.IGNORECASE)
    prefilter = Prefilter(rx)
    assert not prefilter.may_match(Sentence("The talks ended without a statement."))
    assert prefilter.may_match(Sentence("Pyongyang SENT more troops."))
    # inside a word is not the start of one: \b must hold
    assert not prefilter.may_match(Sentence("He resent the remark."))


def test_a_letter_that_folds_unlike_lower_turns_the_filter_off():
    rx = re.compile(r"\bsent\b", re.IGNORECASE)
    sentence = "Pyongyang \u017fent troops."  # long s: matches "s" under IGNORECASE
    assert rx.search(sentence)
    assert Prefilter(rx).may_match(Sentence(sentence))


def test_a_pattern_whose_start_cannot_be_read_always_runs():
    prefilter = Prefilter(re.compile(r"\d+\s+\w+"))
    assert prefilter.prefixes is None and prefilter.needles is None
    assert prefilter.may_match(Sentence("No figures here."))


def test_a_pattern_whose_start_cannot_be_read_is_skipped_without_its_strings():
    prefilter = Prefilter(re.compile(r"\d+\s+(?:troops|soldiers)"))
    assert prefilter.prefixes is None
    assert not prefilter.may_match(Sentence("No figures here."))
    assert prefilter.may_match(Sentence("About 300 soldiers."))
    assert not prefilter.may_match(Sentence("About 300 SOLDIERS."))  # as written
    folded = Prefilter(re.compile(r"\d+\s+(?:troops|soldiers)", re.IGNORECASE))
    assert folded.may_match(Sentence("About 300 SOLDIERS."))
    assert not folded.may_match(Sentence("About 300 units."))
    assert folded.may_match(Sentence("About 300 \u017foldiers."))  # long s: read as is


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_no_pattern_that_matches_a_sentence_is_skipped(path):
    text = path.read_text(encoding="utf-8")
    for sent in split_sentences(text):
        sentence = Sentence(text[sent.start : sent.end])
        checks = [(pattern[0], f) for pattern, f in zip(PATTERNS, FILTERS, strict=True)]
        checks.append((WEAPON, assertions._WEAPON_FILTER))
        for rx, prefilter in checks:
            if rx.search(text, sent.start, sent.end):
                assert prefilter.may_match(sentence), (rx.pattern[:60], sentence.lowered)


def test_trying_patterns_only_at_their_word_starts_finds_the_same_matches():
    starts_of = assertions._WORD_STARTS
    checks = [*(pattern[0] for pattern in PATTERNS), WEAPON]
    # lookbehinds before the sentence, a match resuming right after another, a long s
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES] + [
        "These heavy losses and significant casualties among North Korean troops.",
        "Pyongyang \u017fent missiles and shells, shells and drones.",
    ]
    for text in texts:
        for sent in split_sentences(text):
            sentence = Sentence(text[sent.start : sent.end])
            starts = starts_of.starts(text, sent.start, sent.end, sentence)
            for k, rx in enumerate(checks):
                expected = [m.span() for m in rx.finditer(text, sent.start, sent.end)]
                found = starts_of.matches(k, rx, text, sent.start, sent.end, sentence, starts)
                assert [m.span() for m in found] == expected, (rx.pattern[:60], sent)


@pytest.mark.parametrize("index_max", [None, 1000])
def test_word_starts_read_once_per_text_find_the_same_matches_in_any_window(index_max, monkeypatch):
    """The word scans read a text's words once and keep them for its next windows: windows
    that start or end inside a word (its start read from the window's start, its letters
    past the window's end), a text scanned again after another, an equal text that is
    another string, give the matches of the plain scan; so do texts too long to be read
    whole (`index_max`: read a window at a time)."""
    from ingest.extract import dates, numbers, prefilter

    if index_max is not None:
        monkeypatch.setattr(prefilter, "INDEX_MAX", index_max)

    starts_of = assertions._WORD_STARTS
    checks = [*(pattern[0] for pattern in PATTERNS), WEAPON]
    scans = (numbers._ATOM_SCAN, claimants._VERB_SCAN, dates._DATE_SCAN)
    scans += (*(scan for _, scan in assertions._GIVES_SCANS), pipeline._RELAY_CUE_SCAN)
    scans += (assertions._SUPPLY_SCAN,)
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES[::6]]
    texts += [texts[0], "".join(list(texts[0]))]  # again, and an equal copy
    texts += ["North Korean troops were deployed; Pyongyang supplied shells and missiles said"]
    for text in texts:
        for lo in [*range(0, len(text), 89), 1, 2]:
            for hi in (min(len(text), lo + 173), min(len(text), lo + 3), len(text)):
                sentence = Sentence(text[lo:hi])
                starts = starts_of.starts(text, lo, hi, sentence)
                for k, rx in enumerate(checks):
                    expected = [m.span() for m in rx.finditer(text, lo, hi)]
                    found = starts_of.matches(k, rx, text, lo, hi, sentence, starts)
                    assert [m.span() for m in found] == expected, (rx.pattern[:60], lo, hi)
                for scan in scans:
                    expected = [m.span() for m in scan.rx.finditer(text, lo, hi)]
                    assert [m.span() for m in scan.finditer(text, lo, hi)] == expected


def _scanned_whole(resolver, text, lo=0, hi=None):
    """The alias mentions as one scan of the whole table's pattern finds them."""
    hi = len(text) if hi is None else hi
    return [
        (m.start(), m.end(), resolver._canonical[int(m.lastgroup[1:])])
        for m in resolver._rx.finditer(text, lo, hi)
    ]


@pytest.mark.parametrize("index_max", [None, 1000])
def test_the_alias_automaton_finds_what_one_scan_of_the_whole_table_finds(index_max, monkeypatch):
    """Whole texts and windows of them; the text's words read whole and kept, or (a text
    longer than `index_max`) a window at a time; short texts read but not kept."""
    from ingest.extract import prefilter

    if index_max is not None:
        monkeypatch.setattr(prefilter, "INDEX_MAX", index_max)
    # the defaults, and a table as editors keep it: lower-case aliases, a country before a
    # name, a digit first, an alias inside another, an acronym that is not a word
    tables = [
        None,
        {
            "the spy agency": "South Korea National Intelligence Service",
            "South Korean Joint Chiefs": "South Korea Joint Chiefs of Staff",
            "Kim": "Kim Jong Un",
            "Kim Yo Jong": "Kim Yo Jong",
            "38 North": "38 North",
            "ISW analysts": "Institute for the Study of War",
            "MSMT": "Multilateral Sanctions Monitoring Team (MSMT)",
        },
    ]
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES] + [
        "The spy agency and the JCS-led team said; Kim Yo Jong and Kim Jong-un, 38 North.",
        "U.S. and South Korean Joint Chiefs officials, the United States' envoy, NISNIS.",
        "Pyongyang \u017fent troops, the \u212aremlin said (long s, Kelvin sign: scanned whole).",
    ]
    for table in tables:
        resolver = ClaimantResolver(table)
        assert resolver._by_prefix is not None  # the automaton, not the fallback
        for text in texts:
            assert resolver.mentions(text) == _scanned_whole(resolver, text)
            # a sentence's slice: lookbehinds before it, an alias cut at its end
            for lo in range(0, len(text), 53):
                hi = min(len(text), lo + 211)
                assert resolver.mentions(text, lo, hi) == _scanned_whole(resolver, text, lo, hi)


def test_an_alias_whose_start_cannot_be_read_scans_the_whole_table():
    resolver = ClaimantResolver({"«Kim»": "Kim Jong Un", "Żelensky": "Volodymyr Zelensky"})
    assert resolver._by_prefix is None
    text = "Both «Kim» and Żelensky spoke, the JCS said."
    assert resolver.mentions(text) == _scanned_whole(resolver, text)


def test_scanning_only_the_words_a_number_verb_or_date_may_start_finds_the_same():
    from ingest.extract import claimants, dates, numbers

    texts = [p.read_text(encoding="utf-8") for p in ARTICLES] + [
        "About 1,000-1,500 troops; 2.5m shells, a dozen twenty-one 300 000 A-10 x12 12x said.",
        "In the low thousands, several hundred, tens of thousands said; \u017fix hundred (long s).",
        "Since 5th of March 2024, from mid-2023, on Dec. 3, last Monday, x-2024 and 12 May.",
    ]
    texts.append("Russia has reportedly given Pyongyang help; North Korea got it from Moscow.")
    texts.append("A lawmaker said, citing the NIS, after a closed-door briefing by the agency.")
    texts.append("It supplied, ships and handed over shells; it produces and provides rockets.")
    gives = tuple(scan for _, scan in assertions._GIVES_SCANS)
    more = (pipeline._RELAY_CUE_SCAN, assertions._SUPPLY_SCAN)
    for scan in (numbers._ATOM_SCAN, claimants._VERB_SCAN, dates._DATE_SCAN, *gives, *more):
        assert scan.heads is not None
        for text in texts:
            assert [m.span() for m in scan.finditer(text)] == [
                m.span() for m in scan.rx.finditer(text)
            ]
            for sent in split_sentences(text):
                expected = [m.span() for m in scan.rx.finditer(text, sent.start, sent.end)]
                found = scan.finditer(text, sent.start, sent.end)
                assert [m.span() for m in found] == expected


def _segment_start_scanned(text: str, lo: int, end: int) -> int:
    seg_start = lo
    for m in claimants._SEGMENT_BREAK.finditer(text, lo, end):
        seg_start = m.end()
    return seg_start


@pytest.mark.parametrize(
    "text",
    [
        "Officials (NIS) said the agency (JCS said), citing (Kyiv-Independent) that 3 died",
        "The ministry said -- and the agency told reporters - that the region (Kursk) held",
        *(p.read_text(encoding="utf-8") for p in ARTICLES),
    ],
    ids=lambda t: t[:30],
)
def test_a_sentences_segment_breaks_found_once_give_the_scans_answer_at_every_end(text):
    """`_speaker_before` finds where the phrase before a verb starts from the sentence's
    breaks, found once: the same as scanning text[lo:end] for every verb, at every end
    (breaks whose tries would read past `end`, "(NIS)" or "said " cut short, are scanned)."""
    for sentence in split_sentences(text) or []:
        lo, hi = sentence.start, sentence.end
        breaks = [(m.start(), m.end()) for m in claimants._SEGMENT_BREAK.finditer(text, lo, hi)]
        for end in range(lo, hi + 1):
            expected = _segment_start_scanned(text, lo, end)
            assert claimants._segment_start(text, lo, end, breaks) == expected, (lo, end)


def test_a_pattern_opening_with_alternatives_each_at_a_word_is_tried_at_word_starts():
    rx = re.compile(r"(?<!the\s)\b(?:heavy|high)\s+losses\b|\blosses\s+were\s+heavy\b")
    assert Prefilter(rx).at_word_start
    assert not Prefilter(re.compile(r"\bheavy\s+losses|losses\s+were")).at_word_start


def test_the_strings_every_match_holds():
    assert needles(re.compile(r"a+b|c(?:de|fg)")) == ("a", "de", "fg")
    assert needles(re.compile(r"\b(?:Russia|Russian|Moscow)\b")) == ("Moscow", "Russia")
    assert needles(re.compile(r"North\s+Korea(?:ns?)?|Kim\s+Jong[- ]Un")) == ("Jong", "North")
    assert needles(re.compile(r"NORTH", re.IGNORECASE)) == ("north",)
    assert needles(re.compile(r"\w+\s+said")) == ("said",)
    assert needles(re.compile(r"\d+|troops")) is None  # a match may hold no literal
    assert needles(re.compile(r"(?:ab)?c?")) is None
    assert needles(re.compile(r"North\s+Korea|PYONGYANG", re.I)) == ("north", "pyongyang")
    assert needles(re.compile(r"\u0130stanbul", re.I)) is None  # not ASCII in lower case
    assert needle_finder(re.compile(r"\bKyiv|Kiev\.")).pattern == r"Kiev\.|Kyiv"


def test_a_window_without_the_strings_holds_no_match():
    """`_about_north_korea` and `_about_russia` skip the search in such a window."""

    from ingest.extract.lexicon import NORTH_KOREA

    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    texts.append("the North. Korea; N. Korea, N.Korea KN-23 Kim Jong-Un Russians Kiev\u2019s")
    checks = [
        (NORTH_KOREA, pipeline._NK_NEEDLES),
        (pipeline._RUSSIA_OR_WAR, pipeline._RUSSIA_NEEDLES),
    ]
    for rx, strings in checks:
        assert strings is not None
        for text in texts:
            for lo in range(0, len(text), 37):
                for hi in (lo + 5, lo + 40, lo + 400, len(text)):
                    if not may_hold(text, lo, hi, strings):
                        assert rx.search(text, lo, hi) is None, (rx.pattern[:40], lo, hi)


def test_a_sentence_without_the_strings_after_a_weapon_holds_no_origin():
    """`_arms` skips "comes from North Korea" after a weapon where the rest of the sentence
    holds none of its strings (in lower case)."""
    strings = assertions._COMES_FROM_NK_NEEDLES
    rx = assertions._COMES_FROM_NK
    assert strings is not None
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    texts.append("Shells that COME FROM NORTH korea; rockets originating from PYONGYANG.")
    texts.append("Shells \u017fent from North Korea, rockets came from Pyongyang.")
    for text in texts:
        for sent in split_sentences(text):
            lo, hi = sent.start, sent.end
            sentence = Sentence(text[lo:hi])
            for at in range(0, hi - lo, 3):
                if not sentence.holds(at, strings):
                    assert rx.match(text[lo + at : hi]) is None, (lo + at, hi)


def test_the_memo_look_ups_give_what_one_look_up_at_a_time_gives():
    from ingest.extract.prefilter import memo_map

    memo = {"a": None, "b": (), "c": 0}

    def admit(key):
        if len(memo) >= 4:
            memo.clear()  # a full memo starts again on the way
        memo[key] = value = key.upper() if key != "n" else None
        return value

    keys = ["a", "x", "b", "n", "c", "y", "x", "z"]
    assert memo_map(memo, keys, admit) == [None, "X", (), None, 0, "Y", "X", "Z"]
    assert memo_map({}, [], admit) == []


@pytest.mark.parametrize(
    "phrase",
    [
        "The ministry also",
        "the agency, on Monday",
        "Kim ON\u00a0Monday",
        "  also",
        "officials had earlier",
        "the JCS in a statement",
        "the NIS last   week",
        "He al\u017fo",  # long s: "also" under IGNORECASE
        "the \u212aremlin on Sunday",
        "The ministry",
        "on",
        "",
    ],
)
def test_a_phrase_without_a_trailing_adverbs_last_words_has_no_match(phrase):
    assert claimants._may_trail(phrase) or claimants._TRAILING_ADVERBS.search(phrase) is None
    if claimants._TRAILING_ADVERBS.search(phrase):
        assert claimants._may_trail(phrase)


def test_no_phrase_before_a_verb_that_trailing_adverbs_match_is_skipped():
    """`_speaker_before` trims trailing adverbs only from a phrase `_may_trail` lets through:
    every phrase of the test articles that the pattern matches is one."""
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        for sent in split_sentences(text):
            lo, hi = sent.start, sent.end
            for m in re.finditer(r"\w\b", text[lo:hi]):
                end = lo + m.end()
                for width in (12, 40, 90):
                    phrase = text[max(lo, end - width) : end].rstrip()
                    if claimants._TRAILING_ADVERBS.search(phrase):
                        assert claimants._may_trail(phrase), phrase
