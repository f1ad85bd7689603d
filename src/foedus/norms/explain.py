"""Explanations: a tree from a conclusion down to the words of the source.

Every breach, status and aggressor answer carries one. A node is the conclusion, the rule or
clause applied, the quotes it rests on, and its premises (nodes again). In JSON::

    {"conclusion": str, "rule": str | None, "certainty": "certain" | "possible" | None,
     "hypothetical": bool, "sources": [{"source", "quote"}], "premises": [Explanation]}

Facts from an overlay (``--assume``) are marked ``hypothetical``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from rich.tree import Tree

Explanation = dict[str, Any]


def node(
    conclusion: str,
    *,
    rule: str | None = None,
    sources: list[dict[str, str | None]] | None = None,
    premises: list[Explanation] | None = None,
    certainty: str | None = None,
    hypothetical: bool = False,
) -> Explanation:
    return {
        "conclusion": conclusion,
        "rule": rule,
        "certainty": certainty,
        "hypothetical": hypothetical,
        "sources": list(sources or []),
        "premises": list(premises or []),
    }


def quotes(records_sources: Any, default_source: str) -> list[dict[str, str]]:
    """``[{"source", "quote"}]`` of a record's ``sources`` (or a clause: its text)."""
    out = []
    for q in records_sources or []:
        out.append({"source": q.source or default_source, "quote": q.quote})
    return out


def all_quotes(tree: Explanation) -> list[dict[str, str]]:
    """Every quote anywhere in an explanation tree."""
    found = list(tree.get("sources", []))
    for p in tree.get("premises", []):
        found.extend(all_quotes(p))
    return found


def to_rich(tree: Explanation, parent: Tree | None = None) -> Tree:
    """The tree as a Rich tree: conclusion, then the rule, the quotes and the premises."""
    label = Text(tree["conclusion"])
    if tree.get("certainty") == "possible":
        label.append(" (possibly)", style="yellow")
    if tree.get("hypothetical"):
        label.append(" (hypothetical)", style="magenta")
    branch = parent.add(label) if parent is not None else Tree(label)
    if tree.get("rule"):
        branch.add(Text.assemble(("rule: ", "cyan"), tree["rule"]))
    for q in tree.get("sources", []):
        branch.add(Text.assemble((f"“{q['quote']}”", "green"), (f" — {q['source']}", "dim")))
    for p in tree.get("premises", []):
        to_rich(p, branch)
    return branch


def to_text(tree: Explanation, indent: int = 0) -> str:
    """The tree as indented plain text (for logs and tests)."""
    pad = "  " * indent
    lines = [
        pad
        + tree["conclusion"]
        + (" (possibly)" if tree.get("certainty") == "possible" else "")
        + (" (hypothetical)" if tree.get("hypothetical") else "")
    ]
    if tree.get("rule"):
        lines.append(pad + "  rule: " + tree["rule"])
    for q in tree.get("sources", []):
        lines.append(pad + f'  "{q["quote"]}" ({q["source"]})')
    for p in tree.get("premises", []):
        lines.append(to_text(p, indent + 1))
    return "\n".join(lines)
