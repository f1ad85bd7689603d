"""``foedus run --facts``: domain facts, read in plain Python (small files); and the header
and the first bad row of a CSV narrative (:func:`csv_header`, :func:`csv_bad_row`).

RTEC-style lines (``state(s1).``, one per line, ``%`` comments; an argument may be quoted, and
a quoted one may hold a comma) or a CSV file with the header ``fact,args`` (``args`` joined by
``;``). Facts of relations that the rules do not declare are ignored (RTEC's grounding facts,
which foedus does not need). A byte order mark before the first line is not part of it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_FACT = re.compile(r"^\s*([a-z][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*\.\s*(?:%.*)?$")
_ATOM = re.compile(r"^\s*(?:'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.)*)\"|([^\s,()'\"]+))\s*$")
#: The pieces of an argument list: a quoted atom (which may hold a comma) or anything else up
#: to a comma (checked by :data:`_ATOM`).
_PIECE = re.compile(r"\s*(?:'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"|[^,'\"]*)*")
#: A narrative's time, as the DuckDB path reads it (RE2's ``\s``); a CSV header's columns.
_TIME = re.compile(r"[\t\n\f\r ]*[+-]?[0-9]+[\t\n\f\r ]*")
COLUMNS = ("event", "time", "args")


def read_facts(
    paths: list[Path], arities: dict[str, int]
) -> tuple[dict[str, list[tuple[str, ...]]], list[str]]:
    """The rows of the declared fact relations in ``paths``, and the errors (``file:line:
    message``, one each)."""
    import csv

    rows: dict[str, list[tuple[str, ...]]] = {r: [] for r in arities}
    errors: list[str] = []

    def add(where: str, rel: str, args: list[str]) -> None:
        if rel not in arities:
            return
        if len(args) != arities[rel]:
            errors.append(
                f"{where}: fact relation '{rel}' takes {arities[rel]} argument"
                f"{'' if arities[rel] == 1 else 's'}, found {len(args)}"
            )
            return
        rows[rel].append(tuple(args))

    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            errors.append(f"{path}:1: cannot read facts: {getattr(e, 'strerror', None) or e}")
            continue
        if Path(path).suffix.lower() == ".csv":
            reader = csv.reader(text.splitlines())
            header = next(reader, None)
            if header is None or [h.strip().lower() for h in header[:2]] != ["fact", "args"]:
                errors.append(f"{path}:1: expected the header 'fact,args'")
                continue
            for n, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) != 2:
                    errors.append(f"{path}:{n}: expected 2 columns (fact,args), found {len(row)}")
                    continue
                add(f"{path}:{n}", row[0].strip(), row[1].split(";") if row[1] else [])
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            s = line.strip()
            if not s or s.startswith("%"):
                continue
            m = _FACT.match(s)
            args: list[str] = []
            ok = m is not None
            if m and m.group(2) is not None:
                for piece in _split(m.group(2)):
                    am = _ATOM.match(piece)
                    if am is None:
                        ok = False
                        break
                    args.append(next(g for g in am.groups() if g is not None))
            if not ok or m is None:
                errors.append(f"{path}:{n}: expected a fact such as 'state(s1).', found {s!r}")
                continue
            add(f"{path}:{n}", m.group(1), args)
    return rows, errors


def _split(args: str) -> list[str]:
    """An argument list split at the commas outside quotes."""
    out, at = [], 0
    while True:
        m = _PIECE.match(args, at)
        end = m.end() if m else at
        out.append(args[at:end])
        if end >= len(args) or args[end] != ",":
            if end < len(args):  # an unclosed quote: the rest, for _ATOM to refuse
                out[-1] = args[at:]
            return out
        at = end + 1


def csv_header(path: Path) -> tuple[tuple[str, str, str], int]:
    """The columns (``c0``, ``c1``... by position) of ``event``, ``time`` and ``args`` in a CSV
    narrative's header, and how many columns it has; ValueError (``file:1: message``) when the
    header lacks one. Other columns are ignored, names are read without case."""
    import csv

    try:
        with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as f:
            header = next(csv.reader(f), [])
    except OSError as e:
        raise ValueError(f"{path}:1: cannot read narrative: {e.strerror}") from None
    names = [h.strip().lower() for h in header]
    if not set(COLUMNS) <= set(names):
        raise ValueError(
            f"{path}:1: expected the header 'event,time,args', found {','.join(header)!r}"
        )
    cols = tuple(f"c{names.index(c)}" for c in COLUMNS)
    return (cols[0], cols[1], cols[2]), len(names)


def csv_bad_row(path: Path) -> tuple[int, str] | None:
    """The line of the first bad row of a CSV narrative and what is wrong with it (too few
    or too many fields, no event name, a time that is not an integer or out of range), or
    None. Run only when the DuckDB path found a bad row or could not read the file."""
    import csv

    try:
        (ev, tm, _), n = csv_header(path)
    except ValueError:
        return None
    e, t = int(ev[1:]), int(tm[1:])
    with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return None
            except csv.Error as err:
                return line, f"not a CSV row: {err}"
            if not row:
                continue
            if len(row) != n:
                return line, (
                    f"expected {n} fields ({','.join(header)}), found {len(row)}: {','.join(row)!r}"
                )
            if row[e] == "":
                return line, "no event name"
            if row[t] == "":
                return line, "no time"
            if not _TIME.fullmatch(row[t]):
                return line, f"time {row[t]!r} is not an integer"
            if not -(2**63) <= int(row[t]) <= MAX_TIME:
                return line, f"time {row[t]!r} is out of range {_RANGE}"


# --- the narrative's times, and what DuckDB cannot read ----------------------------------

#: The largest time a narrative may give: an event at ``T`` takes effect at ``T + 1``, a
#: BIGINT (the engine's time points are DuckDB's BIGINT, Python's int on the small path).
MAX_TIME = 2**63 - 2
_RANGE = f"({-(2**63)} to {MAX_TIME})"
_DIGITS = "regexp_full_match({0}, '\\s*[+-]?[0-9]+\\s*')"


def time_sql(col: str) -> str:
    """A time field as a BIGINT, else NULL (not an integer: ``1.5``, ``1e3``; out of range)."""
    big = f"TRY_CAST({col} AS HUGEINT) <= {MAX_TIME}"
    return f"CASE WHEN {_DIGITS.format(col)} AND {big} THEN TRY_CAST({col} AS BIGINT) END"


def time_what(col: str) -> str:
    """Why a time field is bad (for the query of the first bad row)."""
    q = f"'time ' || chr(39) || {col} || chr(39)"
    return (
        f"CASE WHEN {_DIGITS.format(col)} THEN {q} || ' is out of range {_RANGE}' "
        f"ELSE {q} || ' is not an integer' END"
    )


def read_error(con: Any, path: Path, kind: str, e: BaseException) -> str:
    """The line of a narrative that DuckDB cannot read: bytes that are not UTF-8, a CSV row
    with too few or too many fields (:func:`csv_bad_row`), a Parquet file without a column;
    else DuckDB's message."""
    try:
        data = b"" if kind == "parquet" else Path(path).read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as u:
        line = data.count(b"\n", 0, u.start) + 1
        col = u.start - (data.rfind(b"\n", 0, u.start) + 1) + 1
        what = f"not UTF-8 text (byte 0x{data[u.start]:02x})"
        return f"{path}:{line}:{col}: cannot read narrative: {what}"
    except OSError:
        pass
    if kind == "csv":
        found = csv_bad_row(path)
        if found is not None:
            return f"{path}:{found[0]}: {found[1]}"
    if kind == "parquet":
        lit = "'" + str(path).replace("'", "''") + "'"
        try:
            names = [r[0] for r in con.execute(f"DESCRIBE FROM read_parquet({lit})").fetchall()]
        except Exception:  # noqa: BLE001 - not a Parquet file: DuckDB's message below
            names = None
        if names is not None and not set(COLUMNS) <= set(names):
            return (
                f"{path}:1: cannot read narrative: expected the columns event, time and args, "
                f"found {', '.join(names) or 'none'}"
            )
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return f"{path}:1: cannot read narrative: {first}"
