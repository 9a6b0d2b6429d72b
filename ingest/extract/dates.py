"""Dates in a sentence, resolved against the article's publication date.

"said Monday" -> the latest Monday on or before publication; "last week" -> a week before;
"in March" or "last month" -> the 15th; "earlier in the week" -> that week's Monday;
"over the weekend" -> the Sunday before. "since …" phrases open a period instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .prefilter import WordScan, word_heads

_MONTH_NUM = {
    m: i + 1
    for i, names in enumerate(
        [
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ]
    )
    for m in names.split()
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = re.compile(
    r"(?P<since>\b(?:[Ss]ince|[Ff]rom|[Ss]tarting|[Bb]eginning)\s+)?"
    r"(?:"
    rf"(?P<md>\b(?P<md_m>{_MONTH})\.?\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_y>(?:19|20)\d\d)\b)?)"
    rf"|(?P<dm>\b(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m>{_MONTH})\b\.?(?:,?\s+(?P<dm_y>(?:19|20)\d\d)\b)?)"
    rf"|(?P<month>\b(?:(?P<mo_last>last)\s+|(?P<mo_part>early|mid|late)-?\s*)?(?P<mo_m>{_MONTH})\b\.?(?:\s+(?P<mo_y>(?:19|20)\d\d)\b)?)"
    r"|(?P<year>(?<![\w-])(?:(?P<y_part>early|mid|late)-?\s*)?(?P<yr>(?:19|20)\d\d)\b)"
    r"|(?P<weekday>\b(?:(?P<wd_last>last)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b)"
    r"|(?P<weekend>\b(?:over|at|this|last)\s+(?:the\s+)?weekend\b)"
    r"|(?P<rel>\b(?:yesterday|today|last\s+week|last\s+month|last\s+year|this\s+week|"
    r"this\s+month|earlier\s+(?:this|in\s+the)\s+(?:week|month)|earlier\s+this\s+year|"
    r"this\s+year)\b)"
    r")",
    re.IGNORECASE,
)


# _DATE tried only at the words its matches may start (every branch opens with \b or "no
# letter, digit or hyphen before"): a digit ("5 March"), or the first letters of a month,
# weekday, "since", "last" … (the heads read with the day-first branch's digits left out).
_DATE_SCAN = WordScan(
    _DATE,
    heads=word_heads(_DATE.pattern.replace(r"(?P<dm_d>\d{1,2})", "(?P<dm_d>x)"), _DATE.flags),
    digits=True,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date
    since: bool  # opens a period ("since last May")
    vague: bool = False  # "this month", "this year": about events, too loose for a claim date


def _month_date(month: int, day: int, year: int | None, published: dt.date, last: bool) -> dt.date:
    if year is None:
        year = published.year
        if month > published.month or (last and month >= published.month):
            year -= 1
    day = min(day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def _resolve(m: re.Match, published: dt.date) -> dt.date | None:
    g = m.groupdict()
    if g["md"] or g["dm"]:
        mon = _MONTH_NUM[(g["md_m"] or g["dm_m"]).lower()]
        day = int(g["md_d"] or g["dm_d"])
        year = g["md_y"] or g["dm_y"]
        if not 1 <= day <= 31:
            return None
        return _month_date(mon, day, int(year) if year else None, published, False)
    if g["month"]:
        word = g["mo_m"]
        if (
            word == "May"
            and not (g["mo_last"] or g["mo_part"] or g["mo_y"] or g["since"])
            and (
                not re.search(
                    r"\b(?:in|since|from|by|until|of|early|late|mid|last)\s+$",
                    m.string[max(0, m.start() - 8) : m.start()],
                    re.IGNORECASE,
                )
            )
        ):
            return None  # the modal verb "May ..." at a sentence start
        if word[0].islower():
            return None  # "march", "may": verbs, not months
        day = {"early": 5, "mid": 15, "late": 25}.get((g["mo_part"] or "").lower(), 15)
        return _month_date(
            _MONTH_NUM[word.lower()],
            day,
            int(g["mo_y"]) if g["mo_y"] else None,
            published,
            bool(g["mo_last"]),
        )
    if g["year"]:
        if not (g["since"] or g["y_part"]):
            return None  # a bare year is too coarse for a claim date
        month = {"early": 2, "mid": 7, "late": 11}.get((g["y_part"] or "").lower(), 1)
        return dt.date(int(g["yr"]), month, 1)
    if g["weekday"]:
        target = _WEEKDAYS.index(g["wd"].lower())
        back = (published.weekday() - target) % 7
        if g["wd_last"] and back == 0:
            back = 7
        return published - dt.timedelta(days=back)
    if g["weekend"]:
        if "last" in g["weekend"].lower():
            return published - dt.timedelta(days=published.weekday() + 1)
        back = (published.weekday() - 6) % 7
        return published - dt.timedelta(days=back)
    rel = re.sub(r"\s+", " ", g["rel"].lower())
    if rel == "yesterday":
        return published - dt.timedelta(days=1)
    if rel == "last week":
        return published - dt.timedelta(days=7)
    if rel in ("this week", "earlier this week", "earlier in the week"):
        return published - dt.timedelta(days=published.weekday())
    if rel == "last month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return first.replace(day=15)
    if rel in ("this month", "earlier this month"):
        return published.replace(day=max(1, (published.day + 1) // 2))
    if rel == "last year":
        return dt.date(published.year - 1, 7, 1)
    if rel in ("earlier this year",):
        return dt.date(published.year, max(1, (published.month + 1) // 2), 1)
    return published  # today, this year


def find_dates(text: str, lo: int, hi: int, published: dt.date | None) -> list[DateMention]:
    """Date expressions in text[lo:hi] with their resolved dates (none without `published`)."""
    if published is None:
        return []
    out = []
    for m in _DATE_SCAN.finditer(text, lo, hi):
        try:
            d = _resolve(m, published)
        except ValueError:
            d = None
        if d is not None:
            start = m.start() if not m.group("since") else m.end("since")
            vague = (
                bool(m.group("rel"))
                and "this" in m.group("rel").lower()
                and ("week" not in m.group("rel").lower())
            )
            out.append(DateMention(start, m.end(), d, bool(m.group("since")), vague))
    return out


def claim_date(
    dates: list[DateMention],
    anchor: int | None,
    published: dt.date | None,
    window: int = 40,
    text: str | None = None,
) -> dt.date | None:
    """When the claim was made: the date phrase nearest the reporting verb, else publication.

    With `text`, a date inside quoted speech (a quotation mark between it and the verb) is what
    the speaker talks about, not when they spoke."""
    if anchor is None:
        return published
    near = [
        d
        for d in dates
        if not d.since
        and not d.vague
        and min(abs(d.start - anchor), abs(d.end - anchor)) <= window
        and not (text and _QUOTE_MARK.search(text, min(anchor, d.end), max(anchor, d.start)))
    ]
    if not near:
        return published
    best = min(near, key=lambda d: min(abs(d.start - anchor), abs(d.end - anchor)))
    if published and best.date > published:
        return published
    return best.date


_QUOTE_MARK = re.compile(r"[“”\"]")


def period_start(dates: list[DateMention], lo: int, hi: int) -> dt.date | None:
    """Start of the period a figure covers: the first 'since …' date in text[lo:hi]."""
    for d in dates:
        if d.since and lo <= d.start < hi:
            return d.date
    return None
