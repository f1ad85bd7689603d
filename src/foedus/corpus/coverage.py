"""How much of each source a corpus represents: sentences quoted, dates recorded.

A source is split into sentences (:func:`sentences`): headings (``= Title =``, ``==Part==``) are
not sentences, each ``- `` list item is one, and prose is split after ``.``, ``!`` or ``?``
followed by a space and a capital letter or an opening quote, except after an abbreviation
("U.S.", "Mr.") or inside a quotation. A sentence is *covered* when some quote of the corpus
(a fact's quote or a clause's text) overlaps it by at least :data:`MIN_OVERLAP` words or lies
entirely inside it. The date expressions of the text (:func:`find_dates`) are *represented*
when some record's date has the same text (case and white space aside) or the same range.

>>> [s.text for s in sentences("= T =\\nThe U.S. did not. Latvia did.\\n- an item")]
['The U.S. did not.', 'Latvia did.', 'an item']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from foedus.corpus.corpus import Corpus
from foedus.errors import DateError
from foedus.model import FuzzyDate, parse_date

MIN_OVERLAP = 5

MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
DATED = re.compile(rf"\b(1\d{{3}}s?|{MONTH_NAMES})\b")
"""A sentence carries a date when it holds a year (1000–1999) or a month's name."""

NAMING_WORDS = (
    "treaty",
    "treaties",
    "pact",
    "pacts",
    "protocol",
    "protocols",
    "convention",
    "conventions",
    "declaration",
    "declarations",
    "declared",
    "declare",
    "charter",
    "accords",
    "agreement",
    "agreements",
    "resolution",
    "ultimatum",
    "decree",
    "signed",
    "invaded",
    "invasion",
    "invasions",
    "re-invasion",
    "annexed",
    "annexation",
    "annexations",
    "occupied",
    "occupation",
    "occupations",
    "reoccupied",
    "incorporation",
    "incorporated",
    "deported",
    "deportation",
    "deportations",
    "elections",
    "recognised",
    "recognized",
    "recognise",
    "recognize",
    "recognition",
    "nonrecognition",
    "independence",
    "withdrew",
    "withdrawn",
    "withdraw",
    "condemned",
    "proclaimed",
    "reaffirmed",
    "seceded",
)
"""The words that make a sentence name an instrument or an event (docs/corpus-format.md)."""
NAMED = re.compile(r"\b(" + "|".join(re.escape(w) for w in NAMING_WORDS) + r")\b", re.IGNORECASE)

_ABBREV = re.compile(
    r"(?:\b(?:[A-Za-z]\.)+|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|No|Art|cf|vs|etc|"
    r"e\.g|i\.e|approx|Gen|Col|Lt|Capt|Prof)\.)$"
)
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(]?[A-Z])")
_HEADING = re.compile(r"^\s*=+.*=+\s*$")

