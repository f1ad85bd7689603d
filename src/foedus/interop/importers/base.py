"""What every importer shares: reading rows verbatim, dates, citing rows, and the report.

An importer turns the rows of a dataset into corpus records (actors, instruments, events)
held by an :class:`Import`. Each record cites the rows it comes from twice: a quote (the row
verbatim, kept in ``sources/<dataset>.txt``, so ``foedus validate`` finds it) and ``notes``
naming the file and line. Rows that cannot be mapped are counted in the :class:`Report` with
the reason.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from foedus.errors import UserError
from foedus.interop.aliases import Alias, AliasTable
from foedus.shapes import Json


class DatasetError(UserError, ValueError):
    """A file an importer cannot read (named with its line where there is one)."""


@dataclass
class Row:
    """One record of a data file: its values, its text as written, and where it is."""

    file: str
    line: int
    raw: str
    values: dict[str, str]

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)

    @property
    def ref(self) -> str:
        return f"{self.file} line {self.line}"


#: The first bytes of binary files that are given where a CSV file is expected, and what they
#: are (an Excel workbook is the usual one: ``gwstates.xlsx`` beside ``gwstates.csv``).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive, as an Excel .xlsx workbook is"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel .xls workbook or other OLE2 file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)
#: Characters no text CSV file holds: C0 controls other than tab, line feed, form feed and
#: carriage return (a NUL is the mark of a binary file). C1 controls do occur in real text
#: files (GGO_parties.csv holds U+0092, a Windows-1252 apostrophe decoded as Latin-1).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _line_of(text: str, pos: int) -> int:
    """The line (from 1) of character ``pos``: lines end in LF, CR LF or CR alone."""
    head = text[:pos]
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def decode_text(path: Path | str, data: bytes) -> str:
    """The text of a data file's bytes: UTF-8 (with or without BOM), else Windows-1252.

    A binary file (an Excel workbook, a zip, a PDF, UTF-16, anything with control bytes, or
    bytes that neither encoding reads) is refused in one line naming the file: its bytes are
    never echoed.
    """
    what = next((w for magic, w in _MAGIC if data.startswith(magic)), None)
    text = ""
    if what is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            if "\ufffd" in text:
                line = _line_of(text, text.index("\ufffd"))
                what = f"binary data: bytes neither UTF-8 nor Windows-1252 on line {line}"
    if what is None:
        bad = _NOT_TEXT.search(text)
        if bad is not None:
            line = _line_of(text, bad.start())
            what = f"binary data: the control character {bad.group()!r} on line {line}"
    if what is not None:
        raise DatasetError(
            f"{path}: not a text CSV file ({what}); save it as CSV (UTF-8) and import that"
        )
    return text


def read_text(path: Path) -> str:
    """A data file's text: UTF-8 (with or without BOM), else Windows-1252; a binary file is
    refused (:func:`decode_text`)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DatasetError(f"{path}: cannot read file: {e.strerror or e}") from None
    return decode_text(path, data)


class _Tap:
    """Feeds lines to csv.reader and remembers which lines the current record took."""

    def __init__(self, lines: list[str]) -> None:
        self._it = iter(enumerate(lines, 1))
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Tap:
        return self

    def __next__(self) -> str:
        n, line = next(self._it)
        self.taken.append((n, line))
        return line


def read_rows(
    path: Path, delimiter: str = ",", header: list[str] | None = None
) -> tuple[str, list[Row]]:
    """The header line and every row of a delimited file, each with its raw text and line.

    With ``header`` the file has no header line and these are its column names.
    """
    text = read_text(path)
    lines = text.splitlines(keepends=True)
    tap = _Tap(lines)
    reader = csv.reader(tap, delimiter=delimiter)
    name = path.name
    head_raw = ""
    if header is None:
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise DatasetError(f"{path}: empty file") from None
        head_raw = "".join(x for _, x in tap.taken).rstrip("\r\n")
        tap.taken.clear()
    rows = []
    for values in reader:
        first = tap.taken[0][0] if tap.taken else 0
        if len(tap.taken) > 1 and len(values) != len(header):
            # a quote opened and not closed on its line swallowed the lines after it
            line = tap.taken[0][1]
            col = line.rfind('"') + 1 or 1
            raise DatasetError(
                f"{path}:{first}:{col}: a quote opened here is not closed on its line: the "
                f"row runs on to line {tap.taken[-1][0]} and has {len(values)} fields, the "
                f"header {len(header)}"
            )
        raw = "".join(x for _, x in tap.taken).rstrip("\r\n")
        tap.taken.clear()
        if not raw.strip():
            continue
        rows.append(Row(name, first, raw, dict(zip(header, values, strict=False))))
    return head_raw, rows


