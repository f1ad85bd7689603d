"""``--perspective all``: one answer under each perspective of the corpus, side by side, with
the rules that make them differ.

The answer (docs/api.md) is ``{"perspective": "all", "command", "agree", "perspectives",
"rule_text"}``: ``perspectives`` holds one object per perspective of the corpus, in the
corpus's order, ``{"perspective", "name", "default", "differs", "rules", "because",
"answer"}``, where ``answer`` is the command's own answer under that perspective (what
``--perspective P --json`` prints), ``differs`` whether it differs from the default
perspective's, ``rules`` the labels of the rules that answer rests on and that some
perspective answering otherwise does not use (empty where all agree), ``because`` (``status``
only) why sovereignty ended, or did not, in that view. ``rule_text`` gives each label's rule
as written.

>>> from foedus.query import KnowledgeBase
>>> a = across(KnowledgeBase(), "status", {"actor": "Lithuania", "on": "1950-01-01"})
>>> [(p["perspective"], p["answer"]["status"]["label"]) for p in a["perspectives"]]
... # doctest: +NORMALIZE_WHITESPACE
[('de-facto', 'part of Soviet Union'),
 ('non-recognition', 'sovereign state, under occupation by Soviet Union'),
 ('soviet', 'part of Soviet Union')]
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.corpus.perspectives import default_perspective, perspective_ids
from foedus.engine.timepoints import query_point
from foedus.errors import UserError
from foedus.model.vocabulary import ALL_PERSPECTIVES
from foedus.norms.explain import Explanation, node
from foedus.query.common import STATUS_FLUENTS, Row, rows_about, shared_reads
from foedus.query.compare import CORE, why_sovereignty_differs
from foedus.query.rules import rule_texts
from foedus.query.status import status_at
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase

ALL = ALL_PERSPECTIVES
"""The perspective name that asks for every perspective at once."""

ACROSS = ("status", "holds", "treaties", "breaches", "explain")
"""The commands that answer ``--perspective all``."""


def one_perspective(command: str) -> UserError:
    """The refusal of ``perspective all`` by ``command``, in one line."""
    return UserError(
        f"perspective all: {command} answers under one perspective (all is for "
        f"{', '.join(ACROSS)})",
        param="perspective",
        problem="one_perspective",
    )


def is_all(perspective: str | None) -> bool:
    """Whether ``perspective`` asks for every perspective (``all``, any case)."""
    return perspective is not None and perspective.strip().lower() == ALL


# --------------------------------------------------------------------------- what differs


def _key(command: str, answer: Json) -> Any:
    """What two perspectives' answers are compared on (not their explanations' wording)."""
    if command == "status":
        return [answer["status"][k] for k in CORE]
    if command == "holds":
        return sorted(
            (f["fluent"], f["args"], f["value"], f["certainty"]) for f in answer["fluents"]
        )
    if command == "treaties":
        return [(t["id"], t.get("certainty")) for t in answer["treaties"]]
    if command == "breaches":
        return [
            (b["event"]["id"], b["treaty"]["id"], b["clause"]["id"], b["certainty"])
            for b in answer["breaches"]
        ]
    tree = answer["explanation"]
    return json.dumps([tree.get("certainty"), tree["premises"]], sort_keys=True)


def _tree_rules(tree: Explanation, texts: dict[str, str]) -> set[str]:
    """The labels of the perspective's rules that an explanation tree applies."""
    by_text = {v: k for k, v in texts.items()}
    found: set[str] = set()

    def walk(t: Explanation) -> None:
        rule = t.get("rule")
        if rule in by_text:
            found.add(by_text[rule])
        for p in t.get("premises", []):
            walk(p)

    walk(tree)
    return found


