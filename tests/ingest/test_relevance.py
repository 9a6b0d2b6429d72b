"""The relevance check reads a text's lower() with case-sensitive patterns: the same verdict,
score and evidence as its case-insensitive patterns on the text as written."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from ingest import relevance
from ingest.extract.prefilter import FOLDS_TO_ASCII

HERE = Path(__file__).parent
ARTICLES = sorted(HERE.glob("extract_*/articles/*.txt"))


def _as_written(title: str, text: str) -> relevance.Relevance:
    """relevance_check with the case-insensitive patterns on the text as written (the path
    taken for a text holding a character lower() does not fold as IGNORECASE does)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(relevance, "unsafe", lambda text: True)
        return relevance.relevance_check(title=title, text=text)


def test_lower_keeps_what_the_case_insensitive_patterns_see_of_every_character():
    word = re.compile(r"\w")
    ascii_any = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF or c in FOLDS_TO_ASCII:
            continue
        low = c.lower()
        assert len(low) == 1, hex(code)
        assert (word.match(c) is None) == (word.match(low) is None), hex(code)
        if code >= 128:  # matches no ASCII character under IGNORECASE, nor lowers to one
            assert ascii_any.match(c) is None and not low.isascii(), hex(code)


def test_the_patterns_have_no_groups_and_lower_case_ascii_terms():
    for (_, _, as_written), (_, _, lowered) in zip(
        relevance._RULES, relevance._LOWERED_RULES, strict=True
    ):
        assert as_written.groups == lowered.groups == 0
        assert lowered.pattern.isascii() and lowered.pattern == lowered.pattern.lower()


@pytest.mark.parametrize(
    "text",
    [
        "North Korean troops (KPA) and Kim Jong-Un's DPRK; the KCNA said Russians in Kursk.",
        "NORTH KOREANS, north korea's Pyongyang; kim jong un; Ukrainians, Ukrainian, ukraine.",
        "Balloons over the DMZ, the demilitarised zone and the Military Demarcation Line (MDL).",
        "inter-Korean loudspeakers at the border; xkpa kpax dmz_ border2 _troops soldiers.",
        "Casualties: 12 killed, 30 wounded; shells, missiles and artillery deployed; weapons.",
        "Σ North Korea ΣKPA kpaΣ ßtroops Éborder Moscow’s Kremlin Putin Kyiv.",
        "\u212apa in Kursk, \u017fhells, \u0130nter-korean, \u0131 troops: the folds (fallback).",
        "",
    ],
    ids=range(8),
)
def test_lowered_patterns_give_the_same_result_as_the_case_insensitive_ones(text):
    title = "North Korea and Russia"
    assert relevance.relevance_check(title=title, text=text) == _as_written(title, text)
    assert relevance.relevance_check(title="", text=text) == _as_written("", text)


def test_the_same_result_on_the_test_articles():
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        got = relevance.relevance_check(title=path.stem, text=text)
        assert got == _as_written(path.stem, text), path.name


def test_every_match_is_found_at_the_same_place():
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES[::3]]
    texts.append("KPA,kpa Kim  Jong Un; Kim Jong-un. NORTH KOREANS north koreans Ukrainians")
    for text in texts:
        for (_, _, as_written), (_, _, lowered) in zip(
            relevance._RULES, relevance._LOWERED_RULES, strict=True
        ):
            expected = [(m.span(), m.group(0).lower()) for m in as_written.finditer(text)]
            found = [(m.span(), m.group(0)) for m in lowered.finditer(text.lower())]
            assert found == expected
