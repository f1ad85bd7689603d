"""Property and fuzz tests: whatever a scholar types, foedus answers or says clearly what is wrong.

Each input parser is fed random and mutated input; the only outcomes allowed are an answer or
the error foedus means for bad input (a :class:`~foedus.errors.UserError` with a message naming
the problem) — never another exception, never a hang:

- the YAML loader (one file of a copy of ``tests/corpora/good`` replaced) -> Corpus | CorpusError
- the date parser -> FuzzyDate | DateError
- the rule parser -> Program | RuleError
- the question parser (``foedus ask``) -> dict | UserError
- every CLI command with random option values -> exit 0, or exit 2 with one line on stderr

This is the fast subset that CI runs (well under a minute). ``FOEDUS_FUZZ_EXAMPLES=N`` raises the
number of examples of every test (a long, deadline-free run: docs/reliability.md);
``scripts/fuzz_atheris.py`` is the coverage-guided fuzzer of the same targets.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from foedus.cli import app
from foedus.corpus import Corpus, bundled_path, load_corpus
from foedus.errors import CorpusError, DateError, RuleError, UserError
from foedus.model import FuzzyDate, parse_date
from foedus.rules import parse_rules
from foedus.rules.ast import Program
from foedus.rules.library import LIBRARY

CORPORA = Path(__file__).parent / "corpora"
GOOD = CORPORA / "good"
BUNDLED = bundled_path()
LONG = int(os.environ.get("FOEDUS_FUZZ_EXAMPLES", "0"))


def fuzz(n: int) -> settings:
    """``n`` examples (more in a long run), derandomised in CI, without the example database."""
    return settings(
        max_examples=max(n, LONG),
        deadline=None if LONG else 10_000,
        derandomize=not LONG,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


SLOW_INPUT = 5.0
"""Seconds of CPU one input may take before it counts as a hang (CPU time, not wall: a
busy machine or a parallel test worker does not make an input hang)."""


def mutate(text: str, alphabet: list[str]) -> st.SearchStrategy[str]:
    """``text`` with a few insertions, deletions, replacements and duplicated lines."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        s = text
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(s)))
            op = draw(st.sampled_from(["insert", "delete", "replace", "dupline", "cut"]))
            piece = draw(st.sampled_from(alphabet) | st.text(max_size=4))
            if op == "insert":
                s = s[:i] + piece + s[i:]
            elif op == "delete":
                s = s[:i] + s[i + draw(st.integers(1, 12)) :]
            elif op == "replace":
                s = s[:i] + piece + s[i + len(piece) :]
            elif op == "dupline":
                lines = s.splitlines(keepends=True)
                if lines:
                    k = draw(st.integers(0, len(lines) - 1))
                    lines.insert(draw(st.integers(0, len(lines))), lines[k])
                s = "".join(lines)
            else:
                s = s[:i]
        return s

    return build()


# --------------------------------------------------------------------------- dates

MONTHS = ["January", "Feb", "Sept", "september", "June", "Dec.", "mAY", "Juni"]
DATE_WORDS = [
    *MONTHS,
    "mid-",
    "early",
    "late",
    "the end of",
    "beginning of",
    "in",
    "on",
    "of",
    "1940",
    "0000",
    "9999",
    "1920s",
    "0s",
    "'s",
    "–",
    "-",
    "—",
    ",",
    ".",
    " ",
    "31",
    "30",
    "29",
    "00",
    "1",
    "13",
    "2",
    "st",
    "th",
    "1918-1920",
    "2000-1990",
]


@fuzz(400)
@given(
    st.text(max_size=40)
    | st.lists(st.sampled_from(DATE_WORDS), max_size=7).map("".join)
    | st.lists(st.sampled_from(DATE_WORDS), max_size=6).map(" ".join)
)
@example("0000-01-01")
@example("February 29, 1900")
@example("June 31–40, 1940")
@example("the end of 0000s")
@example("9999-12-31")
@example("\x00")
def test_parse_date_answers_or_says_why(text: str) -> None:
    start = time.process_time()
    try:
        d = parse_date(text)
    except DateError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert isinstance(d, FuzzyDate) and d.earliest <= d.latest
        assert d.text == " ".join(text.split())
        assert parse_date(d.text) == d, "the text a date keeps reads back as the same date"
    assert time.process_time() - start < SLOW_INPUT


