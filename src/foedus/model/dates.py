"""Fuzzy dates: a closed range of days [earliest, latest] with the text as the source gives it.

Sources rarely give a day. "mid-June 1940" is a range of days, not the 15th; foedus keeps the
range and answers "possibly" for a day inside it. :func:`parse_date` reads every form the
bundled source uses, and the forms people type:

>>> parse_date("February 2, 1920").earliest.isoformat()
'1920-02-02'
>>> d = parse_date("mid-June 1940"); (d.earliest.isoformat(), d.latest.isoformat())
('1940-06-11', '1940-06-20')
>>> d = parse_date("February 4–11, 1945"); (d.earliest.day, d.latest.day, d.text)
(4, 11, 'February 4–11, 1945')

The conventions for loose words are fixed here and documented in docs/corpus-format.md:
early / mid / late month = days 1–10 / 11–20 / 21–end; early / mid / late year = Jan–Apr /
May–Aug / Sep–Dec; the beginning / end of a year = its first / last two months; early / mid /
late decade = its years 0–3 / 3–6 / 6–9 (loose words overlap: the source's "late 1920s" takes in
the treaty of 1926).

A date may be open on one side, as sources write it: "after 28 November 1939", "before 1940",
"by mid-1941". Its known side is kept; its open side is :data:`OPEN_START` or :data:`OPEN_END`
until the corpus bounds it with its horizon (:func:`foedus.corpus.horizon.bound_open_dates`):

>>> d = parse_date("after 28 November 1939"); (d.earliest.isoformat(), d.open)
('1939-11-29', 'end')
>>> d = parse_date("by mid-1941"); (d.latest.isoformat(), d.open)
('1941-08-31', 'start')
>>> d.bounded(date(1917, 1, 1), date(1999, 12, 31)).earliest.isoformat()
'1917-01-01'
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from foedus.errors import DateError

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*[-–—]\s*"


#: The placeholder days of a date's open side until the corpus bounds it.
OPEN_START = date(1, 1, 1)
OPEN_END = date(9999, 12, 31)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"impossible date {text!r}") from None


class FuzzyDate(BaseModel):
    """A closed range of days with the text as the source gives it."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    earliest: date
    latest: date
    text: str
    open: Literal["start", "end"] | None = None
    """The side the source leaves open ("after 1939": ``end``; "before 1940", "by 1941":
    ``start``); that side is the corpus's horizon once bounded (:meth:`bounded`)."""

    @model_validator(mode="after")
    def _ordered(self) -> FuzzyDate:
        if self.latest < self.earliest:
            raise ValueError(
                f"inverted date range: earliest {self.earliest} is after latest {self.latest}"
            )
        return self

    def bounded(self, start: date, end: date) -> FuzzyDate:
        """The date with its open side at ``start`` (or ``end``); itself when closed.

        A bound on the wrong side of the known one leaves a single day: the caller reports it
        (:func:`foedus.corpus.horizon.bound_open_dates`).
        """
        if self.open == "end":
            return self.model_copy(update={"latest": max(end, self.earliest)})
        if self.open == "start":
            return self.model_copy(update={"earliest": min(start, self.latest)})
        return self

    @property
    def exact(self) -> bool:
        """True when the date is a single day."""
        return self.earliest == self.latest

    def __str__(self) -> str:
        return self.text

    @classmethod
    def day(cls, d: date, text: str | None = None) -> FuzzyDate:
        return cls(earliest=d, latest=d, text=text or d.isoformat())

    @classmethod
    def coerce(cls, value: Any) -> FuzzyDate:
        """Read a date as a corpus writes it: ISO day, the source's words, or a mapping."""
        if isinstance(value, FuzzyDate):
            return value
        if isinstance(value, bool):
            raise DateError(f"not a date: {value!r}")
        if isinstance(value, date):
            return cls.day(value)
        if isinstance(value, int):
            return parse_date(str(value))
        if isinstance(value, str):
            return parse_date(value)
        if isinstance(value, dict) and set(value) == {"earliest", "latest", "text"}:
            return cls.model_validate(value)  # the form a record dumps its dates in
        if isinstance(value, dict) and set(value) == {"earliest", "latest", "text", "open"}:
            return cls.model_validate(value)
        raise DateError(f"not a date: {value!r}")


def _month_part(part: str, year: int, month: int) -> tuple[int, int]:
    last = _last_day(year, month)
    return {
        "early": (1, 10),
        "mid": (11, 20),
        "late": (21, last),
        "beginning of": (1, 10),
        "end of": (21, last),
    }[part]


