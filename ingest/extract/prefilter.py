"""A cheap test that lets a sentence skip a regex that cannot match in it.

`find_assertions` tries some forty patterns on every sentence, and nearly all of them fail:
Python's `re` cannot skip ahead for a pattern that starts with `\\b(?:word|word…)`, so each
failure costs a walk over the whole sentence. `Prefilter(rx)` reads the pattern once and
collects the few strings (its first letters, up to `LENGTH`) that every match must start
with; `may_match(lowered)` asks whether one of them occurs in the sentence, which `str.__contains__`
answers many times faster. The test is only ever a necessary condition: where it says no, the
pattern has no match; where it says yes (or the pattern's start cannot be read), the pattern
runs as before. Results are therefore the same with and without it. A pattern whose start
cannot be read is skipped in a sentence that holds none of the strings every match of it
holds (`needles`), if it has such strings.

The same reading serves single patterns scanned over whole sentences or articles: `WordScan`
tries a pattern only at the word starts its first letters admit (numbers, reporting verbs,
dates), and `word_heads` / `word_gate` index the claimant aliases by the words they start
(`claimants.ClaimantResolver.mentions`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import compress, repeat

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as parser
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

LENGTH = 4  # letters of each prefix: enough to tell most words apart
_MAX_PREFIXES = 300  # more than this: the test would cost as much as the regex
_MAX_CLASS = 12  # a character class of more letters ([a-z], \w) ends the prefix
_STOP = (None, None)  # read no further: what follows is not a literal start

# Characters outside ASCII that match an ASCII letter under re.IGNORECASE (dotted and dotless
# i, long s, Kelvin sign; tests/ingest/test_extract_prefilter.py checks the list): lower()
# does not map them to that letter, so a sentence holding one is not filtered.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_UNSAFE = re.compile("[" + FOLDS_TO_ASCII + "]")


def unsafe(sentence: str) -> bool:
    """Whether `sentence` holds a character lower() does not fold as re.IGNORECASE does."""
    return not sentence.isascii() and _UNSAFE.search(sentence) is not None


_WORD = re.compile(r"\w+")
_START = re.Match.start  # mapped over matches: each one's start, the calls made in C
_HEAD = re.compile(rf"\w{{1,{LENGTH}}}")  # a word's first letters

_last_words: tuple[str, list[int], list[str]] = ("", [], [])
# Longer texts (a paste past the extraction budget) are read a window at a time, as before.
INDEX_MAX = 200_000
# Shorter ones (a speaker's phrase resolved between two sentences' scans) are read but not
# kept, so that the article's stay.
KEEP_MIN = 1_000


def text_words(text: str, lo: int = 0, hi: int | None = None) -> tuple[list[int], list[str]]:
    """Where each word (a run of \\w) of `text` starts, ascending, and the LENGTH characters
    of the text from there (as written; past a short word's end too), for all of text[lo:hi]
    at least. The scans of one article's sentences read them from one pass over the article:
    the last text's are kept (the text itself is held, so `is` cannot mistake another string
    for it), unless shorter than KEEP_MIN. A text longer than INDEX_MAX is read from `lo` to
    `hi` only, and not kept; the first start is then `lo` if a letter is there, which may be
    inside a word."""
    global _last_words
    if len(text) > INDEX_MAX:
        hi = len(text) if hi is None else hi
        starts = list(map(_START, _WORD.finditer(text, lo, hi)))
        return starts, [text[at : at + LENGTH] for at in starts]
    last = _last_words  # one read: another thread may replace it
    if last[0] is not text:
        starts = list(map(_START, _WORD.finditer(text)))
        last = (text, starts, [text[at : at + LENGTH] for at in starts])
        if len(text) >= KEEP_MIN:
            _last_words = last
    return last[1], last[2]


_MISSING = object()


def memo_map(memo: dict, keys: list[str], admit) -> list:
    """`[memo[key] if key in memo else admit(key) for key in keys]`, the look-ups in C (a
    memo's values depend on their key alone, so a memo that `admit` clears on the way gives
    the same list)."""
    found = list(map(memo.get, keys, repeat(_MISSING)))
    if _MISSING in found:  # a value equals only itself, as object() does
        found = [admit(key) if f is _MISSING else f for key, f in zip(keys, found, strict=True)]
    return found


def _between(starts: list[int], lo: int, hi: int) -> list[int]:
    """The items of the ascending `starts` in [lo, hi)."""
    return starts[bisect_left(starts, lo) : bisect_left(starts, hi)]


class Sentence:
    """A sentence as the prefilters read it: its lower() and the starts (1 to LENGTH
    characters) of its words. `usable` is False when lower() would mislead (see `unsafe`)."""

    __slots__ = ("_heads", "_lowered", "text", "usable")

    def __init__(self, sentence: str) -> None:
        self.usable = not unsafe(sentence)
        self.text = sentence
        self._lowered: str | None = None
        self._heads: set[str] | None = None

    @property
    def lowered(self) -> str:
        """lower() of the sentence (on first use: WordStarts answers most sentences without
        it). Where `usable`, as long as the sentence, each character lower() of its own
        (tests/ingest/test_relevance.py checks this of every character)."""
        if self._lowered is None:
            self._lowered = self.text.lower()
        return self._lowered

    def holds(self, at: int, strings: tuple[str, ...] | None) -> bool:
        """Whether the sentence from `at` (an offset into it) may hold a match of the pattern
        of `needles` `strings` (IGNORECASE: lower case, looked for in `lowered`)."""
        if strings is None or not self.usable:
            return True
        lowered = self.lowered
        return any(lowered.find(s, at) >= 0 for s in strings)

    @property
    def heads(self) -> set[str]:
        if self._heads is None:  # on first use: WordStarts answers most patterns without it
            self._heads = {
                word[:k] for word in _WORD.findall(self.lowered) for k in range(1, LENGTH + 1)
            }
        return self._heads


class Prefilter:
    """The start strings of `rx` (lower case); `prefixes` is None when they cannot be read.
    `at_word_start`: every match starts a word (the pattern opens with \\b and a letter),
    so a prefix must begin one of the sentence's words, not just occur in it."""

    def __init__(self, rx: re.Pattern) -> None:
        parsed = parser.parse(rx.pattern, rx.flags)
        self.prefixes = _prefixes(parsed)
        self.at_word_start = bool(
            self.prefixes
            and _opens_at_boundary(parsed)
            and all(_WORD.match(p) for p in self.prefixes)
        )
        if self.at_word_start:
            # the word part of each prefix ("re-" -> "re"): what a word of the sentence starts with
            self.prefixes = frozenset(_WORD.match(p).group(0) for p in self.prefixes)
        # A pattern whose start cannot be read: the strings every match holds, if any
        self.needles = needles(rx) if self.prefixes is None else None
        self.ignorecase = bool(rx.flags & re.IGNORECASE)

    def may_match(self, sentence: Sentence) -> bool:
        """Whether `rx` may match in `sentence` (False only when it cannot)."""
        if self.prefixes is None:
            if self.needles is None:
                return True
            if not self.ignorecase:  # as written
                return any(n in sentence.text for n in self.needles)
            return sentence.holds(0, self.needles)
        if not sentence.usable:
            return True
        if self.at_word_start:
            return not sentence.heads.isdisjoint(self.prefixes)
        return any(p in sentence.lowered for p in self.prefixes)


