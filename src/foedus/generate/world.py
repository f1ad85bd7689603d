"""Random worlds of any size: a realistic synthetic corpus, deterministic from its seed.

``foedus generate-world --states N --instruments M --events E --seed S -o DIR`` writes a corpus
folder that the whole pipeline runs on (fluents, breaches, aggressor): states (a few of them
succeeded by another), bilateral and multilateral instruments with parties (signature,
ratification, accession, succession, some denounced) and clauses whose norms are
prohibitions, obligations, guarantees and renunciations of the corpus's act categories (plus
one definition of aggression), and events in *episodes* between two states — wars
(declaration, invasion, attack, occupation, withdrawal), conquests (occupation, annexation,
restoration of independence years later, recognitions by third states), skirmishes,
blockades, declarations of independence and recognitions. A share of dates is fuzzy (a month,
written ``YYYY-MM``). The rules are copies of the rule library's ``base.rules`` and
``de-facto.rules`` (:mod:`foedus.rules.library`), under one perspective ``de-facto``.

Small worlds are written as YAML; large ones (``--format parquet``, the default above 20,000
events) as Parquet tables beside the YAML of actors, categories and perspectives. The columnar
layout is documented in docs/performance.md ("The Parquet corpus layout") and in
:mod:`foedus.corpus.parquet`.

Every random draw is a pure function of the seed and the row number (a small integer hash
computed in SQL, :mod:`foedus.generate.sql`), so the same arguments write the same files byte
for byte, whatever the machine or the number of threads.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()) / "w"
>>> _ = generate_world(d, states=6, instruments=4, events=40, seed=1)
>>> sorted(p.name for p in d.iterdir())[:4]
['actors.yaml', 'categories.yaml', 'corpus.yaml', 'events.yaml']
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from foedus.build.database import memory_limit
from foedus.build.schema import set_setting
from foedus.duck import duckdb
from foedus.generate.draws import _build
from foedus.generate.writers import _write_common, _write_parquet, _write_yaml

YAML_LIMIT = 20_000


@dataclass(frozen=True)
class World:
    """What :func:`generate_world` wrote."""

    path: Path
    format: str
    states: int
    instruments: int
    events: int


def generate_world(
    out: str | Path,
    states: int = 50,
    instruments: int = 40,
    events: int = 1000,
    seed: int = 0,
    format: str = "auto",
    fuzzy: float = 0.1,
) -> World:
    """Write a random world of ``events`` events to the folder ``out`` (replaced if present).

    ``format`` is ``yaml``, ``parquet`` or ``auto`` (Parquet above :data:`YAML_LIMIT` events);
    ``fuzzy`` is the share of events dated by a month rather than a day.
    """
    if states < 2:
        raise ValueError("a world needs at least two states")
    if instruments < 1 or events < 0 or seed < 0:
        raise ValueError("instruments must be >= 1, events and seed >= 0")
    fmt = format if format != "auto" else ("parquet" if events > YAML_LIMIT else "yaml")
    if fmt not in ("yaml", "parquet"):
        raise ValueError(f"unknown format {format!r}: yaml, parquet or auto")
    limit = memory_limit()  # a bad FOEDUS_MEMORY_LIMIT is refused before anything is removed
    path = Path(out)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    # under the build's memory limit, spilling beside the output (an unbounded in-memory
    # database held the 10^7 world's tables whole: 5.3 GB of RSS)
    con = duckdb.connect(config={"memory_limit": limit, "temp_directory": str(path / ".spill")})
    try:
        con.execute(set_setting("threads", 2))
        _build(con, states, instruments, events, fuzzy, seed % 1_000_003)
        _write_common(con, path, seed)
        if fmt == "parquet":
            _write_parquet(con, path)
        else:
            _write_yaml(con, path)
    finally:
        con.close()
        shutil.rmtree(path / ".spill", ignore_errors=True)
    return World(path, fmt, states, instruments, events)
