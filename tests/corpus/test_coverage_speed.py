"""Coverage without comparing every sentence with every quote, or every date with every
record: the same report as the quadratic reference, with the work counted."""

from __future__ import annotations

import bisect
import random
import re
from typing import Any

import pytest

from foedus.corpus import bundled_path, load_corpus
from foedus.corpus import coverage as cv


def _reference_spans(text: str, quotes: list[str]) -> set[tuple[int, int]]:
    """The spans as the former implementation found them: each quote's expression through
    the whole text."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = [w[0] for w in words]

    def word_range(start: int, end: int) -> tuple[int, int]:
        lo = max(0, bisect.bisect_right(starts, start) - 1)
        if words and words[lo][1] <= start:
            lo += 1
        return lo, bisect.bisect_left(starts, end) - 1

    spans: set[tuple[int, int]] = set()
    for quote in quotes:
        pattern = r"\s+".join(re.escape(w) for w in quote.split())
        spans |= {word_range(m.start(), m.end()) for m in re.finditer(pattern, text)}
    return spans


TRICKY = (
    "a a a a. ab ab ab abab cd. The cat sat on the mat; bathe cat sat on the mat!\n"
    "x y x y x y z. one two three four five six seven eight nine ten. "
    "xx yy xx yy xx yyy zz"
)


@pytest.mark.parametrize(
    "quote",
    [
        "a a",
        "a a a",
        "ab",
        "b",
        "ba",
        "the cat sat",
        "he cat sat on the m",
        "x y x",
        "y x y",
        "x y x y",
        "xx yy xx y",
        "x yy xx yy x",
        "four five six seven",
        "ten.",
        "nothing here at all",
        "at on",
    ],
)
def test_quote_spans_are_those_of_the_expression(quote: str) -> None:
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", TRICKY)]
    assert cv._quote_spans(TRICKY, words, [quote.split()]) == _reference_spans(TRICKY, [quote])


def test_random_quotes_find_the_spans_of_the_expression() -> None:
    rng = random.Random(7)
    vocab = ["a", "ab", "ba", "aba", "b", "bab"]
    for _ in range(200):
        text = " ".join(rng.choice(vocab) for _ in range(40))
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        toks = text.split()
        i, n = rng.randrange(len(toks)), rng.randint(1, 5)
        quote = toks[i : i + n]
        quote[0] = quote[0][rng.randrange(len(quote[0])) :]  # a suffix of a word
        quote[-1] = quote[-1][: rng.randint(1, len(quote[-1]))]  # a prefix of one
        got = cv._quote_spans(text, words, [quote])
        assert got == _reference_spans(text, [" ".join(quote)]), (text, quote)


def test_spans_cover_as_every_span_compared() -> None:
    rng = random.Random(11)
    for _ in range(100):
        spans = set()
        for _ in range(rng.randint(0, 12)):
            a = rng.randrange(60)
            spans.add((a, a + rng.randrange(9)))
        index = cv._Spans(spans)
        for lo in range(-2, 62):
            for hi in range(lo - 2, lo + 12):
                expected = any(
                    (a >= lo and b <= hi) or min(b, hi) - max(a, lo) + 1 >= cv.MIN_OVERLAP
                    for a, b in spans
                )
                assert index.covers(lo, hi) == expected, (spans, lo, hi)


def _reference_report(corpus: Any, source: str) -> dict[str, Any]:
    """The former report: every sentence against every span, every date against every
    dated record."""
    text = corpus.sources[source]
    quotes = [q for src, q in cv._quotes(corpus) if src == source and q.split()]
    spans = _reference_spans(text, quotes)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = [w[0] for w in words]
    sents = cv.sentences(text)
    covered = [
        any(
            (a >= lo and b <= hi) or min(b, hi) - max(a, lo) + 1 >= cv.MIN_OVERLAP for a, b in spans
        )
        for lo, hi in (cv._word_range(words, starts, s.start, s.end) for s in sents)
    ]
    known = list(cv._dates(corpus))
    texts = {" ".join(d.text.split()).lower() for d in known}
    ranges = {(d.earliest, d.latest) for d in known}
    dated = [(d, [" ".join(q.split()) for q in qs]) for d, qs in cv._dated_records(corpus)]
    represented, missing = 0, []
    for sent in sents:
        flat = " ".join(sent.text.split())
        for shown, d in cv.find_dates(sent.text):
            if (
                shown.lower() in texts
                or (d.earliest, d.latest) in ranges
                or any(
                    cv._within(r, d) and any(q and (q in flat or flat in q) for q in qs)
                    for r, qs in dated
                )
            ):
                represented += 1
            elif shown not in missing:
                missing.append(shown)
    return {
        "covered": sum(covered),
        "uncovered": [
            " ".join(s.text.split()) for s, c in zip(sents, covered, strict=True) if not c
        ],
        "represented": represented,
        "missing": missing,
    }


def test_bundled_report_is_the_reference_and_counts_few_comparisons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = load_corpus(bundled_path())
    (source,) = sorted(corpus.sources)
    expected = _reference_report(corpus, source)
    compared: list[int] = []
    real = cv._within

    def counting(inner: Any, outer: Any) -> bool:
        compared.append(1)
        return real(inner, outer)

    monkeypatch.setattr(cv, "_within", counting)
    got = cv.source_coverage(corpus, source)
    assert got["sentences"]["covered"] == expected["covered"]
    assert got["uncovered"] == expected["uncovered"]
    assert got["dates"]["covered"] == expected["represented"]
    assert got["unrepresented_dates"] == expected["missing"]
    # only the records dated within a date's range are compared with it, not every record:
    # 9 comparisons here, where the reference made 420 (of 200 dated records)
    dated = len(list(cv._dated_records(corpus)))
    assert dated >= 200
    assert len(compared) <= 20


def test_long_quotes_are_looked_up_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """A quote of three words or more is found through the index of the text's words: no
    expression is compiled and run for it."""
    corpus = load_corpus(bundled_path())
    (source,) = sorted(corpus.sources)
    searched: list[str] = []
    real = re.finditer

    def counting(pattern: Any, string: Any, *args: Any) -> Any:
        searched.append(str(pattern))
        return real(pattern, string, *args)

    monkeypatch.setattr(cv.re, "finditer", counting)
    cv.source_coverage(corpus, source)
    quotes = {tuple(q.split()) for s, q in cv._quotes(corpus) if s == source and q.split()}
    two = sum(len(q) == 2 for q in quotes)
    assert len(searched) <= two + 1  # the words of the text, and the two-word quotes
    assert len(quotes) > 10 * len(searched)