def _opens_at_boundary(pattern) -> bool:
    """Whether the pattern's first step that is not a lookaround is \\b (in each alternative,
    when it opens with alternatives or a group)."""
    for op, av in pattern:
        if op in (C.ASSERT, C.ASSERT_NOT):
            continue
        if op is C.BRANCH:
            return all(_opens_at_boundary(alt) for alt in av[1])
        if op is C.SUBPATTERN:
            return _opens_at_boundary(av[-1])
        return op is C.AT and av is C.AT_BOUNDARY
    return False


def _class_chars(items) -> list[str] | None:
    """The characters of a class [..], or None when it is negated, a category or too wide."""
    chars: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            chars.append(chr(av))
        elif op is C.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return chars


def _prefixes(pattern) -> frozenset[str] | None:
    """Every match of the parsed `pattern` starts with one of these strings (lower case, at
    most LENGTH characters); None when a match may start with anything."""
    found: set[str] = set()
    todo: list[tuple[str, list]] = [("", list(pattern))]
    while todo:
        prefix, rest = todo.pop()
        while True:
            if len(prefix) >= LENGTH or not rest:
                found.add(prefix[:LENGTH])
                break
            op, av = rest[0]
            rest = rest[1:]
            if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                continue  # consumes nothing: skipping it only admits more
            if op is C.LITERAL:
                prefix += chr(av).lower()
                continue
            if op is C.SUBPATTERN:
                rest = list(av[-1]) + rest
                continue
            if op is C.IN:
                chars = _class_chars(av)
                if chars is None:
                    found.add(prefix)
                    break
                todo.extend((prefix + ch.lower(), rest) for ch in dict.fromkeys(chars))
                break
            if op is C.BRANCH:
                todo.extend((prefix, list(alt) + rest) for alt in av[1])
                break
            if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
                low, high, item = av
                if low == 0:
                    todo.append((prefix, rest))  # not taken at all
                if high == 0:
                    break
                # taken once; then more of it or what follows: read no further
                once_only = low == 1 and high == 1
                todo.append((prefix, list(item) + (rest if once_only else [_STOP])))
                break
            found.add(prefix)  # anything else (any character, a category, a group reference)
            break
        if len(found) > _MAX_PREFIXES or "" in found:
            return None
    if any(not p.isascii() for p in found):
        return None  # a non-ASCII letter may fold in ways lower() does not
    return frozenset(found)


