"""The corpus folder is not trusted (issue #23, points 3, 4, 5 and 8).

Only the files the corpus uses are read and hashed; a FIFO, a device, a dangling link, an
unreadable file or a link that leads out of the folder is refused with one line; rule files
named by a path out of the folder are never opened; text that cannot be stored (NUL, lone
surrogates) is refused where it is written; the nearest-passage search is bounded. Every
special file is made here, in ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foedus.corpus import load_corpus, load_overlay, read_corpus, yamlread
from foedus.corpus.quotes import nearest
from foedus.errors import CorpusError

GOOD = Path(__file__).parents[1] / "corpora" / "good"


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "good"
    shutil.copytree(GOOD, target)
    monkeypatch.chdir(tmp_path)
    return target


def report(path: Path) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    return info.value.report()


def validate(path: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``foedus validate`` in a process of its own, so that a hang fails instead of blocking."""
    return subprocess.run(
        [sys.executable, "-m", "foedus", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=path.parent,
        env={**os.environ, "FOEDUS_DEBUG": "0"},
    )


# --------------------------------------------------------------------------- point 5


def test_a_fifo_in_the_folder_is_not_read(copy: Path) -> None:
    os.mkfifo(copy / "notes.fifo")  # not a file the corpus uses: ignored, never opened
    os.mkfifo(copy / "sources" / "pipe.txt")  # a source: refused, never opened
    result = validate(copy)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "good/sources/pipe.txt:1:1: cannot read source: a FIFO (named pipe), not a regular file"
    )


def test_a_fifo_elsewhere_in_the_folder_does_not_change_the_hash(copy: Path) -> None:
    before = load_corpus(copy).content_hash
    os.mkfifo(copy / "scratch.fifo")
    (copy / "README.md").write_text("notes that the corpus does not use\n")
    assert load_corpus(copy).content_hash == before


def test_a_link_to_a_device_is_refused(copy: Path) -> None:
    (copy / "sources" / "zero.txt").symlink_to("/dev/zero")
    assert report(copy) == (
        "good/sources/zero.txt:1:1: cannot read source: a symbolic link to /dev/zero, outside "
        "the corpus folder"
    )


def test_a_dangling_link_is_refused(copy: Path) -> None:
    (copy / "rules" / "gone.rules").symlink_to(copy / "rules" / "nowhere.rules")
    assert report(copy) == (
        "good/rules/gone.rules:1:1: cannot read rule file: a broken symbolic link (it leads to "
        "no file)"
    )


