"""Article text: the eval header format, paragraphs, sentences and clauses.

Everything works on character offsets into the body so quotes stay verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_KEYS = ("url", "outlet", "published", "title")
_HEADER_LINE = re.compile(r"([a-z_]+):[ \t]?(.*)")


def parse_text_file(raw: str) -> tuple[dict[str, str], str]:
    """Split a text file in the eval format into (headers, body).

    The header is `key: value` lines (url, outlet, published, title) ended by a blank line.
    The body is returned as an exact suffix of `raw`, so offsets into the file are
    `len(raw) - len(body) + offset`. A file without a header is all body.
    """
    headers: dict[str, str] = {}
    pos = 0
    lines = raw.splitlines(keepends=True)
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if headers:
                pos += len(line)
                break
            return {}, raw
        m = _HEADER_LINE.fullmatch(stripped)
        if not m or (m.group(1) not in HEADER_KEYS and not headers):
            return ({}, raw) if not headers else (headers, raw[pos:])
        headers[m.group(1)] = m.group(2).strip()
        pos += len(line)
    return headers, raw[pos:]


def body_offset(raw: str, body: str) -> int:
    """Offset of `body` inside `raw` (body is a suffix of raw by construction)."""
    return len(raw) - len(body)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    index: int  # position in the article, 0-based

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]


# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr rep reps sen gen lt col maj capt sgt adm gov st jr sr vs no nos fig etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx est dept inc corp co ltd".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$")


def _is_abbreviation(text: str, dot: int) -> bool:
    # the word just before the period: "U.S", "Rep", "Jan"
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot]
    if not word:
        return False
    if word.lower() in _ABBREVIATIONS:
        return True
    # initials and dotted acronyms: "U.S", "U.N", "J"
    return bool(re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", word))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a body: one paragraph per line, split at sentence punctuation."""
    out: list[Sentence] = []
    para = -1
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if not text[start:end].strip() or _URL_LINE.match(text[start:end]):
            continue
        para += 1
        seg_start = start
        for m in _BOUNDARY.finditer(text, start, end):
            if text[m.start()] == "." and _is_abbreviation(text, m.start()):
                continue
            _add(out, text, seg_start, m.end(), para)
            seg_start = m.end()
        _add(out, text, seg_start, end, para)
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start >= 3 and any(c.isalpha() for c in text[start:end]):
        out.append(Sentence(start, end, para, len(out)))


# Clause boundaries: hard punctuation, quotation marks, and a comma before a word that opens
# a new clause. Used to cut quotes down to the words that carry the claim.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:[;:]|\s[—–]\s|\s--\s|[“”\"]|,(?=\s+(?:and|but|while|with|which|who|adding|citing|"
    r"according|where|as|including|although|though|whereas)\b))\s*"
)


def clause_span(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause of text[lo:hi] that holds text[start:end], trimmed of edge punctuation."""
    cs, ce = lo, hi
    for m in _CLAUSE_BREAK.finditer(text, lo, hi):
        if m.end() <= start:
            cs = m.end()
        elif m.start() >= end:
            ce = m.start()
            break
    return trim(text, cs, ce)


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink a span past whitespace and dangling punctuation on both sides."""
    while s < e and (text[s].isspace() or text[s] in ",;:.“”\"'‘’—–-)"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ',;:.“”"‘—–-('):
        e -= 1
    return s, e
