"""Is a quote really in its article, and do its numbers carry the claim's figures?

Pure functions over strings; `tracker.services.claim_source_check` applies them to a source and
every writer (admin forms, the API, `import_jsonl`, the extractor) goes through that one check.
"""

from __future__ import annotations

import re

# Typographic variants an editor's paste or an outlet's typesetting may swap for one another.
_QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """`text` with quote marks and dashes unified and whitespace runs folded to one space, and
    for each character of the result the offset of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        out.append(ch.translate(_QUOTE_MARKS))
        where.append(i)
    return "".join(out), where


def quote_locate(
    text: str, quote: str, start: int | None = None, end: int | None = None
) -> tuple[int, int] | None:
    """Where `quote` sits in `text` as (start, end), or None when it is not there.

    Given offsets that already frame the quote win; then the first exact match; then a match
    after normalising whitespace, quote marks and dashes (offsets are of the original text).
    """
    quote = quote.strip()
    if not text or not quote:
        return None
    if start is not None and end is not None and 0 <= start <= end <= len(text):
        if text[start:end] == quote:
            return start, end
    found = text.find(quote)
    if found >= 0:
        return found, found + len(quote)
    norm_text, where = _normalised_with_map(text)
    norm_quote, _ = _normalised_with_map(quote)
    norm_quote = norm_quote.strip()
    found = norm_text.find(norm_quote)
    if found < 0:
        return None
    last = found + len(norm_quote) - 1
    return where[found], where[last] + 1


_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(million|billion|thousand|hundred|mn|bn|m|k)\b)?",
    re.IGNORECASE,
)
_SCALE = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
}


def quote_numbers(quote: str) -> set[float]:
    """The numbers written in digits in a quote ('1,100', '1.5 million', '12k' → 1100, 1.5e6,
    12000). Numbers in words are not read: a quote without digits gives an empty set."""
    numbers: set[float] = set()
    for match in _NUMBER.finditer(quote):
        digits = re.sub(r"[,\u202f\u00a0 ]", "", match.group(1))
        try:
            value = float(digits)
        except ValueError:  # pragma: no cover - the pattern only matches digits
            continue
        numbers.add(value)
        if match.group(2):
            numbers.add(value * _SCALE[match.group(2).lower()])
    return numbers


def figures_missing(quote: str, figures: list[float | None]) -> list[float]:
    """The claim's figures that the quote's numbers do not contain. Empty when they all appear,
    or when the quote has no number in digits (nothing to compare: a figure in words)."""
    numbers = quote_numbers(quote)
    if not numbers:
        return []
    return [f for f in figures if f is not None and not any(abs(f - n) < 1e-6 for n in numbers)]


def quote_check(
    *, article, quote: str, quote_start: int | None = None, quote_end: int | None = None
) -> tuple[str, int, int]:
    """The quote as the article prints it and its offsets, for a source of `article`.

    Raises ValidationError({"quote": …}) naming the article when the quote is not in its text.
    Every writer of a ClaimSource calls this (through ClaimSource.clean or
    tracker.services.claim_source_check).
    """
    from django.core.exceptions import ValidationError

    name = f"“{article}” (article #{article.pk})" if article.pk else f"“{article}”"
    if not (quote or "").strip():
        raise ValidationError({"quote": "Give the quote, word for word as the article prints it."})
    if not article.text:
        raise ValidationError(
            {"quote": f"Article {name} has no text yet, so the quote cannot be checked."}
        )
    found = quote_locate(article.text, quote, quote_start, quote_end)
    if found is None:
        raise ValidationError(
            {
                "quote": f"This quote is not in article {name}. Copy it from that article's "
                "text (spacing, quote marks and dashes may differ), or choose the article "
                "that prints it."
            }
        )
    start, end = found
    return article.text[start:end], start, end


def figure_warnings(
    *, low: float | None, best: float | None, high: float | None, quotes: list[str]
) -> list[str]:
    """One warning per quote whose numbers do not contain the claim's figures."""
    warnings = []
    figures = [low, best, high]
    for quote in quotes:
        missing = figures_missing(quote, figures)
        if missing:
            shown = ", ".join(f"{m:,.0f}" if float(m).is_integer() else f"{m:,}" for m in missing)
            in_quote = ", ".join(
                f"{n:,.0f}" if float(n).is_integer() else f"{n:,}"
                for n in sorted(quote_numbers(quote))
            )
            excerpt = quote if len(quote) <= 80 else quote[:77] + "…"
            warnings.append(
                f"The figure {shown} is not among the numbers of the quote “{excerpt}” "
                f"({in_quote})."
            )
    return warnings
