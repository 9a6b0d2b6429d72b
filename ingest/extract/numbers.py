"""Quantities in a sentence: digits, number words, scales, vague amounts, ranges and hedges.

`find_quantities` returns what a claim could count. It leaves out what only looks like a
number: calibres (240mm), years, dates, times, ages, durations, ordinals, percentages,
money, model names (KN-23) and section numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .prefilter import WordScan, word_heads

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SUFFIX_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}

_W_SMALL = "|".join(sorted(_UNITS, key=len, reverse=True))
_W_ATOM = rf"(?:(?:{_W_SMALL})(?:-(?:{_W_SMALL}))?|dozen|hundred|thousand|million|billion)"
_WORDNUM = rf"(?:an?\s+(?:dozen|hundred|thousand|million)|{_W_ATOM}(?:\s+(?:and\s+)?{_W_ATOM})*)"

_VAGUE = {
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    "thousands": 1_000,
    "hundreds": 100,
    "dozens": 12,
    "millions": 1_000_000,
    "scores": 20,
}
_DIGITS_BRANCH = (
    r"(?P<digits>(?<![\w.,/#])(?<![A-Za-z]-)(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
    r"(?![\w,]|\.\d|\s\d)|\d+)(?:\.\d+)?(?![\d,]\d))"
)
_ATOM = re.compile(
    r"(?P<vague>\b(?:the\s+(?:low|high|mid)\s+(?=(?:hundreds|thousands)\b))?"
    r"(?:(?:tens|hundreds)\s+of\s+thousands|thousands|hundreds|dozens|millions|"
    r"scores(?=\s+of))\b|\b(?:several|a\s+few)\s+(?:hundred|thousand|dozen|million)\b)"
    r"|"
    + _DIGITS_BRANCH
    + r"(?P<scale>(?:\s*|-)(?:million|billion|thousand|hundred)\b|(?:k|mn|bn|m)\b)?"
    rf"|(?P<words>\b{_WORDNUM}\b)"
    r"|(?P<times>\b(?:once|twice|thrice)\b)",
    re.IGNORECASE,
)

# _ATOM tried only at the words its matches may start: a digit, or the first letters of a
# number word or vague amount (its digits branch has a lookbehind for "no letter or digit
# before", the others open with \b).
_ATOM_SCAN = WordScan(
    _ATOM,
    heads=word_heads(_ATOM.pattern.replace(_DIGITS_BRANCH, "(?!x)x"), _ATOM.flags),
    digits=True,
)

# What may directly follow or precede a number that makes it something other than a count.
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_AFTER_NOT_COUNT = re.compile(
    r"(?:\s?-?\s?(?:mm|cm|millimet(?:er|re)s?|calib(?:er|re)s?)\b"
    r"|\s?(?:%|percent\b|per\s?cent\b|pct\b)"
    r"|(?:st|nd|rd|th)\b"
    r"|[-\s](?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|nights?|centur(?:y|ies))\b"
    r"|:\d|/\d|\.\d+\.|\s?(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|KST\b|UTC\b)"
    r"|'s\b|s\b)",
    re.IGNORECASE,
)
_AFTER_MONTH = re.compile(rf"\s*(?:of\s+)?{_MONTHS}\b")
_BEFORE_NOT_COUNT = re.compile(
    rf"(?:\b{_MONTHS}\.?,?\s*|\b(?:aged|ages?|No|Nos|Article|Articles|Resolution|Section|"
    r"Chapter|Paragraph|[Pp]age|Unit|Brigade|Division|Corps|Regiment|Battalion|Route|"
    r"Highway|Hwasong|KN|Su|MiG|Tu|Iskander|Kinzhal|Phase|Level|Room|Gate|Lot|Item|Point|"
    r"Grade|Class|Type|Model|Block|Flight|Channel|Mark|Mk|Part|Step|Vol|Rule)\.?\s*"
    r"|[$€£₩¥#]\s*|\bUS\$\s*|\b(?:the|in|of|since|by|from|until|before|after)\s+(?=(?:19|20)\d\d\b))$"
)
_ONE_NOT_COUNT = re.compile(
    r"\s+(?:of|another|day|point|side|hand|way|thing|time|such|who|that|which|is|was|has|had|"
    r"in|on|at|by|would|will|can|could|should|may|might|must|more)\b",
    re.IGNORECASE,
)
# A year-like figure followed by a counted noun is a count after all ("2000 troops").
_COUNTED = re.compile(
    r"\s+(?:[A-Z][\w-]*\s+){0,2}(?:troops|soldiers|shells|rounds|containers|missiles|balloons|"
    r"drones|workers|casualties)\b"
)
_RATIO = re.compile(r"\b(?:one|\d+)\s+(?:in|out\s+of)\s+$", re.IGNORECASE)
# "three of the seven missiles", "Of the 331 cases, 279 …": the whole the part is taken from
_PART_OF = re.compile(
    r"(?:\b(?:[A-Za-z]+|\d[\d,]*)\s+(?:out\s+)?of\s+(?:the|its|their|these|those|all)\s+|"
    r"(?:^|[.;:]\s+|\n)(?i:of)\s+the\s+)$"
)
# "one-fifth", "one third", "two-thirds": a share, not a count
_FRACTION = re.compile(
    r"[-\s](?:halve?s?|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b",
    re.IGNORECASE,
)
_ONCE_OK = re.compile(
    r"\s*(?:[.,;)]|$|\s(?:since|in|on|this|last|so|before|after|during|over|and|or)\b)"
)

_HEDGES: list[tuple[str, str]] = [
    (r"as many as", "up_to"),
    (r"as much as", "up_to"),
    (r"up to", "up_to"),
    (r"at most", "up_to"),
    (r"no more than", "up_to"),
    (r"not more than", "up_to"),
    (r"a maximum of", "up_to"),
    (r"at least", "at_least"),
    (r"no fewer than", "at_least"),
    (r"not less than", "at_least"),
    (r"a minimum of", "at_least"),
    (r"more than", "more_than"),
    (r"well over", "more_than"),
    (r"just over", "more_than"),
    (r"over", "more_than"),
    (r"above", "more_than"),
    (r"in excess of", "more_than"),
    (r"upwards of", "more_than"),
    (r"exceeding", "more_than"),
    (r"exceeded", "more_than"),
    (r"exceeds", "more_than"),
    (r"exceed", "more_than"),
    (r"topped", "more_than"),
    (r"surpassed", "more_than"),
    (r"north of", "more_than"),
    (r"fewer than", "fewer_than"),
    (r"less than", "fewer_than"),
    (r"just under", "fewer_than"),
    (r"under", "fewer_than"),
    (r"below", "fewer_than"),
    (r"approximately", "approximately"),
    (r"approx\.", "approximately"),
    (r"about", "approximately"),
    (r"around", "approximately"),
    (r"roughly", "approximately"),
    (r"nearly", "approximately"),
    (r"approaching", "approximately"),
    (r"nearing", "approximately"),
    (r"almost", "approximately"),
    (r"close to", "approximately"),
    (r"an estimated", "approximately"),
    (r"estimated", "approximately"),
    (r"some", "approximately"),
    (r"circa", "approximately"),
    (r"~", "approximately"),
]
_HEDGE_AT_END = re.compile(
    r"(?:^|(?<=[\s(“\"]))(" + "|".join(h for h, _ in _HEDGES) + r")\s*$", re.IGNORECASE
)
_HEDGE_QUALIFIER = {h.replace("\\", ""): q for h, q in _HEDGES}
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|or|and)\s*$", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"\b(between|from)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number found in text: its span (with any hedge) and its low/best/high reading."""

    start: int
    end: int
    num_start: int  # the figure itself, without the hedge
    low: float | None
    best: float | None
    high: float | None
    qualifier: str
    kind: str  # digits, words, vague, times, money, range

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(v for v in (self.low, self.best, self.high) if v is not None)


