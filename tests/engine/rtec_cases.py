"""What the two RTEC conformance tests share: the cases, and RTEC's expected rows.

``tests/rtec/<description>.rules`` is an RTEC description in the foedus rule language; each
``tests/rtec/fixtures/narratives/<case>.csv`` is run against it and must give
``tests/rtec/fixtures/expected/<case>.csv``, as a set of rows (see the conformance README).
"""

from __future__ import annotations

from pathlib import Path

from rtec_rows import Row, read_expected

__all__ = ["CASES", "FIXTURES", "HERE", "Row", "read_expected"]

HERE = Path(__file__).parents[1] / "rtec"
FIXTURES = HERE / "fixtures"
CASES = sorted(p.stem for p in (FIXTURES / "expected").glob("*.csv"))
