"""What the two RTEC conformance tests share: the cases, and RTEC's expected rows.

``tests/rtec/<description>.rules`` is an RTEC description in the foedus rule language; each
``tests/rtec/fixtures/narratives/<case>.csv`` is run against it and must give
``tests/rtec/fixtures/expected/<case>.csv``, as a set of rows (see the conformance README).
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).parents[1] / "rtec"
FIXTURES = HERE / "fixtures"
CASES = sorted(p.stem for p in (FIXTURES / "expected").glob("*.csv"))

#: (fluent, args, value, start, end); an open end is infinity, as RTEC writes ``inf``
Row = tuple[str, str, str, int, float]


def read_expected(path: Path) -> set[Row]:
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
