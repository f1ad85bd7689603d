"""Which keys of which fluents a change can reach: the rules' dependencies, ignoring time.

An incremental update (:mod:`foedus.build.incremental`) recomputes only the keys of a fluent
(its argument tuples) that new happenings, or changed keys of the fluents it reads, can reach.
:func:`derivations` lists every such way, one per rule and changed atom: join the changed atom
with the rule's other atoms on their shared variables, ignoring time. It is an
over-approximation, never an omission; a rule whose head key is bound only by a fluent's value
cannot be enumerated so, and raises :class:`NotIncremental`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from foedus.rules.ast import (
    CompareCond,
    Complement,
    EventRule,
    FactCond,
    HoldsCond,
    Intersect,
    Program,
    SetExpr,
    SetRef,
    StaticRule,
    Term,
    Union,
    Var,
)


class NotIncremental(Exception):
    """The database cannot be updated incrementally; ``str(e)`` says why."""


def read_fluents(program: Program) -> list[str]:
    """The fluents some rule reads (a condition or a static reference): their rows are kept."""
    names: set[str] = set()
    for rule in program.rules:
        if isinstance(rule, EventRule):
            names |= {c.ref.atom.name for c in rule.conditions if isinstance(c, HoldsCond)}
        else:
            names |= {a.name for a in _flatten(rule.body, _Fresh()).atoms()}
    return [f for f in program.fluents if f in names]


def arity(program: Program, fluent: str) -> int:
    return len(program.fluents[fluent].arg_types)


@dataclass(frozen=True)
class BodyAtom:
    """An event pattern, a fluent reference (with its value) or a fact, in a rule body."""

    kind: str  # "event", "fluent" or "fact"
    name: str
    args: tuple[Term, ...]
    value: Term | None = None

    def hard_vars(self) -> set[str]:
        """Variables at argument positions (a fluent's value is not one)."""
        return {t.name for t in self.args if isinstance(t, Var) and not t.anonymous}

    def names(self) -> set[str]:
        terms = (*self.args, self.value) if self.value is not None else self.args
        return {t.name for t in terms if isinstance(t, Var) and not t.anonymous}

    def renamed(self, sub: dict[str, str]) -> BodyAtom:
        def r(t: Term | None) -> Any:
            return Var(sub[t.name]) if isinstance(t, Var) and t.name in sub else t

        return BodyAtom(self.kind, self.name, tuple(r(t) for t in self.args), r(self.value))


class _Fresh:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"#{self.n}"  # no rule variable can be spelled so


@dataclass
class _Flat:
    """A static body as alternatives of positive references that hold together, references
    inside subtrahends, and the variables its groundings bind (those the compiler's relation
    has). Variables local to a union item or a subtrahend are renamed apart."""

    alts: list[list[BodyAtom]]
    negs: list[BodyAtom]
    vars: set[str]

    def atoms(self) -> list[BodyAtom]:
        return [a for alt in self.alts for a in alt] + self.negs

    def renamed(self, keep: set[str], fresh: _Fresh) -> _Flat:
        sub = {v: fresh() for a in self.atoms() for v in a.names() if v not in keep}
        return _Flat(
            [[a.renamed(sub) for a in alt] for alt in self.alts],
            [a.renamed(sub) for a in self.negs],
            {sub.get(v, v) for v in self.vars},
        )


def _flatten(e: SetExpr, fresh: _Fresh) -> _Flat:
    if isinstance(e, SetRef):
        a = BodyAtom("fluent", e.ref.atom.name, e.ref.atom.args, e.ref.value)
        return _Flat([[a]], [], a.names())
    if isinstance(e, Intersect):
        parts = [_flatten(i, fresh) for i in e.items]
        alts = [
            [a for alt in combo for a in alt]
            for combo in itertools.product(*(p.alts for p in parts))
        ]
        return _Flat(
            alts, [a for p in parts for a in p.negs], set().union(*(p.vars for p in parts))
        )
    if isinstance(e, Union):
        parts = [_flatten(i, fresh) for i in e.items]
        common = set.intersection(*(p.vars for p in parts))
        parts = [p.renamed(common, fresh) for p in parts]
        return _Flat(
            [alt for p in parts for alt in p.alts], [a for p in parts for a in p.negs], common
        )
    assert isinstance(e, Complement)
    base = _flatten(e.base, fresh)
    negs = list(base.negs)
    for m in e.minus:
        negs += _flatten(m, fresh).renamed(base.vars, fresh).atoms()
    return _Flat(base.alts, negs, base.vars)


@dataclass(frozen=True)
class Derivation:
    """How a change of ``source`` (new happenings, or dirty keys of a fluent) reaches the keys
    of ``head``: join it, on the variables in ``linked``, with ``others`` (ignoring time)."""

    rule: str
    head: str
    head_args: tuple[Term, ...]
    source: BodyAtom
    linked: frozenset[str]
    others: tuple[BodyAtom, ...]
    compares: tuple[CompareCond, ...]


def _head_keys(head_args: tuple[Term, ...]) -> set[str]:
    return {t.name for t in head_args if isinstance(t, Var) and not t.anonymous}


def _join_plan(
    rule: str,
    head: str,
    head_args: tuple[Term, ...],
    source: BodyAtom,
    linked: set[str],
    candidates: list[BodyAtom],
    compares: tuple[CompareCond, ...],
) -> Derivation:
    """Choose the atoms to join: the event and facts that share a variable with what is bound
    (filters), and the fluents that bind a head argument not yet bound."""
    bound = set(linked)
    needed = _head_keys(head_args) - bound
    chosen: list[BodyAtom] = []
    rest = list(candidates)
    while True:
        pick = next(
            (
                a
                for a in rest
                if a.hard_vars() & bound and (a.kind != "fluent" or a.hard_vars() & needed)
            ),
            None,
        )
        if pick is None:
            pick = next((a for a in rest if a.hard_vars() & needed), None)
        if pick is None:
            break
        chosen.append(pick)
        rest.remove(pick)
        bound |= pick.hard_vars()
        needed -= bound
    if needed:
        raise NotIncremental(
            f"rule {rule!r}: head argument(s) {', '.join(sorted(needed))} are bound only by a "
            "fluent's value; the update cannot enumerate the keys a change reaches"
        )
    return Derivation(rule, head, head_args, source, frozenset(linked), tuple(chosen), compares)


def derivations(program: Program) -> list[Derivation]:
    """Every way a change reaches a fluent's keys, for every rule of ``program``."""
    out: list[Derivation] = []
    for rule in program.rules:
        head, args = rule.head.atom.name, rule.head.atom.args
        if isinstance(rule, EventRule) and any(i < len(args) for i in rule.wildcards()):
            raise NotIncremental(
                f"rule {rule.label!r}: a wildcard termination reaches every key of {head}; "
                "the update does not enumerate them"
            )
        if isinstance(rule, EventRule):
            ev = BodyAtom("event", rule.event.name, rule.event.args)
            pos = [ev]
            negs: list[BodyAtom] = []
            for c in rule.conditions:
                if isinstance(c, HoldsCond):
                    a = BodyAtom("fluent", c.ref.atom.name, c.ref.atom.args, c.ref.value)
                    (negs if c.negated else pos).append(a)
                elif isinstance(c, FactCond) and not c.negated:
                    pos.append(BodyAtom("fact", c.atom.name, c.atom.args))
            compares = tuple(c for c in rule.conditions if isinstance(c, CompareCond))
            for k, s in enumerate(pos):
                if s.kind != "fact":
                    out.append(
                        _join_plan(
                            rule.label,
                            head,
                            args,
                            s,
                            s.hard_vars(),
                            pos[:k] + pos[k + 1 :],
                            compares,
                        )
                    )
            for s in negs:
                out.append(_join_plan(rule.label, head, args, s, s.hard_vars(), pos, compares))
            continue
        flat = _flatten(rule.body, _Fresh())
        facts = [
            BodyAtom("fact", c.atom.name, c.atom.args)
            for c in rule.where
            if isinstance(c, FactCond) and not c.negated
        ]
        compares = tuple(c for c in rule.where if isinstance(c, CompareCond))
        for alt in flat.alts:
            for k, s in enumerate(alt):
                out.append(
                    _join_plan(
                        rule.label,
                        head,
                        args,
                        s,
                        s.hard_vars(),
                        alt[:k] + alt[k + 1 :] + facts,
                        compares,
                    )
                )
            for s in flat.negs:
                out.append(
                    _join_plan(
                        rule.label, head, args, s, s.hard_vars() & flat.vars, alt + facts, compares
                    )
                )
    return out


def static_links(program: Program, fluent: str) -> dict[str, list[list[tuple[int, int]]]]:
    """For a static fluent: per input fluent, per reference to it, the pairs (input argument,
    head argument) that carry the same variable."""
    out: dict[str, list[list[tuple[int, int]]]] = {}
    for rule in program.rules_for(fluent):
        assert isinstance(rule, StaticRule)
        head = rule.head.atom.args
        for a in _flatten(rule.body, _Fresh()).atoms():
            links = [
                (i, j)
                for i, t in enumerate(a.args)
                if isinstance(t, Var) and not t.anonymous
                for j, h in enumerate(head)
                if h == t
            ]
            out.setdefault(a.name, []).append(links)
    return out


def rule_reads(rule: EventRule | StaticRule) -> set[str]:
    """The fluents a rule reads (its conditions, or the references of its static body)."""
    if isinstance(rule, EventRule):
        return {c.ref.atom.name for c in rule.conditions if isinstance(c, HoldsCond)}
    return {a.name for a in _flatten(rule.body, _Fresh()).atoms() if a.kind == "fluent"}


def rule_facts(rule: EventRule | StaticRule) -> set[str]:
    """The fact relations a rule reads (its conditions, or its static body and ``where``)."""
    conds = rule.conditions if isinstance(rule, EventRule) else rule.where
    names = {c.atom.name for c in conds if isinstance(c, FactCond)}
    if isinstance(rule, StaticRule):
        names |= {a.name for a in _flatten(rule.body, _Fresh()).atoms() if a.kind == "fact"}
    return names


def cone(program: Program, fluent: str) -> list[str]:
    """``fluent`` and every fluent its rules read, transitively (sorted)."""
    seen: set[str] = set()
    todo = [fluent]
    while todo:
        f = todo.pop()
        if f in seen or f not in program.fluents:
            continue
        seen.add(f)
        for rule in program.rules_for(f):
            todo += sorted(rule_reads(rule) - seen)
    return sorted(seen)


def shared_fluents(programs: dict[str, Program]) -> dict[str, dict[str, str]]:
    """For each perspective (in order), the fluents that an earlier perspective computes the
    same way, each with the first such perspective: a fluent whose whole dependency cone —
    itself and every fluent its rules read, transitively — has the same declarations and the
    same rules (the same labels, written at the same places), under the same fact relations
    and ground facts, has the same intervals on the same happenings and facts."""
    first: dict[tuple[str, str], str] = {}
    out: dict[str, dict[str, str]] = {}
    for pid, program in programs.items():
        out[pid] = {}
        for f in program.fluents:
            fluents = cone(program, f)
            rules = [r for g in fluents for r in program.rules_for(g)]
            rels = sorted({rel for r in rules for rel in rule_facts(r)})
            sig = repr(
                (
                    [(g, program.fluents[g], program.rules_for(g)) for g in fluents],
                    [(rel, program.facts.get(rel)) for rel in rels],
                    sorted(repr(g) for g in program.ground_facts if g.atom.name in rels),
                )
            )
            source = first.setdefault((f, sig), pid)
            if source != pid:
                out[pid][f] = source
    return out