@fuzz(150)
@given(st.dates(min_value=date(1, 1, 1)))
def test_every_iso_day_reads_as_itself(day: date) -> None:
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    assert parse_date(text) == FuzzyDate.day(day, text)


@fuzz(150)
@given(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.lists(st.integers())
    | st.dictionaries(
        st.sampled_from(["earliest", "latest", "text", "x"]), st.text(max_size=12) | st.dates()
    )
)
def test_coerce_takes_any_yaml_value(value: Any) -> None:
    try:
        d = FuzzyDate.coerce(value)
    except ValueError as e:  # DateError, or pydantic's ValidationError for a bad mapping
        assert str(e)
    else:
        assert d.earliest <= d.latest


# --------------------------------------------------------------------------- rules

RULE_TOKENS = [
    "fluent",
    "fact",
    "initiated",
    "terminated",
    "holds",
    "for",
    "when",
    "not",
    "except",
    "or",
    "and",
    "where",
    "=",
    "!=",
    "_",
    "(",
    ")",
    ",",
    ".",
    ":",
    "{",
    "}",
    "X",
    "Y",
    "a",
    "b",
    "sovereign",
    "p",
    "e",
    "'q'",
    '"s"',
    "#",
    "\n",
    " ",
    "% ",
    "ra:",
    "true",
]
BASE_RULES = (LIBRARY / "base.rules").read_text(encoding="utf-8")


def _rules_ok(text: str) -> None:
    start = time.process_time()
    try:
        program = parse_rules(text, file="fuzz.rules")
    except RuleError as e:
        assert e.errors and all(p.line >= 1 and p.col >= 1 for p in e.errors)
        assert all(p.file == "fuzz.rules" for p in e.errors)
    else:
        assert isinstance(program, Program)
    assert time.process_time() - start < SLOW_INPUT


@fuzz(150)
@given(st.text(max_size=120) | st.lists(st.sampled_from(RULE_TOKENS), max_size=40).map(" ".join))
@example("fluent a(X). a(X) holds for a(X) except a(X).")
@example("fluent a(X) = {")
@example("'unterminated")
@example("fluent a(" + "X, " * 300 + "X).")
def test_parse_rules_random_text(text: str) -> None:
    _rules_ok(text)


@fuzz(40)
@given(mutate(BASE_RULES, RULE_TOKENS))
def test_parse_rules_mutated_bundled_rules(text: str) -> None:
    _rules_ok(text)


def test_a_rule_file_that_is_not_utf8(tmp_path: Path) -> None:
    """Pinned from the fuzz run: a Latin-1 rule file was an internal error."""
    from foedus.rules import load_rules

    f = tmp_path / "latin1.rules"
    f.write_bytes(b"fluent a(X).\n# \xe9tat\n")
    with pytest.raises(RuleError) as e:
        load_rules([f])
    assert e.value.errors[0].message == "cannot read rule file: not UTF-8 (byte 0xe9)"
    assert (e.value.errors[0].line, e.value.errors[0].col) == (2, 3)


# --------------------------------------------------------------------------- the YAML loader

YAML_PIECES = [
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!python/object:os.system ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "\t",
    "\n",
    "  ",
    "~",
    "null",
    "true",
    "1940-02-30",
    "1940-13-01",
    "0000-01-01",
    "12:30",
    "0x1F",
    ".inf",
    "1e999",
    "\ufeff",
    "\x00",
    "é",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "id: e1\n",
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "corpus"
    shutil.copytree(GOOD, folder)
    return folder


@cache
def _good_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(GOOD.glob("*.yaml"))}