def test_a_source_linked_to_a_file_outside_is_refused(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not part of the corpus\n")
    (copy / "sources" / "secret.txt").symlink_to(outside)
    corpus, problems, _ = read_corpus(copy)
    assert "secret" not in corpus.sources  # never read, so never served
    assert [str(p) for p in problems] == [
        f"good/sources/secret.txt:1:1: cannot read source: a symbolic link to {outside}, "
        "outside the corpus folder"
    ]


def test_a_link_inside_the_folder_is_read(copy: Path) -> None:
    (copy / "sources" / "copy.txt").symlink_to(copy / "sources" / "mini.txt")
    assert load_corpus(copy).sources["copy"] == (copy / "sources" / "mini.txt").read_text()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_refused(copy: Path) -> None:
    (copy / "events.yaml").chmod(0)
    assert "good/events.yaml:1:1: cannot read file: permission denied" in report(copy)


def test_a_rule_path_out_of_the_corpus_is_never_opened(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.rules"
    outside.write_text("this is not a rule file & it would be a syntax error\n")
    (copy / "perspectives.yaml").write_text(
        "perspectives:\n"
        "  - id: de-facto\n"
        "    name: De facto\n"
        "    description: Who held control.\n"
        "    rules: [../outside.rules]\n"
    )
    assert report(copy) == (
        "good/perspectives.yaml:5:13: perspective 'de-facto': unknown rule file "
        "'../outside.rules' (it leads out of the corpus folder: a corpus reads its own rule "
        "files from its rules/ only; the rule library's are named foedus:NAME, e.g. "
        "foedus:base)"
    )


# --------------------------------------------------------------------------- point 3


def test_a_nul_in_a_source_is_reported_where_it_is(copy: Path) -> None:
    text = (copy / "sources" / "mini.txt").read_text()
    (copy / "sources" / "mini.txt").write_text(text + "one more\x00 line\n")
    line = text.count("\n") + 1
    assert report(copy) == (
        f"good/sources/mini.txt:{line}:9: source holds a NUL character (\\x00), which no text may"
    )


def test_escaped_nul_and_lone_surrogate_in_yaml(copy: Path) -> None:
    events = (copy / "events.yaml").read_text()
    events = events.replace(
        "summary: Northland proclaims its independence.", 'summary: "Northland\\0 proclaims"'
    )
    (copy / "events.yaml").write_text(events)
    text = report(copy)
    assert text.count("\n") == 0
    assert text.endswith("text with a NUL character (\\x00) is not allowed")
    (copy / "events.yaml").write_text(events.replace("\\0", "\\ud800"))
    assert report(copy).endswith("text with a lone surrogate ('\\ud800') is not allowed")


# --------------------------------------------------------------------------- point 4


def test_nearest_passage_of_a_200_kb_quote_within_5_s() -> None:
    source = " ".join(f"word{i % 997} and text {i}" for i in range(40_000))  # about 800 KB
    quote = " ".join(f"word{i % 991} text and {i}" for i in range(10_000))  # about 200 KB
    assert len(quote) > 200_000
    start = time.process_time()
    nearest(quote, source)
    assert time.process_time() - start < 5


def test_a_misquote_of_200_kb_is_reported_within_5_s(copy: Path) -> None:
    quote = "Southland invaded Northland " * 8_000  # 224 KB, not in the source
    events = (copy / "events.yaml").read_text()
    (copy / "events.yaml").write_text(
        events.replace("sources:\n", f"sources:\n      - {quote.strip()!r}\n", 1)
    )
    start = time.process_time()
    text = report(copy)
    assert time.process_time() - start < 5
    assert "quotes text not in source 'mini'" in text
    assert max(len(line) for line in text.splitlines()) <= 300  # lines are capped


# --------------------------------------------------------------------------- point 8


def test_a_large_file_without_aliases_is_read(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 100,000 events hold more than a million values; only values repeated by aliases count
    monkeypatch.setattr(yamlread, "MAX_REPEATED", 50)
    events = (copy / "events.yaml").read_text()
    body = events.split("\n", 1)[1]
    extra = body.replace("id: ", "id: copy-")
    (copy / "events.yaml").write_text(events + extra)  # twice as many values, no alias
    assert len(load_corpus(copy).events) == 2 * len(load_corpus(GOOD).events)
    bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
    (copy / "extra.yaml").write_text(bomb)
    assert "good/extra.yaml:1:1: YAML file refused: aliases repeat more than 50 values" in (
        report(copy)
    )


def test_an_overlay_that_is_not_a_regular_file_says_what_it_is(copy: Path, tmp_path: Path) -> None:
    corpus = load_corpus(copy)
    os.mkfifo(tmp_path / "what-if.yaml")
    for path, what in (
        (tmp_path, "a directory, not a regular file"),
        (tmp_path / "what-if.yaml", "a FIFO (named pipe), not a regular file"),
        (tmp_path / "missing.yaml", "file not found"),
    ):
        with pytest.raises(CorpusError) as info:
            load_overlay(path, corpus)
        assert str(info.value).endswith(f":1:1: cannot read overlay file: {what}")


def test_a_nul_in_a_parquet_table_is_reported_at_its_row(tmp_path: Path) -> None:
    import duckdb

    from foedus.generate import generate_world

    world = generate_world(tmp_path / "w", states=6, instruments=3, events=20, format="parquet")
    path = Path(world.path) / "events.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 3 THEN summary || chr(0) "
        "ELSE summary END AS summary) FROM read_parquet(?)) TO 'patched.parquet'",
        [str(path)],
    )
    con.close()
    shutil.move("patched.parquet", path)
    assert report(Path(world.path)).endswith(": text with a NUL character (\\x00)")
