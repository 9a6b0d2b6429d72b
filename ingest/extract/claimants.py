"""Who asserts a claim: reporting verbs, 'according to', 'citing', sentence subjects.

Names are resolved through an alias table (alias text -> canonical claimant name). The table
is injectable: `ClaimantResolver(aliases)` takes pairs loaded from the `ClaimantAlias` rows and
merges them over the built-in defaults (`DEFAULT_ALIASES`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from .prefilter import WordScan, memo_map, text_words, unsafe, word_gate, word_heads

SK_JCS = "South Korea Joint Chiefs of Staff"
SK_NIS = "South Korea National Intelligence Service"
SK_DIA = "South Korea Defense Intelligence Agency"
UA_GUR = "Ukraine Defence Intelligence (GUR)"
US_DOD = "US Department of Defense"
NATO_RUTTE = "NATO Secretary General Mark Rutte"
RU_SHOIGU = "Russian Security Council secretary Sergei Shoigu"
CSIS = "Center for Strategic and International Studies"
UA_CCD_KOVALENKO = "Ukraine Center for Countering Disinformation head Andriy Kovalenko"

# A named official's canonical name -> the institution they speak for. The extractor names
# the person (with the title, as reports do); the tracker files the claim under the
# institution when no claimant of the person's own name exists (ingest/proposals.py).
OFFICIALS: dict[str, str] = {
    NATO_RUTTE: "NATO",
    "NATO Secretary General Jens Stoltenberg": "NATO",
    RU_SHOIGU: "Russia Security Council",
    "Russian General Staff chief Valery Gerasimov": "Russia Ministry of Defence",
    "UK Defence Secretary John Healey": "UK Ministry of Defence",
    "US Defense Secretary Pete Hegseth": US_DOD,
    "US Defense Secretary Lloyd Austin": US_DOD,
    "US Secretary of State Antony Blinken": "US Department of State",
    "US Secretary of State Marco Rubio": "US Department of State",
    "US State Department": "US Department of State",
    "South Korea Defense Minister Shin Won-sik": "South Korea Ministry of National Defense",
    "South Korea Defense Minister Kim Yong-hyun": "South Korea Ministry of National Defense",
    "South Korea Defense Minister Kim Seon-ho": "South Korea Ministry of National Defense",
    "Kremlin": "Russia Ministry of Defence",
    "Russia Defence Minister Sergei Shoigu": "Russia Ministry of Defence",
    UA_CCD_KOVALENKO: "Ukraine Center for Countering Disinformation",
}

DEFAULT_ALIASES: dict[str, str] = {
    "Joint Chiefs of Staff": SK_JCS,
    "JCS": SK_JCS,
    "South Korean military": SK_JCS,
    "South Korean army": SK_JCS,
    "South Korean armed forces": SK_JCS,
    "National Intelligence Service": SK_NIS,
    "NIS": SK_NIS,
    "spy agency": SK_NIS,
    "South's military": SK_JCS,
    "South's spy agency": SK_NIS,
    "South Korean intelligence": SK_NIS,
    "South Korean intelligence agency": SK_NIS,
    "South Korean military intelligence": SK_DIA,
    "Korea Defense Intelligence Agency": SK_DIA,
    "South Korean Defense Intelligence Agency": SK_DIA,
    "Ministry of National Defense": "South Korea Ministry of National Defense",
    "South Korean defense ministry": "South Korea Ministry of National Defense",
    "South Korean defence ministry": "South Korea Ministry of National Defense",
    "South Korean presidential office": "South Korea presidential office",
    "presidential office": "South Korea presidential office",
    "unification ministry": "South Korea Ministry of Unification",
    "Yoon Suk Yeol": "Yoon Suk Yeol",
    "Yoon Suk-yeol": "Yoon Suk Yeol",
    "Yoon": "Yoon Suk Yeol",
    "Shin Won-sik": "South Korea Defense Minister Shin Won-sik",
    "South Korea": "South Korea government",
    "South Korean government": "South Korea government",
    "South Korean officials": "South Korea government",
    "Ukrainian military intelligence": UA_GUR,
    "Armed Forces of Ukraine": "Armed Forces of Ukraine",
    "Multilateral Sanctions Monitoring Team": "Multilateral Sanctions Monitoring Team (MSMT)",
    "MSMT": "Multilateral Sanctions Monitoring Team (MSMT)",
    "UN Panel of Experts": "UN Panel of Experts",
    "UN panel of experts": "UN Panel of Experts",
    "Ukrainian armed forces": "Armed Forces of Ukraine",
    "South Korean defense minister": "South Korea Ministry of National Defense",
    "South Korean defence minister": "South Korea Ministry of National Defense",
    "Ukrainian intelligence agency": UA_GUR,
    "Ukrainian intelligence": UA_GUR,
    "Ukrainian defence intelligence agency": UA_GUR,
    "Ukrainian Defence Intelligence": UA_GUR,
    "Ukrainian Defense Intelligence": UA_GUR,
    "Defence Intelligence of Ukraine": UA_GUR,
    "Main Intelligence Directorate": UA_GUR,
    "GUR": UA_GUR,
    "HUR": UA_GUR,
    "Kyrylo Budanov": UA_GUR,
    "Budanov": UA_GUR,
    "Ukrainian General Staff": "Ukraine General Staff",
    "General Staff of Ukraine": "Ukraine General Staff",
    "Ukrainian Special Operations Forces": "Ukraine Special Operations Forces",
    "Ukrainian prosecutors": "Ukraine Prosecutor General's Office",
    "Prosecutor General's Office": "Ukraine Prosecutor General's Office",
    "Ukrainian Security Service": "Ukraine Security Service (SBU)",
    "SBU": "Ukraine Security Service (SBU)",
    "Ukrainian defence ministry": "Ukraine Ministry of Defence",
    "Ukrainian defense ministry": "Ukraine Ministry of Defence",
    "Volodymyr Zelensky": "Volodymyr Zelensky",
    "Zelensky": "Volodymyr Zelensky",
    "Zelenskyy": "Volodymyr Zelensky",
    "Zelenskiy": "Volodymyr Zelensky",
    "Ukraine": "Ukraine government",
    "Ukrainian government": "Ukraine government",
    "Ukrainian officials": "Ukraine government",
    "Ukrainian authorities": "Ukraine government",
    "Pentagon": US_DOD,
    "Department of Defense": US_DOD,
    "Defense Department": US_DOD,
    "DoD": US_DOD,
    "Sabrina Singh": US_DOD,
    "Lloyd Austin": "US Defense Secretary Lloyd Austin",
    "State Department": "US State Department",
    "Antony Blinken": "US Secretary of State Antony Blinken",
    "Blinken": "US Secretary of State Antony Blinken",
    "White House": "US White House",
    "John Kirby": "US White House",
    "United States": "US government",
    "US": "US government",
    "American officials": "US government",
    "British Ministry of Defence": "UK Ministry of Defence",
    "UK Ministry of Defence": "UK Ministry of Defence",
    "UK MoD": "UK Ministry of Defence",
    "British defence ministry": "UK Ministry of Defence",
    "British military intelligence": "UK Ministry of Defence",
    "UK Defence Intelligence": "UK Ministry of Defence",
    "Russian Defence Ministry": "Russia MoD",
    "Russian Defense Ministry": "Russia MoD",
    "Russian Ministry of Defence": "Russia MoD",
    "Russia MoD": "Russia MoD",
    "Kremlin": "Kremlin",
    "Dmitry Peskov": "Kremlin",
    "Peskov": "Kremlin",
    "Vladimir Putin": "Vladimir Putin",
    "Putin": "Vladimir Putin",
    "Russia": "Russia government",
    "KCNA": "North Korea KCNA",
    "Korean Central News Agency": "North Korea KCNA",
    "North Korean state media": "North Korea KCNA",
    "state media": "North Korea KCNA",
    "Rodong Sinmun": "North Korea KCNA",
    "Kim Jong Un": "Kim Jong Un",
    "North Korea": "North Korea government",
    "NATO": "NATO",
    "NATO officials": "NATO officials",
    "Mark Rutte": NATO_RUTTE,
    "Rutte": NATO_RUTTE,
    "Jens Stoltenberg": "NATO Secretary General Jens Stoltenberg",
    "Sergei Shoigu": RU_SHOIGU,
    # named with the title the text gives him (he was defence minister until May 2024)
    "Russian Defence Minister Sergei Shoigu": "Russia Defence Minister Sergei Shoigu",
    "Defence Minister Sergei Shoigu": "Russia Defence Minister Sergei Shoigu",
    "Andriy Kovalenko": UA_CCD_KOVALENKO,
    "Andrii Kovalenko": UA_CCD_KOVALENKO,
    "Kovalenko": UA_CCD_KOVALENKO,
    "Center for Countering Disinformation": "Ukraine Center for Countering Disinformation",
    "Shoigu": RU_SHOIGU,
    "Valery Gerasimov": "Russian General Staff chief Valery Gerasimov",
    "Gerasimov": "Russian General Staff chief Valery Gerasimov",
    "John Healey": "UK Defence Secretary John Healey",
    "Healey": "UK Defence Secretary John Healey",
    "Pete Hegseth": "US Defense Secretary Pete Hegseth",
    "Hegseth": "US Defense Secretary Pete Hegseth",
    "Marco Rubio": "US Secretary of State Marco Rubio",
    "Rubio": "US Secretary of State Marco Rubio",
    "Pat Ryder": US_DOD,
    "Tammy Bruce": "US State Department",
    "Matthew Miller": "US State Department",
    "Kim Yong-hyun": "South Korea Defense Minister Kim Yong-hyun",
    "Kim Seon-ho": "South Korea Defense Minister Kim Seon-ho",
    "Andriy Yusov": UA_GUR,
    "Yusov": UA_GUR,
    "General Staff of Ukraine's Armed Forces": "Ukraine General Staff",
    "Ukrainian Armed Forces General Staff": "Ukraine General Staff",
    "General Staff of the Armed Forces of Ukraine": "Ukraine General Staff",
    "General Staff of the Ukrainian Armed Forces": "Ukraine General Staff",
    "Ukraine's General Staff": "Ukraine General Staff",
    "Japan Defense Ministry": "Japan Ministry of Defense",
    "Japan Defence Ministry": "Japan Ministry of Defense",
    "Japan Ministry of Defense": "Japan Ministry of Defense",
    "Japan": "Japan government",
    "Center for Strategic and International Studies": CSIS,
    "CSIS": CSIS,
    "Royal United Services Institute": "Royal United Services Institute",
    "RUSI": "Royal United Services Institute",
    "38 North": "38 North",
    "Institute for the Study of War": "Institute for the Study of War",
    "ISW": "Institute for the Study of War",
    "Yonhap": "Yonhap",
    "Reuters": "Reuters",
    "Associated Press": "AP",
    "AFP": "AFP",
    "NK News": "NK News",
    "Daily NK": "Daily NK",
    "CNN": "CNN",
    "BBC": "BBC",
}
MEDIA = frozenset({"Yonhap", "Reuters", "AP", "AFP", "NK News", "Daily NK", "CNN", "BBC"})
_PERSON_COUNTRY = {
    "Volodymyr Zelensky": "Ukraine",
    "Yoon Suk Yeol": "South Korea",
    "Vladimir Putin": "Russia",
    "Kremlin": "Russia",
    "Kim Jong Un": "North Korea",
}

# Country names in every spelling a report uses; aliases are matched through these forms.
_COUNTRY_FORMS = {
    "South Korea": r"(?:the\s+)?(?:South\s+Korea(?:n|['’ʼ]s)?|Seoul(?:['’ʼ]s)?)",
    "North Korea": r"(?:North\s+Korea(?:n|['’ʼ]s)?|Pyongyang(?:['’ʼ]s)?|DPRK)",
    "Japan": r"(?:Japan(?:ese|['’ʼ]s)?|Tokyo(?:['’ʼ]s)?)",
    "Ukraine": r"(?:Ukraine(?:['’ʼ]s)?|Ukrainian|Kyiv(?:['’ʼ]s)?|Kiev(?:['’ʼ]s)?)",
    "US": r"(?:(?-i:U\.S\.|US)|American|the\s+United\s+States(?:['’ʼ])?|United\s+States|"
    r"Washington(?:['’ʼ]s)?)",
    "UK": r"(?:(?-i:U\.K\.|UK)|British|Britain(?:['’ʼ]s)?)",
    "Russia": r"(?:Russia(?:n|['’ʼ]s)?|Moscow(?:['’ʼ]s)?)",
}
_COUNTRY_PREFIX = re.compile(
    r"^(?:" + "|".join(f"(?P<c{i}>{p})" for i, p in enumerate(_COUNTRY_FORMS.values())) + r")"
    r"(?:\s+|$)",
    re.IGNORECASE,
)
_COUNTRIES = list(_COUNTRY_FORMS)

REPORT_VERB = (
    r"(?:said|says|say|told|tells|tell|added|adds|reported|reports|announced|announces|stated|"
    r"states|estimated|estimates|estimate|claimed|claims|noted|confirmed|confirms|wrote|writes|"
    r"posted|revealed|reveals|disclosed|assessed|assesses|assess|believes|believe|explained|"
    r"warned|indicated|indicates|shared|showed|shows|counted|counts|spotted|detected|observed|"
    r"briefed|informed|testified|alleged|alleges|acknowledged|admitted|published|released|"
    r"cited|quoted|put|puts|replied|responded)"
)
_VERB = re.compile(r"\b" + REPORT_VERB + r"\b")
_VERB_SCAN = WordScan(_VERB)  # tried only at the words a reporting verb may be
_ROLE = (
    r"(?:officials?|spokesperson|spokesman|spokeswoman|sources?|lawmakers?|analysts?|experts?|"
    r"minister|ministry|agency|military|intelligence|commanders?|president|prosecutors|"
    r"government|authorities|researchers|observers|officers?|diplomats?|ambassador|envoy|"
    r"director|chief|head)"
)
_ROLE_NP = re.compile(r"(?:(?:[Aa]n?|[Tt]he|[Oo]ne)\s+)?(?:[\w'’.-]+\s+){0,3}" + _ROLE)
_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:also|previously|earlier|later|then|again|has|have|had|separately|publicly|"
    r"recently|repeatedly|first|further|reportedly|would|will|had\s+earlier|on\s+\w+|"
    r"last\s+\w+|this\s+\w+|in\s+a\s+statement))+$",
    re.IGNORECASE,
)
# The last words a match of _TRAILING_ADVERBS (which ends the text) may end with.
_TRAILING_LAST = frozenset(
    "also previously earlier later then again has have had separately publicly recently "
    "repeatedly first further reportedly would will statement".split()
)
_TRAILING_BEFORE_ANY = frozenset("on last this".split())  # "on Monday", "last week"


def _may_trail(phrase: str) -> bool:
    """False when `_TRAILING_ADVERBS` cannot match in `phrase` (a text without trailing
    whitespace): each match ends the text with \\s and a word of `_TRAILING_LAST`, or with
    "on", "last" or "this", \\s and a word (str.split's whitespace is \\s; a word that is not
    ASCII may fold to a letter under IGNORECASE as lower() does not, and is let through)."""
    words = phrase.rsplit(None, 2)
    if not words:
        return False
    last = words[-1]
    if not last.isascii() or last.lower() in _TRAILING_LAST:
        return True
    if len(words) < 2:
        return False
    before = words[-2]
    return not before.isascii() or before.lower() in _TRAILING_BEFORE_ANY


_RELATIVE_WORDS = frozenset("what which who whom whose where when why how".split())
_PRONOUNS_AND_JOINERS = frozenset("he she they it we i you and but or who which that this".split())
# Where a speaker phrase can start: punctuation, or after "said"/"that" in a chain of reports.
_SEGMENT_BREAK = re.compile(
    r"[,“”\";:—]|\s-{1,2}\s|\((?![A-Z][\w-]{1,7}\))|\b(?:" + REPORT_VERB + r"|that)\s"
)
# How far a try of _SEGMENT_BREAK at a position may read ahead (one character behind, for
# \b): the longest reporting verb and its space, or "(" and its lookahead (10), with room.
_BREAK_REACH = 2 * max(10, *(len(v) + 1 for v in re.findall(r"\w+", REPORT_VERB)))
# Lower-case words of a title inside a named speaker ("Pentagon press secretary Pat Ryder").
_TITLE_WORDS = frozenset(
    "press secretary spokesperson spokesman spokeswoman chief head deputy acting minister "
    "director commander general foreign defence defense prime president secretary-general "
    "envoy ambassador adviser advisor official officials spokespeople intelligence military "
    "security national council staff army navy".split()
)
_PAREN_ACRONYM = re.compile(r"\s*\([A-Z][\w-]{1,7}\)")
# Words that are never a speaker by themselves (a phrase made only of them is junk).
_NOT_SPEAKER = re.compile(
    r"^(?:by\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|June|July|August|September|October|November|December|Today|Yesterday|"
    r"Officials|Analysts|Experts)$",
    re.IGNORECASE,
)
_CONNECTORS = frozenset("of the to for and de da at on".split())
_PREFIX_CUE = re.compile(
    r"(?P<cue>according\s+to|citing|(?:issued|released|published|compiled|provided)\s+by|"
    r"\bby)\s+(?:(?:the|a|an)\s+)?$",
    re.IGNORECASE,
)


_ONE_COUNTRY = "(?:" + "|".join(_COUNTRY_FORMS.values()) + ")"
_COMPOUND_SOURCE = re.compile(
    r"\b(?i:according\s+to|citing)\s+(?:the\s+)?("
    + _ONE_COUNTRY
    + r"(?:,\s*"
    + _ONE_COUNTRY
    + r")*,?\s+and\s+"
    + _ONE_COUNTRY
    + r")\s+(officials|intelligence|governments|sources|authorities)\b",
    re.IGNORECASE,
)


def _country_name(form: str) -> str:
    m = _COUNTRY_PREFIX.match(form.strip() + " ")
    if not m:
        return form.strip()
    key = next(k for k, v in m.groupdict().items() if v)
    return _COUNTRIES[int(key[1:])]


@dataclass(frozen=True)
class Attribution:
    """A claimant found in a sentence, with where its reporting verb stands (for the date)."""

    claimant: str
    start: int
    end: int
    anchor: int  # position of the reporting verb or cue
    rule: str


_MAX_HEADS = 50_000  # entries of each memo of a resolver (first letters, phrases); past it, anew


class ClaimantResolver:
    """Finds and resolves claimant names through an alias table.

    `aliases`: extra (alias -> canonical name) pairs, e.g. from the ClaimantAlias table; they
    override the defaults. `include_defaults=False` uses only the given aliases.
    """

    def __init__(
        self,
        aliases: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        *,
        include_defaults: bool = True,
    ) -> None:
        table: dict[str, str] = dict(DEFAULT_ALIASES) if include_defaults else {}
        if aliases:
            items = aliases.items() if isinstance(aliases, Mapping) else aliases
            table.update((a.strip(), n.strip()) for a, n in items if a and a.strip() and n)
        self.table = table
        self._canonical: list[str] = []
        parts = []
        # More specific aliases first: the regex tries alternatives left to right.
        for alias in sorted(table, key=lambda a: (-len(_alias_rest(a)), -len(a))):
            parts.append(f"(?P<a{len(self._canonical)}>{_alias_pattern(alias)})")
            self._canonical.append(table[alias])
        self._parts = parts
        # The gate in front rejects most word starts at once: a name starts with a capital (or
        # a digit), and only the aliases written in lower case (and "the" before a country) may
        # start with a small letter.
        lower = sorted(
            {re.escape(a.split()[0].lower()) for a in table if a[:1].islower()} | {"the"}
        )
        self._gate = r"(?=(?-i:[A-Z0-9])|(?:" + "|".join(lower) + r")\b)"
        self._rx = self._compiled(range(len(parts)))
        # One automaton over the text (`mentions`): an index from a word's first letters to
        # the aliases that may start there (ingest.extract.prefilter), so that each word start
        # tries only those few, in the table's order, not all of them.
        self._by_prefix: dict[str, set[int]] | None = {}
        for k, part in enumerate(parts):
            heads = word_heads(part, re.IGNORECASE)
            if heads is None:  # its start cannot be read: every word start would try it
                self._by_prefix = None
                break
            for head in heads:
                self._by_prefix.setdefault(head, set()).add(k)
        self._word_starts = word_gate(self._by_prefix or ())  # the words an alias may start
        self._by_head: dict[str, re.Pattern | None] = {}  # a word's head -> its aliases' regex
        self._by_key: dict[str, re.Pattern | None] = {}  # memo of _admit
        self._by_aliases: dict[tuple[int, ...], re.Pattern] = {}
        # resolve's answers: a function of the phrase, the country and this table alone
        self._resolved: dict[tuple[str, str | None], str | None] = {}

    def _compiled(self, aliases: Iterable[int]) -> re.Pattern:
        """The pattern that finds the given aliases (indexes into the sorted table), which
        keep their order and their group names (a<index>)."""
        body = "|".join(self._parts[k] for k in aliases) or r"(?!x)x"
        return re.compile(r"(?<![\w-])" + self._gate + r"(?:" + body + r")(?![\w-])", re.IGNORECASE)

    def _at_head(self, head: str) -> re.Pattern | None:
        """The pattern of the aliases a word starting with `head` (its first LENGTH letters,
        lower case) may start: those with a prefix that begins `head`; None when none may."""
        ks: set[int] = set()
        for k in range(1, len(head) + 1):
            ks |= self._by_prefix.get(head[:k], set())
        if not ks:
            return None
        key = tuple(sorted(ks))
        rx = self._by_aliases.get(key)
        if rx is None:
            rx = self._by_aliases[key] = self._compiled(key)
        return rx

    def _admit(self, key: str) -> re.Pattern | None:
        """The pattern of the aliases that may start at a word whose text begins with `key`
        (as written: the gate reads the first letter's case); None when none may."""
        if len(self._by_key) >= _MAX_HEADS:
            self._by_key.clear()
        rx = None
        if self._word_starts.match(key):
            head = key.lower()
            if head in self._by_head:
                rx = self._by_head[head]
            else:
                if len(self._by_head) >= _MAX_HEADS:
                    self._by_head.clear()
                rx = self._by_head[head] = self._at_head(head)
        self._by_key[key] = rx
        return rx

    def mentions(self, text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of every alias in text[lo:hi], as one scan of the
        whole table's pattern finds them (leftmost first, the table's order among those that
        start at the same place, each scan resumed where the last match ended).

        Every alias starts a word (the pattern requires no letter or hyphen before it, and
        each alias opens with a letter or digit), so only word starts are tried, each with
        the aliases its first letters admit. `rx.match` at a position sees the same text
        around it (lookbehind, gate, lookahead) as the scan does, and the aliases left out
        cannot match there, so the matches are the same. A text whose lower() misleads
        (prefilter.unsafe), or a table whose starts cannot be read, is scanned whole."""
        hi = len(text) if hi is None else hi
        canonical = self._canonical
        if self._by_prefix is None or unsafe(text[lo:hi]):
            return [
                (m.start(), m.end(), canonical[int(m.lastgroup[1:])])
                for m in self._rx.finditer(text, lo, hi)
            ]
        # The text's words (read once per article, `prefilter.text_words`) in text[lo:hi], each
        # with the pattern of the aliases its first letters admit (what follows the word, past
        # its end, only adds aliases to try). The gate's starts are the text's word starts (its
        # lookbehind reads before `lo` as they do); a start inside a word, where a long text is
        # read from `lo`, matches nothing (no letter before an alias).
        starts, keys = text_words(text, lo, hi)
        i, j = bisect_left(starts, lo), bisect_left(starts, hi)
        memo, admit = self._by_key, self._admit
        patterns = memo_map(memo, keys[i:j], admit)
        found, end = [], lo
        for at, rx in zip(compress(starts[i:j], patterns), filter(None, patterns), strict=True):
            if at < end:
                continue  # inside the previous match: the scan resumes after it
            m = rx.match(text, at, hi)
            if m is not None:
                found.append((at, m.end(), canonical[int(m.lastgroup[1:])]))
                end = m.end()
        return found

    def resolve(self, phrase: str, default_country: str | None = None) -> str | None:
        """Canonical name for a speaker phrase; the phrase itself (tidied) when unknown
        (remembered: a speaker's phrase recurs through an article and across articles)."""
        key = (phrase, default_country)
        resolved = self._resolved
        if key in resolved:
            return resolved[key]
        if len(resolved) >= _MAX_HEADS:
            resolved.clear()
        name = resolved[key] = self._resolve(phrase, default_country)
        return name

    def _resolve(self, phrase: str, default_country: str | None) -> str | None:
        phrase = _tidy(phrase)
        if not phrase:
            return None
        group = anonymous_group(phrase)
        if group:
            return group
        parts = re.split(r"\s+and\s+", phrase)
        if len(parts) > 1 and all(self._whole(p) for p in parts):
            return " and ".join(dict.fromkeys(self._whole(p) for p in parts))
        found = self.mentions(phrase)
        specific = [f for f in found if not is_country_level(f[2])]
        if specific:
            return max(specific, key=lambda f: f[1] - f[0])[2]
        if found:
            s, e, name = found[0]
            rest = (phrase[:s] + phrase[e:]).strip().lower()
            if rest in ("", "officials", "government", "authorities", "leaders", "officials have"):
                return name
            # a titled person ("U.S. Deputy Ambassador ... Dorothy Shea") or a role
            # ("senior Ukrainian intelligence official"): keep the words
            return phrase
        return with_country(phrase, default_country)

    def _whole(self, phrase: str) -> str | None:
        m = self._rx.fullmatch(_tidy(phrase))
        return self._canonical[int(m.lastgroup[1:])] if m else None


def with_country(name: str, country: str | None) -> str:
    """'military officials' -> 'South Korea military officials': a bare role gets the side
    the article's sources speak for."""
    if (
        country
        and _ROLE_NP.fullmatch(name)
        and not re.search(r"\s[A-Z]", name)
        and not _COUNTRY_PREFIX.match(name)  # "Ukraine government" already has its side
    ):
        return f"{country} {name[0].lower()}{name[1:]}"
    return name


# "US officials", "a senior U.S. official", "South Korean and Western intelligence sources":
# an anonymous group is a claimant of its own, named as the text names it
_GROUP_WORDS = (
    r"(?:officials?|sources?|diplomats?|authorities|officers?|analysts|experts|estimates|"
    r"intelligence\s+(?:officials?|sources?|agencies|services))"
)
_COUNTRY_ANY = "(?:" + "|".join(_COUNTRY_FORMS.values()) + r"|Western|Ukrainian|American|British)"
ANONYMOUS_GROUP = re.compile(
    r"(?:(?:an?|the|some|several|two|three|other)\s+)?(?:(?:senior|top|unnamed|anonymous|"
    r"high-ranking|military|defen[cs]e|government|intelligence|security)\s+){0,2}"
    + _COUNTRY_ANY
    + r"(?:\s*(?:,|and|or)\s*(?:the\s+)?"
    + _COUNTRY_ANY
    + r")*\s+(?:(?:senior|military|defen[cs]e|government|intelligence|security)\s+){0,2}"
    + _GROUP_WORDS,
    re.IGNORECASE,
)


def anonymous_group(phrase: str) -> str | None:
    """'a senior U.S. official' -> 'senior U.S. official'; None when not an anonymous group."""
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,.;:\"“”'")
    if not ANONYMOUS_GROUP.fullmatch(phrase):
        return None
    sides = list(re.finditer(_COUNTRY_ANY, phrase, re.IGNORECASE))
    if len(sides) > 1:  # "US and Ukrainian officials" -> "US and Ukraine officials"
        names = list(dict.fromkeys(_country_name(c.group(0)) for c in sides))
        tail = phrase[sides[-1].end() :].strip().lower()
        return ", ".join(names[:-1]) + " and " + names[-1] + " " + tail
    phrase = re.sub(r"^(?:an?|the|some)\s+", "", phrase, flags=re.IGNORECASE)
    if sides:  # "Ukrainian officials" -> "Ukraine officials": the side, as the registry names it
        side = list(re.finditer(_COUNTRY_ANY, phrase, re.IGNORECASE))[0]
        phrase = phrase[: side.start()] + _country_name(side.group(0)) + phrase[side.end() :]
    return phrase


# an institution rather than a person: what a country-level speaker may be narrowed to
INSTITUTION = re.compile(
    r"\b(?:Service|Agency|Ministry|Staff|Office|Intelligence|Council|Forces|Military|Army|"
    r"Department|Command|Directorate|Commission|Team|Institute|Government|\(GUR\)|NIS|JCS|KCNA|"
    r"Armed\s+Forces)\b"
)


def is_country_level(name: str) -> bool:
    return name.endswith(" government")


def side_of(name: str | None) -> str | None:
    """The country named anywhere in a claimant name ("top Russian official" -> Russia)."""
    if not name:
        return None
    m = re.search(_COUNTRY_ANY, name, re.IGNORECASE)
    return _country_name(m.group(0)) if m else country_of(name)


def country_of(name: str | None) -> str | None:
    """The country a canonical claimant speaks for, when its name says so."""
    if not name:
        return None
    for country in _COUNTRIES:
        if name.startswith(country + " "):
            return country
    return _PERSON_COUNTRY.get(name)


def _alias_rest(alias: str) -> str:
    m = _COUNTRY_PREFIX.match(alias)
    return alias[m.end() :] if m else alias


def _alias_pattern(alias: str) -> str:
    m = _COUNTRY_PREFIX.match(alias)
    country = ""
    rest = alias
    if m:
        key = next(k for k, v in m.groupdict().items() if v)
        country = _COUNTRY_FORMS[_COUNTRIES[int(key[1:])]]
        rest = alias[m.end() :]
    words = [
        re.sub(r"(?i)defen[cs]e", "defen[cs]e", re.escape(w).replace("'", "['’ʼ]"))
        for w in rest.split()
    ]
    rest_rx = r"(?:\s+|-)".join(words)  # "Kim Jong Un" is also "Kim Jong-un"
    if rest_rx and rest.isupper() and len(rest) <= 5:
        rest_rx = f"(?-i:{rest_rx})"  # acronyms: NIS, GUR, not 'nis'
    if country and rest_rx:
        return rf"{country}\s+{rest_rx}"
    return country or rest_rx


def _tidy(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase.replace("’", "'").replace("ʼ", "'")).strip(" ,.;:\"“”'")
    phrase = re.sub(r"^(?:the|a|an|both)\s+", "", phrase, flags=re.IGNORECASE)
    # "assessments by US officials", "a report from the agency": the author
    phrase = re.sub(
        r"^(?:(?:latest|new|recent|separate|joint|its|their)\s+)?(?:assessments?|estimates?|"
        r"reports?|analys[ie]s|figures|data|statements?|briefings?)\s+(?:by|from|of)\s+"
        r"(?:the\s+)?",
        "",
        phrase,
        flags=re.IGNORECASE,
    )
    return phrase.strip()


@lru_cache(maxsize=16)
def _cached(aliases: tuple[tuple[str, str], ...] | None) -> ClaimantResolver:
    return ClaimantResolver(aliases)


def resolver_for(aliases=None) -> ClaimantResolver:
    """A resolver for an alias table (a resolver, a mapping, pairs, or None for the defaults)."""
    if isinstance(aliases, ClaimantResolver):
        return aliases
    if aliases is None:
        return _cached(None)
    items = aliases.items() if isinstance(aliases, Mapping) else aliases
    return _cached(tuple(sorted((str(a), str(n)) for a, n in items)))


# A reporting verb right after an alias ("the agency said"), or past an aside ("X, on his third
# trip to Pyongyang, said").
_VERB_AFTER_ALIAS = re.compile(
    r"(?:\s+(?:service|agency|ministry|office|also|previously|earlier|has|have|had|itself|"
    r"themselves|officially|publicly|formally|"
    r"on\s+\w+|last\s+\w+|in\s+a\s+\w+|that|,)){0,3}\s+(" + REPORT_VERB + r")\b"
)
_VERB_PAST_ASIDE = re.compile(
    r"(?:\s+[A-Z][\w'’.-]*){0,4}\s*,[^,.;:“”\"]{2,90},(?:\s+(?:also|has|have|had))?\s+("
    + REPORT_VERB
    + r")\b"
)


def find_attributions(
    text: str,
    lo: int,
    hi: int,
    resolver: ClaimantResolver,
    default_country: str | None = None,
    mentions: list[tuple[int, int, str]] | None = None,
) -> list[tuple[float, Attribution]]:
    """Candidate claimants of the sentence text[lo:hi], each with a rank (higher wins).

    `mentions`: the article's alias mentions, when already found (saves a pass).
    """
    out: list[tuple[float, Attribution]] = []
    if mentions is None:
        mentions = resolver.mentions(text, lo, hi)
    else:
        # sorted by start (one pass of the resolver): the sentence's are a slice of them
        first = bisect_left(mentions, lo, key=_start)
        last = bisect_left(mentions, hi, lo=first, key=_start)
        mentions = [m for m in mentions[first:last] if m[1] <= hi]
    covered: set[int] = set()
    for s, e, name in mentions:
        if is_country_level(name) and re.search(r"(?:n|ish|['’ʼ]s)$", text[s:e]):
            continue  # "the South Korean spy agency": an adjective, not a speaker
        after = text[e : min(hi, e + 40)]
        before = text[max(lo, s - 40) : s]
        cue = _PREFIX_CUE.search(before)
        after = text[e : min(hi, e + 130)]
        verb = _VERB_AFTER_ALIAS.match(after) or _VERB_PAST_ASIDE.match(after)
        if cue:
            rank = {"citing": 5.0, "according": 3.0}.get(cue.group("cue").split()[0].lower(), 1.5)
            out.append((rank, Attribution(name, s, e, s, "cue:" + cue.group("cue").split()[0])))
        elif verb:
            out.append((4.0, Attribution(name, s, e, e + verb.start(1), "verb:alias")))
            covered.add(e + verb.start(1))
    breaks = None  # the sentence's segment breaks, found once for all its verbs
    for m in _VERB_SCAN.finditer(text, lo, hi):
        if breaks is None:
            breaks = list(map(re.Match.span, _SEGMENT_BREAK.finditer(text, lo, hi)))
        np = _speaker_before(text, lo, m.start(), breaks)
        if np:
            name = resolver.resolve(text[np[0] : np[1]], default_country)
            if not name:
                continue
            if " and " in name:  # "Both Kyiv and Washington said": both, over either alias
                out.append((4.5, Attribution(name, np[0], np[1], m.start(), "verb:phrase")))
            elif m.start() not in covered:
                out.append((2.0, Attribution(name, np[0], np[1], m.start(), "verb:phrase")))
    for m in _COMPOUND_SOURCE.finditer(text, lo, hi):
        # "according to U.S., South Korean and Ukrainian officials": all of them
        sides = [_country_name(c) for c in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1))]
        name = ", ".join(sides[:-1]) + " and " + sides[-1] + " " + m.group(2).lower()
        out.append((3.5, Attribution(name, m.start(1), m.end(2), m.start(), "cue:according")))
    for m in re.finditer(r"\b[Aa]ccording\s+to\s+([^,.;“”\"()]{2,80})", text[lo:hi]):
        s = lo + m.start(1)
        if not any(a.start == s for _, a in out):
            name = resolver.resolve(m.group(1), default_country)
            if name:
                out.append(
                    (2.5, Attribution(name, s, lo + m.end(1), lo + m.start(), "cue:according"))
                )
    return [(r - (2.5 if a.claimant in MEDIA else 0) + _relayed(a, out, text), a) for r, a in out]