def sniff_header(path: Path) -> list[str]:
    """The column names of a CSV file (lower-cased), to tell formats apart."""
    text = read_text(path)
    first = text.splitlines()[0] if text else ""
    return [h.strip().lower() for h in next(csv.reader([first]))] if first else []


# --------------------------------------------------------------------------- dates


def ymd(year: str, month: str = "", day: str = "") -> str | None:
    """A date from year, month and day columns as a corpus writes it: ``1940-06-16``, or
    ``1940-06`` / ``1940`` when the day / month is missing (-9, NA, 0 or empty).

    >>> ymd("1939", "3", "-9"), ymd("1940", "6", "16"), ymd("-9")
    ('1939-03', '1940-06-16', None)
    """
    return read_ymd(year, month, day)[0]  # what is wrong with a value: read_ymd


#: Codes for a year, month or day not given: empty, NA, ".", 0 and the COW codes -7 (ongoing),
#: -8 (not applicable) and -9 (unknown).
_NOT_GIVEN_TEXT = {"", "na", "."}
_NOT_GIVEN_CODES = {0, -7, -8, -9}


def _whole(text: str) -> int | None:
    try:
        f = float(text)
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


def _given(text: str) -> bool:
    return text.lower() not in _NOT_GIVEN_TEXT and _whole(text) not in _NOT_GIVEN_CODES


def read_ymd(
    year: str, month: str = "", day: str = "", what: str = ""
) -> tuple[str | None, str | None]:
    """:func:`ymd` with what is wrong with a value: ``(date, problem)``.

    - the year not given (empty, NA, 0, -7, -8, -9): ``(None, None)``;
    - the year written but not a year: ``(None, "entry year '19z9' is not a year")``;
    - a month or day written but not one: the date to the year or month, and the problem
      (``("1923", "start month '31' is not a month (1-12)")``);
    - else ``(date, None)``.

    >>> read_ymd("19z9", "3", "1", "entry")
    (None, "entry year '19z9' is not a year")
    >>> read_ymd("1940", "6", "31", "end")
    ('1940-06', "end day '31' is not a day of 1940-06")
    >>> read_ymd("-9"), read_ymd("1939", "-9", "-9")
    ((None, None), ('1939', None))
    """
    label = f"{what} " if what else ""
    y_text, m_text, d_text = ((v or "").strip() for v in (year, month, day))
    if not _given(y_text):
        return None, None
    y = _whole(y_text)
    if y is None or not 1 <= y <= 9999:
        return None, f"{label}year {y_text!r} is not a year"
    if not _given(m_text):
        return f"{y:04d}", None
    m = _whole(m_text)
    if m is None or not 1 <= m <= 12:
        return f"{y:04d}", f"{label}month {m_text!r} is not a month (1-12)"
    if not _given(d_text):
        return f"{y:04d}-{m:02d}", None
    d = _whole(d_text)
    if d is None or not 1 <= d <= calendar.monthrange(y, m)[1]:
        return f"{y:04d}-{m:02d}", f"{label}day {d_text!r} is not a day of {y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}", None


def day_after(iso_day: str) -> str:
    """The ISO day after an ISO day (``2016-12-31`` -> ``2017-01-01``)."""
    return (date.fromisoformat(iso_day) + timedelta(days=1)).isoformat()


_MESSY = re.compile(r"^(\d{4})(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?-?([?~])?$")


def _messy_bounds(text: str) -> tuple[date, date] | None:
    m = _MESSY.match(text.strip())
    if m is None:
        return None
    year = int(m.group(1))
    if year < 1:
        return None
    month = m.group(2)
    day = m.group(3)
    if month in (None, "XX"):
        return date(year, 1, 1), date(year, 12, 31)
    mo = int(month)
    if not 1 <= mo <= 12:
        return None
    last = calendar.monthrange(year, mo)[1]
    if day in (None, "XX") or m.group(4):  # unknown or uncertain day: the month
        return date(year, mo, 1), date(year, mo, last)
    d = int(day)
    if not 1 <= d <= last:
        return None
    return date(year, mo, d), date(year, mo, d)


