"""A build makes only the happenings its rules read (the ``forms`` of
:func:`foedus.engine.from_tables.happenings_sql`, from
:func:`foedus.engine.compile_event.event_forms`): every act is given as
``E(Actor)`` and ``E(Actor, Target)``, and most rules read one of the two; the acts of breach
no fluent rule reads at all. So a fuzzy date of a happening no rule reads asks for no second
scenario: certainty work only where a fuzzy date can matter."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from foedus import build as foedus_build
from foedus.build.incremental.state import meta
from foedus.build.schema import STORED_EVENTS
from foedus.build.tables import write_tables
from foedus.corpus import bundled_path, load_corpus
from foedus.corpus.perspectives import perspective_ids
from foedus.engine import from_tables
from foedus.engine.compile_event import event_forms
from foedus.rules.programs import program_for

CORPORA = Path(__file__).parents[1] / "corpora"


@pytest.mark.parametrize("which", ["gulf", "bundled"])
def test_the_happenings_are_those_of_the_forms_the_rules_read(which: str) -> None:
    corpus = load_corpus(CORPORA / "gulf" if which == "gulf" else bundled_path())
    programs = [program_for(corpus, p) for p in perspective_ids(corpus)]
    forms = event_forms(r for p in programs for r in p.rules)
    con = duckdb.connect()
    write_tables(con, corpus)
    every = con.execute(from_tables.happenings_sql(STORED_EVENTS)).fetchall()
    from_tables.store_engine_inputs(con, corpus, STORED_EVENTS, forms=forms)
    made = con.execute("SELECT * FROM happenings").fetchall()
    read = [h for h in every if h[0] in forms.get(h[1], ())]  # (name, arity, ...)
    assert sorted(made, key=repr) == sorted(read, key=repr)
    assert 0 < len(made) < len(every)  # some are of a form no rule reads, none of theirs lost
    none = con.execute(from_tables.happenings_sql(STORED_EVENTS, forms={})).fetchall()
    assert none == []


def _good(tmp_path: Path, invasion: str) -> Path:
    """The test corpus ``good`` read with the rule library's de-facto rules, every date
    exact but the non-recognition's (a fuzzy "August 1940": no rule reads a
    ``non_recognition``) and the invasion's (``invasion``, which the rules read)."""
    root = shutil.copytree(CORPORA / "good", tmp_path / f"good-{len(invasion)}")
    (root / "perspectives.yaml").write_text(
        "perspectives:\n  - id: de-facto\n    name: De facto\n"
        "    description: Who held control.\n    rules: [foedus:base, foedus:de-facto]\n",
        encoding="utf-8",
    )
    for name, old, new in (
        ("events.yaml", "date: mid-June 1940", f"date: {invasion}"),
        ("events.yaml", "date: 1991", "date: 20 August 1991"),
        ("instruments.yaml", "in_force: mid-April 1921", "in_force: 15 April 1921"),
        ("actors.yaml", "existed_from: 1900", "existed_from: 1 January 1900"),
    ):
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_a_fuzzy_date_no_rule_reads_asks_for_no_second_scenario(tmp_path: Path) -> None:
    scenarios = {}
    for invasion in ("15 June 1940", "mid-June 1940"):
        corpus = load_corpus(_good(tmp_path, invasion))
        programs = [program_for(corpus, p) for p in perspective_ids(corpus)]
        assert "non_recognition" not in str(event_forms(r for p in programs for r in p.rules))
        _, steps = foedus_build.default_steps()
        db = foedus_build.build_database(corpus, tmp_path / f"{len(invasion)}.duckdb", steps)
        con = foedus_build.connect(db)
        try:
            scenarios[invasion] = meta(con)["scenarios"]
            certainty = {
                c for (c,) in con.execute("SELECT DISTINCT certainty FROM fluents").fetchall()
            }
        finally:
            con.close()
        if invasion == "15 June 1940":
            assert certainty == {"certain"}
    assert scenarios == {"15 June 1940": ["1"], "mid-June 1940": ["2"]}
