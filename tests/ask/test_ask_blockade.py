""" "blockade" alone names the corpus's blockades not known to be naval where it records any (an
imported MID's action 13, ``blockade``), else its naval blockades (forms.Parsed.act)."""

from __future__ import annotations

from pathlib import Path

from foedus.ask import answer_question
from foedus.interop.importers import run_import
from foedus.query import KnowledgeBase
from small_corpora import MID_BLOCKADE

MIDA, MIDB = MID_BLOCKADE


def test_a_mid_blockade_is_found_by_the_word_blockade(tmp_path: Path) -> None:
    (tmp_path / "mida.csv").write_text(MIDA, encoding="utf-8")
    (tmp_path / "midb.csv").write_text(MIDB, encoding="utf-8")
    out = tmp_path / "c"
    run_import("mid", [tmp_path / "mida.csv", tmp_path / "midb.csv"], out)
    reply = answer_question("Did Russia blockade Estonia in 1939?", KnowledgeBase(out))
    assert reply["query"]["args"]["type"] == "blockade"
    assert reply["verdict"]["answer"] == "yes"


def test_the_bundled_corpus_reads_blockade_as_naval() -> None:
    """The bundled corpus records no blockade that is not naval: the word asks for Article
    II's naval blockade, as it did before the type was added."""
    reply = answer_question("Did the USSR blockade Estonia in 1940?", KnowledgeBase())
    assert reply["query"]["args"]["type"] == "naval_blockade"
