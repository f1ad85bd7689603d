"""The command line's start-up: what it imports, the corpus kept between runs, the progress of
a build (docs/performance.md, cold start; issue #15 points 3 and 4)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from foedus import build as foedus_build
from foedus.cli import progress as cli_progress
from foedus.corpus import cache as corpus_cache
from foedus.corpus import load_corpus
from foedus.errors import CorpusError
from small_corpora import n_party_corpus

GOOD = Path(__file__).parents[1] / "corpora" / "good"
HEAVY = (
    "duckdb",  # the package: foedus imports its compiled extension alone (foedus.duck)
    "_duckdb",
    "pandas",
    "pyarrow",
    "fastapi",
    "uvicorn",
    "rdflib",
    "dateparser",
    "lark",
    "ruamel.yaml",
    "sqlglot",
    "sqlglot.optimizer",  # loaded by sqlglot to write a 0-based list index (query.common.arg)
    "sqlglot.dialects.spark",  # loaded with it (the Spark, Hive and Databricks dialects)
    "networkx",
    "foedus.rules.ast",  # the rules' dataclasses: a query reads their answers, not the rules
    "foedus.engine.compile",
    "foedus.build.steps",
    "foedus.corpus.load",
    "foedus.query.base",
    "foedus.ask.reply",
)
"""What the command line must not import before a command needs it."""

NO_QUICK_EXIT = (
    "import os\n"
    "def _exit(code):\n"  # an answer, or foedus run, ends with os._exit: the probe prints first
    "    raise SystemExit(code)\n"
    "os._exit = _exit\n"
)

PROBE = NO_QUICK_EXIT + (
    "import sys, io, contextlib\n"
    "sys.argv = ['foedus', *sys.argv[1:]]\n"
    "from foedus.console import console\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    try:\n"
    "        console()\n"
    "    except SystemExit as e:\n"
    "        code = e.code\n"
    "print(code, sorted(m for m in {heavy!r} if m in sys.modules))\n"
)


def imported_by(*args: str, cache: Path) -> tuple[int, list[str]]:
    """The exit code of ``foedus ARGS`` in a fresh interpreter, and which of :data:`HEAVY` it
    imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "FOEDUS_CACHE_DIR": str(cache)},
        check=True,
    )
    code, _, names = done.stdout.strip().splitlines()[-1].partition(" ")
    return int(code), eval(names)  # a list of str, printed by PROBE


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    "args", [["--help"], ["status", "--help"], ["build", "--help"], ["run", "--help"]]
)
def test_help_imports_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    assert imported_by(*args, cache=tmp_path / "cache") == (0, [])


