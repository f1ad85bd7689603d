"""Dates as people write them in a question, read as a day or a range of days.

The project's own reader (:func:`foedus.model.parse_date`) takes the forms a source uses and
their fuzzy ranges: "1 June 1940", "June 1940", "mid-June 1940", "early 1940", "the end of August
1939", "1939", "the 1920s", "the late 1980s", "1939–1941". Around it this module reads:

- seasons, which no source form covers: "the summer of 1940" is June–August, "autumn 1939"
  (or "fall") September–November, "spring 1941" March–May; winter is left out (it straddles
  two years);
- decades written with two digits, "the 80s", "the '80s", "the early 20s": the latest decade
  of that name that had begun by the corpus's last year (``last_year``; the twentieth
  century's without one), so a corpus of 1918–1999 reads "the 20s" as the 1920s;
- days in any other written form, through dateparser (day before month where it is ambiguous,
  as in most of Europe): "24/8/1939", "1.6.1940", year first as ISO orders it ("1940/06/17",
  "1940.06.17"), "June the 1st, 1940", "the 17th of June
  1940".

:func:`find_date` is anchored where a word starts; it returns the date and where it ends.

>>> d, end = find_date("the summer of 1940 and after", 0)
>>> d.earliest.isoformat(), d.latest.isoformat(), d.text, end
('1940-06-01', '1940-08-31', 'the summer of 1940', 18)
>>> find_date("24/8/1939?", 0)[0].earliest.isoformat()
'1939-08-24'
>>> find_date("early 1940", 0)[0].latest.isoformat()
'1940-04-30'
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from datetime import date

from foedus.errors import DateError
from foedus.model import FuzzyDate, parse_date

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_PART = r"(?:(?:early|mid|late)[\s-]+|(?:the\s+)?(?:beginning|end|middle)\s+of\s+)"
_D = r"\d{1,2}(?!\d)"
_ORD = r"(?:st|nd|rd|th)?"
_Y = r"\d{4}(?!\d)"
_DASH = r"\s*[-–—]\s*"

#: The forms :func:`foedus.model.parse_date` reads, anchored where a word starts; tried longest
#: first.
SOURCE_FORMS = re.compile(
    r"(?:"
    + "|".join(
        [
            r"\d{4}-\d{1,2}-\d{1,2}(?!\d)",
            r"\d{4}-\d{1,2}(?!\d)",
            _MONTH + r"\s+" + _D + _DASH + _D + r",?\s+" + _Y,
            _D + _DASH + _D + r"\s+" + _MONTH + r",?\s+" + _Y,
            _MONTH + r"\s+" + _D + _ORD + r",?\s+" + _Y,
            _D + _ORD + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _Y,
            _PART + _MONTH + r",?\s+" + _Y,
            _MONTH + r",?\s+" + _Y,
            _PART + r"(?:the\s+)?\d{3}0'?s\b",
            r"\d{3}0'?s\b",
            _PART + _Y,
            _Y + _DASH + _Y,
            _Y,
        ]
    )
    + r")(?![\w])",
    re.IGNORECASE,
)

#: Days in other written forms, for dateparser.
OTHER_DAYS = re.compile(
    r"(?:"
    + "|".join(
        [
            r"\d{1,2}[./]\d{1,2}[./]\d{4}(?!\d)",
            r"\d{4}[./]\d{1,2}[./]\d{1,2}(?!\d)",
            _MONTH + r"\s+the\s+" + _D + _ORD + r",?\s+" + _Y,
            r"the\s+" + _D + _ORD + r"\s+of\s+" + _MONTH + r",?\s+" + _Y,
        ]
    )
    + r")(?![\w])",
    re.IGNORECASE,
)

_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
SEASON = re.compile(
    r"(?:the\s+)?(?P<season>spring|summer|autumn|fall)\s+(?:of\s+)?(?P<year>\d{4})(?![\w])",
    re.IGNORECASE,
)
_MIDDLE = re.compile(r"(?:the\s+)?middle\s+of\s+", re.IGNORECASE)
#: A decade in two digits: "the 80s", "the '80s", "the 80's", "the late 80s".
SHORT_DECADE = re.compile(
    r"(?P<part>(?:early|mid|late)[\s-]+|(?:the\s+)?(?:beginning|end|middle)\s+of\s+)?"
    r"(?:the\s+)?['’]?(?P<tens>\d)0['’]?s(?![\w])",
    re.IGNORECASE,
)


def decade_year(tens: int, last_year: int | None) -> int:
    """The first year of the decade written "the {tens}0s": the latest such decade that had
    begun by ``last_year`` (the corpus's last year), else the twentieth century's."""
    if last_year is None:
        return 1900 + 10 * tens
    year = last_year - last_year % 100 + 10 * tens
    return year if year <= last_year else year - 100


def _season(m: re.Match[str]) -> FuzzyDate:
    year = int(m.group("year"))
    first, last = _SEASONS[m.group("season").lower()]
    return FuzzyDate(
        earliest=date(year, first, 1),
        latest=date(year, last, calendar.monthrange(year, last)[1]),
        text=m.group(),
    )


_YEAR_FIRST = re.compile(r"(\d{4})[./](\d{1,2})[./](\d{1,2})")


@functools.lru_cache(maxsize=256)
def _other_day(text: str) -> FuzzyDate | None:
    # dateparser is imported when a question has such a day: it takes a third of a second
    # to import, which every other command of the CLI would pay.
    import dateparser

    ymd = _YEAR_FIRST.fullmatch(text)
    # "1940/06/17": year, month, day (as ISO orders them), never day first
    read = f"{ymd.group(3)}.{ymd.group(2)}.{ymd.group(1)}" if ymd else text
    found = dateparser.parse(
        read,
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY",
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
        },
    )
    if found is None:
        return None
    day = found.date()
    return FuzzyDate(earliest=day, latest=day, text=text)


_WORD_START = re.compile(r"\b\w")


def impossible_day(text: str) -> str | None:
    """The first day written in ``text`` that no calendar has ("30 February 1938",
    "February 30, 1938", "31/04/1938", "the 31st of June 1940"), else None. :func:`find_date`
    does not read such a day, and the question would be read without it (as "February 1938",
    or as the year alone)."""
    for w in _WORD_START.finditer(text):
        m = OTHER_DAYS.match(text, w.start())
        if m and _other_day(m.group()) is None:
            return m.group()
        m = SOURCE_FORMS.match(text, w.start())
        if m:
            try:
                parse_date(m.group())
            except DateError as e:
                if str(e).startswith("impossible date"):
                    return m.group()
    return None


def find_date(
    text: str, start: int, last_year: Callable[[], int | None] | None = None
) -> tuple[FuzzyDate, int] | None:
    """The date written at ``text[start:]`` and where it ends, or ``None``. ``last_year``
    gives the corpus's last year, which a decade of two digits ("the 80s") is read by.

    >>> d, end = find_date("in the late 80s", 7, lambda: 1999)
    >>> d.earliest.isoformat(), d.latest.isoformat(), d.text
    ('1986-01-01', '1989-12-31', 'late 80s')
    """
    m = SEASON.match(text, start)
    if m:
        return _season(m), m.end()
    m = SHORT_DECADE.match(text, start)
    if m:
        year = decade_year(int(m.group("tens")), last_year() if last_year else None)
        part = m.group("part") or ""
        parsed = parse_date(_MIDDLE.sub("mid-", part).replace("mid- ", "mid-") + f"{year}s")
        return FuzzyDate(earliest=parsed.earliest, latest=parsed.latest, text=m.group()), m.end()
    m = OTHER_DAYS.match(text, start)
    if m:
        found = _other_day(m.group())
        if found is not None:
            return found, m.end()
    m = SOURCE_FORMS.match(text, start)
    if m:
        given = _MIDDLE.sub("mid-", m.group()).replace("mid- ", "mid-")
        given = re.sub(r"(?i)\b(early|mid|late)([\s-]+)the\s+", r"\1\2", given)
        try:
            parsed = parse_date(given)
        except DateError:
            return None
        return FuzzyDate(earliest=parsed.earliest, latest=parsed.latest, text=m.group()), m.end()
    return None