@dataclass
class _Atom:
    start: int
    end: int
    value: float
    kind: str
    scale: float = 1.0


def words_to_number(phrase: str) -> float | None:
    """'one thousand and one hundred' -> 1100; 'a dozen' -> 12; None when not a number."""
    total, current = 0.0, 0.0
    seen = False
    for tok in re.split(r"[\s-]+", phrase.lower()):
        if tok in ("and", ""):
            continue
        if tok in ("a", "an"):
            current = current or 1
            continue
        if tok in _UNITS:
            current += _UNITS[tok]
            seen = True
        elif tok in ("hundred", "dozen"):
            current = (current or 1) * (100 if tok == "hundred" else 12)
            seen = True
        elif tok in _SCALES:
            total += (current or 1) * _SCALES[tok]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _atoms(text: str, lo: int, hi: int) -> list[_Atom]:
    out: list[_Atom] = []
    for m in _ATOM_SCAN.finditer(text, lo, hi):
        before = text[max(lo, m.start() - 30) : m.start()]
        after = text[m.end() : min(hi, m.end() + 30)]
        if m.group("vague"):
            key = re.sub(r"\s+", " ", m.group("vague").lower())
            key = re.sub(r"^the (?:low|high|mid) ", "", key)  # "in the low thousands"
            if key.startswith(("several", "a few")):
                value = float(_SCALES.get(key.split()[-1], 12))
            else:
                value = float(_VAGUE[key])
            out.append(_Atom(m.start(), m.end(), value, "vague"))
        elif m.group("digits"):
            raw = m.group("digits")
            scale_txt = (m.group("scale") or "").strip(" -\t\n").lower()
            scale = _SCALES.get(scale_txt) or _SUFFIX_SCALES.get(scale_txt) or 1
            money = re.search(r"(?:US\$|\$)\s*$", before)
            if _BEFORE_NOT_COUNT.search(before) and not money:
                continue
            if _RATIO.search(before):
                continue  # "one in five rounds"
            if _PART_OF.search(before) and (
                (out and _is_number_before(text, out[-1], m.start()))
                or re.search(r"(?:^|[.;:]\s+|\n)(?i:of)\s+the\s+$", before)
            ):
                continue  # "Of the 331 cases, 279 …", "3 of the 7 missiles"
            if not scale_txt and (_AFTER_NOT_COUNT.match(after) or _AFTER_MONTH.match(after)):
                continue
            if scale_txt == "m" and re.match(r"\s*(?:long|high|wide|deep|tall)\b", after):
                continue  # metres, not millions
            if not scale_txt and re.fullmatch(r"(?:19|20)\d\d", raw) and not _COUNTED.match(after):
                continue  # a year
            start = m.start() - len(money.group(0)) if money else m.start()
            out.append(
                _Atom(
                    start,
                    m.end(),
                    float(re.sub(r"[,\s\u00a0\u202f]", "", raw)) * scale,
                    "money" if money else "digits",
                    scale,
                )
            )
        elif m.group("words"):
            phrase = m.group("words")
            value = words_to_number(phrase)
            if value is None or _AFTER_NOT_COUNT.match(after) or _AFTER_MONTH.match(after):
                continue
            if _FRACTION.match(after):
                continue  # "one-fifth of them": a share
            if _PART_OF.search(before) and out and _is_number_before(text, out[-1], m.start()):
                continue  # "three of the seven": the seven is what the three are part of
            if phrase.lower() == "one" and _ONE_NOT_COUNT.match(after):
                continue
            if re.search(r"\b(?:aged|ages?)\s*$", before) or _RATIO.search(before):
                continue
            scale = next((float(s) for w, s in _SCALES.items() if phrase.lower().endswith(w)), 1)
            out.append(_Atom(m.start(), m.end(), value, "words", scale))
        else:
            word = m.group("times").lower()
            if word == "once" and not _ONCE_OK.match(after):
                continue
            out.append(
                _Atom(m.start(), m.end(), {"once": 1, "twice": 2, "thrice": 3}[word], "times")
            )
    return out


