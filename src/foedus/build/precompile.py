"""``python -m foedus.build.precompile``: the bundled corpus's rule programs parsed and its
plans compiled, into the files the package ships (:data:`foedus.rules.load.PARSED`,
:data:`foedus.build.plans.PLANS`; docs/decisions/0011-plans-compiled-ahead.md). Run it after
any change to the engine, the rule language or the bundled corpus's rules, and commit both
files (tests/build/test_plans.py fails while either is stale)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from foedus.build import plans
from foedus.build.builder import build
from foedus.build.fluents import store_fluents


def record(corpus: Any) -> dict[str, dict[str, Any]]:
    """The scripts a full build of ``corpus`` compiles, by key: what the file holds for the
    bundled corpus."""
    with plans.recording() as kept, tempfile.TemporaryDirectory(prefix="foedus-plans-") as tmp:
        build(corpus, Path(tmp) / "plans.duckdb", [store_fluents])
        return dict(sorted(kept.items()))


def main() -> int:
    from foedus.corpus import bundled_path, load_corpus
    from foedus.rules import load

    load._shipped = {}  # parsed afresh, not read from the file being remade
    kept = record(load_corpus(bundled_path()))
    plans.write(kept)
    print(f"{plans.PLANS}: {len(kept)} plans", file=sys.stderr)
    programs = load.parsed_in_process()  # the corpus's perspectives' programs, and no other
    load.write(programs)
    print(f"{load.PARSED}: {len(programs)} programs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