def test_a_warm_answer_imports_neither_the_build_nor_the_corpus_reader(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("events", "--corpus", str(GOOD), "--json", "--type", "non_recognition")
    code, first = imported_by(*args, cache=cache)  # builds the database, keeps the corpus
    assert code == 0 and "foedus.build.steps" in first and "foedus.corpus.load" in first
    code, warm = imported_by(*args, cache=cache)
    assert code == 0
    assert warm == ["_duckdb", "foedus.query.base", "sqlglot"]


def _console(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """``foedus ARGS`` through the console script's entry, in a process whose exit handlers
    say that they ran (``teardown`` on stderr): what a process ended at once never says."""
    prelude = "import atexit, sys; atexit.register(lambda: print('teardown', file=sys.stderr))"
    return subprocess.run(
        [sys.executable, "-c", f"{prelude}; from foedus.console import console; console()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "FOEDUS_CACHE_DIR": str(cache)},
        check=False,
    )


def test_an_answer_ends_its_process_at_once_with_all_of_its_output(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("events", "--corpus", str(GOOD), "--json", "--type", "non_recognition")
    first = _console(*args, cache=cache)  # builds the database and keeps the corpus first
    warm = _console(*args, cache=cache)
    for done in (first, warm):
        assert done.returncode == 0 and "teardown" not in done.stderr
        assert json.loads(done.stdout) == json.loads(first.stdout)
    assert json.loads(warm.stdout)["events"], "the answer is not empty"
    # a refusal, a tool and a run's help end as before: exit handlers run
    refused = _console(
        "status", "nowhere", "--on", "1990-01-01", "--corpus", str(GOOD), cache=cache
    )
    assert refused.returncode == 2 and "teardown" in refused.stderr
    assert "nowhere" in refused.stderr
    validated = _console("validate", str(GOOD), cache=cache)
    assert validated.returncode == 0 and "teardown" in validated.stderr


FAMILIES = (
    "foedus.query.across",
    "foedus.query.aggressor",
    "foedus.query.breaches",
    "foedus.query.compare",
    "foedus.query.explain",
    "foedus.query.treaties",
)
"""The families of answers a warm ``status`` does not use (query/base.py imports each in the
method that answers from it)."""


def _last_output(tmp_path: Path, code: str, *runs: tuple[str, ...]) -> str:
    """What ``python -c code`` printed for the last of ``runs`` (the command's arguments, each
    in a fresh process; they share one cache folder, so the first builds the database)."""
    env = {**os.environ, "FOEDUS_CACHE_DIR": str(tmp_path / "cache")}
    for args in runs:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            check=True,
        )
    return done.stdout


def _warm_families(tmp_path: Path, *runs: tuple[str, ...]) -> list[str]:
    """The families of answers and heavy modules the last of ``runs`` (the command's
    arguments; the first builds the database) imported."""
    probe = PROBE.replace("{heavy!r}", "{families!r}").format(families=FAMILIES + HEAVY)
    out = _last_output(tmp_path, probe, *runs)
    code, _, names = out.strip().splitlines()[-1].partition(" ")
    assert int(code) == 0
    return list(eval(names))


def test_a_warm_status_imports_only_its_family(tmp_path: Path) -> None:
    args = ("status", "northland", "--on", "1990-01-01", "--corpus", str(GOOD), "--json")
    names = _warm_families(tmp_path, args, args)
    assert names == ["_duckdb", "foedus.query.base", "sqlglot"]  # no other family


def test_a_warm_status_under_a_named_perspective_imports_only_its_family(tmp_path: Path) -> None:
    args = ("status", "northland", "--on", "1990-01-01", "--perspective", "none")
    names = _warm_families(
        tmp_path, (*args, "--corpus", str(GOOD), "--json"), (*args, "--corpus", str(GOOD))
    )
    # naming a perspective does not load `across` (every family) to see whether it is "all"
    assert names == ["_duckdb", "foedus.query.base", "sqlglot"]


def test_a_warm_json_answer_imports_no_rich_and_a_drawn_one_does(tmp_path: Path) -> None:
    """Rich draws an answer for people; a ``--json`` answer has nothing to draw."""
    probe = PROBE.format(heavy=("rich.console", "rich.tree"))
    args = ("status", "northland", "--on", "1990-01-01", "--corpus", str(GOOD))
    for shown, drawn in (((*args, "--json"), []), (args, ["rich.console", "rich.tree"])):
        out = _last_output(tmp_path, probe, shown, shown)
        code, _, names = out.strip().splitlines()[-1].partition(" ")
        assert (int(code), eval(names)) == (0, drawn)


MADE = NO_QUICK_EXIT + (
    "import sys, io, contextlib\n"
    "sys.argv = ['foedus', *sys.argv[1:]]\n"
    "from sqlglot.parser import Parser\n"
    "parsed = []\n"
    "real = Parser.parse\n"
    "def parse(self, *args, **kwargs):\n"
    "    parsed.append(args)\n"
    "    return real(self, *args, **kwargs)\n"
    "Parser.parse = parse\n"
    "from foedus.console import console\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    try:\n"
    "        console()\n"
    "    except SystemExit as e:\n"
    "        code = e.code\n"
    "from foedus.corpus.corpus import CorpusMeta\n"
    "from foedus.model import dates\n"
    "compiled = getattr(dates, '_compiled', None)\n"
    "patterns = compiled.cache_info().currsize if compiled else 'at-import'\n"
    "print(code, len(parsed), CorpusMeta.__pydantic_complete__, patterns)\n"
)
"""What a command made that it did not need: SQL text parsed, a model's schema, the patterns of
dates as sources write them."""


def test_a_warm_status_makes_nothing_it_does_not_use(tmp_path: Path) -> None:
    args = ("status", "northland", "--on", "1990-01-01", "--corpus", str(GOOD))
    # the first builds the database and keeps the corpus
    code, parsed, schema, patterns = _last_output(tmp_path, MADE, args, args).split()
    assert code == "0"
    assert parsed == "0"  # the query index's SQL text is parsed when a build writes it
    assert schema == "False"  # the corpus's metadata is unpickled, never validated
    assert patterns == "0"  # its dates are ISO days


@pytest.mark.parametrize("name", ["all", "ALL", " All ", "de-facto", "alls", "", "a ll"])
def test_the_command_line_tells_all_as_across_does(name: str) -> None:
    from foedus.cli.core import _is_all
    from foedus.query.across import is_all

    assert _is_all(name) == is_all(name)


def test_the_index_version_reads_no_source_and_follows_the_module_s_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import inspect

    from foedus.build import index

    monkeypatch.setattr(index, "_index_version", None)
    real = inspect.getsourcefile(index.store_index)
    assert real is not None

    def no_source(obj: object) -> str:
        raise AssertionError("source read")

    monkeypatch.setattr(inspect, "getsource", no_source)
    version = index.index_version()
    assert len(version) == 12 and index.index_version() == version
    changed = tmp_path / "index.py"
    changed.write_bytes(Path(real).read_bytes() + b"\n# an edit\n")
    monkeypatch.setattr(index, "_index_version", None)
    monkeypatch.setattr(inspect, "getsourcefile", lambda obj: str(changed))
    assert index.index_version() != version  # any edit of the module: a new version


def test_a_kept_corpus_maps_its_records_and_texts_from_the_file(tmp_path: Path) -> None:
    import pickle

    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    fresh = corpus_cache.load_cached(folder)
    kept = corpus_cache.load_cached(folder)
    instruments, events = kept.instruments, kept.events
    # neither read nor copied: views of the mapped file
    assert isinstance(instruments._blob, memoryview)  # type: ignore[attr-defined]
    assert isinstance(kept.sources._blob, memoryview)  # type: ignore[attr-defined]
    assert [i.model_dump() for i in instruments] == [i.model_dump() for i in fresh.instruments]
    assert [e.model_dump() for e in events] == [e.model_dump() for e in fresh.events]
    assert dict(kept.sources) == fresh.sources
    for protocol in (4, 5):  # kept again from the mapped file
        again = pickle.loads(pickle.dumps(kept, protocol=protocol))
        assert [i.id for i in again.instruments] == [i.id for i in fresh.instruments]
        assert again.instruments[-1].model_dump() == fresh.instruments[-1].model_dump()
        assert dict(again.sources) == fresh.sources
    cached = next((tmp_path / "cache" / "corpora").glob("*.pickle"))
    cached.write_bytes(cached.read_bytes()[:1000])  # cut short: loaded afresh
    assert [i.id for i in corpus_cache.load_cached(folder).instruments] == [
        i.id for i in fresh.instruments
    ]


def test_the_resolver_names_instruments_when_one_is_looked_up(tmp_path: Path) -> None:
    from foedus.corpus.resolve import Resolver

    corpus = load_corpus(GOOD)
    resolver = Resolver(corpus)
    assert resolver.actor(corpus.actors[0].name).id == corpus.actors[0].id
    assert resolver._names_of_instruments is None  # an actor looked up: no instrument named
    first = corpus.instruments[0]
    assert resolver.instrument(first.name).id == first.id
    assert resolver.instrument(first.id.upper()).id == first.id
    assert resolver._names_of_instruments is not None


def test_a_loaded_corpus_is_kept_by_its_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    first = corpus_cache.load_cached(folder)
    assert list((tmp_path / "cache" / "corpora").glob("*.pickle"))

    def no_loading(path: object) -> None:
        raise AssertionError("loaded again")

    monkeypatch.setattr("foedus.corpus.load.load_corpus", no_loading)
    again = corpus_cache.load_cached(folder)
    assert again.content_hash == first.content_hash
    assert [e.id for e in again.events] == [e.id for e in first.events]
    monkeypatch.undo()
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    events = folder / "events.yaml"
    events.write_text(events.read_text() + "\n# a comment: the same records\n")
    changed = corpus_cache.load_cached(folder)  # a new key: read again
    assert changed.content_hash != first.content_hash
    assert len(list((tmp_path / "cache" / "corpora").glob("*.pickle"))) == 2


def test_a_warm_answer_on_demand_parses_no_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = n_party_corpus(tmp_path / "c", 12)
    monkeypatch.setenv("FOEDUS_DEMAND", "on")  # binds computed when asked (issue #15)
    cache = tmp_path / "cache"
    args = ("treaties", "--between", "s0001", "s0007", "--on", "1925-01-01")
    args += ("--corpus", str(folder), "--json")
    code, first = imported_by(*args, cache=cache)
    # the query compiled once (its rules are the library's de-facto ones, which the package
    # ships parsed: docs/decisions/0011-plans-compiled-ahead.md)
    assert code == 0 and "foedus.engine.compile" in first
    code, warm = imported_by(*args, cache=cache)
    assert code == 0 and "lark" not in warm and "foedus.engine.compile" not in warm
    done = subprocess.run(
        [sys.executable, "-m", "foedus", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FOEDUS_CACHE_DIR": str(cache)},
        check=True,
    )
    assert [t["id"] for t in json.loads(done.stdout)["treaties"]] == ["big-convention"]


def test_the_cache_keeps_the_latest_corpora(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_cache, "KEEP", 2)
    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    events = folder / "events.yaml"
    for n in range(4):
        events.write_text(events.read_text() + f"\n# edit {n}\n")
        corpus_cache.load_cached(folder)
    assert len(list((tmp_path / "cache" / "corpora").glob("*.pickle"))) == 2


def test_a_corpus_with_a_symbolic_link_is_not_kept(tmp_path: Path) -> None:
    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    (folder / "notes.txt").symlink_to(folder / "corpus.yaml")
    assert corpus_cache.corpus_key(folder) is None
    corpus_cache.load_cached(folder)
    assert not (tmp_path / "cache" / "corpora").exists()


def test_a_corpus_with_problems_is_never_kept(tmp_path: Path) -> None:
    bad = Path(__file__).parents[1] / "corpora" / "bad" / "dates"
    for _ in range(2):
        with pytest.raises(CorpusError):
            corpus_cache.load_cached(bad)
    assert not (tmp_path / "cache" / "corpora").exists()


def test_a_build_reports_each_stage() -> None:
    progress = cli_progress.BuildProgress("building good", show=False)
    with progress:
        foedus_build.build_corpus(load_corpus(GOOD), progress=progress)
    steps = [s for s in progress.stages if s.startswith("step ")]
    assert steps == [
        "step fluents",
        "step state",
        "step breaches",
        "step rules",
        "step query_index",
    ]
    assert progress.stages[: len(foedus_build.TABLES)] == [
        f"table {t}" for t in foedus_build.TABLES
    ]
    assert progress.stages[-1] == "checkpoint"
    assert len(progress.stages) == foedus_build.progress_total()


def test_a_query_s_first_use_reports_its_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from foedus.cli import app

    made: list[cli_progress.BuildProgress] = []

    def recording(title: str, wanted: bool = True) -> cli_progress.BuildProgress:
        made.append(cli_progress.BuildProgress(title, show=False))
        return made[-1]

    monkeypatch.setattr(cli_progress, "build_progress", recording)
    args = ["events", "--corpus", str(GOOD), "--type", "non_recognition"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert [p.title for p in made] == ["building good (first use)"]
    assert "step fluents" in made[0].stages and made[0].stages[-1] == "checkpoint"
    assert CliRunner().invoke(app, args).exit_code == 0
    assert len(made) == 1  # built once: the second use reads the cache


def test_the_bar_names_the_stage_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    monkeypatch.setattr(cli_progress, "DELAY", 0.2)
    progress = cli_progress.BuildProgress("building good", show=True, total=3, console=console)
    with progress:
        progress("table actors")
        assert out.getvalue() == ""  # nothing before the delay
        time.sleep(0.6)
        progress("step fluents")
        time.sleep(0.4)
    assert "building good: step fluents" in out.getvalue()
    quick = io.StringIO()
    fast = cli_progress.BuildProgress("quick", show=True, console=Console(file=quick))
    with fast:
        fast("step fluents")
    assert quick.getvalue() == ""  # a build under the delay shows nothing


def test_no_bar_off_a_terminal_or_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not cli_progress.build_progress("x").show  # pytest captures stdout: no terminal
    monkeypatch.setattr(cli_progress, "on_terminal", lambda: True)
    assert cli_progress.build_progress("x").show
    assert not cli_progress.build_progress("x", wanted=False).show  # --json


def test_build_on_the_command_line_prints_no_progress_when_piped(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "foedus", "build", str(GOOD), "-o", str(tmp_path / "g.duckdb")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "FOEDUS_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout.startswith("built ")
    assert done.stdout.count("\n") == 1 and "\x1b" not in done.stdout  # no bar, no codes


def test_a_kept_corpus_makes_its_source_texts_and_positions_when_used(tmp_path: Path) -> None:
    from foedus.corpus.kept import KeptDict

    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    fresh = corpus_cache.load_cached(folder)
    kept = corpus_cache.load_cached(folder)
    assert isinstance(kept.sources, KeptDict) and isinstance(kept.positions, KeptDict)
    assert not kept.sources.loaded and not kept.positions.loaded
    assert dict(kept.sources) == fresh.sources and kept.sources.loaded
    assert kept.where("event", fresh.events[0].id) == fresh.where("event", fresh.events[0].id)
    assert dict(kept.positions) == fresh.positions


def test_a_corpus_file_is_hashed_again_only_when_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    monkeypatch.setattr(corpus_cache, "RACY", 0.0)
    key = corpus_cache.corpus_key(folder)
    assert (tmp_path / "cache" / "digests.json").is_file()
    read: list[Path] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    assert corpus_cache.corpus_key(folder) == key and read == []  # every digest remembered
    events = folder / "events.yaml"
    before = events.stat()
    text = events.read_text()
    events.write_text(text.replace("non_recognition", "non_recognitioX", 1))  # same size
    os.utime(events, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime
    assert events.stat().st_size == before.st_size
    changed = corpus_cache.corpus_key(folder)
    assert changed != key and read == [events]  # ctime moved: hashed again, a new key
    events.write_text(text)
    os.utime(events, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert corpus_cache.corpus_key(folder) == key  # the same bytes: the same key
    (tmp_path / "cache" / "digests.json").write_text("not json")
    assert corpus_cache.corpus_key(folder) == key  # a broken memory costs only the hashing


def test_a_kept_dict_first_used_by_many_threads_at_once() -> None:
    import pickle
    import threading

    from foedus.corpus.kept import KeptDict

    data = {f"s{i}": "text " * i for i in range(20_000)}
    kept = pickle.loads(pickle.dumps(KeptDict(data)))
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(len(kept))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [len(data)] * 8 and dict(kept) == data
    assert dict(pickle.loads(pickle.dumps(kept))) == data  # kept again once made