class WordStarts:
    """Where in a sentence each of many patterns may begin, in one pass over its words.

    For a pattern whose every match starts a word (`Prefilter.at_word_start`), a match can only
    begin at a word whose first letters are one of its prefixes. An index from a word's first
    LENGTH letters to the patterns with a prefix among them gives, per sentence, each
    pattern's few candidate positions; `matches` then tries the pattern only there
    (`rx.match` at a position sees the same text around it, lookbehinds and \\b included, as
    the scan of `rx.finditer` does), so it finds the same matches without walking the
    sentence once per pattern. Patterns whose start cannot be read, and sentences whose
    lower() misleads, are scanned as before.
    """

    _MAX_HEADS = 50_000  # words' first letters remembered; past it the memo starts again

    def __init__(self, prefilters: list[Prefilter]) -> None:
        self.prefilters = prefilters
        self._by_prefix: dict[str, set[int]] = {}
        for k, prefilter in enumerate(prefilters):
            if prefilter.at_word_start:
                for prefix in prefilter.prefixes:
                    self._by_prefix.setdefault(prefix, set()).add(k)
        self._by_head: dict[str, tuple[int, ...]] = {}  # memo of _patterns_for
        self._by_key: dict[str, tuple[int, ...]] = {}  # memo of _admitted
        # the last text's word starts that some pattern may start, with those patterns
        self._last: tuple[str, list[int], list[tuple[int, ...]]] = ("", [], [])

    def _patterns_for(self, head: str) -> tuple[int, ...]:
        """The patterns a word starting with `head` (its first LENGTH letters, lower case)
        may start: those with a prefix that begins `head`."""
        found = self._by_head.get(head)
        if found is None:
            ks: set[int] = set()
            for k in range(1, len(head) + 1):
                ks |= self._by_prefix.get(head[:k], set())
            found = tuple(sorted(ks))
            if len(self._by_head) >= self._MAX_HEADS:
                self._by_head.clear()
            self._by_head[head] = found
        return found

    def _admitted(self, key: str) -> tuple[int, ...]:
        """The patterns a word may start whose text begins with `key` (`text_words`)."""
        if len(self._by_key) >= self._MAX_HEADS:
            self._by_key.clear()
        found = self._by_key[key] = self._patterns_for(_HEAD.match(key).group().lower())
        return found

    def starts(self, text: str, lo: int, hi: int, sentence: Sentence) -> dict[int, list[int]]:
        """pattern index -> the word starts in text[lo:hi] where it may match (ascending);
        {} when the sentence is not `usable`."""
        if not sentence.usable:
            return {}
        found: dict[int, list[int]] = {}
        last = self._last
        if last[0] is not text:
            # every word of the text once: the patterns its first letters admit
            starts, keys = text_words(text, lo, hi)
            memo, admit = self._by_key, self._admitted
            patterns = memo_map(memo, keys, admit)
            last = (text, list(compress(starts, patterns)), list(filter(None, patterns)))
            if len(text) <= INDEX_MAX:
                self._last = last
        _, ats, admitted = last
        i, j = bisect_left(ats, lo), bisect_left(ats, hi)
        # A word running on from before `lo` starts no match (each pattern opens with \b, which
        # reads the letter before `lo`). The text's words are read whole: the last one of
        # text[lo:hi] may run past `hi`, and its first letters then admit more patterns than
        # its letters before `hi` do; a pattern tried there in vain finds nothing.
        for at, patterns in zip(ats[i:j], admitted[i:j], strict=True):
            for k in patterns:
                if k in found:
                    found[k].append(at)
                else:
                    found[k] = [at]
        return found

    def matches(
        self,
        k: int,
        rx: re.Pattern,
        text: str,
        lo: int,
        hi: int,
        sentence: Sentence,
        starts: dict[int, list[int]],
    ):
        """The matches of pattern `k` (`rx`) in text[lo:hi], as `rx.finditer(text, lo, hi)`
        finds them; `starts` is `self.starts(...)` of the sentence."""
        prefilter = self.prefilters[k]
        if not (prefilter.at_word_start and sentence.usable):
            return rx.finditer(text, lo, hi) if prefilter.may_match(sentence) else ()
        at_words = starts.get(k)
        if not at_words:
            return ()
        found, end = [], lo
        for at in at_words:
            if at < end:
                continue  # inside the previous match: the scan resumes after it
            m = rx.match(text, at, hi)
            if m is not None:
                found.append(m)
                end = m.end()
        return found


