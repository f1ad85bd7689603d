"""Any corpus, not only the Baltic one (issue 22).

tests/corpora/any is a made-up corpus (nothing in it happened) with its own perspective names
(realist, legalist), its own default perspective (legalist, not the first), rules taken from
the rule library by name (foedus:base, foedus:de-facto, foedus:non-recognition) beside one
file of its own, and the newer event types (armistice, expulsion, recognition_withdrawn, an
attack whose perpetrator is unknown). It validates, builds and answers every query kind with no
code change; and no Baltic actor id or date is written in the code of src/.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.corpus import bundled_path, load_corpus, read_corpus, validate_corpus
from foedus.corpus.perspectives import default_perspective
from foedus.query import KnowledgeBase
from foedus.rules.library import LIBRARY, library_file, library_names

ROOT = Path(__file__).resolve().parents[1]
ANY = ROOT / "tests" / "corpora" / "any"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase(ANY)


def test_it_validates() -> None:
    corpus, problems, _ = read_corpus(ANY)
    assert problems == [] and validate_corpus(corpus) == []


def test_the_corpus_names_its_default_perspective(kb: KnowledgeBase) -> None:
    assert [p.id for p in kb.corpus.perspectives] == ["realist", "legalist"]
    assert kb.perspective == "legalist" == default_perspective(kb.corpus)
    assert kb.status("Aldoria", "1935-06-01")["perspective"] == "legalist"


def test_without_a_named_default_the_first_perspective_answers(tmp_path: Path) -> None:
    copy = tmp_path / "any"
    shutil.copytree(ANY, copy)
    meta = copy / "corpus.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("default_perspective: legalist\n", ""), "utf-8"
    )
    assert KnowledgeBase(copy).perspective == "realist"


def test_an_unknown_default_perspective_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "any"
    shutil.copytree(ANY, copy)
    meta = copy / "corpus.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            "default_perspective: legalist", "default_perspective: legalst"
        ),
        "utf-8",
    )
    assert _problems(copy) == [
        "corpus.yaml:5:22: corpus.yaml default_perspective: unknown perspective 'legalst'; "
        "did you mean 'legalist' or 'realist'?"
    ]


def _problems(path: Path) -> list[str]:
    corpus, problems, _ = read_corpus(path)
    return [
        f"{Path(p.file).name}:{p.line}:{p.col}: {p.message}"
        for p in [*problems, *validate_corpus(corpus)]
    ]


def test_the_bundled_corpus_default_is_its_own() -> None:
    corpus = load_corpus(bundled_path())
    assert corpus.metadata.default_perspective == "de-facto"
    assert KnowledgeBase().perspective == "de-facto"


# --------------------------------------------------------------------------- the rule library


def test_rules_come_from_the_library_by_name(kb: KnowledgeBase) -> None:
    assert library_names() == [
        "foedus:base",
        "foedus:de-facto",
        "foedus:non-recognition",
        "foedus:successor-states",
    ]
    base = library_file("foedus:base")
    assert base == LIBRARY / "base.rules"
    status = kb.status("Aldoria", "1935-06-01")
    assert "(base.rules:96)" in str(status["explanation"])  # control_by_occupation
    realist = kb.with_perspective("Realist")
    assert realist.rule_text("annexed_into") == (
        "annexed_into: initiated part_of(X) = Y when annexation(Y, X). (de-facto.rules:14)"
    )
    assert realist.rule_text("expelled") == (
        "expelled: initiated expelled_from(X) = Y when expulsion(Y, X). (league.rules:3)"
    )


def test_the_library_is_not_copied_into_the_bundled_corpus() -> None:
    rules = bundled_path() / "rules"
    assert sorted(f.name for f in rules.glob("*.rules")) == ["soviet.rules"]
    text = (bundled_path() / "perspectives.yaml").read_text(encoding="utf-8")
    assert "foedus:base" in text and "rules/base.rules" not in text


def test_the_library_speaks_of_no_corpus() -> None:
    for f in LIBRARY.glob("*.rules"):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"Baltic|Soviet|USSR|Estonia|Latvia|Lithuania|19\d\d", text), f


def _with_rules(tmp_path: Path, rules: str) -> Path:
    copy = tmp_path / "any"
    shutil.copytree(ANY, copy)
    persp = copy / "perspectives.yaml"
    text = persp.read_text(encoding="utf-8")
    persp.write_text(
        text.replace("rules: [foedus:base, foedus:de-facto, rules/league.rules]", rules), "utf-8"
    )
    return copy


def test_an_unknown_library_name_is_reported_with_the_names_it_has(tmp_path: Path) -> None:
    copy = _with_rules(tmp_path, "rules: [foedus:bse, foedus:de-facto]")
    assert _problems(copy)[0] == (
        "perspectives.yaml:6:13: perspective 'realist': unknown rule file 'foedus:bse' of the "
        "rule library; did you mean 'foedus:base' or 'foedus:de-facto'?"
    )


def test_a_rule_path_out_of_the_corpus_says_why(tmp_path: Path) -> None:
    copy = _with_rules(tmp_path, "rules: [../../base.rules, foedus:de-facto]")
    assert _problems(copy)[0] == (
        "perspectives.yaml:6:13: perspective 'realist': unknown rule file '../../base.rules' "
        "(it leads out of the corpus folder: a corpus reads its own rule files from its "
        "rules/ only; the rule library's are named foedus:NAME, e.g. foedus:base)"
    )


def test_a_change_of_the_library_changes_the_content_hash(tmp_path: Path) -> None:
    copy = _with_rules(tmp_path, "rules: [foedus:base, foedus:non-recognition]")
    assert load_corpus(copy).content_hash != load_corpus(ANY).content_hash


# --------------------------------------------------------------------------- every query kind


def test_events_with_the_new_types_and_an_unknown_perpetrator(kb: KnowledgeBase) -> None:
    out = kb.events(target="Aldoria", from_="1930-12-01", to="1930-12-31")
    (ev,) = out["events"]
    assert ev["id"] == "tarn-shelled" and ev["actors"] == [] and ev["type"] == "attack"
    types = {e["type"] for e in kb.events()["events"]}
    assert {"armistice", "expulsion", "recognition_withdrawn"} <= types


def test_treaty_and_treaties(kb: KnowledgeBase) -> None:
    assert kb.treaty("Treaty of Vell")["id"] == "treaty-of-vell"
    on = kb.treaties(between=["Brennmark", "Aldoria"], on="1930-01-01")["treaties"]
    assert [t["id"] for t in on] == ["treaty-of-vell"]


def test_status_under_each_perspective(kb: KnowledgeBase) -> None:
    certain = [{"value": True, "certainty": "certain"}]
    legal = kb.status("Aldoria", "1935-06-01")["status"]
    assert legal["sovereign"] == certain
    assert [v["value"]["id"] for v in legal["occupied_by"]] == ["brennmark"]
    real = kb.with_perspective("realist").status("Aldoria", "1935-06-01")["status"]
    assert real["sovereign"] == [{"value": False, "certainty": "certain"}]
    assert [v["value"]["id"] for v in real["part_of"]] == ["brennmark"]
    restored = kb.status("Aldoria", "1946-01-01")["status"]
    assert restored["sovereign"] == certain and restored["occupied_by"] == []


def test_holds_reads_the_corpus_own_rules(kb: KnowledgeBase) -> None:
    rows = kb.holds("Brennmark", "1930-06-01")
    expelled = [r for r in _rows(rows) if r["fluent"] == "expelled_from"]
    assert [r["value"]["id"] if isinstance(r["value"], dict) else r["value"] for r in expelled] == [
        "league-of-the-straits"
    ]


def _rows(out: dict) -> list[dict]:
    return next(v for v in out.values() if isinstance(v, list))


def test_timeline(kb: KnowledgeBase) -> None:
    out = kb.timeline("Aldoria")
    labels = [p["label"] for p in out["periods"]]
    assert labels[0] == "independent" and "under occupation by Brennmark" in labels[1]


def test_breaches_of_the_treaty(kb: KnowledgeBase) -> None:
    found = {b["event"]["id"] for b in kb.breaches()["breaches"]}
    assert "brennmark-invades-aldoria" in found
    assert "tarn-shelled" not in found  # nobody is bound by an unknown perpetrator's act


def test_aggressor_compare_and_explain(kb: KnowledgeBase) -> None:
    assert kb.aggressor("Brennmark", "Aldoria")["aggressor"] is None  # nothing defines it
    diff = kb.compare("realist", "legalist", "Aldoria")
    assert diff["differences"], diff
    tree = kb.explain("status", ["Aldoria"], on="1935-06-01")
    assert "legalist" in str(tree)


def test_the_cli_answers_without_perspective(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        app, ["status", "Aldoria", "--on", "1935-06-01", "--corpus", str(ANY), "--json"]
    )
    assert out.exit_code == 0, out.output
    assert '"perspective": "legalist"' in out.output


def test_an_event_needs_an_actor_or_an_unknown_perpetrator(tmp_path: Path) -> None:
    copy = tmp_path / "any"
    shutil.copytree(ANY, copy)
    events = copy / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace("    perpetrator: unknown\n", ""), "utf-8"
    )
    _, problems, _ = read_corpus(copy)
    assert any("an event needs at least one actor" in p.message for p in problems), problems


# --------------------------------------------------------------------------- no Baltic in code


def test_no_baltic_actor_id_or_date_in_the_code() -> None:
    corpus = load_corpus(bundled_path())
    ids = sorted({a.id for a in corpus.actors})
    days = sorted({e.date.earliest.isoformat() for e in corpus.events if e.date.exact})
    word = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    day = re.compile("|".join(map(re.escape, days)))
    found = []
    for f in sorted((ROOT / "src" / "foedus").rglob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        docs = {  # docstrings are the docs' examples (doctests may use the bundled corpus)
            id(st.value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            for st in n.body
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)
        }
        for n in ast.walk(tree):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
                for m in [*word.findall(n.value), *day.findall(n.value)]:
                    found.append(f"{f.relative_to(ROOT)}:{n.lineno}: {m}")
    assert found == []


def _with_definition(tmp_path: Path, more: str = "") -> Path:
    """A copy of tests/corpora/any whose Treaty of Vell defines aggression in a sole article
    of its own words, and has the clauses ``more`` (YAML) after it."""
    copy = tmp_path / "any"
    shutil.copytree(ANY, copy)
    ins = copy / "instruments.yaml"
    ins.write_text(
        ins.read_text(encoding="utf-8").replace(
            "    sources:\n      - Brennmark and Aldoria signed",
            "      - id: first-attack\n"
            "        article: Sole article\n"
            "        text: each party undertook to refrain from any attack on the other\n"
            "        norm:\n"
            "          kind: definition\n"
            "          categories: [aggression]\n"
            f"{more}    sources:\n      - Brennmark and Aldoria signed",
        ),
        "utf-8",
    )
    return copy


def test_the_aggressor_is_worded_from_the_corpus_own_clause(tmp_path: Path) -> None:
    copy = _with_definition(tmp_path)
    out = KnowledgeBase(copy).aggressor("Aldoria", "Brennmark")
    assert out["aggressor"]["id"] == "brennmark"
    assert out["rule"] == (
        "first to have committed one of the acts listed in Sole article of the 1921 Treaty"
    )
    text = str(out["explanation"])
    assert "Sole article: the first to commit one of the listed acts" in text
    assert "1933" not in text and "Article II" not in text
    # the corpus holds no no-justification clause: the claim is shown, not "rejected"
    assert "claimed justification: Aldorian troops had massed at the border." in text
    assert "rejected" not in text


def test_a_rejected_justification_quotes_the_corpus_clause_only(tmp_path: Path) -> None:
    """The node of a rejected justification gave as its rule the 1933 Convention's Article
    III ("no political, military, economic or other considerations may serve as an excuse or
    justification") in every corpus, whatever its own no-justification clause said."""
    copy = _with_definition(
        tmp_path,
        "      - id: no-excuse\n"
        "        article: Second article\n"
        "        text: no massing of troops excuses an attack\n"
        "        norm:\n"
        "          kind: no_justification\n",
    )
    with (copy / "sources" / "chronicle.txt").open("a", encoding="utf-8") as f:
        f.write("\nIts second article said that no massing of troops excuses an attack.\n")
    text = str(KnowledgeBase(copy).aggressor("Aldoria", "Brennmark")["explanation"])
    assert "claimed justification rejected: Aldorian troops had massed at the border." in text
    assert "no massing of troops excuses an attack" in text
    assert "political, military, economic" not in text


# --------------------------------------------------------------------------- the vocabulary


def test_the_library_defines_the_vocabulary_of_status_as_declared() -> None:
    from foedus.rules import load_rules
    from foedus.rules.library.vocabulary import VOCABULARY, declared_shape

    for view in ("foedus:de-facto", "foedus:non-recognition"):
        files = [library_file("foedus:base"), library_file(view)]
        program = load_rules([f for f in files if f is not None])
        shapes = {n: declared_shape(d) for n, d in program.fluents.items() if n in VOCABULARY}
        assert shapes == {n: w.shape for n, w in VOCABULARY.items()}, view
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for w in VOCABULARY.values():
        assert f"`{w.shape}" in doc, w.shape


def test_a_vocabulary_fluent_of_another_shape_is_reported(tmp_path: Path) -> None:
    copy = _with_rules(tmp_path, "rules: [foedus:base, rules/league.rules]")
    (copy / "rules" / "league.rules").write_text(
        "fluent part_of(Actor, Actor).\n"
        "annexed_pair: initiated part_of(X, Y) when annexation(Y, X).\n",
        encoding="utf-8",
    )
    assert (
        "league.rules:1:1: fluent 'part_of' is in the vocabulary of status the answers "
        "read: declare it part_of(Actor) = Actor (docs/rules.md), not part_of(Actor, Actor) "
        "(in perspective 'realist')"
    ) in _problems(copy)