def messy_date(text: str) -> Json | str | None:
    """A ``messydates`` value (GGO/manytreaties) as a corpus date; None when unreadable.

    An exact day stays a day; ``1964-06`` is the month; ``1998`` the year; ``a..b`` the range;
    an uncertain (``?``) or approximate (``~``) day is read as its month, keeping the text.

    >>> messy_date("1981-02-18?")
    {'earliest': '1981-02-01', 'latest': '1981-02-28', 'text': '1981-02-18?'}
    >>> messy_date("1920-02-02"), messy_date("9999-12-31") is None
    ('1920-02-02', True)
    """
    text = (text or "").strip()
    if not text or text.upper() == "NA" or text.startswith("9999"):
        return None
    parts = text.split("..")
    if len(parts) == 2:
        a, b = _messy_bounds(parts[0]), _messy_bounds(parts[1])
        if a is None or b is None or b[1] < a[0]:
            return None
        lo, hi = a[0], b[1]
    elif len(parts) == 1:
        bounds = _messy_bounds(text)
        if bounds is None:
            return None
        lo, hi = bounds
        if lo == hi:
            return lo.isoformat()
    else:
        return None
    return {"earliest": lo.isoformat(), "latest": hi.isoformat(), "text": text}


def date_bounds(value: Json | str | None) -> tuple[date, date] | None:
    """The earliest and latest day of a date as written by :func:`ymd` or :func:`messy_date`."""
    if value is None:
        return None
    if isinstance(value, dict):
        return date.fromisoformat(value["earliest"]), date.fromisoformat(value["latest"])
    from foedus.model import parse_date

    d = parse_date(value)
    return d.earliest, d.latest


# --------------------------------------------------------------------------- the import


@dataclass
class Report:
    """What an import mapped, what it skipped and why."""

    kind: str
    dataset: str
    files: list[str] = field(default_factory=list)
    read: int = 0
    mapped: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    unresolved: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def skip(self, reason: str, ref: str) -> None:
        self.skipped[reason] += 1
        ex = self.examples.setdefault(reason, [])
        if len(ex) < 3:
            ex.append(ref)

    def to_json(self) -> Json:
        return {
            "kind": self.kind,
            "dataset": self.dataset,
            "files": self.files,
            "rows_read": self.read,
            "mapped": dict(self.mapped),
            "skipped": [
                {"reason": r, "rows": n, "examples": self.examples.get(r, [])}
                for r, n in self.skipped.most_common()
            ],
            "actors_not_in_alias_table": dict(self.unresolved.most_common()),
            "notes": self.notes,
        }

    def text(self) -> str:
        lines = [
            f"import {self.kind} ({self.dataset}): {self.read} rows read from "
            + ", ".join(self.files)
        ]
        lines.append("mapped: " + ", ".join(f"{n} {k}" for k, n in self.mapped.items()))
        if self.skipped:
            lines.append("skipped:")
            for reason, n in self.skipped.most_common():
                ex = "; ".join(self.examples.get(reason, []))
                lines.append(f"  {n:6d}  {reason}" + (f"  (e.g. {ex})" if ex else ""))
        if self.unresolved:
            shown = ", ".join(f"{k} ({n})" for k, n in self.unresolved.most_common(12))
            more = len(self.unresolved) - 12
            lines.append(
                f"actors not in the alias table (named from the data): {shown}"
                + (f", and {more} more" if more > 0 else "")
            )
        lines += self.notes
        return "\n".join(lines)


@dataclass
class DatasetInfo:
    """What corpus.yaml says about an imported dataset."""

    id: str  # the source id: sources/<id>.txt
    title: str
    citation: str
    licence: str
    url: str = ""


