"""``python -m foedus.build.precompile``: the bundled corpus's rule programs parsed, its plans
compiled and its database built, into the files the package ships
(:data:`foedus.rules.load.PARSED`, :data:`foedus.build.plans.PLANS`,
:data:`foedus.build.shipped.SHIPPED`; docs/decisions/0011-plans-compiled-ahead.md and
0013-bundled-database-shipped.md). Run it after any change to the engine, the rule language,
the build or the bundled corpus, and commit the files (tests/build/test_plans.py and
tests/build/test_shipped.py fail while one is stale)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from foedus.build import plans, shipped
from foedus.build.builder import build
from foedus.build.database import cached_path
from foedus.build.fluents import store_fluents
from foedus.build.steps import default_steps


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
    made = ship(load_corpus(bundled_path()))
    print(f"{made}: the bundled corpus's database", file=sys.stderr)
    return 0


def ship(corpus: Any) -> Path:
    """Build ``corpus``'s database with every step and ship it as the one for its cache
    file (:mod:`foedus.build.shipped`). Returns the shipped file."""
    key, steps = default_steps()
    with tempfile.TemporaryDirectory(prefix="foedus-shipped-") as tmp:
        built = build(corpus, Path(tmp) / "bundled.duckdb", steps).path
        return shipped.write(built, cached_path(corpus, key))


if __name__ == "__main__":
    raise SystemExit(main())
