"""Property tests of foedus.model.dates.parse_date: every form round-trips a generated day."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from foedus.errors import DateError
from foedus.model import FuzzyDate, parse_date, parse_day
from foedus.model.dates import OPEN_END, OPEN_START

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


@pytest.mark.parametrize(
    ("text", "side", "known"),
    [
        ("after 28 November 1939", "end", date(1939, 11, 29)),
        ("After November 28, 1939", "end", date(1939, 11, 29)),
        ("not before June 1940", "end", date(1940, 6, 1)),
        ("no earlier than 1940", "end", date(1940, 1, 1)),
        ("before 1940", "start", date(1939, 12, 31)),
        ("by mid-1941", "start", date(1941, 8, 31)),
        ("no later than 1 May 1941", "start", date(1941, 5, 1)),
        ("not after  the end of 1918", "start", date(1918, 12, 31)),
    ],
)
def test_a_date_may_be_open_on_one_side(text: str, side: str, known: date) -> None:
    d = parse_date(text)
    assert d.open == side
    assert d.text == " ".join(text.split())
    if side == "end":
        assert (d.earliest, d.latest) == (known, OPEN_END)
    else:
        assert (d.earliest, d.latest) == (OPEN_START, known)
    bounded = d.bounded(date(1917, 1, 1), date(1999, 12, 31))
    assert bounded.open == side
    assert (bounded.earliest, bounded.latest) == (
        (known, date(1999, 12, 31)) if side == "end" else (date(1917, 1, 1), known)
    )
    assert FuzzyDate.coerce(bounded.model_dump()) == bounded  # a record's dump reads back


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("after 31 December 9999", "no day after 9999-12-31"),
        ("before 30 February 1940", "impossible date"),
        ("after sometime", "cannot read date"),
        ("after", "cannot read date"),
    ],
)
def test_an_open_date_on_an_unreadable_day_is_a_date_error(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_date(text)


def test_a_closed_date_is_its_own_bound() -> None:
    d = parse_date("June 1940")
    assert d.open is None
    assert d.bounded(date(1900, 1, 1), date(2000, 1, 1)) is d


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1938-02-30", "impossible date '1938-02-30' (February 1938 has 28 days)"),
        ("1940-02-30", "impossible date '1940-02-30' (February 1940 has 29 days)"),
        ("1940-13-01", "impossible date '1940-13-01' (there is no month 13)"),
        ("1940-04-00", "impossible date '1940-04-00' (no day 0)"),
    ],
)
def test_parse_day_says_why_a_day_cannot_exist(text: str, why: str) -> None:
    """A day in the contract's shape that names no day says so, not "not an ISO day"."""
    with pytest.raises(DateError) as caught:
        parse_day(text)
    assert str(caught.value) == why
