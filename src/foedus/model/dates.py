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
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from foedus.errors import DateError

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*[-–—]\s*"


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"impossible date {text!r}") from None


class FuzzyDate(BaseModel):
    """A closed range of days with the text as the source gives it."""

    model_config = ConfigDict(frozen=True)

    earliest: date
    latest: date
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> FuzzyDate:
        if self.latest < self.earliest:
            raise ValueError(
                f"inverted date range: earliest {self.earliest} is after latest {self.latest}"
            )
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
_COMPILED = [
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
    for name, pattern in _COMPILED:
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


def parse_day(text: str) -> date:
    """Parse a DAY argument (an ISO day, as the contract asks): ``1940-06-01``."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise DateError(f"not an ISO day (YYYY-MM-DD): {text!r}") from None


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