def _load_ok(folder: Path) -> None:
    start = time.process_time()
    try:
        corpus = load_corpus(folder)
    except CorpusError as e:
        assert e.errors
        for p in e.errors:
            assert p.line >= 1 and p.col >= 1 and p.message.strip()
    else:
        assert isinstance(corpus, Corpus)
    assert time.process_time() - start < SLOW_INPUT


@contextmanager
def replaced(folder: Path, name: str, data: bytes) -> Iterator[None]:
    """``folder/name`` holds ``data`` for the duration; the good file is put back after."""
    (folder / name).write_bytes(data)
    try:
        yield
    finally:
        good = GOOD / name
        if good.exists():
            shutil.copyfile(good, folder / name)
        else:
            (folder / name).unlink(missing_ok=True)


@fuzz(60)
@given(st.sampled_from(sorted(_good_texts())), st.data())
def test_loader_mutated_yaml(scratch: Path, name: str, data: st.DataObject) -> None:
    text = data.draw(mutate(_good_texts()[name], YAML_PIECES))
    with replaced(scratch, name, text.encode("utf-8", "surrogatepass")):
        _load_ok(scratch)


@fuzz(40)
@given(st.binary(max_size=300))
@example(b"\xff\xfe\x00")
@example(b"events: [" * 400)
@example(b"a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b]\n")
def test_loader_random_bytes(scratch: Path, blob: bytes) -> None:
    with replaced(scratch, "events.yaml", blob):
        _load_ok(scratch)


FIELDS = [
    "id",
    "type",
    "date",
    "actors",
    "targets",
    "summary",
    "sources",
    "instrument",
    "mode",
    "justification",
    "hypothetical",
    "name",
    "kind",
    "signed",
    "parties",
    "clauses",
    "norm",
    "text",
    "quote",
    "source",
    "earliest",
    "latest",
    "existed_from",
    "colour",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.dates()
    | st.text(max_size=10)
    | st.sampled_from(
        [
            "northland",
            "southland",
            "invasion",
            "mid-June 1940",
            "1940-06-15",
            "treaty-of-harbour",
            "prohibition",
        ]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=12,
)


@fuzz(60)
@given(
    st.sampled_from(["actors", "instruments", "events", "categories", "perspectives", "treaties"]),
    st.lists(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8) | VALUES, max_size=3),
)
def test_loader_random_records(scratch: Path, key: str, records: list[Any]) -> None:
    import io

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump({key: records}, out)
    with replaced(scratch, "extra.yaml", out.getvalue().encode()):
        _load_ok(scratch)


# --------------------------------------------------------------------------- questions

QUESTION_WORDS = [
    "which",
    "what",
    "who",
    "when",
    "did",
    "was",
    "were",
    "treaties",
    "treaty",
    "bound",
    "between",
    "and",
    "the",
    "USSR",
    "Soviet Union",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Germany",
    "in",
    "on",
    "1940",
    "June 1940",
    "1 June 1940",
    "1940-06-31",
    "0000",
    "status",
    "aggressor",
    "breach",
    "breaches",
    "of",
    "according to",
    "non-recognition",
    "soviet",
    "view",
    "law",
    "?",
    "'s",
    "happened",
    "sign",
    "party",
    "to",
    "Tartu",
    "invade",
    "from",
    "until",
    "\n",
]


@pytest.fixture(scope="module")
def ask_kb(kb_factory: Any) -> Any:
    pytest.importorskip("foedus.ask")
    kb = kb_factory("de-facto")
    kb.db_path  # noqa: B018 (built here, not in the first example)
    return kb


@fuzz(80)
@given(st.text(max_size=60) | st.lists(st.sampled_from(QUESTION_WORDS), max_size=10).map(" ".join))
@example("")
@example("?")
@example("What was Estonia's status on 1940-02-30?")
@example("Which treaties bound the USSR and the USSR on 1 June 1940?")
def test_questions_answer_or_say_why(ask_kb: Any, question: str) -> None:
    from foedus.ask import answer_question

    start = time.process_time()
    try:
        result = answer_question(question, ask_kb)
    except UserError as e:
        assert str(e).strip()
    else:
        assert isinstance(result, dict) and "answer" in result
    assert time.process_time() - start < SLOW_INPUT * 4


