"""foedus export as a data user reuses it: output paths (nothing left behind by a failed
export), the same files for the same corpus, every record's facts in RDF, lists in CSV that
read back, and every fluent in the tables however the database was built."""

from __future__ import annotations

import csv
import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import rdflib

from foedus.errors import UserError
from foedus.interop import exports
from foedus.interop.exports import export
from foedus.query import KnowledgeBase
from small_corpora import n_party_corpus

FD = rdflib.Namespace("urn:foedus:vocab#")
BASE = "https://example.org/kb/"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.mark.parametrize("out", [".", "", "/", ".."])
def test_a_folder_for_a_file_format_is_refused(kb: KnowledgeBase, out: str) -> None:
    """``-o .`` for a file was an internal error (``PosixPath('.') has an empty name``)."""
    with pytest.raises(UserError, match="is a directory; give a file's path"):
        export(kb, "turtle", Path(out))


def test_a_file_on_the_way_is_named_as_not_a_folder(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A file where a folder should be is "not a directory" (it was "file exists; remove it",
    which asked to remove the user's file), and a folder format onto a file "file exists"."""
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    for fmt, out in (("turtle", afile / "x.ttl"), ("csv", afile / "sub"), ("vis", afile / "a/b")):
        with pytest.raises(NotADirectoryError) as e:
            export(kb, fmt, out)
        assert e.value.filename == str(afile)
    with pytest.raises(FileExistsError) as exists:
        export(kb, "csv", afile)
    assert exists.value.filename == str(afile)
    assert afile.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("fmt", ["turtle", "graphml", "csv", "parquet"])
def test_a_failed_export_leaves_no_folder_behind(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The folders an export makes on the way to its target are taken away when it fails (a
    full disk left ``new/deeper/`` empty behind), and a folder that was there stays."""

    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exports, "atomic_files", full)
    (tmp_path / "kept").mkdir()
    out = tmp_path / "kept" / "new" / "deeper" / ("x" if fmt in ("csv", "parquet") else "x.f")
    with pytest.raises(OSError):
        export(kb, fmt, out)
    assert list((tmp_path / "kept").iterdir()) == []


def _export_in_fresh_process(fmt: str, out: Path, seed: str) -> bytes:
    code = (
        "import sys; from pathlib import Path; from foedus.query import KnowledgeBase; "
        "from foedus.interop.exports import export; "
        "export(KnowledgeBase(), sys.argv[1], Path(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", code, fmt, str(out)], check=True, env=env)
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_the_same_corpus_gives_the_same_rdf_file(tmp_path: Path, fmt: str) -> None:
    """The quotes' blank nodes were random (uuid) and JSON-LD's nodes in hash order: every
    export differed from the last, so a file kept under version control changed each time."""
    first = _export_in_fresh_process(fmt, tmp_path / "a", "1")
    assert first == _export_in_fresh_process(fmt, tmp_path / "b", "2")


OVERLAY = """\
instruments:
  - id: pact-of-what-if
    name: Pact of What If
    kind: pact
    signed: 1939-12-01
    parties:
      - {actor: ussr, how: signature, date: 1939-12-01}
      - {actor: estonia, how: signature, date: 1939-12-01}
"""


def test_rdf_keeps_what_the_records_say(tmp_path: Path) -> None:
    """An overlay's instrument is hypothetical (its events were, its instruments were not),
    a successor's party names whom it succeeded (``via``), a recognition its ``mode``, a
    political instrument says so; norms and categories are typed, categories have their ids
    and quotes, a clause's text is quoted from its source."""
    overlay = tmp_path / "what-if.yaml"
    overlay.write_text(OVERLAY, encoding="utf-8")
    kb = KnowledgeBase(assume=overlay)
    export(kb, "turtle", tmp_path / "x.ttl", base=BASE)
    g = rdflib.Graph().parse(tmp_path / "x.ttl")
    what_if = rdflib.URIRef(BASE + "instrument/pact-of-what-if")
    assert (what_if, FD.hypothetical, rdflib.Literal(True)) in g
    corpus = kb.corpus
    vias = {(i.id, p.actor, p.via) for i in corpus.instruments for p in i.parties if p.via}
    got = {
        (str(i).rsplit("/", 1)[1], str(a).rsplit("/", 1)[1], str(v).rsplit("/", 1)[1])
        for i, pn, a, v in g.query(
            "SELECT ?i ?p ?a ?v WHERE { ?i fd:party ?p . ?p fd:actor ?a ; fd:via ?v }",
            initNs={"fd": FD},
        )
    }
    assert vias and got == vias
    modes = {(e.id, e.mode) for e in corpus.events if e.mode}
    assert modes and modes == {
        (str(s).rsplit("/", 1)[1], str(m)) for s, m in g.subject_objects(FD.mode)
    }
    political = {i.id for i in corpus.instruments if i.political}
    assert political and political == {
        str(s).rsplit("/", 1)[1] for s in g.subjects(FD.political, rdflib.Literal(True))
    }
    categories = set(g.subjects(rdflib.RDF.type, FD.Category))
    assert len(categories) == len(corpus.categories)
    assert {str(o) for c in categories for o in g.objects(c, FD.id)} == {
        c.id for c in corpus.categories
    }
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    quoted = sum(len(c.sources) for c in corpus.categories)
    assert quoted and quoted == sum(
        1 for c in categories for _ in g.objects(c, prov.wasDerivedFrom)
    )
    norms = sum(1 for i in corpus.instruments for c in i.clauses if c.norm is not None)
    assert len(set(g.subjects(rdflib.RDF.type, FD.Norm))) == norms
    tartu = rdflib.URIRef(BASE + "instrument/treaty-of-tartu/clause/renunciation")
    assert (tartu, prov.wasQuotedFrom, rdflib.URIRef(BASE + "source/baltic-soviet-relations")) in g


def test_csv_lists_are_json_arrays(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A list in CSV was DuckDB's text, ``['foedus:base', rules/soviet.rules]``: some
    elements quoted, others not, unreadable when one holds ``, ``. It is a JSON array, the
    same list as the Parquet file's."""
    export(kb, "csv", tmp_path / "c")
    export(kb, "parquet", tmp_path / "p")
    for table, column in (
        ("perspectives", "rules"),
        ("norms", "bearers"),
        ("fluents", "args"),
        ("instruments", "supersedes"),
    ):
        with (tmp_path / "c" / f"{table}.csv").open(newline="", encoding="utf-8") as f:
            got = [json.loads(r[column]) if r[column] else None for r in csv.DictReader(f)]
        want = pq.read_table(tmp_path / "p" / f"{table}.parquet").column(column).to_pylist()
        assert got == want, table


def _fluent_rows(folder: Path) -> list[tuple[str, ...]]:
    with (folder / "fluents.csv").open(newline="", encoding="utf-8") as f:
        return sorted(tuple(r) for r in csv.reader(f))


def test_fluents_computed_on_demand_are_listed_not_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus of many co-parties computes ``binds`` and ``protected`` on demand: its export
    writes the fluents its database stores, and ``on_demand`` says which are left to the
    queries (written whole, every pair of the GGO treaties' parties is 10.5 million ``binds``
    keys, held in memory to be written); built with ``FOEDUS_DEMAND=off``, they are written."""
    corpus = n_party_corpus(tmp_path / "corpus", 6, norm=True)
    tables = {}
    for mode in ("on", "off"):
        monkeypatch.setenv("FOEDUS_DEMAND", mode)
        monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / f"cache-{mode}"))
        info = export(KnowledgeBase(corpus), "csv", tmp_path / mode)
        tables[mode] = info["tables"]
    assert "on_demand" in tables["on"] and "on_demand" not in tables["off"]
    with (tmp_path / "on" / "on_demand.csv").open(newline="", encoding="utf-8") as f:
        assert {r["fluent"] for r in csv.DictReader(f)} == {"binds", "protected"}
    on, off = _fluent_rows(tmp_path / "on"), _fluent_rows(tmp_path / "off")
    assert not any(r[1] in ("binds", "protected") for r in on)
    assert any(r[1] == "binds" for r in off) and any(r[1] == "protected" for r in off)
    assert set(on) <= set(off)
