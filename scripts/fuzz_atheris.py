"""Coverage-guided fuzzing (atheris / libFuzzer) of the input parsers.

Targets, each a function of the fuzzer's bytes; an input passes when it gives an answer or the
error foedus means for bad input (a ``UserError``), and fails on any other exception or hang:

    dates      foedus.model.parse_date          -> FuzzyDate or DateError
    rules      foedus.rules.parse_rules          -> Program or RuleError
    yaml       load_corpus on a copy of tests/corpora/good with events.yaml replaced
                                                 -> Corpus or CorpusError
    overlay    load_overlay of the bytes over tests/corpora/good -> Corpus or CorpusError
    questions  foedus.ask.answer_question on the bundled corpus -> dict or UserError

Run every target in turn for a share of the time (a finding is written to
``fuzz-findings/<target>/`` and the target restarts, so one finding does not end the run)::

    python scripts/fuzz_atheris.py --total 600            # 10 minutes over every target
    python scripts/fuzz_atheris.py --target dates -- -max_total_time=60   # one, libFuzzer args

The summary (execs, findings per target) is printed as one JSON object at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "corpora" / "good"
TARGETS = ("dates", "rules", "yaml", "overlay", "questions")


# --------------------------------------------------------------------------- seeds


def _seeds(target: str) -> list[bytes]:
    bundled = ROOT / "src" / "foedus" / "corpora" / "baltic-soviet"
    if target == "dates":
        words = [
            "1940-06-15",
            "mid-June 1940",
            "September 1939",
            "1991",
            "the end of 1918",
            "February 4–11, 1945",
            "late 1920s",
            "1918-1920",
            "4 May 1990",
            "early 1939",
            "June 20–10, 1940",
            "February 30, 1920",
            "in 1940.",
        ]
        return [w.encode() for w in words]
    if target == "rules":
        return [p.read_bytes() for p in sorted((bundled / "rules").glob("*.rules"))] + [
            (ROOT / "src" / "foedus" / "interop" / "rules" / "imported.rules").read_bytes()
        ]
    if target == "yaml":
        return [p.read_bytes() for p in sorted(GOOD.glob("*.yaml"))]
    if target == "overlay":
        return [p.read_bytes() for p in sorted((ROOT / "tests" / "overlays").glob("*.yaml"))]
    questions = [
        "Which treaties bound the USSR and Latvia on 1 June 1940?",
        "What was Estonia's status in 1960 according to the non-recognition view?",
        "Who was the aggressor between the USSR and Estonia?",
        "What happened in 1940?",
        "Which treaties did Latvia sign?",
        "Did the USSR breach the Treaty of Tartu?",
        "When was Lithuania annexed?",
    ]
    return [q.encode() for q in questions]


# --------------------------------------------------------------------------- targets


def _make_target(target: str):  # type: ignore[no-untyped-def]
    import atheris

    with atheris.instrument_imports(include=["foedus"]):
        from foedus.corpus import load_corpus, load_overlay
        from foedus.errors import UserError
        from foedus.model import parse_date
        from foedus.rules import parse_rules

    def text(data: bytes) -> str:
        return data.decode("utf-8", errors="replace")

    if target == "dates":

        def run(data: bytes) -> None:
            try:
                parse_date(text(data))
            except UserError:
                pass

        return run
    if target == "rules":

        def run(data: bytes) -> None:
            try:
                parse_rules(text(data), file="fuzz.rules")
            except UserError:
                pass

        return run
    if target in ("yaml", "overlay"):
        work = Path(tempfile.mkdtemp(prefix=f"foedus-fuzz-{target}-"))
        folder = work / "corpus"
        shutil.copytree(GOOD, folder)
        base = load_corpus(folder)
        file = folder / "events.yaml" if target == "yaml" else work / "overlay.yaml"

        def run(data: bytes) -> None:
            file.write_bytes(data)
            try:
                if target == "yaml":
                    load_corpus(folder)
                else:
                    load_overlay(file, base)
            except UserError:
                pass

        return run
    with atheris.instrument_imports(include=["foedus.ask"]):
        from foedus.ask import answer_question
    from foedus.query import KnowledgeBase

    kb = KnowledgeBase()
    kb.db_path  # noqa: B018 (build once, before fuzzing)

    def run(data: bytes) -> None:
        try:
            answer_question(text(data)[:500], kb)
        except UserError:
            pass

    return run


def fuzz_one(target: str, libfuzzer_args: list[str]) -> None:
    """Run one target in this process (libFuzzer takes over ``sys.argv``)."""
    import atheris

    run = _make_target(target)
    atheris.Setup([sys.argv[0], *libfuzzer_args], run)
    atheris.Fuzz()


# --------------------------------------------------------------------------- the driver


def drive(targets: list[str], total: float, out: Path) -> dict[str, object]:
    """Each target for ``total / len(targets)`` seconds, restarting after each finding."""
    summary: dict[str, object] = {"seconds": total, "targets": {}}
    share = total / len(targets)
    for target in targets:
        corpus_dir = out / "corpus" / target
        findings_dir = out / target
        corpus_dir.mkdir(parents=True, exist_ok=True)
        findings_dir.mkdir(parents=True, exist_ok=True)
        for k, seed in enumerate(_seeds(target)):
            (corpus_dir / f"seed-{k}").write_bytes(seed)
        execs = 0
        findings: list[str] = []
        start = time.monotonic()
        while (left := share - (time.monotonic() - start)) > 5:
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--target",
                    target,
                    "--",
                    f"-max_total_time={int(left)}",
                    "-timeout=20",
                    "-rss_limit_mb=4096",
                    f"-artifact_prefix={findings_dir}/",
                    "-print_final_stats=1",
                    str(corpus_dir),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            log = proc.stderr
            done = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
            if done:
                execs += int(done[-1])
            else:  # a crash ends libFuzzer before its final stats: take the last progress line
                runs = re.findall(r"#(\d+)\s+(?:pulse|NEW|REDUCE|INITED|DONE)", log)
                execs += int(runs[-1]) if runs else 0
            if proc.returncode != 0:
                tail = [ln for ln in log.splitlines() if ln.strip()][-25:]
                findings.append("\n".join(tail))
                (findings_dir / f"log-{len(findings)}.txt").write_text(log, encoding="utf-8")
        summary["targets"][target] = {  # type: ignore[index]
            "seconds": round(time.monotonic() - start, 1),
            "execs": execs,
            "findings": len(findings),
            "artifacts": sorted(
                p.name for p in findings_dir.iterdir() if not p.name.startswith("log-")
            ),
        }
        print(json.dumps({target: summary["targets"][target]}), flush=True)  # type: ignore[index]
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", choices=TARGETS)
    parser.add_argument(
        "--total", type=float, default=600.0, help="seconds over every target (driver mode)"
    )
    parser.add_argument("--only", nargs="*", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    parser.add_argument("libfuzzer", nargs="*", help="after --: arguments for libFuzzer")
    args = parser.parse_args()
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "fcache-fuzz"))
    if args.target:
        fuzz_one(args.target, args.libfuzzer)
        return
    print(json.dumps(drive(args.only, args.total, args.out.resolve()), indent=2))


if __name__ == "__main__":
    main()