# --------------------------------------------------------------------------- the CLI

ACTORS = [
    "Estonia",
    "USSR",
    "soviet union",
    "Q15180",
    "SUN",
    "northland",
    "Narnia",
    "",
    "estonia ",
    "--json",
    "-",
    "é",
    "Latvia\nLatvia",
]
DAYS = [
    "1940-06-15",
    "1940-02-30",
    "1940",
    "mid-June 1940",
    "",
    "0001-01-01",
    "9999-12-31",
    "1940-6-1",
    "-1",
    "2024-13-01",
    "x",
]
PERSPECTIVES = ["de-facto", "non-recognition", "soviet", "Soviet", "sovjet", "", "de facto"]
TEXT = st.sampled_from(ACTORS) | st.text(max_size=8)
DAY = st.sampled_from(DAYS) | st.text(max_size=10)


@st.composite
def command_line(draw: st.DrawFn) -> list[str]:
    """A command with random values for its arguments and options."""
    cmd = draw(
        st.sampled_from(
            [
                "events",
                "treaty",
                "treaties",
                "status",
                "holds",
                "timeline",
                "breaches",
                "aggressor",
                "compare",
                "explain",
                "coverage",
                "validate",
                "ask",
            ]
        )
    )
    args: list[str] = [cmd]
    opt = lambda name, value: [name, value] if draw(st.booleans()) else []  # noqa: E731
    if cmd in ("status", "holds", "timeline"):
        args += [draw(TEXT)] + (["--on", draw(DAY)] if cmd != "timeline" else [])
    elif cmd == "events":
        args += opt("--actor", draw(TEXT)) + opt("--target", draw(TEXT))
        args += opt("--type", draw(st.sampled_from(["invasion", "invasio", "x"])))
        args += opt("--from", draw(DAY)) + opt("--to", draw(DAY))
    elif cmd == "treaty":
        args += [
            draw(
                st.sampled_from(["Treaty of Tartu", "tartu", "kellogg-briand-pact", "x"])
                | st.text(max_size=8)
            )
        ]
    elif cmd == "treaties":
        args += opt("--party", draw(TEXT)) + opt("--on", draw(DAY))
        if draw(st.booleans()):
            args += ["--between", draw(TEXT), draw(TEXT)]
    elif cmd == "breaches":
        args += opt("--by", draw(TEXT)) + opt("--against", draw(TEXT))
        args += opt("--treaty", draw(st.sampled_from(["Treaty of Tartu", "x"])))
        args += opt("--from", draw(DAY)) + opt("--to", draw(DAY))
    elif cmd == "aggressor":
        args += [draw(TEXT), draw(TEXT)] + opt("--from", draw(DAY)) + opt("--to", draw(DAY))
    elif cmd == "compare":
        args += [
            "--perspectives",
            draw(st.sampled_from(PERSPECTIVES)),
            draw(st.sampled_from(PERSPECTIVES)),
        ]
        if draw(st.booleans()):
            args.append(draw(TEXT))
    elif cmd == "explain":
        args += [draw(st.sampled_from(["status", "breach", "aggressor", "x"]))]
        args += draw(st.lists(TEXT, min_size=1, max_size=3)) + opt("--on", draw(DAY))
    elif cmd == "validate":
        args += [
            draw(st.sampled_from([str(GOOD), "no-such-folder", str(CORPORA / "bad" / "dates")]))
        ]
    elif cmd == "ask":
        args += [draw(st.lists(st.sampled_from(QUESTION_WORDS), max_size=8).map(" ".join))]
    args += opt("--perspective", draw(st.sampled_from(PERSPECTIVES) | st.text(max_size=6)))
    if draw(st.integers(0, 5)) == 0:
        args += [
            "--assume",
            draw(
                st.sampled_from(
                    [
                        str(GOOD / "overlays" / "what-if.yaml"),
                        "missing.yaml",
                        str(CORPORA / "bad-overlays" / "duplicates.yaml"),
                        str(GOOD),
                    ]
                )
            ),
        ]
    if draw(st.booleans()):
        args.append("--json")
    return args


