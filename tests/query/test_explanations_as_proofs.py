"""Explanations read as proofs on the bundled corpus: every step follows from the one below it
by the rule it names, and says what a reader needs to follow it (why a treaty bound a party
that never signed it), once.

Each test pins a wrong or missing step, with the command that showed it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from foedus.norms.explain import to_rich
from foedus.query import KnowledgeBase

OVERLAYS = Path(__file__).resolve().parent.parent / "overlays"

#: The source's words for the Convention's no-justification clause (its "Article III").
ARTICLE_III = (
    "no political, military, economic or other considerations may serve as an excuse or "
    "justification for the aggression referred to in Article II."
)


@pytest.fixture(scope="module")
def kb(kb_factory: Any) -> KnowledgeBase:
    return kb_factory()


def nodes(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [tree, *(n for p in tree["premises"] for n in nodes(p))]


def quotes(tree: dict[str, Any]) -> list[str]:
    return [q["quote"] for n in nodes(tree) for q in n["sources"]]


def drawn(tree: dict[str, Any]) -> str:
    """The tree as the CLI draws it (without the rules in the rule language)."""
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=400, color_system=None).print(to_rich(tree, rules=False))
    return out.getvalue()


def test_an_annexation_is_not_excused_or_condemned_by_the_aggression_convention(
    kb: KnowledgeBase,
) -> None:
    """`foedus explain breach ussr-annexes-estonia-1940 treaty-of-tartu`: "claimed
    justification rejected", resting on the Convention's words "no political, military,
    economic or other considerations may serve as an excuse or justification for the
    aggression referred to in Article II" and its annex. An annexation is none of Article II's
    five acts (the clauses' categories: declaration-of-war, invasion, attack, naval-blockade,
    support-for-armed-bands), so neither clause speaks to its justification."""
    tree = kb.explain("breach", ["ussr-annexes-estonia-1940", "treaty-of-tartu"])["explanation"]
    said = [n["conclusion"] for n in nodes(tree)]
    assert not any(c.startswith("claimed justification rejected") for c in said)
    assert not any(ARTICLE_III in q for q in quotes(tree))
    claim = next(c for c in said if c.startswith("claimed justification: "))
    assert "Admission into the USSR was requested by the People's Assembly" in claim
    assert "neither rejected nor accepted" in claim
    assert "not an act of type annexation" in claim and "invasion" in claim


def test_an_invasion_s_justification_is_still_rejected_by_the_convention() -> None:
    """The same clauses do reject the justification of one of the five acts (an invasion)."""
    kb = KnowledgeBase(assume=OVERLAYS / "invasion-justified.yaml")
    tree = kb.aggressor("USSR", "Estonia")["explanation"]
    rejected = next(
        n for n in nodes(tree) if n["conclusion"].startswith("claimed justification rejected")
    )
    assert any(ARTICLE_III in q for q in quotes(rejected))


def test_a_successor_bound_by_a_treaty_it_never_signed_says_how(kb: KnowledgeBase) -> None:
    """`foedus explain breach ussr-annexes-estonia-1940 treaty-of-tartu`: "Treaty of Tartu
    bound Soviet Union towards Estonia in 1940" rested only on the treaty, "signed 2 February
    1920" by Estonia and Bolshevist Russia: nothing said why the Soviet Union, formed in 1922,
    was bound by it. It succeeded to it, in the source's words."""
    tree = kb.explain("breach", ["ussr-annexes-estonia-1940", "treaty-of-tartu"])["explanation"]
    bound = next(n for n in tree["premises"] if n["conclusion"].startswith("Treaty of Tartu bound"))
    succession = next(
        n
        for n in nodes(bound)
        if n["conclusion"]
        == "Soviet Union joined Treaty of Tartu by succession to Russian SFSR (1922)"
    )
    assert [q["quote"] for q in succession["sources"]] == [
        "several peace treaties were signed with Russia and its successor, the Soviet Union",
        "In 1922, the Russian SFSR, Ukraine SSR, Byelorussian SSR and Transcaucasian SFSR were "
        "officially merged as republics creating the Union of Soviet Socialist Republics, or "
        "Soviet Union.",
    ]


def test_the_non_recognition_status_says_why_the_riga_treaty_bound_the_ussr(
    kb_factory: Any,
) -> None:
    """`foedus explain status Latvia --on 1960-01-01 --perspective non-recognition`: the
    annexation "breaches Treaty of Riga", a treaty of Bolshevist Russia, without the
    succession that made the Soviet Union a party."""
    tree = kb_factory("non-recognition").status("Latvia", "1960-01-01")["explanation"]
    said = [n["conclusion"] for n in nodes(tree)]
    assert "Soviet Union joined Treaty of Riga by succession to Russian SFSR (1922)" in said


def test_a_step_shown_above_is_not_drawn_again(kb_factory: Any) -> None:
    """`foedus explain status Latvia --on 1940-07-01 --perspective non-recognition` drew the
    three breached treaties, clause and quotes, under the annexation and again, word for word,
    under the incorporation; `foedus explain breach ...` drew each instrument under the premise
    that it bound the parties and again under its clause. The JSON keeps every node whole."""
    kb = kb_factory("non-recognition")
    tree = kb.status("Latvia", "1940-07-01")["explanation"]
    text = drawn(tree)
    clause = "The enforcement of the present Pact may in no way impair the sovereign rights"
    assert text.count(clause) == 1
    assert "breaches Soviet–Latvian Pact of Mutual Assistance (as above)" in text
    assert json.dumps(tree, ensure_ascii=False).count(clause) == 2

    breach = kb_factory().explain("breach", ["ussr-annexes-estonia-1940", "treaty-of-tartu"])
    text = drawn(breach["explanation"])
    assert text.count("Estonia, Treaty of Tartu on 2 February 1920") == 1
    assert "Treaty of Tartu, signed 2 February 1920 [instrument treaty-of-tartu] (as above)" in text