_PART = r"(?:early|mid|late|the\s+beginning\s+of|beginning\s+of|the\s+end\s+of|end\s+of)"
_M = rf"(?:{MONTH_NAMES})"
_Y = r"1\d{3}"
_D = r"\d{1,2}"
_DASH = r"\s*[-–—]\s*"
_DATE_FORMS = [
    rf"{_M}\s+{_D}{_DASH}{_D},?\s+{_Y}",
    rf"{_D}{_DASH}{_D}\s+{_M},?\s+{_Y}",
    rf"{_M}\s+{_D}(?:st|nd|rd|th)?,\s+{_Y}",
    rf"{_M}\s+{_D}(?:st|nd|rd|th)?\s+{_Y}",
    rf"{_D}(?:st|nd|rd|th)?\s+(?:of\s+)?{_M},?\s+{_Y}",
    rf"{_PART}[\s-]+{_M},?\s+{_Y}",
    rf"{_M},?\s+{_Y}",
    rf"{_PART}[\s-]+1\d{{2}}0'?s",
    r"1\d{2}0'?s",
    rf"{_PART}[\s-]+{_Y}",
    rf"{_Y}{_DASH}{_Y}",
    _Y,
]
# a date open on one side, as sources write it ("after 28 November 1939", "by mid-1941"):
# the whole expression is the date, as a record gives it (docs/corpus-format.md, "Dates")
_OPEN = r"(?:after|before|by|not\s+before|not\s+after|no\s+earlier\s+than|no\s+later\s+than)\s+"
DATE_EXPR = re.compile(
    r"(?<![\w-])(?:" + _OPEN + r")?(?:" + "|".join(_DATE_FORMS) + r")(?![\w-])", re.IGNORECASE
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source and its character span in the source text."""

    text: str
    start: int
    end: int


def _split_prose(line: str, offset: int) -> Iterator[Sentence]:
    straight_odd = line.count('"') % 2 == 1  # unbalanced quotes: ignore quotation state
    start = 0
    for m in _BOUNDARY.finditer(line):
        head = line[start : m.start() + 1]
        if m.group(0)[0] == "." and _ABBREV.search(line[start : m.start() + 1]):
            continue
        upto = line[start : m.end()].rstrip()
        inside = (not straight_odd and upto.count('"') % 2 == 1) or upto.count("“") > upto.count(
            "”"
        )
        if inside or not head.strip():
            continue
        end = m.start() + len(m.group(0).rstrip())
        yield Sentence(line[start:end].strip(), offset + start, offset + end)
        start = m.end()
    rest = line[start:].strip()
    if rest:
        yield Sentence(rest, offset + start, offset + len(line.rstrip()))


def sentences(text: str) -> list[Sentence]:
    """The sentences of a source text (headings skipped, list items whole, prose split)."""
    out: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip() and not _HEADING.match(body):
            stripped = body.lstrip()
            if stripped.startswith("- "):
                lead = len(body) - len(stripped) + 2
                item = body[lead:].strip()
                if item:
                    out.append(Sentence(item, offset + lead, offset + len(body.rstrip())))
            else:
                out.extend(_split_prose(body, offset))
        offset += len(line)
    return out


def find_dates(text: str) -> list[tuple[str, FuzzyDate]]:
    """Every date expression of ``text`` that :func:`~foedus.model.parse_date` can read."""
    found = []
    for m in DATE_EXPR.finditer(text):
        try:
            found.append((" ".join(m.group(0).split()), parse_date(m.group(0))))
        except DateError:
            continue
    return found


def _quotes(corpus: Corpus) -> Iterator[tuple[str | None, str]]:
    for g in corpus.metadata.groups:  # a group of corpus.yaml quotes its source too
        for q in g.sources:
            yield corpus.source_of(q.source), q.quote
    for _, rec in corpus.records():
        for q in rec.sources:
            yield corpus.source_of(q.source), q.quote
    for i in corpus.instruments:
        for p in i.parties:
            for q in p.sources:
                yield corpus.source_of(q.source), q.quote
        for cl in i.clauses:
            yield corpus.source_of(cl.source), cl.text


def _dates(corpus: Corpus) -> Iterator[FuzzyDate]:
    for a in corpus.actors:
        yield from (d for d in (a.existed_from, a.existed_to) if d)
    for i in corpus.instruments:
        yield from (d for d in (i.signed, i.in_force, i.ended) if d)
        for p in i.parties:
            yield from (d for d in (p.date, p.until) if d)
    for e in corpus.events:
        yield e.date


def _dated_records(corpus: Corpus) -> Iterator[tuple[FuzzyDate, list[str]]]:
    """Every date of a record with the quotes the record rests on."""

    def texts(quotes: Any) -> list[str]:
        return [q.quote for q in quotes]

    for a in corpus.actors:
        for d in (a.existed_from, a.existed_to):
            if d:
                yield d, texts(a.sources)
    for i in corpus.instruments:
        own = texts(i.sources) + [c.text for c in i.clauses]
        for d in (i.signed, i.in_force, i.ended):
            if d:
                yield d, own
        for p in i.parties:
            for d in (p.date, p.until):
                if d:
                    yield d, texts(p.sources) + own
    for e in corpus.events:
        yield e.date, texts(e.sources)


def _within(inner: FuzzyDate, outer: FuzzyDate) -> bool:
    return outer.earliest <= inner.earliest and inner.latest <= outer.latest


def _ratio(covered: int, total: int) -> dict[str, Any]:
    percent = round(100.0 * covered / total, 1) if total else 100.0
    return {"total": total, "covered": covered, "percent": percent}


def _quote_spans(
    text: str, words: list[tuple[int, int]], quotes: Iterable[list[str]]
) -> set[tuple[int, int]]:
    """The spans (first word, last word) of the text that the quotes (each split in words)
    match: what ``re.finditer`` of a quote's words joined by ``\\s+`` finds, each match read
    as the words it touches. A quote of three or more words is looked up by its rarest middle
    word (which is a whole word of the text) in an index of the text's words, not searched
    for through the whole text; the matches are then taken from left to right, none
    overlapping the one before, as ``re.finditer`` does. A quote of one or two words is searched
    for with the expression."""
    tokens = [text[a:b] for a, b in words]
    at: dict[str, list[int]] = {}
    for k, token in enumerate(tokens):
        at.setdefault(token, []).append(k)
    starts = [w[0] for w in words]
    spans: set[tuple[int, int]] = set()
    for ws in quotes:
        n = len(ws)
        if n == 1:  # the words that hold it: found with str.find, a word at a time
            pos = text.find(ws[0])
            while pos >= 0:
                j = bisect.bisect_right(starts, pos) - 1
                spans.add((j, j))
                pos = text.find(ws[0], words[j][1])
            continue
        if n == 2:
            pattern = r"\s+".join(re.escape(w) for w in ws)
            for m in re.finditer(pattern, text):
                spans.add(_word_range(words, starts, m.start(), m.end()))
            continue
        k = min(range(1, n - 1), key=lambda i: len(at.get(ws[i], ())))
        last_end = 0
        for x in at.get(ws[k], ()):
            j = x - k
            if j < 0 or j + n > len(tokens):
                continue
            if not tokens[j].endswith(ws[0]) or not tokens[j + n - 1].startswith(ws[-1]):
                continue
            if any(tokens[j + i] != ws[i] for i in range(1, n - 1)):
                continue
            begin = words[j][1] - len(ws[0])
            if begin < last_end:
                continue  # overlaps the match before
            last_end = words[j + n - 1][0] + len(ws[-1])
            spans.add((j, j + n - 1))
    return spans


def _word_range(
    words: list[tuple[int, int]], starts: list[int], start: int, end: int
) -> tuple[int, int]:
    """The first and last word of ``words`` that [start, end) touches."""
    lo = max(0, bisect.bisect_right(starts, start) - 1)
    if words and words[lo][1] <= start:
        lo += 1
    hi = bisect.bisect_left(starts, end) - 1
    return lo, hi


class _Spans:
    """Whether a range of words [lo, hi] holds a span entirely or overlaps one by at least
    :data:`MIN_OVERLAP` words, in O(log n) a range: the spans are sorted by first word, with
    the least last word of the spans from each on (for a span inside the range), and the
    greatest last word of the spans of at least :data:`MIN_OVERLAP` words up to each (for an
    overlap: ``min(b, hi) - max(a, lo) + 1 >= K`` is ``b - a >= K - 1``, ``a <= hi - K + 1``,
    ``b >= lo + K - 1`` and ``hi - lo >= K - 1``)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.firsts = [a for a, _ in ordered]
        self.least_last: list[int] = [0] * len(ordered)
        least: int | None = None
        for k in range(len(ordered) - 1, -1, -1):
            b = ordered[k][1]
            least = b if least is None else min(least, b)
            self.least_last[k] = least
        long = [(a, b) for a, b in ordered if b - a >= MIN_OVERLAP - 1]
        self.long_firsts = [a for a, _ in long]
        self.most_last: list[int] = []
        most: int | None = None
        for _, b in long:
            most = b if most is None else max(most, b)
            self.most_last.append(most)

    def covers(self, lo: int, hi: int) -> bool:
        k = bisect.bisect_left(self.firsts, lo)
        if k < len(self.firsts) and self.least_last[k] <= hi:
            return True  # a span inside [lo, hi]
        if hi - lo < MIN_OVERLAP - 1:
            return False
        k = bisect.bisect_right(self.long_firsts, hi - MIN_OVERLAP + 1)
        return k > 0 and self.most_last[k - 1] >= lo + MIN_OVERLAP - 1


def source_coverage(corpus: Corpus, source: str) -> dict[str, Any]:
    """The coverage report of one source (see :func:`coverage`)."""
    text = corpus.sources[source]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = [w[0] for w in words]
    quotes = {tuple(q.split()) for src, q in _quotes(corpus) if src == source and q.split()}
    spans = _Spans(_quote_spans(text, words, (list(q) for q in sorted(quotes))))
    sents = sentences(text)
    covered = [spans.covers(*_word_range(words, starts, s.start, s.end)) for s in sents]
    marked = [bool(DATED.search(s.text) or NAMED.search(s.text)) for s in sents]
    known = list(_dates(corpus))
    texts = {" ".join(d.text.split()).lower() for d in known}
    ranges = {(d.earliest, d.latest) for d in known}
    # the dated records by their earliest day: those dated within a range are looked up
    dated = sorted(
        ((d, [" ".join(q.split()) for q in qs]) for d, qs in _dated_records(corpus)),
        key=lambda r: r[0].earliest,
    )
    firsts = [d.earliest for d, _ in dated]
    dates = [(s, d) for s in sents for d in find_dates(s.text)]
    missing: list[str] = []
    represented = 0
    for sent, (shown, d) in dates:
        flat = " ".join(sent.text.split())
        # the same text or range, or a record dated within it that quotes this sentence
        # ("In June 1940, the Soviet Union invaded ..." and the invasion of mid-June 1940)
        if (
            shown.lower() in texts
            or (d.earliest, d.latest) in ranges
            or any(
                _within(r, d) and any(q and (q in flat or flat in q) for q in qs)
                for r, qs in dated[
                    bisect.bisect_left(firsts, d.earliest) : bisect.bisect_right(firsts, d.latest)
                ]
            )
        ):
            represented += 1
        elif shown not in missing:
            missing.append(shown)
    return {
        "source": source,
        "sentences": _ratio(sum(covered), len(sents)),
        "dated_or_named": _ratio(
            sum(c for c, m in zip(covered, marked, strict=True) if m), sum(marked)
        ),
        "dates": _ratio(represented, len(dates)),
        "uncovered": [
            " ".join(s.text.split()) for s, c in zip(sents, covered, strict=True) if not c
        ],
        "unrepresented_dates": missing,
    }


def coverage(corpus: Corpus) -> dict[str, Any]:
    """The coverage of every source of a corpus::

    {"sources": [{"source", "sentences": {"total", "covered", "percent"},
                  "dated_or_named": {...}, "dates": {...},
                  "uncovered": [str], "unrepresented_dates": [str]}]}
    """
    return {"sources": [source_coverage(corpus, s) for s in sorted(corpus.sources)]}
