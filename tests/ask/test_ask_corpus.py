"""`foedus ask` on a corpus that is not the Baltic one, with no code change (issues 18, 22).

A small generated world is given what a corpus may say for questions: names for its states,
demonyms, a capital, a group, a second perspective with its own words, and example questions.
Every word the parser needs must come from those files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from foedus.ask import QuestionError, answer_question, parse_question
from foedus.generate import generate_world
from foedus.query import KnowledgeBase

NAMES = {
    "s00000": ("Arland", ["Arlandic", "Arlanders"], "Arlburg"),
    "s00001": ("Belmark", ["Belmarkian"], None),
    "s00002": ("Corvia", ["Corvian", "Corvians"], None),
    "s00003": ("Dunmore", ["Dunmorish"], None),
    "s00004": ("Esteran", [], None),
    "s00005": ("Fallow", [], None),
}

#: Correlates of War codes, kept as aliases by an import: Andorra's, Canada's, Norway's
CODES = {"s00000": "AND", "s00001": "CAN", "s00005": "NOR"}


def _world(root: Path, examples: bool = True) -> Path:
    generate_world(root, states=6, instruments=5, events=40, seed=3)
    yaml = YAML()
    actors = yaml.load(root / "actors.yaml")
    for a in actors["actors"]:
        if a["id"] in NAMES:
            name, demonyms, capital = NAMES[a["id"]]
            a["name"] = name
            if demonyms:
                a["demonyms"] = demonyms
            if capital:
                a["capital"] = capital
        if a["id"] in CODES:  # codes that are also words of the questions: only as written
            a["aliases"] = [*a.get("aliases", []), CODES[a["id"]]]
    yaml.dump(actors, root / "actors.yaml")
    persp = yaml.load(root / "perspectives.yaml")
    persp["perspectives"][0]["words"] = ["in practice", "Realists"]
    persp["perspectives"].append(
        {
            "id": "legalist",
            "name": "Legalist",
            "description": "What the treaties say, whoever holds the ground.",
            "rules": ["rules/base.rules", "rules/de-facto.rules"],
            "words": ["in law", "de jure", "the League court"],
        }
    )
    yaml.dump(persp, root / "perspectives.yaml")
    meta = yaml.load(root / "corpus.yaml")
    meta["groups"] = [
        {
            "id": "northern-league",
            "name": "the Northern League",
            "aliases": ["League states"],
            "members": ["s00002", "s00003"],
        }
    ]
    if examples:
        meta["examples"] = [
            "What happened to Corvia in 1921?",
            "Who was the aggressor between Dunmore and Corvia in 1921?",
        ]
    yaml.dump(meta, root / "corpus.yaml")
    return root


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(_world(tmp_path_factory.mktemp("ask") / "world"))


@pytest.mark.parametrize(
    ("question", "query"),
    [
        (
            "what happened to corvia in 1921",
            "events target=s00002 from=1921-01-01 to=1921-12-31 (de-facto)",
        ),
        ("What did the Arlanders do?", "events actor=s00000 (de-facto)"),
        (
            "which agreements linked esteran and arlburg",
            "treaties between=s00004,s00000 (de-facto)",
        ),
        (
            "What did Dunmore do to the Northern League in 1921?",
            "events actor=s00003 target=northern-league from=1921-01-01 to=1921-12-31 (de-facto)",
        ),
        (
            "Was Belmark independent in 1950 in law?",
            "status actor=s00001 from=1950-01-01 to=1950-12-31 (legalist)",
        ),
        (
            "According to the League court, was Corvia sovereign in 1950?",
            "status actor=s00002 from=1950-01-01 to=1950-12-31 (legalist)",
        ),
        (
            "Which treaties bound Esteran and the Arlandic state in 1940?",
            "treaties between=s00004,s00000 from=1940-01-01 to=1940-12-31 (de-facto)",
        ),
        ("Tell me about Corvya", "timeline actor=s00002 (de-facto)"),
        (
            "Where do the realists and the legalists disagree about Fallow?",
            "compare p=de-facto q=legalist actor=s00005 (de-facto)",
        ),
        (
            "Who was the agressor between Dunmore and Corvia in 1921?",
            "aggressor a=s00003 b=s00002 from=1921-01-01 to=1921-12-31 (de-facto)",
        ),
        (
            "Can you list the treaties between Esteran and Corvia in 1940?",
            "treaties between=s00004,s00002 from=1940-01-01 to=1940-12-31 (de-facto)",
        ),
        (
            "Which treaties bound neither Dunmore nor Corvia?",
            "treaties between=s00003,s00002 (de-facto)",
        ),
        (
            "Which treaties bound AND and CAN in 1940?",
            "treaties between=s00000,s00001 from=1940-01-01 to=1940-12-31 (de-facto)",
        ),
    ],
)
def test_questions_read_from_the_corpus(kb: KnowledgeBase, question: str, query: str) -> None:
    assert parse_question(question, kb).describe() == query


def test_answers_run(kb: KnowledgeBase) -> None:
    a = answer_question("What did Dunmore do to the Northern League in 1921?", kb)
    assert a["query"]["each"] == {"group": "northern-league", "members": ["s00002", "s00003"]}
    assert a["answer"]["events"]
    for e in a["answer"]["events"]:
        assert {"s00002", "s00003"} & {t["id"] for t in e["targets"]}
        assert "s00003" in {x["id"] for x in e["actors"]}
    yes_no = answer_question("Was Belmark independent in 1950?", kb)
    assert set(yes_no["verdict"]["by_perspective"]) == {"de-facto", "legalist"}
    over = answer_question("Which treaties bound Esteran and Arland in 1940?", kb)
    assert over["query"]["over"] == {"from": "1940-01-01", "to": "1940-12-31"}


def test_missing_and_suggestions_from_the_corpus(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError) as e:
        parse_question("aggressor between", kb)
    assert str(e.value) == (
        'between whom? ("aggressor between"); '
        'try: "Who was the aggressor between Dunmore and Corvia in 1921?"'
    )
    with pytest.raises(QuestionError) as e:
        parse_question("Was the Northern League occupied in 1950?", kb)
    assert str(e.value).startswith("which of the Northern League? (Corvia or Dunmore)")


def test_suggestions_made_when_the_corpus_has_none(tmp_path: Path) -> None:
    kb = KnowledgeBase(_world(tmp_path / "plain", examples=False))
    with pytest.raises(QuestionError) as e:
        parse_question("when", kb)
    assert e.value.examples
    text = " ".join(e.value.examples)
    assert not re.search(r"(?i)estonia|latvia|lithuania|soviet|ussr|baltic", text)
    assert re.search(r"Arland|Belmark|Corvia|Dunmore|Esteran|Fallow|Instrument", text)


def test_no_baltic_word_in_the_parser() -> None:
    """The parser's code names nothing of the bundled corpus (docstrings' examples aside, and
    the CLI's help, whose example question is documentation)."""
    src = Path(__file__).parents[2] / "src" / "foedus" / "ask"
    for path in sorted(src.glob("*.py")):
        if path.name == "cli.py":
            continue
        text = re.sub(r'"""(?:.|\n)*?"""', "", path.read_text(encoding="utf-8"))
        text = "\n".join(line.split("#")[0] for line in text.splitlines())
        found = re.findall(
            r"(?i)\b(?:estonia\w*|latvia\w*|lithuania\w*|baltic|ussr|moscow)\b", text
        )
        assert not found, (path.name, found)


def test_a_group_member_must_be_an_actor(tmp_path: Path) -> None:
    from foedus.corpus import load_corpus
    from foedus.errors import CorpusError

    root = _world(tmp_path / "w")
    text = (root / "corpus.yaml").read_text(encoding="utf-8")
    (root / "corpus.yaml").write_text(text.replace("- s00003", "- s00099"), encoding="utf-8")
    with pytest.raises(CorpusError) as e:
        load_corpus(root)
    assert "group 'northern-league': unknown actor 's00099'" in str(e.value)
    assert "corpus.yaml:" in str(e.value)
