"""Reading RTEC's files in the tests that compare an engine with RTEC (tests/engine's
conformance tests on ``tests/rtec/fixtures``, tests/rtec/test_rtec_more.py on
``tests/rtec/fixtures_more``): its narratives as happenings, its interval CSV as rows, and an
engine's intervals as the same rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from foedus.engine.narrative import Happening

#: (fluent, args, value, start, end); an open end is infinity, as RTEC writes ``inf``
Row = tuple[str, str, str, int, float]


def read_expected(path: Path) -> set[Row]:
    """RTEC's interval CSV (``fluent,args,value,start,end``) as rows."""
    with path.open(newline="") as f:
        return {
            (
                r["fluent"],
                r["args"],
                r["value"],
                int(r["start"]),
                float("inf") if r["end"] == "inf" else int(r["end"]),
            )
            for r in csv.DictReader(f)
        }


def read_narrative(path: Path) -> list[Happening]:
    """RTEC's input, ``event|arrival|time|arg...``, one happening per line, each with an id."""
    out = []
    for n, line in enumerate(path.read_text().splitlines()):
        if line.strip():
            name, _arrival, t, *args = line.split("|")
            out.append(Happening(name, tuple(args), int(t), int(t), f"h{n:07d}"))
    return out


def interval_rows(intervals: Iterable[object]) -> set[Row]:
    """An engine's intervals as the rows of :func:`read_expected`."""
    return {
        (i.fluent, ";".join(i.args), i.value, i.start, float("inf") if i.end is None else i.end)  # type: ignore[attr-defined]
        for i in intervals
    }