@pytest.fixture(scope="module")
def cli(kb_factory: Any) -> Iterator[CliRunner]:
    """A runner whose corpus loads are memoised (the bundled corpus is read once)."""
    import foedus.corpus
    import foedus.corpus.cache
    import foedus.corpus.load

    kb_factory("de-facto").db_path  # noqa: B018 (the session's database, built once)

    def memo(real: Any) -> Any:
        loaded: dict[tuple[str, float], Corpus] = {}

        def load(path: Any) -> Corpus:
            p = Path(path).resolve()
            key = (str(p), p.stat().st_mtime if p.exists() else 0.0)
            if key not in loaded:
                loaded[key] = real(path)
            return loaded[key]

        return load

    # the CLI and the query API import these where they load a corpus
    load = memo(foedus.corpus.load.load_corpus)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(foedus.corpus.load, "load_corpus", load)
        mp.setattr(foedus.corpus, "load_corpus", load)
        mp.setattr(foedus.corpus.cache, "load_cached", memo(foedus.corpus.cache.load_cached))
        mp.delenv("FOEDUS_DEBUG", raising=False)
        yield CliRunner()


def _registered() -> set[str]:
    return {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}


@pytest.mark.slow
@fuzz(120)
@given(command_line())
@example(["status", "Estonia", "--on", "1940-02-30"])
@example(["treaties", "--between", "USSR", "USSR", "--on", "1940-06-01"])
@example(["events", "--from", "1941-01-01", "--to", "1940-01-01"])
@example(["explain", "breach", "x", "y", "z"])
@example(["compare", "--perspectives", "soviet", "soviet"])
def test_cli_answers_or_fails_in_one_line(cli: CliRunner, args: list[str]) -> None:
    if args[0] not in _registered():
        return  # e.g. ask, before foedus.cli registers it
    result = cli.invoke(app, args)
    assert result.exit_code in (0, 2), (args, result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        return
    err = result.stderr
    if "Usage:" in err or "Try '" in err:
        return  # click's usage errors: missing or unknown options (exit 2, with usage)
    if args[0] == "validate" or "--assume" in args:
        return  # a bad corpus or overlay: one line per problem
    assert err.count("\n") == 1 and err.strip(), (args, err)


# --------------------------------------------------------------------------- build and query


def _fuzz_build() -> Any:
    """``benchmarks/fuzz_build.py``, the mutation fuzzer that builds and queries."""
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "fuzz_build.py"
    spec = importlib.util.spec_from_file_location("fuzz_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_corpus_that_validates_builds_and_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text that SQL or a terminal would take for syntax is stored and answered as text."""
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    fb = _fuzz_build()
    folder = fb.fuzz_corpus(tmp_path / "corpus")
    events = (folder / "events.yaml").read_text(encoding="utf-8")
    nasty = r"O'Brien said \"no\"; DROP TABLE events; -- back\\slash %s {0} \u202eevil"
    events = events.replace("summary: Southland invades Northland.", f'summary: "{nasty}"')
    (folder / "events.yaml").write_text(events, encoding="utf-8")
    outcome, asked = fb.build_and_query(folder)
    assert (outcome, asked > 20) == ("answered", True)


@pytest.mark.slow
def test_the_build_and_query_fuzzer_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short run in CI (``FOEDUS_FUZZ_BUILD_ROUNDS``, default 3); the 10-minute run is
    ``python benchmarks/fuzz_build.py --seconds 600`` (docs/reliability.md)."""
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    rounds = int(os.environ.get("FOEDUS_FUZZ_BUILD_ROUNDS", "3"))
    # seed 2: its first three mutated corpora all validate, so each round builds and queries
    # (seed 0's three are all refused, and would test only the refusals)
    result = _fuzz_build().run(seconds=600, rounds=rounds, seed=2, findings=None)
    assert result["findings"] == []
    assert result["rounds"] == rounds
    assert result["answered"] >= 1 and result["queries"] > 0, result