@dataclass
class Import:
    """The records an importer made, the rows they cite, and the report."""

    kind: str
    info: DatasetInfo
    aliases: AliasTable
    report: Report = field(init=False)
    actors: dict[str, Json] = field(default_factory=dict)
    instruments: list[Json] = field(default_factory=list)
    events: list[Json] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    cited: dict[tuple[str, int], str] = field(default_factory=dict)
    existed_from: dict[str, str] = field(default_factory=dict)

    counted: dict[int, tuple[Json, list[str]]] = field(default_factory=dict)

    def count(self, record: Json, *keys: str) -> None:
        """Count ``record`` (an event, instrument or party) as mapped under ``keys``; a record
        later dropped (:meth:`drop`) is taken off those counts, so the report stays true."""
        self.counted.setdefault(id(record), (record, []))[1].extend(keys)
        for k in keys:
            self.report.mapped[k] += 1

    def drop(self, record: Json) -> None:
        """Take a record that will not be written off the counts it was mapped under (and,
        for an instrument, its parties')."""
        for part in record.get("parties") or []:
            self.drop(part)
        _, keys = self.counted.pop(id(record), (record, []))
        for k in keys:
            self.report.mapped[k] -= 1
            if self.report.mapped[k] <= 0:
                del self.report.mapped[k]

    def when(
        self, row: Row, year: str, month: str = "", day: str = "", what: str = ""
    ) -> tuple[str | None, bool]:
        """The date of ``row`` written as ``year``, ``month`` and ``day`` (values, read by
        :func:`read_ymd`): ``(date, ok)``. A year written but not a year skips the row with
        that reason (``ok`` False); a month or day written but not one is reported and the row
        kept, its date to the year or month; a year not given is ``(None, True)``."""
        when, problem = read_ymd(year, month, day, what)
        if problem is None:
            return when, True
        if when is None:
            self.report.skip(problem, row.ref)
            return None, False
        to = "year" if len(when) == 4 else "month"
        self.report.skip(f"{problem} (row kept, dated to the {to})", row.ref)
        return when, True

    def read(self, path: Path) -> list[Row]:
        """Every row of a CSV file, with the file recorded in the report."""
        header, rows = read_rows(path)
        self.headers[path.name] = header
        self.report.files.append(path.name)
        self.report.read += len(rows)
        return rows

    used_ids: set[str] = field(default_factory=set)

    def new_id(self, base: str) -> str:
        """``base`` as a slug, made unique within the import (``-2``, ``-3``, ...)."""
        from foedus.interop.aliases import slugify

        ident = slugify(base)
        k, out = 1, ident
        while out in self.used_ids:
            k += 1
            out = f"{ident}-{k}"
        self.used_ids.add(out)
        return out

    def __post_init__(self) -> None:
        self.report = Report(self.kind, self.info.id)

    def cite(self, row: Row) -> Json:
        """A quote of ``row`` (kept for the source file)."""
        self.cited[(row.file, row.line)] = row.raw
        return {"source": self.info.id, "quote": " ".join(row.raw.split())}

    def keep(self, row: Row) -> None:
        """Keep ``row`` in the source file without quoting it (its record names it in notes)."""
        self.cited[(row.file, row.line)] = row.raw

    #: Names the data itself gives an actor (a state list's "Rumania" for ``romania``), by
    #: actor, each with the first row that gives it: made its aliases where that is safe
    #: (:func:`foedus.interop.importers.own_names`), so the file's own names work.
    data_names: dict[str, dict[str, str]] = field(default_factory=dict)

    def actor(self, alias: Alias, *, ref: str = "", named: str | None = None) -> str:
        """The slug of an actor, adding it to the import (merging codes) on first use.

        ``named``: the name the data gives it on this row (kept in :attr:`data_names`; a
        value not given, such as ``NA``, or a number is no name)."""
        name = " ".join((named or "").split())
        if _given(name) and _whole(name) is None:
            self.data_names.setdefault(alias.id, {}).setdefault(name, ref)
        a = self.actors.get(alias.id)
        if a is None:
            a = {
                "id": alias.id,
                "name": alias.name,
                "kind": "state",
                "aliases": [],
                "iso3166": [],
                "cow": [],
            }
            self.actors[alias.id] = a
            if not alias.known:
                a["notes"] = f"not in foedus' alias table; named from {ref or 'the data'}"
        for n in alias.names:
            if n not in a["aliases"] and n != a["name"]:
                a["aliases"].append(n)
        if alias.cowc and alias.cowc not in a["aliases"]:
            a["aliases"].append(alias.cowc)
        for code in alias.iso:
            if code not in a["iso3166"]:
                a["iso3166"].append(code)
        for c in alias.cow:
            if c not in a["cow"]:
                a["cow"].append(c)
        if not alias.known:
            self.report.unresolved[alias.name] += 1
        return alias.id

    def source_text(self) -> str:
        """``sources/<dataset>.txt``: each file's header, then the rows cited, verbatim."""
        out: list[str] = [
            f"# {self.info.title}",
            f"# {self.info.citation}",
            f"# Licence/terms: {self.info.licence}",
            "# The rows below are copied verbatim from the files imported "
            "(file name, then header, then the rows cited).",
            "",
        ]
        by_file: dict[str, list[tuple[int, str]]] = {}
        for (file, line), raw in self.cited.items():
            by_file.setdefault(file, []).append((line, raw))
        for file in sorted(by_file):
            out.append(f"## {file}")
            if self.headers.get(file):
                out.append(self.headers[file])
            out += [raw for _, raw in sorted(by_file[file])]
            out.append("")
        return "\n".join(out)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    for p in paths:
        if not p.is_file():
            raise DatasetError(f"{p}: file not found")
        yield p
