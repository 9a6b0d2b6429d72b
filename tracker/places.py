"""The gazetteer: places as data (tracker/data/places.json), loaded into `Place` rows, and the
one resolver from text to a place.

`resolve(text)` finds the place a text names by any of its names (name, slug or alias),
ignoring case, accents, apostrophes and punctuation ("Sudža", "SUDZHA", "Namp'o", "Khasan–
Tumangang" all match). When a text names several places the longest name wins ("Kursk Khalino"
over "Kursk"); a country is chosen only when nothing finer is named, since almost every text
names North Korea and Russia. Ties go to the finer place, then the earlier mention.

The extractor reads sentences, not names: there `resolve(…, prose=True)` leaves out a capital
that stands for its government ("Pyongyang has sent"), and `Gazetteer.shipped_from` finds where
a shipment left from ("from Rajin").
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from itertools import filterfalse
from pathlib import Path

from django.db import transaction

from tracker.models import PRECISION_OF_KIND, Place
from tracker.registries import RegistryCopy

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "places.json"
PLACE_FIELDS = ("name", "kind", "country", "latitude", "longitude", "aliases", "notes")
# Finer first: a tie in length goes to the place that pins a claim down best.
_PRECISION_RANK = {"exact": 0, "area": 1, "region": 2, "country": 3}
_APOSTROPHES = re.compile(r"['’ʼ‘`´]")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """A name as the resolver compares it: lower case, no accents, no apostrophes, words
    separated by single spaces (hyphens and dashes are spaces)."""
    text = text or ""
    if not text.isascii():  # ASCII has no accents to take off
        text = "".join(filterfalse(unicodedata.combining, unicodedata.normalize("NFKD", text)))
    text = _APOSTROPHES.sub("", text).casefold()
    return " ".join(_WORD.findall(text.replace("_", " ")))


def names_of(entry) -> list[str]:
    """Every name a place answers to (entry: a Place or a gazetteer dict), normalised, once."""
    get = entry.get if isinstance(entry, dict) else lambda k: getattr(entry, k)
    names = [get("name"), get("slug").replace("-", " "), *(get("aliases") or [])]
    seen: list[str] = []
    for name in names:
        key = normalise(name)
        if key and key not in seen:
            seen.append(key)
    return seen


def gazetteer_entries(path: Path = GAZETTEER_PATH) -> list[dict]:
    """The gazetteer file's entries, as written."""
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def places_load(
    *, path: Path = GAZETTEER_PATH, entries: list[dict] | None = None, model=Place
) -> dict:
    """Create or update a Place per gazetteer entry, matched by slug (idempotent; places added
    in the admin are left alone). Returns counts of created and updated rows. `model`: the
    migration's historical Place."""
    created = updated = 0
    for entry in gazetteer_entries(path) if entries is None else entries:
        values = {name: entry.get(name, "" if name == "notes" else None) for name in PLACE_FIELDS}
        values["aliases"] = list(values["aliases"] or [])
        place = model.objects.filter(slug=entry["slug"]).first()
        if place is None:
            model.objects.create(slug=entry["slug"], **values)
            created += 1
        elif any(getattr(place, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(place, name, value)
            place.save()
            updated += 1
    return {"created": created, "updated": updated, "total": model.objects.count()}


@dataclass(frozen=True)
class Match:
    place: Place
    start: int  # word index in the text
    words: int
    chars: int


class Gazetteer:
    """Every place's names in memory, for resolving many texts with one query."""

    def __init__(self, places):
        self.by_name: dict[tuple[str, ...], Place] = {}
        for place in places:
            for name in names_of(place):
                # The first place to claim a name keeps it (the data's test forbids clashes).
                self.by_name.setdefault(tuple(name.split()), place)
        self.longest = max((len(key) for key in self.by_name), default=0)
        self.first_words = frozenset(key[0] for key in self.by_name)
        self._kept: dict[tuple[str, bool], tuple[list[str], list[Match]]] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        return cls(Place.objects.all())

    @classmethod
    def current(cls) -> Gazetteer:
        """The gazetteer of this process, read again when a place is saved or deleted
        (tracker.registries): what the pipeline resolves each article's places with."""
        return _current.get()

    def matches(self, text: str, *, prose: bool = False) -> list[Match]:
        """Every place named in `text`, longest names first where two overlap. `prose`: the
        text is running prose, where a seat of government (`GOVERNMENT_SEATS`) names a place
        only after a word that places something there ("in Seoul", "struck Kyiv"); otherwise
        it stands for its government ("Pyongyang has sent", "Seoul said", "support from
        Moscow")."""
        return list(self._read(text, prose=prose)[1])  # a copy: the kept one is shared

    def _read(self, text: str, *, prose: bool) -> tuple[list[str], list[Match]]:
        """The normalised words of `text` and the places they name (`matches`). The last few
        texts' are kept: the extractor reads one paragraph for each of its claims."""
        key = (text, prose)
        kept = self._kept.get(key)
        if kept is None:
            if len(self._kept) >= 8:
                self._kept.clear()
            kept = self._kept[key] = self._read_anew(text, prose=prose)
        return kept

    def _read_anew(self, text: str, *, prose: bool) -> tuple[list[str], list[Match]]:
        words = normalise(text).split()
        found = []
        first_words = self.first_words
        for i in range(len(words)):
            if words[i] not in first_words:  # most words begin no name
                continue
            for n in range(min(self.longest, len(words) - i), 0, -1):
                place = self.by_name.get(tuple(words[i : i + n]))
                if place is not None:
                    chars = sum(len(w) for w in words[i : i + n])
                    found.append(Match(place=place, start=i, words=n, chars=chars))
                    break
        if prose:
            found = [
                m for m in found if m.place.slug not in GOVERNMENT_SEATS or _located(words, m.start)
            ]
        return words, found

    def resolve(
        self,
        text: str,
        *,
        countries: bool = True,
        besides: Place | None = None,
        prose: bool = False,
    ) -> Place | None:
        """The place `text` names (see the module docstring), or None. `countries=False`
        never answers with a country; `besides`: any place but that one; `prose`: as
        `matches` reads prose."""
        candidates = [
            m
            for m in self.matches(text, prose=prose)
            if (countries or m.place.kind != Place.Kind.COUNTRY) and m.place != besides
        ]
        if not candidates:
            return None
        best = min(
            candidates,
            key=lambda m: (
                m.place.kind == Place.Kind.COUNTRY,
                -m.words,
                -m.chars,
                _PRECISION_RANK[PRECISION_OF_KIND[m.place.kind]],
                m.start,
            ),
        )
        return best.place

    def shipped_from(self, text: str) -> Place | None:
        """The place a shipment in the prose `text` left from, or None: the first place, not a
        country, that one of `ORIGIN_CUES` leads to within `ORIGIN_REACH` words ("from Rajin",
        "left the port of Najin", "loaded at Rajin"), unless a word of `ARRIVAL_CUES` comes
        between ("from Rajin to Vostochny": Vostochny is where it went). Countries are never
        origins: nearly every shipment in these texts is from North Korea; nor is a seat of
        government read as its government ("from Pyongyang")."""
        words, found = self._read(text, prose=True)
        for match in found:
            if match.place.kind != Place.Kind.COUNTRY and _leaves_from(words, match.start):
                return match.place
        return None


# Capitals whose names the press uses for their governments: in prose, a place only where a
# word of LOCATIVE_CUES leads to them, past a few words of LOCATIVE_FILLER ("in central Kyiv").
GOVERNMENT_SEATS = frozenset({"pyongyang", "moscow", "seoul", "kyiv"})
LOCATIVE_CUES = frozenset(
    {"in", "at", "near", "outside", "around", "over", "into", "across", "toward",
     "towards", "struck", "strike", "strikes", "hit", "hitting", "attacked", "attacking",
     "targeted", "targeting", "shelled", "bombed", "landed", "visited", "visiting"}
)  # fmt: skip
LOCATIVE_FILLER = frozenset(
    {"the", "central", "downtown", "northern", "southern", "eastern", "western", "capital",
     "greater", "suburban"}
)  # fmt: skip


# Words that place something only after certain others: a strike "on" ("an attack on Kyiv",
# not "sanctions on Pyongyang"), people or parts "of" a city ("residents of Seoul", not "the
# support of Moscow"), a journey "to" ("his visit to Pyongyang", not "shells sent to Moscow").
LOCATIVE_AFTER = {
    "on": frozenset({"attack", "attacks", "strike", "strikes", "assault", "raid", "raids", "fire"}),
    "of": frozenset(
        {"residents", "outskirts", "streets", "centre", "center", "suburbs", "skies", "city"}
    ),
    "to": frozenset({"visit", "visits", "trip", "trips", "flew", "travelled", "traveled"}),
}


def _located(words: list[str], start: int) -> bool:
    """Does a locative word lead to the place named from words[start]?"""
    at = start - 1
    while at >= 0 and words[at] in LOCATIVE_FILLER:
        at -= 1
    if at < 0:
        return False
    if words[at] in LOCATIVE_AFTER:
        return at >= 1 and words[at - 1] in LOCATIVE_AFTER[words[at]]
    return words[at] in LOCATIVE_CUES


# A shipment's start: a word before a place, a few words back at most ("from the northeastern
# port of Rajin").
ORIGIN_CUES = frozenset({"from", "left", "leaving", "departed", "departing", "out"})
# "at" and "in" end a shipment ("arrived at Dunai") unless loading comes first ("loaded at").
ARRIVAL_CUES = frozenset(
    {"to", "into", "toward", "towards", "for", "reached", "reaching", "arrived", "arriving",
     "unloaded", "at", "in"}
)  # fmt: skip
ORIGIN_REACH = 5


def _leaves_from(words: list[str], start: int) -> bool:
    """Does a cue of a shipment's start lead to the place named from words[start]?"""
    for at in range(start - 1, max(start - 1 - ORIGIN_REACH, -1), -1):
        word = words[at]
        if word in ORIGIN_CUES:
            return word != "out" or words[at + 1 : at + 2] == ["of"]
        if word in ARRIVAL_CUES:
            return word in ("at", "in") and at > 0 and words[at - 1] in ("loaded", "loading")
    return False


_current: RegistryCopy[Gazetteer] = RegistryCopy("places", Gazetteer.load)


def connect_signals() -> None:
    _current.connect(Place)


def resolve(text: str, *, countries: bool = True) -> Place | None:
    """The place a text names, by the gazetteer in the database (see the module docstring),
    kept per process until a place changes (`Gazetteer.current()`)."""
    return Gazetteer.current().resolve(text, countries=countries)


def precision_for(place: Place | None) -> str:
    """The location precision a place gives a claim ('' for no place)."""
    return place.default_precision if place is not None else ""
