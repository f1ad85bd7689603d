"""An overlay's clause carries its own text (docs/corpus-format.md, "Overlays"): its
explanation shows that text as assumed, citing no source of the corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from foedus.query import KnowledgeBase

OVERLAY = """\
instruments:
  - id: baltic-pact-of-1930
    name: Hypothetical Pact of 1930
    kind: pact
    signed: 1930-05-01
    in_force: 1930-05-01
    parties:
      - {actor: estonia, how: signature, date: 1930-05-01}
      - {actor: latvia, how: signature, date: 1930-05-01}
    clauses:
      - id: art-1
        text: The parties shall never invade one another.
        norm:
          kind: prohibition
          categories: [invasion]
events:
  - id: latvia-invades-estonia-1935
    type: invasion
    date: 1935-03-01
    actors: [latvia]
    targets: [estonia]
    summary: Latvia invades Estonia (hypothetical).
"""


def _nodes(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [tree, *(n for p in tree.get("premises", []) for n in _nodes(p))]


def test_an_overlay_clause_cites_no_source(tmp_path: Path) -> None:
    overlay = tmp_path / "pact.yaml"
    overlay.write_text(OVERLAY)
    kb = KnowledgeBase(assume=overlay)
    tree = kb.explain("breach", ["latvia-invades-estonia-1935", "baltic-pact-of-1930"])
    quoted = [
        (n, s) for n in _nodes(tree["explanation"]) for s in n.get("sources", []) if s["quote"]
    ]
    clause = [(n, s) for n, s in quoted if s["quote"].startswith("The parties shall never")]
    assert clause, "the clause's text is shown"
    for n, s in clause:
        assert s["source"] is None, "an assumed clause is in no source of the corpus"
        assert n["hypothetical"] is True
    # the corpus's own clauses still cite their source
    real = kb.explain("breach", ["ussr-annexes-estonia-1940", "treaty-of-tartu"])
    assert all(
        s["source"] == "baltic-soviet-relations"
        for n in _nodes(real["explanation"])
        for s in n.get("sources", [])
    )