def _start(mention: tuple[int, int, str]) -> int:
    return mention[0]


def _relayed(a: Attribution, out: list[tuple[float, Attribution]], text: str) -> float:
    """'Rep. Park said the agency estimated that ...': the speaker a relayer reports on is the
    source, so a speaker right after another's reporting verb ranks higher."""
    for _, other in out:
        if a.rule.startswith("verb") and other.rule == "cue:according" and other.anchor > a.end:
            return 1.0  # "the agency added that ..., according to Rep. Lee": the agency
        if other is not a and other.anchor < a.start <= other.anchor + 40:
            between = text[other.anchor : a.start]
            if re.fullmatch(r"\w+(?:\s+(?:that|reporters|lawmakers))?\s+(?:the\s+)?", between):
                return 0.6
    return 0.0


def _segment_start(text: str, lo: int, end: int, breaks: list[tuple[int, int]] | None) -> int:
    """The end of the last match of `_SEGMENT_BREAK.finditer(text, lo, end)` (lo if none).

    `breaks`: the (start, end) of its matches in the whole sentence, text[lo:hi] with
    hi >= end, or None. A try of the pattern at a position sees at most `_BREAK_REACH`
    characters from there (and the one before it), so the tries at positions up to
    `end - _BREAK_REACH` go the same way whether the scan stops at `end` or at `hi`: the
    sentence's matches that start there are the scan's, and the scan to `end` is run from
    the last of them only."""
    seg_start = pos = lo
    if breaks:
        for start, stop in breaks:
            if start + _BREAK_REACH > end:
                break
            seg_start = pos = stop
    for m in _SEGMENT_BREAK.finditer(text, pos, end):
        seg_start = m.end()
    return seg_start


