"""How fast the YAML files of a corpus are read: before (ruamel's node tree) and after (the C
parser's events, :mod:`foedus.corpus.yamlevents`), alternated in one run.

    python benchmarks/yaml_read.py CORPUS [CORPUS ...] [--rounds 3]

For each corpus folder it times, round after round and each way in turn (the machine may be
shared and noisy: alternating keeps the two under the same load):

* ``values``: the plain values of every YAML file, as a corpus that loads is read
  (:func:`.yamlread.read_fast`; before: ruamel's safe loader on libyaml, then ``plain``);
* ``positions``: where every value of every record is written, as a problem or ``--assume``
  asks (:func:`.yamlread.record_positions`; before: the round-trip reading and ``walk``);

checks that both ways give the same, and prints the best time of each and the ratio as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from foedus.corpus import yamlread
from foedus.corpus.corpus import SINGULAR
from foedus.corpus.folder import display, read_text
from foedus.corpus.yamlevents import FastConstructor, Resolver


def values_before(path: Path, root: Path) -> Any:
    """The plain values as the reading before (ruamel's safe loader on libyaml) made them."""
    text = read_text(path, root, [])
    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = FastConstructor
    yaml.Resolver = Resolver
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return yamlread.plain(yaml.load(text))


def positions_before(path: Path, root: Path) -> Any:
    """The positions as the reading before (the round-trip tree, walked) found them."""
    with_rt = yamlread._CParser
    try:
        yamlread._CParser = None  # record_positions then reads the round-trip way
        return yamlread.record_positions(path, display(path), root, SINGULAR)
    finally:
        yamlread._CParser = with_rt


def values_after(path: Path, root: Path) -> Any:
    return yamlread.read_fast(path, root)


def positions_after(path: Path, root: Path) -> Any:
    return yamlread.record_positions(path, display(path), root, SINGULAR)


def timed(read: Callable[[Path, Path], Any], files: list[Path], root: Path) -> tuple[float, Any]:
    start = time.perf_counter()
    out = [read(f, root) for f in files]
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    results = []
    for root in a.corpora:
        files = [f for f in sorted(root.glob("*.yaml")) if f.name != "corpus.yaml"]
        size = sum(f.stat().st_size for f in files)
        row: dict[str, Any] = {"corpus": str(root), "bytes": size}
        for what, before, after in (
            ("values", values_before, values_after),
            ("positions", positions_before, positions_after),
        ):
            best = {"before": float("inf"), "after": float("inf")}
            for _ in range(a.rounds):
                t_before, got_before = timed(before, files, root)
                t_after, got_after = timed(after, files, root)
                if got_before != got_after:
                    sys.exit(f"{root}: {what} differ before and after")
                best["before"] = min(best["before"], t_before)
                best["after"] = min(best["after"], t_after)
            row[what] = {
                "before_s": round(best["before"], 3),
                "after_s": round(best["after"], 3),
                "ratio": round(best["before"] / best["after"], 2),
            }
        results.append(row)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
