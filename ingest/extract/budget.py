"""A bound on what one article may cost the extractor. Pure Python, no Django: the caller
builds it from settings (ingest.claims), extract_mentions checks it between sentences.

Extraction is fast on articles (a 30,000-character article takes about a second) but some of
its rules are quadratic in a sentence's length, so a pasted table of numbers or a regex-hostile
string with no full stop could hold a worker for minutes. Three bounds keep every article to a
few seconds, and what was cut is said, so an editor reviews that article by hand:
- the text is clipped to `max_chars` (offsets into the prefix stay offsets into the text);
- a sentence longer than `max_sentence_chars` is skipped;
- after `seconds`, the remaining sentences are skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MAX_SENTENCE_CHARS = 3_000


@dataclass
class Budget:
    seconds: float
    max_chars: int = 100_000
    max_sentence_chars: int = MAX_SENTENCE_CHARS
    max_mentions: int = 200
    clock: object = time.monotonic
    reasons: list[str] = field(default_factory=list)
    _deadline: float | None = None

    def start(self) -> Budget:
        self._deadline = self.clock() + self.seconds
        return self

    def clip(self, text: str) -> str:
        """The part of the text that will be read."""
        if len(text) <= self.max_chars:
            return text
        self._note(f"only the first {self.max_chars:,} of {len(text):,} characters were read")
        return text[: self.max_chars]

    def spent(self) -> bool:
        """True once the time is up (noted once)."""
        if self._deadline is None:
            self.start()
        if self.clock() <= self._deadline:
            return False
        self._note(f"extraction stopped after {self.seconds:g} s")
        return True

    def skips(self, start: int, end: int) -> bool:
        """Skip this sentence: the time is up, or it is too long to read safely."""
        if self.spent():
            return True
        if end - start > self.max_sentence_chars:
            self._note(f"sentences over {self.max_sentence_chars:,} characters were skipped")
            return True
        return False

    def cap(self, mentions: list) -> list:
        if len(mentions) <= self.max_mentions:
            return mentions
        self._note(f"only the first {self.max_mentions} of {len(mentions)} mentions were kept")
        return mentions[: self.max_mentions]

    @property
    def exceeded(self) -> bool:
        return bool(self.reasons)

    def summary(self) -> str:
        return "too long, review by hand: " + "; ".join(self.reasons)

    def _note(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