def _year_part(part: str) -> tuple[int, int]:
    return {
        "early": (1, 4),
        "mid": (5, 8),
        "late": (9, 12),
        "beginning of": (1, 2),
        "end of": (11, 12),
    }[part]


_PART = r"(?P<part>early|mid|late|the\s+beginning\s+of|beginning\s+of|the\s+end\s+of|end\s+of)"


def _norm_part(part: str) -> str:
    part = re.sub(r"\s+", " ", part.lower())
    return part.removeprefix("the ")


_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    ("iso_month", r"(?P<year>\d{4})-(?P<m>\d{1,2})"),
    ("mdy_range", _MONTH + r"\s+(?P<d1>\d{1,2})" + _DASH + r"(?P<d2>\d{1,2}),?\s+(?P<year>\d{4})"),
    (
        "dmy_range",
        r"(?P<d1>\d{1,2})" + _DASH + r"(?P<d2>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})",
    ),
    ("mdy", _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"),
    ("dmy", r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>\d{4})"),
    ("part_month", _PART + r"[\s-]+" + _MONTH + r",?\s+(?P<year>\d{4})"),
    ("month", _MONTH + r",?\s+(?P<year>\d{4})"),
    ("part_decade", _PART + r"[\s-]+(?P<decade>\d{3}0)'?s"),
    ("decade", r"(?P<decade>\d{3}0)'?s"),
    ("part_year", _PART + r"[\s-]+(?P<year>\d{4})"),
    ("year_range", r"(?P<y1>\d{4})" + _DASH + r"(?P<y2>\d{4})"),
    ("year", r"(?P<year>\d{4})"),
]


@cache
def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    """:data:`_PATTERNS` compiled, on first use (a warm command that reads no date as written
    does not pay the ~4 ms)."""
    return [
        (name, re.compile(r"\s*(?:in\s+|on\s+)?" + pat + r"\s*\.?\s*", re.IGNORECASE))
        for name, pat in _PATTERNS
    ]


def parse_date(text: str) -> FuzzyDate:
    """Parse a date as sources and people write it into a :class:`FuzzyDate`.

    Raises :class:`DateError` naming the text when it cannot be read or cannot exist.

    >>> parse_date("the end of 1918").latest.isoformat()
    '1918-12-31'
    >>> parse_date("late 1920s").earliest.year
    1926
    """
    if not isinstance(text, str) or not text.strip():
        raise DateError(f"not a date: {text!r}")
    given = " ".join(text.split())
    m = _OPEN.fullmatch(given)
    if m is not None:
        return _open_date(m.group("cue"), m.group("rest"), given)
    return _closed(given)


#: The words of a date open on one side, and which side: "after X" begins the day after X,
#: "not before X" on X's first day; "before X" ends the day before X, "by X" (or "not after X",
#: "no later than X") on X's last day.
_CUES = {
    "after": "after",
    "later than": "after",
    "not before": "from",
    "no earlier than": "from",
    "not earlier than": "from",
    "before": "before",
    "earlier than": "before",
    "by": "by",
    "not after": "by",
    "no later than": "by",
    "not later than": "by",
}
_OPEN = re.compile(
    r"(?P<cue>"
    + "|".join(c.replace(" ", r"\s+") for c in sorted(_CUES, key=len, reverse=True))
    + r")\s+(?P<rest>\S.*)",
    re.IGNORECASE,
)


def _open_date(cue: str, rest: str, given: str) -> FuzzyDate:
    known = _closed(rest)
    how = _CUES[" ".join(cue.lower().split())]
    if how == "after":
        return FuzzyDate(
            earliest=shift_day(known.latest, 1), latest=OPEN_END, text=given, open="end"
        )
    if how == "from":
        return FuzzyDate(earliest=known.earliest, latest=OPEN_END, text=given, open="end")
    if how == "before":
        return FuzzyDate(
            earliest=OPEN_START, latest=shift_day(known.earliest, -1), text=given, open="start"
        )
    return FuzzyDate(earliest=OPEN_START, latest=known.latest, text=given, open="start")


