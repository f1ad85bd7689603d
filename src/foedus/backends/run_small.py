"""``foedus run`` on a small narrative, in plain Python: no DuckDB to import.

``import duckdb`` alone costs more than RTEC's whole run of a tiny narrative
(docs/decisions/0010-small-narratives.md), so :func:`foedus.backends.run.run` sends a small
input here: the narrative is read with ``str.split`` (the RTEC format) or line by line (the
CSV format), the rules are evaluated by the reference interpreter
(:mod:`foedus.engine.reference`, the oracle that the compiled engine is tested against) and
the intervals are written as DuckDB's ``COPY ... (FORMAT csv, HEADER true)`` writes them,
byte for byte.

This path reads only what it is sure to read as DuckDB's reader does. Anything else (a time
that is not a plain integer, a line with too few fields, a quoted CSV field, a lone carriage
return...) makes :func:`read_happenings` answer None, and the caller runs the DuckDB path,
which reads the file or reports its one-line error: one reader decides every doubtful case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from foedus.engine.narrative import Happening, Interval
from foedus.engine.reference import evaluate
from foedus.rules.ast import Program

__all__ = ["csv_bytes", "evaluate_small", "read_happenings"]

#: A time that DuckDB's ``TRY_CAST(.. AS BIGINT)`` reads as Python's ``int`` does.
_INT = re.compile(r"-?[0-9]{1,18}")
HEADER = b"fluent,args,value,start,end\n"


def _lines(path: Path) -> list[str] | None:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte order mark: as DuckDB's reader
    except (OSError, UnicodeDecodeError):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # a lone carriage return: DuckDB's line splitting decides
            return None
    if "\x00" in text or "\x01" in text:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_happenings(path: Path, kind: str) -> list[Happening] | None:
    """The happenings of a narrative in RTEC's format (``kind`` ``"rtec"``) or the CSV format
    (``"csv"``), exactly as the DuckDB path reads them; None when this reader is not sure."""
    lines = _lines(path)
    if lines is None:
        return None
    out: list[Happening] = []
    if kind == "rtec":
        for line in lines:
            if not line.strip(" "):
                continue
            if not line.strip():  # other white space: DuckDB's trim decides
                return None
            f = line.split("|")
            if len(f) < 3 or not f[0] or not _INT.fullmatch(f[2]):
                return None
            t = int(f[2])
            out.append(Happening(f[0], tuple(f[3:]), t, t))
        return out
    if kind != "csv" or not lines or lines[0] != "event,time,args":
        return None
    for line in lines[1:]:
        f = line.split(",")
        if '"' in line or len(f) != 3 or not f[0] or not _INT.fullmatch(f[1]):
            return None  # quoting, a blank line, a bad row: DuckDB's CSV reader decides
        t = int(f[1])
        out.append(Happening(f[0], tuple(f[2].split(";")) if f[2] else (), t, t))
    return out


def evaluate_small(
    program: Program, happenings: list[Happening], facts: dict[str, list[tuple[str, ...]]]
) -> list[Interval]:
    """Every interval, in the order of ``foedus run``'s CSV: fluent, args (joined by ``;``),
    value, start."""
    rows = evaluate(program, happenings, {rel: set(rs) for rel, rs in facts.items()})
    return sorted(rows, key=lambda i: (i.fluent, ";".join(i.args), i.value, i.start))


def _field(s: str) -> str:
    """A CSV field as DuckDB's writer quotes it: an empty string (else it would read as NULL),
    or one with the delimiter, the quote or a line break."""
    if s == "" or "," in s or '"' in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def csv_bytes(intervals: Iterable[Interval]) -> bytes:
    """The interval CSV (``fluent,args,value,start,end``; an open end ``inf``). A fluent of no
    argument has an empty ``args`` field, unquoted, as in RTEC's CSV (DuckDB's path writes a
    NULL there)."""
    parts = [HEADER.decode()]
    for i in intervals:
        end = "inf" if i.end is None else str(i.end)
        args = ";".join(i.args)
        parts.append(
            f"{_field(i.fluent)},{_field(args) if args else ''},{_field(i.value)},{i.start},{end}\n"
        )
    return "".join(parts).encode("utf-8")