def _is_number_before(text: str, atom: _Atom, at: int) -> bool:
    """The atom ends right before '… of the' that leads to position `at`."""
    return (
        re.fullmatch(
            r"\s+(?:out\s+)?of\s+(?:the|its|their|these|those|all)\s+",
            text[atom.end : at],
        )
        is not None
    )


def _hedge(text: str, lo: int, start: int) -> tuple[int, str | None]:
    """Peel hedges off the text before a number; the one nearest the number wins."""
    qualifier = None
    pos = start
    while True:
        m = _HEDGE_AT_END.search(text, max(lo, pos - 40), pos)
        if not m:
            return pos, qualifier
        if qualifier is None:
            qualifier = _HEDGE_QUALIFIER[re.sub(r"\s+", " ", m.group(1).lower())]
        pos = m.start(1)


def find_quantities(text: str, lo: int = 0, hi: int | None = None) -> list[Quantity]:
    """Quantities in text[lo:hi], with spans in `text` coordinates."""
    hi = len(text) if hi is None else hi
    atoms = _atoms(text, lo, hi)
    out: list[Quantity] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        opener = _RANGE_OPEN.search(text, max(lo, a.start - 10), a.start)
        joined = b is not None and a.kind in ("digits", "words") and b.kind in ("digits", "words")
        if joined:
            gap = text[a.end : b.start]
            joined = bool(_RANGE_JOIN.fullmatch(gap)) and (
                gap.strip().lower() != "and" or bool(opener)
            )
        if joined:
            low, high = a.value, b.value
            if a.scale == 1 and b.scale > 1 and low * b.scale <= high * 1.0001 * b.scale:
                low *= b.scale  # "1.5 to 2 million"
            start = opener.start() if opener else a.start
            start, _ = _hedge(text, lo, start)
            if low < high:
                out.append(Quantity(start, b.end, a.start, low, None, high, "range", "range"))
                i += 2
                continue
        start, qualifier = _hedge(text, lo, a.start)
        if a.kind == "vague":
            out.append(Quantity(start, a.end, a.start, a.value, None, None, "vague", "vague"))
        else:
            q = qualifier or "exact"
            low = a.value if q in ("at_least", "more_than") else None
            high = a.value if q in ("up_to", "fewer_than") else None
            best = a.value if q in ("exact", "approximately") else None
            out.append(Quantity(start, a.end, a.start, low, best, high, q, a.kind))
        i += 1
    return out
