"""Property tests of foedus.model.dates.parse_date: every form round-trips a generated day."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from foedus.errors import DateError
from foedus.model import FuzzyDate, parse_date, parse_day

days = st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31))
MONTH = calendar.month_name


def _part(day: int) -> str:
    return "early" if day <= 10 else "mid" if day <= 20 else "late"


def _contains(d: FuzzyDate, day: date) -> bool:
    return d.earliest <= day <= d.latest


@given(days)
def test_month_day_year(day: date) -> None:
    d = parse_date(f"{MONTH[day.month]} {day.day}, {day.year}")
    assert (d.earliest, d.latest) == (day, day)
    assert d.exact


@given(days)
def test_day_month_year(day: date) -> None:
    d = parse_date(f"{day.day} {MONTH[day.month]} {day.year}")
    assert (d.earliest, d.latest) == (day, day)


@given(days)
def test_iso(day: date) -> None:
    d = parse_date(day.isoformat())
    assert (d.earliest, d.latest, d.text) == (day, day, day.isoformat())
    assert parse_day(day.isoformat()) == day


@given(days)
def test_month_year(day: date) -> None:
    d = parse_date(f"{MONTH[day.month]} {day.year}")
    assert _contains(d, day)
    assert d.earliest == day.replace(day=1)
    assert d.latest.day == calendar.monthrange(day.year, day.month)[1]


@given(days)
def test_part_of_month(day: date) -> None:
    d = parse_date(f"{_part(day.day)}-{MONTH[day.month]} {day.year}")
    assert _contains(d, day)
    assert (d.earliest.month, d.latest.month) == (day.month, day.month)


@given(days)
def test_decade(day: date) -> None:
    decade = day.year - day.year % 10
    d = parse_date(f"{decade}s")
    assert _contains(d, day)
    assert (d.earliest, d.latest) == (date(decade, 1, 1), date(decade + 9, 12, 31))
    digit = day.year % 10
    part = "early" if digit <= 3 else "mid" if digit <= 6 else "late"
    assert _contains(parse_date(f"{part} {decade}s"), day)


@given(days, st.integers(0, 30), st.integers(0, 30))
@example(date(1945, 2, 7), 3, 4)
def test_day_range(day: date, before: int, after: int) -> None:
    last = calendar.monthrange(day.year, day.month)[1]
    d1, d2 = max(1, day.day - before), min(last, day.day + after)
    text = f"{MONTH[day.month]} {d1}–{d2}, {day.year}"
    d = parse_date(text)
    assert _contains(d, day)
    assert (d.earliest.day, d.latest.day, d.text) == (d1, d2, text)
    assert _contains(parse_date(f"{d1}-{d2} {MONTH[day.month]} {day.year}"), day)


@given(st.text(max_size=40))
@example("February 30, 1920")
@example("June 20–10, 1940")
@example("0000")
@example("1990-02-30")
def test_anything_parses_ordered_or_raises_date_error(text: str) -> None:
    try:
        d = parse_date(text)
    except DateError:
        return
    assert d.earliest <= d.latest


@given(st.from_regex(r"[A-Za-z ,.\-–]{1,30}", fullmatch=True))
def test_words_without_a_year_raise_date_error(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


@pytest.mark.parametrize("text", ["February 30, 1920", "1920-02-30", "31 April 1940"])
def test_impossible_days_name_the_text(text: str) -> None:
    with pytest.raises(DateError, match="impossible date"):
        parse_date(text)


def test_parse_day_rejects_words() -> None:
    with pytest.raises(DateError, match="not an ISO day"):
        parse_day("June 1940")