def _closed(given: str) -> FuzzyDate:
    """A date closed on both sides (every form but the open ones)."""
    for name, pattern in _compiled():
        m = pattern.fullmatch(given)
        if m is None:
            continue
        g = m.groupdict()
        if g.get("year") is not None:
            year = int(g["year"])
            if year < 1:
                raise DateError(f"impossible date {given!r}")
        if name == "iso":
            d = _day(year, int(g["m"]), int(g["d"]), given)
            return FuzzyDate(earliest=d, latest=d, text=given)
        if name == "iso_month":
            month = int(g["m"])
            if not 1 <= month <= 12:
                raise DateError(f"impossible date {given!r}")
            return FuzzyDate(
                earliest=date(year, month, 1),
                latest=date(year, month, _last_day(year, month)),
                text=given,
            )
        if name in ("mdy", "dmy"):
            d = _day(year, MONTHS[g["month"].lower()], int(g["d"]), given)
            return FuzzyDate(earliest=d, latest=d, text=given)
        if name in ("mdy_range", "dmy_range"):
            month = MONTHS[g["month"].lower()]
            a = _day(year, month, int(g["d1"]), given)
            b = _day(year, month, int(g["d2"]), given)
            if b < a:
                raise DateError(f"inverted date range {given!r}")
            return FuzzyDate(earliest=a, latest=b, text=given)
        if name == "part_month":
            month = MONTHS[g["month"].lower()]
            lo, hi = _month_part(_norm_part(g["part"]), year, month)
            return FuzzyDate(
                earliest=date(year, month, lo), latest=date(year, month, hi), text=given
            )
        if name == "month":
            month = MONTHS[g["month"].lower()]
            return FuzzyDate(
                earliest=date(year, month, 1),
                latest=date(year, month, _last_day(year, month)),
                text=given,
            )
        if name in ("decade", "part_decade"):
            decade = int(g["decade"])
            lo, hi = {
                "early": (0, 3),
                "mid": (3, 6),
                "late": (6, 9),
                "beginning of": (0, 1),
                "end of": (8, 9),
                None: (0, 9),
            }[_norm_part(g["part"]) if g.get("part") else None]
            if decade + lo < 1:
                raise DateError(f"impossible date {given!r}")
            return FuzzyDate(
                earliest=date(decade + lo, 1, 1), latest=date(decade + hi, 12, 31), text=given
            )
        if name == "part_year":
            lo, hi = _year_part(_norm_part(g["part"]))
            return FuzzyDate(
                earliest=date(year, lo, 1), latest=date(year, hi, _last_day(year, hi)), text=given
            )
        if name == "year_range":
            y1, y2 = int(g["y1"]), int(g["y2"])
            if y1 < 1 or y2 < y1:
                raise DateError(f"inverted date range {given!r}")
            return FuzzyDate(earliest=date(y1, 1, 1), latest=date(y2, 12, 31), text=given)
        if name == "year":
            return FuzzyDate(earliest=date(year, 1, 1), latest=date(year, 12, 31), text=given)
    raise DateError(f"cannot read date {given!r}")


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
"""An ISO day as the contract writes it, ``YYYY-MM-DD`` (not the basic ``YYYYMMDD``, nor a
week date, which :meth:`date.fromisoformat` also reads)."""


def parse_day(text: str) -> date:
    """Parse a DAY argument (an ISO day, as the contract asks): ``1940-06-01``.

    >>> parse_day("1940-06-01")
    datetime.date(1940, 6, 1)
    >>> parse_day("19400601")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    foedus.errors.DateError: not an ISO day (YYYY-MM-DD): '19400601'
    >>> parse_day("1938-02-30")
    Traceback (most recent call last):
    foedus.errors.DateError: impossible date '1938-02-30' (February 1938 has 28 days)
    """
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text.strip()):
        raise DateError(f"not an ISO day (YYYY-MM-DD): {text!r}")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DateError(f"impossible date {text!r}{_why_impossible(text.strip())}") from None


def _why_impossible(day: str) -> str:
    """Why a ``YYYY-MM-DD`` that :meth:`date.fromisoformat` refuses names no day: " (February
    1938 has 28 days)", " (there is no month 13)", or "" (year 0)."""
    year, month, dom = (int(part) for part in day.split("-"))
    if not 1 <= month <= 12:
        return f" (there is no month {month})"
    if year < 1:
        return ""
    last = calendar.monthrange(year, month)[1]
    return f" ({calendar.month_name[month]} {year} has {last} days)" if dom else " (no day 0)"


def shift_day(day: date, days: int) -> date:
    """``day`` moved by ``days``; :class:`DateError` past the calendar's ends (1 to 9999).

    >>> shift_day(date(1940, 6, 30), 1)
    datetime.date(1940, 7, 1)
    >>> shift_day(date(9999, 12, 31), 1)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    foedus.errors.DateError: there is no day after 9999-12-31
    """
    try:
        return day + timedelta(days=days)
    except OverflowError:
        side = "after" if days > 0 else "before"
        raise DateError(
            f"there is no day {side} {day.isoformat()} (dates run from 0001-01-01 to 9999-12-31)"
        ) from None