def word_heads(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The first letters (lower case, at most LENGTH) of the words a match of `pattern` may
    start with; None when they cannot be read or a match may start elsewhere than at a word
    (its first character may be other than a letter or digit)."""
    prefixes = _prefixes(parser.parse(pattern, flags))
    if not prefixes:
        return None
    heads = set()
    for prefix in prefixes:
        word = _WORD.match(prefix)
        if word is None:
            return None
        heads.add(word.group(0))
    return frozenset(heads)


def word_gate(heads: Iterable[str], *, digits: bool = False) -> re.Pattern:
    """A pattern that finds, fast, the word starts whose first character begins one of
    `heads` (or is a digit, with `digits`): a character class first, so that `re` skips
    ahead to it, then "no letter or digit before it". Every start of such a word is found
    (a superset of where the heads' words start: the caller tests the head)."""
    firsts = sorted({c for head in heads for c in (head[0].lower(), head[0].upper())})
    chars = ("\\d" if digits else "") + "".join(re.escape(c) for c in firsts)
    return re.compile(f"[{chars}](?<!\\w.)" if chars else r"(?!x)x")


class WordScan:
    """`rx.finditer(text, lo, hi)` as a list, trying `rx` only at the word starts whose first
    letters may begin a match (`word_heads`), not at every character.

    For a pattern whose every match begins a word: its first character is a letter or digit,
    and the pattern requires no letter or digit right before it (\\b, or a lookbehind that
    says so); the caller vouches for that second half. `rx.match` at a word start sees the
    same text around it as the scan does, and the scan resumes after each match as finditer
    does, so the matches are the same. `digits`: a match may also start with a digit (a
    class the prefixes cannot read: `heads` then names the letters alone). A pattern whose
    heads cannot be read, or a text whose lower() misleads (`unsafe`), is scanned whole."""

    _MAX_HEADS = 50_000

    def __init__(
        self,
        rx: re.Pattern,
        *,
        heads: frozenset[str] | None = None,
        digits: bool = False,
        windows: bool = False,
    ) -> None:
        self.rx = rx
        # `windows`: scanned over a few short windows of a text, not sentence by sentence over
        # all of it: only the window's words are read (the same starts, found again per window)
        self.windows = windows
        self.heads = heads if heads is not None else word_heads(rx.pattern, rx.flags)
        self.digits = digits
        self._gate = word_gate(self.heads or (), digits=digits)
        self._memo: dict[str, bool] = {}  # a word's head -> whether a match may start there
        # the last text's word starts where a match may start
        self._last: tuple[str, list[int]] = ("", [])

    def _may_start(self, head: str) -> bool:
        if self.digits and head[0].isdigit():
            return True
        return any(head[:k] in self.heads for k in range(1, len(head) + 1))

    def _starts(self, text: str, lo: int, hi: int) -> list[int]:
        """The word starts of `text` (of text[lo:hi] at least) the gate admits whose first
        letters may begin a match. A start inside a word (see `text_words`) matches nothing:
        the pattern requires no letter or digit before it."""
        last = self._last
        if last[0] is text:
            return last[1]
        starts, keys = text_words(text, lo, hi)
        if self.windows:
            i, j = bisect_left(starts, lo), bisect_left(starts, hi)
            return list(compress(starts[i:j], memo_map(self._memo, keys[i:j], self._admits)))
        # each word's first letters (what follows it, past its end, only adds heads to try),
        # as written: the gate reads the first one's case
        memo, admit = self._memo, self._admits
        found = list(compress(starts, memo_map(memo, keys, admit)))
        if len(text) <= INDEX_MAX:
            self._last = (text, found)
        return found

    def _admits(self, key: str) -> bool:
        """Whether the gate admits a word whose text begins with `key` and a match may start
        there (remembered)."""
        if len(self._memo) >= self._MAX_HEADS:
            self._memo.clear()
        may = self._memo[key] = self._gate.match(key) is not None and self._may_start(key.lower())
        return may

    def finditer(self, text: str, lo: int = 0, hi: int | None = None) -> list[re.Match]:
        hi = len(text) if hi is None else hi
        if self.heads is None or unsafe(text[lo:hi]):
            return list(self.rx.finditer(text, lo, hi))
        # The gate's starts in text[lo:hi] are the text's word starts there (its lookbehind
        # reads before `lo` as the text's words do).
        match, found, end = self.rx.match, [], lo
        for at in _between(self._starts(text, lo, hi), lo, hi):
            if at < end:
                continue  # inside the previous match: the scan resumes after it
            m = match(text, at, hi)
            if m is not None:
                found.append(m)
                end = m.end()
        return found


def needles(rx: re.Pattern) -> tuple[str, ...] | None:
    """Strings one of which every match of `rx` holds, as written; None when they cannot be
    read. A window of a text that holds none of them holds no match: `rx.search(text, lo,
    hi)` is then None (`may_hold`). For a pattern with IGNORECASE, they are in lower case
    (ASCII), to be looked for in the lower() of a text that is not `unsafe` (`Sentence.holds`):
    there a letter matches an ASCII letter under IGNORECASE only where lower() makes it that
    letter, and other ASCII characters only themselves."""
    found = _required(parser.parse(rx.pattern, rx.flags))
    if not found:
        return None
    if rx.flags & re.IGNORECASE:
        found = {n.lower() for n in found}
        if not all(n.isascii() for n in found):
            return None
    # a needle holding another is found wherever that one is: keep the shorter
    kept = [n for n in found if not any(o != n and o in n for o in found)]
    return tuple(sorted(kept))


def _required(pattern) -> set[str] | None:
    """A set of strings one of which every match of the parsed `pattern` consumes; None when
    none can be read. Of the sequence's parts that each give one, the set whose shortest
    string is longest."""
    options: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    for op, av in pattern:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        part = None
        if op is C.SUBPATTERN:
            _group, add_flags, _del_flags, inner = av
            part = None if add_flags & re.IGNORECASE else _required(inner)
        elif op is C.BRANCH:
            parts = [_required(alt) for alt in av[1]]
            part = None if any(p is None for p in parts) else set().union(*parts)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            part = _required(av[2])
        # anything else (a class, a lookaround, \b, an optional part) gives nothing
        if part:
            options.append(part)
    flush()
    if not options:
        return None
    return max(options, key=lambda strings: (min(map(len, strings)), -len(strings)))


def needle_finder(rx: re.Pattern) -> re.Pattern | None:
    """A pattern that finds `needles(rx)` (as written), which `re` skips through to their
    first letters; None when they cannot be read."""
    strings = needles(rx)
    return None if strings is None else re.compile("|".join(map(re.escape, strings)))


def may_hold(text: str, lo: int, hi: int, finder: re.Pattern | None) -> bool:
    """Whether text[lo:hi] holds one of the strings `finder` finds (True when it is None)."""
    return finder is None or finder.search(text, lo, hi) is not None
