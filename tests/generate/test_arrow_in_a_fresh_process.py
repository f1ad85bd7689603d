"""A command in a process of its own, which imports DuckDB's extension alone (decision 0012):
DuckDB 2's extension scans an Arrow table only once the ``duckdb`` package is imported
(decision 0015), and the steps that move rows as Arrow tables import it themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from foedus.generate import generate_world


def foedus(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FOEDUS_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "foedus", *args], capture_output=True, text=True, env=env
    )


def test_a_parquet_corpus_validates_and_builds_in_a_process_of_its_own(tmp_path: Path) -> None:
    world = generate_world(
        tmp_path / "w", states=5, instruments=3, events=300, seed=2, format="parquet"
    ).path
    # its checks load the actors into DuckDB as an Arrow table: "Python Arrow objects cannot
    # be scanned" when nothing had imported the package
    checked = foedus("validate", str(world), cache=tmp_path / "cache")
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.startswith("ok: 6 actors, 3 instruments, 300 events")
    built = foedus("build", str(world), "-o", str(tmp_path / "w.duckdb"), cache=tmp_path / "cache")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "w.duckdb").is_file()


def test_a_yaml_world_is_generated_in_a_process_of_its_own(tmp_path: Path) -> None:
    # the YAML writer read its Parquet files back with the package's relational API
    # ("'DuckDBPyConnection' object has no attribute 'read_parquet'")
    out = tmp_path / "y"
    made = foedus(
        "generate-world", "--states", "5", "--instruments", "3", "--events", "100",
        "--seed", "2", "--format", "yaml", "-o", str(out), cache=tmp_path / "cache",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    checked = foedus("validate", str(out), cache=tmp_path / "cache")
    assert checked.stdout.startswith("ok: 6 actors, 3 instruments, 100 events"), checked.stderr
