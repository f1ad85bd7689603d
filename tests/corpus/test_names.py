"""Names the eye cannot tell apart (#23 point 8): homoglyphs and invisible characters never
lead a question or a query to another actor, and validation reports them."""

from __future__ import annotations

import pytest

from foedus.ask import QuestionError, parse_question
from foedus.corpus.validate import name_key
from foedus.errors import UnknownName
from foedus.query import KnowledgeBase

ZERO_WIDTH = "Esto\u200bnia"
CYRILLIC_E = "\u0415stonia"  # CYRILLIC CAPITAL LETTER IE for the Latin E
GREEK_O = "Est\u03bfnia"  # GREEK SMALL LETTER OMICRON for the Latin o


@pytest.mark.parametrize(
    "name", [ZERO_WIDTH, CYRILLIC_E, GREEK_O, "ＥＳＴＯＮＩＡ", "the  Estonia"]
)
def test_confusable_names_share_a_key(name: str) -> None:
    assert name_key(name) == name_key("Estonia") == "estonia"


@pytest.mark.parametrize(
    ("name", "key"),
    [("Łotwa", "łotwa"), ("Lietuvos Respublika", "lietuvos respublika"), ("Eesti", "eesti")],
)
def test_names_without_homoglyphs_keep_their_letters(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase(perspective="de-facto")


@pytest.mark.parametrize("name", [ZERO_WIDTH, CYRILLIC_E, "Latvi\u200ba"])
def test_a_query_never_answers_for_another_actor(kb: KnowledgeBase, name: str) -> None:
    with pytest.raises(UnknownName) as info:
        kb.resolver.actor(name)
    assert "did you mean" in str(info.value)


def test_a_question_with_an_invisible_character_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError, match="did you mean 'estonia'"):
        parse_question(f"Was {ZERO_WIDTH} occupied in 1970?", kb)


def test_a_question_with_a_homoglyph_reads_the_actor_it_looks_like(kb: KnowledgeBase) -> None:
    q = parse_question(f"Was {CYRILLIC_E} occupied in 1970?", kb)
    assert q.args["actor"] == "estonia"
    assert f"read '{CYRILLIC_E}' as Estonia" in q.notes
