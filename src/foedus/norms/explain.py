"""Explanations: a tree from a conclusion down to the words of the source.

Every breach, status and aggressor answer carries one. A node is the conclusion, the rule or
clause applied, the quotes it rests on, and its premises (nodes again). In JSON::

    {"conclusion": str, "rule": str | None, "certainty": "certain" | "possible" | None,
     "hypothetical": bool, "sources": [{"source", "quote"}], "premises": [Explanation]}

Facts from an overlay (``--assume``) are marked ``hypothetical``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Rich is imported by the functions that draw (not by a --json answer)
    from rich.console import RenderableType
    from rich.tree import Tree

Explanation = dict[str, Any]

#: The words a source's date may open with that leave it open on one side (the corpus
#: format's "by mid-1941", "after 28 November 1939", "not before June 1940", ...).
OPEN_WORDS = (
    "by ",
    "before ",
    "after ",
    "not before ",
    "not after ",
    "no earlier than ",
    "no later than ",
    "until ",
    "till ",
    "since ",
)


def dated(text: str) -> str:
    """A source's date as it reads after "from", "until" or "since": itself ("1944",
    "mid-June 1940"), or, where its words leave it open on one side, "some day" before them
    ("from some day by 20 February 1938", not "from by 20 February 1938").

    >>> dated("mid-June 1940"), dated("by 20 February 1938")
    ('mid-June 1940', 'some day by 20 February 1938')
    """
    return f"some day {text}" if text.lower().startswith(OPEN_WORDS) else text


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


_SYNTAX = re.compile(r"\b\w+\([A-Z]\w*(?:, ?[A-Z]\w*)*\)|^perspective \S+$")


def is_rule_syntax(rule: str) -> bool:
    """Whether a node's rule is written in the rule language (``part_of(X) = Y when ...``, a
    logic variable in a term) or names the perspective, rather than a clause in words."""
    return bool(_SYNTAX.search(rule))


def first_quote(
    tree: Explanation, want: Callable[[Explanation], bool] | None = None
) -> dict[str, str | None] | None:
    """The first quote, depth first, of a node below the root that ``want`` accepts (every
    node with a quote, by default)."""
    for p in tree.get("premises", []):
        if p.get("sources") and (want is None or want(p)):
            return dict(p["sources"][0])
        found = first_quote(p, want)
        if found is not None:
            return found
    return None


def summary(text: str, quote: dict[str, str | None] | None) -> dict[str, Any]:
    """The plain-language summary an explanation starts with: ``{"text", "quote"}``, the
    quote the answer turns on (or None)."""
    return {"text": text, "quote": quote}


def cited(quote: dict[str, Any]) -> str:
    """Where a quote's words are from: its source, or, for the text of a record an overlay
    assumes (no source: docs/corpus-format.md), that it is assumed.

    >>> cited({"quote": "a", "source": "chronicle"}), cited({"quote": "b", "source": None})
    ('chronicle', 'assumed (no source)')
    """
    return quote.get("source") or "assumed (no source)"


def summary_rich(s: dict[str, Any]) -> RenderableType:
    """A summary for people: its sentence, then its quote (indented)."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    q = s.get("quote")
    if not q:
        return Text(s["text"])
    quote = Text.assemble((f"“{q['quote']}”", "green"), (f" — {cited(q)}", "dim"))
    return Group(Text(s["text"]), Padding(quote, (0, 0, 0, 2), expand=False))


def says_possibly(tree: Explanation) -> bool:
    """Whether a node's conclusion needs the mark "(possibly)": it is only possible and its
    words do not say so already ("possibly Germany: ...", "...: possibly sovereign" would
    read "possibly ... (possibly)").

    >>> says_possibly({"conclusion": "part_of(x) = y holds in 1941", "certainty": "possible"})
    True
    >>> says_possibly({"conclusion": "possibly Germany: ...", "certainty": "possible"})
    False
    """
    if tree.get("certainty") != "possible":
        return False
    return re.search(r"\bpossibl[ey]\b", tree["conclusion"], re.IGNORECASE) is None


def to_rich(
    tree: Explanation,
    parent: Tree | None = None,
    rules: bool = True,
    assumed: bool = False,
    shown: set[str] | None = None,
) -> Tree:
    """The tree as a Rich tree: conclusion, then the rule, the quotes and the premises;
    ``rules=False`` leaves out the rules written in the rule language (a clause's rule, in
    words, stays). "(hypothetical)" marks the topmost node of what rests on an overlay, once
    (``assumed``: an ancestor is marked). A node with quotes or premises that the tree has
    shown in full above (``shown``: those already drawn) is drawn once more by its conclusion
    only, marked "(as above)": an instrument under both the premise that it bound the parties
    and its clause, a breach under both the annexation and the incorporation; the JSON keeps
    every node whole."""
    import json

    from rich.text import Text
    from rich.tree import Tree

    shown = set() if shown is None else shown
    label = Text(tree["conclusion"])
    if says_possibly(tree):
        label.append(" (possibly)", style="yellow")
    hypothetical = bool(tree.get("hypothetical"))
    if hypothetical and not assumed and "hypothetical" not in tree["conclusion"]:
        label.append(" (hypothetical)", style="magenta")
    key = None
    if tree.get("sources") or tree.get("premises"):
        key = json.dumps(tree, sort_keys=True, ensure_ascii=False)
        if key in shown:
            label.append(" (as above)", style="dim")
            return parent.add(label) if parent is not None else Tree(label)
        shown.add(key)
    branch = parent.add(label) if parent is not None else Tree(label)
    rule = tree.get("rule")
    if rule and (rules or not is_rule_syntax(rule)):
        branch.add(Text.assemble(("rule: ", "cyan"), rule))
    for q in tree.get("sources", []):
        branch.add(Text.assemble((f"“{q['quote']}”", "green"), (f" — {cited(q)}", "dim")))
    for p in tree.get("premises", []):
        to_rich(p, branch, rules, assumed or hypothetical, shown)
    return branch


def to_text(tree: Explanation, indent: int = 0) -> str:
    """The tree as indented plain text (for logs and tests)."""
    pad = "  " * indent
    lines = [
        pad
        + tree["conclusion"]
        + (" (possibly)" if says_possibly(tree) else "")
        + (" (hypothetical)" if tree.get("hypothetical") else "")
    ]
    if tree.get("rule"):
        lines.append(pad + "  rule: " + tree["rule"])
    for q in tree.get("sources", []):
        lines.append(pad + f'  "{q["quote"]}" ({cited(q)})')
    for p in tree.get("premises", []):
        lines.append(to_text(p, indent + 1))
    return "\n".join(lines)