_POSSESSIVE = re.compile(r"(?:[Bb]y\s+|[Ii]n\s+)?([A-Z][^,]*?)['’ʼ]s")  # "By CSIS's"


def _speaker_before(
    text: str, lo: int, verb: int, breaks: list[tuple[int, int]] | None = None
) -> tuple[int, int] | None:
    """The noun phrase right before a reporting verb, if it looks like a speaker; `breaks` as
    in `_segment_start`."""
    # Only a text that ends with a comma (and spaces) may end with an aside: no scan otherwise.
    last = verb  # where text[lo:verb].rstrip() ends, read back from the verb
    while last > lo and text[last - 1].isspace():
        last -= 1
    if last > lo and text[last - 1] == ",":
        aside = re.search(r"[^,\s],[^,.;:“”\"]{2,90},\s*$", text[lo:verb])
        if aside:  # "The agency, in an assessment released Friday, put ...": skip the aside
            found = _speaker_before(text, lo, lo + aside.start() + 1, breaks)
            if found:
                return found
    end = verb
    while end > lo and text[end - 1] in " ,":
        end -= 1  # "Kim Min-ho, a deputy minister, said": a name, then its title
    seg_start = _segment_start(text, lo, end, breaks)
    seg = text[seg_start:end]
    trimmed = seg.rstrip()
    if _may_trail(trimmed):
        trimmed = _TRAILING_ADVERBS.sub("", trimmed)
    lead = len(seg) - len(seg.lstrip())
    s, e = seg_start + lead, seg_start + len(trimmed)
    phrase = _PAREN_ACRONYM.sub("", text[s:e])
    words = phrase.split()
    if not words or len(words) > 10 or words[0].lower() in _PRONOUNS_AND_JOINERS:
        return None
    if any(w.lower() in _RELATIVE_WORDS for w in words):
        return None  # "in what analysts say is a breach": a clause, not a speaker
    if _NOT_SPEAKER.match(phrase.strip()):
        return None
    possessive = _POSSESSIVE.fullmatch(phrase.strip())
    if possessive:  # "By CSIS's estimate": the owner of the estimate
        name_s = s + text[s:e].find(possessive.group(1))
        return (name_s, name_s + len(possessive.group(1)))
    capitalised = all(
        w[0].isupper() or w.lower() in _CONNECTORS | {"a", "an", "both"} for w in words
    ) or (
        words[-1][0].isupper()
        and all(w[0].isupper() or w.lower() in _CONNECTORS | _TITLE_WORDS for w in words)
    )
    if not (capitalised and any(w[0].isupper() for w in words)) and not _ROLE_NP.fullmatch(phrase):
        return None
    # an appositive title after a name: take the name too
    before = text[lo:seg_start].rstrip()
    if before.endswith(","):
        head = before[:-1]
        cut = max(head.rfind(c) for c in ',“”"(;:—')
        name = head[cut + 1 :].strip()
        if name and len(name.split()) <= 4 and all(w[0].isupper() for w in name.split()):
            return (lo + cut + 1 + (len(head[cut + 1 :]) - len(head[cut + 1 :].lstrip())), e)
    return (s, e)