def _used_rules(
    kb: KnowledgeBase, command: str, answer: Json, perspective: str, own: list[Row]
) -> set[str]:
    """The labels of the rules an answer under ``perspective`` rests on (``own``: the rows
    of a status's actor, for ``status``)."""
    if command == "status":
        aid = answer["actor"]["id"]
        rows = [r for r in own if r.fluent in STATUS_FLUENTS]
        _, used = status_at(kb, aid, query_point(date.fromisoformat(answer["on"])), rows)
        return {r.rule for r in used if r.rule}
    if command == "holds":
        return {f["rule"] for f in answer["fluents"] if f.get("rule")}
    texts = rule_texts(kb, perspective)
    if command == "breaches":
        return set().union(*(_tree_rules(b["explanation"], texts) for b in answer["breaches"]))
    if command == "explain":
        return _tree_rules(answer["explanation"], texts)
    return set()


def _because(
    kb: KnowledgeBase, answers: dict[str, Json], rows: dict[str, list[Row]]
) -> dict[str, Json]:
    """``status``: why sovereignty ended, or did not, in each perspective (where they differ):
    ``{perspective: {"text", "rules"}}``."""
    first = next(iter(answers.values()))
    aid, t = first["actor"]["id"], query_point(date.fromisoformat(first["on"]))
    status = {p: a["status"] for p, a in answers.items()}
    return why_sovereignty_differs(kb, aid, t, rows, status)


# --------------------------------------------------------------------------- the answer


def _answer(
    kb: KnowledgeBase, command: str, kwargs: dict[str, Any]
) -> tuple[Json, UserError | None]:
    """One perspective's answer, and its refusal if it refused: an ``explain`` that this
    perspective refuses (a breach it does not see) is answered by the refusal, in words (the
    others' answers are what the comparison is for)."""
    try:
        answer: Json = getattr(kb, command)(**kwargs)
        return answer, None
    except UserError as e:
        if command != "explain":
            raise
        words = str(e)
        return {"summary": {"text": words, "quote": None}, "explanation": node(words)}, e


def across(kb: KnowledgeBase, command: str, kwargs: dict[str, Any]) -> Json:
    """The answer of ``command`` (a :class:`~foedus.query.KnowledgeBase` method, called with
    ``kwargs``) under every perspective of the corpus, side by side."""
    if command not in ACROSS:
        raise one_perspective(command)
    ids = perspective_ids(kb.corpus) or [default_perspective(kb.corpus)]  # none: the one view
    default = default_perspective(kb.corpus)
    names = {p.id: p.name for p in kb.corpus.perspectives}
    views = {p: kb.with_perspective(p) for p in ids}
    # the rows every perspective's answer reads, read once for all of them
    with shared_reads(ids):
        got = {p: _answer(v, command, kwargs) for p, v in views.items()}
        refusal = got[default][1]
        if refusal is not None and all(e is not None for _, e in got.values()):
            raise refusal  # no perspective has it: its error, as under one
        answers: dict[str, Json] = {p: a for p, (a, _) in got.items()}
        own: dict[str, list[Row]] = {p: [] for p in ids}
        if command == "status":  # the actor's own rows in each perspective
            aid = answers[default]["actor"]["id"]
            own = {p: rows_about(kb, aid, p, own=True) for p in ids}
    keys = {p: _key(command, a) for p, a in answers.items()}
    agree = all(k == keys[default] for k in keys.values())
    used = {p: _used_rules(views[p], command, answers[p], p, own[p]) for p in ids}
    rules: dict[str, list[str]] = {}
    for p in ids:
        others = [used[q] for q in ids if keys[q] != keys[p]]
        common = set.intersection(*others) if others else used[p]
        rules[p] = sorted(used[p] - common)
    because = _because(kb, answers, own) if command == "status" and not agree else {}
    for p, why in because.items():
        rules[p] += [label for label in why["rules"] if label not in rules[p]]
    texts: dict[str, str | None] = {}
    for p in ids:
        written = rule_texts(views[p], p)
        texts.update({label: written.get(label) for label in rules[p]})
    return {
        "perspective": ALL,
        "command": command,
        "agree": agree,
        "perspectives": [
            {
                "perspective": p,
                "name": names.get(p, p),
                "default": p == default,
                "differs": keys[p] != keys[default],
                "rules": rules[p],
                "because": because[p]["text"] if p in because else None,
                "answer": answers[p],
            }
            for p in ids
        ],
        "rule_text": texts,
    }
