"""Checks of a parsed program, and its stratification (the order in which fluents are computed).

Every check collects :class:`~foedus.errors.Problem` records; :func:`check_program` returns all
of them and the parser raises one :class:`~foedus.errors.RuleError` with the list.

Stratification. Fluent ``h`` depends on fluent ``b`` when a rule for ``h`` mentions ``b``:

- a static rule's head depends on its body's fluents at the **same time** point;
- an event rule's head depends on its conditions' fluents **through time**: a condition is read
  at the event's time point ``T`` and the rule's effect starts at ``T + 1``.

A cycle of same-time edges only is an error (the fluents would be defined in terms of
themselves); a cycle with a through-time edge is fine and is evaluated by sweeping time.
:func:`strata` returns the strongly connected components in an order where every fluent comes
after the fluents it depends on.

>>> from foedus.rules import parse_rules
>>> p = parse_rules('''
... fluent a(X). fluent b(X). fluent c(X).
... initiated a(X) when e(X), not b(X).
... initiated b(X) when f(X), a(X).
... c(X) holds for a(X) or b(X).
... ''')
>>> strata(p)
[['a', 'b'], ['c']]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from foedus.errors import Problem, RuleError, did_you_mean, suggest
from foedus.rules.ast import (
    Atom,
    CompareCond,
    Complement,
    Const,
    EventRule,
    FactCond,
    FluentRef,
    HoldsCond,
    Intersect,
    Pos,
    Program,
    Rule,
    SetExpr,
    SetRef,
    StaticRule,
    Term,
    Union,
    Var,
)

__all__ = ["Edge", "check_program", "dependencies", "set_refs", "strata"]


def _problem(pos: Pos, message: str) -> Problem:
    return Problem(pos.file, pos.line, pos.col, message)


def _did_you_mean(name: str, known: list[str]) -> str:
    return did_you_mean(suggest(name, known, n=1))


def _vars(terms: tuple[Term, ...] | list[Term]) -> set[str]:
    return {t.name for t in terms if isinstance(t, Var) and not t.anonymous}


def _ref_terms(ref: FluentRef) -> list[Term]:
    return [*ref.atom.args, ref.value]


def set_refs(expr: SetExpr, negative: bool = False) -> Iterator[tuple[FluentRef, bool]]:
    """Every fluent reference of a static body, with whether it is (inside) a subtrahend."""
    if isinstance(expr, SetRef):
        yield expr.ref, negative
    elif isinstance(expr, Union | Intersect):
        for item in expr.items:
            yield from set_refs(item, negative)
    else:
        yield from set_refs(expr.base, negative)
        for item in expr.minus:
            yield from set_refs(item, True)


def bound_vars(expr: SetExpr) -> set[str]:
    """The variables that every grounding of ``expr`` binds."""
    if isinstance(expr, SetRef):
        return _vars(_ref_terms(expr.ref))
    if isinstance(expr, Union):
        return set.intersection(*(bound_vars(i) for i in expr.items))
    if isinstance(expr, Intersect):
        return set.union(*(bound_vars(i) for i in expr.items))
    assert isinstance(expr, Complement)
    return bound_vars(expr.base)


# --- reference checks -------------------------------------------------------------------------


def check_program(program: Program) -> list[Problem]:
    """Every problem of ``program`` (names, arities, values, variables, cycles)."""
    c = _Checker(program)
    for fact in program.ground_facts:
        c.ground_fact(fact.atom)
    seen: dict[str, Rule] = {}
    for rule in program.rules:
        if rule.label in seen:
            first = seen[rule.label].pos
            c.add(rule.pos, f"duplicate rule label '{rule.label}' (first at {first})")
        seen.setdefault(rule.label, rule)
        if isinstance(rule, EventRule):
            c.event_rule(rule)
        else:
            c.static_rule(rule)
    c.problems.extend(_cycle_problems(program))
    return c.problems


class _Checker:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.problems: list[Problem] = []

    def add(self, pos: Pos, message: str) -> None:
        self.problems.append(_problem(pos, message))

    def arity(self, atom: Atom, kind: str, types: tuple[str, ...]) -> None:
        if len(atom.args) != len(types):
            want = f"{atom.name}({', '.join(types)})" if types else atom.name
            self.add(
                atom.pos,
                f"{kind} '{atom.name}' takes {len(types)} argument"
                f"{'' if len(types) == 1 else 's'} ({want}), found {len(atom.args)}",
            )

    def ground_fact(self, atom: Atom) -> None:
        decl = self.program.facts.get(atom.name)
        if decl is None:
            if atom.name in self.program.fluents:
                self.add(
                    atom.pos,
                    f"'{atom.name}' is a fluent; a ground fact needs a fact "
                    "relation (declare it with 'fact')",
                )
            else:
                self.add(
                    atom.pos,
                    f"undefined fact relation '{atom.name}'"
                    + _did_you_mean(atom.name, list(self.program.facts)),
                )
            return
        self.arity(atom, "fact relation", decl.arg_types)
        for t in atom.args:
            if isinstance(t, Var):
                self.add(atom.pos, f"a ground fact has constants only, found variable '{t}'")

    def fluent_ref(self, ref: FluentRef, head: bool = False) -> bool:
        """Checks a reference to a fluent; False if the name is unknown."""
        atom = ref.atom
        decl = self.program.fluents.get(atom.name)
        if decl is None:
            if head and atom.name in self.program.facts:
                self.add(atom.pos, f"'{atom.name}' is a fact relation; a rule concludes a fluent")
            else:
                known = list(self.program.fluents) + ([] if head else list(self.program.facts))
                self.add(
                    atom.pos, f"undefined fluent '{atom.name}'" + _did_you_mean(atom.name, known)
                )
            return False
        self.arity(atom, "fluent", decl.arg_types)
        value = ref.value
        if not decl.multivalued and value != Const("true"):
            self.add(
                atom.pos,
                f"Boolean fluent '{atom.name}' has no value other than true, found '= {value}'",
            )
        # a multi-valued reference written without a value reads "true": the parser reports it
        elif (
            decl.domain
            and isinstance(value, Const)
            and value != Const("true")
            and value.value not in (decl.values or ())
        ):
            domain = ", ".join(decl.values or ())
            self.add(
                atom.pos, f"value '{value}' is not in the domain of '{atom.name}' {{{domain}}}"
            )
        return True

    def conditions(self, conds: tuple, bound: set[str], rule: Rule) -> None:
        """Names, arities, and that negated conditions and comparisons use bound variables."""
        for cond in conds:
            if isinstance(cond, HoldsCond):
                self.fluent_ref(cond.ref)
            elif isinstance(cond, FactCond):
                decl = self.program.facts.get(cond.atom.name)
                if decl is None:
                    known = list(self.program.fluents) + list(self.program.facts)
                    self.add(
                        cond.atom.pos,
                        f"undefined fluent '{cond.atom.name}'"
                        + _did_you_mean(cond.atom.name, known),
                    )
                else:
                    self.arity(cond.atom, "fact relation", decl.arg_types)
        for cond in conds:
            if isinstance(cond, CompareCond):
                where, names = cond.pos, _vars([cond.left, cond.right])
                what = "comparison"
            elif cond.negated:
                atom = cond.ref.atom if isinstance(cond, HoldsCond) else cond.atom
                terms = _ref_terms(cond.ref) if isinstance(cond, HoldsCond) else atom.args
                where, names, what = atom.pos, _vars(terms), "negated condition"
            else:
                continue
            for name in sorted(names - bound):
                self.add(
                    where,
                    f"variable '{name}' in a {what} of rule '{rule.label}' is not "
                    "bound by the event or a positive condition",
                )

    def head_vars(self, rule: Rule, bound: set[str], by: str) -> None:
        head = rule.head
        terminated = isinstance(rule, EventRule) and rule.kind == "terminated"
        if terminated:  # a free '_' or '_Name' means every value (EventRule.wildcards)
            free = [
                t.name
                for t in _ref_terms(head)
                if isinstance(t, Var) and t.name.startswith("_") and t.name not in bound
            ]
            for name in sorted({n for n in free if n != "_" and free.count(n) > 1}):
                self.add(
                    head.atom.pos,
                    f"wildcard '{name}' appears twice in the head of rule '{rule.label}'; "
                    "a variable that the body does not bind means every value, once",
                )
            hint = " (write '_' or '_{0}' to terminate every value)"
        else:
            hint = ""
            for t in head.atom.args:
                if isinstance(t, Var) and t.anonymous:
                    self.add(
                        head.atom.pos,
                        f"the head of rule '{rule.label}' cannot have '_' as an argument"
                        + (
                            " (only a termination can: it then means every value)"
                            if isinstance(rule, EventRule)
                            else ""
                        ),
                    )
            value = head.value
            if isinstance(value, Var) and value.anonymous:
                self.add(
                    head.atom.pos, f"only 'terminated' can have the value '_' (rule '{rule.label}')"
                )
        for name in sorted(_vars(_ref_terms(head)) - bound):
            if terminated and name.startswith("_"):
                continue
            self.add(
                head.atom.pos,
                f"head variable '{name}' of rule '{rule.label}' is not bound by {by}"
                + hint.format(name),
            )

    def event_rule(self, rule: EventRule) -> None:
        self.fluent_ref(rule.head, head=True)
        ev = rule.event
        if ev.name in self.program.fluents or ev.name in self.program.facts:
            kind = "fluent" if ev.name in self.program.fluents else "fact relation"
            self.add(ev.pos, f"expected an event after 'when', found {kind} '{ev.name}'")
        bound = _vars(ev.args)
        for cond in rule.conditions:
            if isinstance(cond, HoldsCond) and not cond.negated:
                bound |= _vars(_ref_terms(cond.ref))
            elif isinstance(cond, FactCond) and not cond.negated:
                bound |= _vars(cond.atom.args)
        self.conditions(rule.conditions, bound, rule)
        self.head_vars(rule, bound, "the event or a positive condition")

    def static_rule(self, rule: StaticRule) -> None:
        name = rule.head.atom.name
        if self.fluent_ref(rule.head, head=True):
            events = [r for r in self.program.rules_for(name) if isinstance(r, EventRule)]
            if events:
                self.add(
                    rule.pos,
                    f"fluent '{name}' has a static rule and event rules (first "
                    f"at {events[0].pos}); a fluent is either simple or static",
                )
        for ref, _negative in set_refs(rule.body):
            self.fluent_ref(ref)
        bound = bound_vars(rule.body)
        for cond in rule.where:
            if isinstance(cond, FactCond) and not cond.negated:
                bound |= _vars(cond.atom.args)
        self.conditions(rule.where, bound, rule)
        branches = " (in every branch of 'or')" if _has_union(rule.body) else ""
        self.head_vars(rule, bound, f"the body{branches}")


def _has_union(expr: SetExpr) -> bool:
    if isinstance(expr, SetRef):
        return False
    if isinstance(expr, Union):
        return True
    if isinstance(expr, Intersect):
        return any(_has_union(i) for i in expr.items)
    return _has_union(expr.base)


# --- stratification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """``head`` depends on ``body`` through ``rule``."""

    head: str
    body: str
    same_time: bool
    negative: bool
    rule: Rule


def dependencies(program: Program) -> list[Edge]:
    """The fluent dependency edges of ``program`` (to declared fluents only)."""
    edges = []
    for rule in program.rules:
        head = rule.head.atom.name
        if isinstance(rule, StaticRule):
            for ref, negative in set_refs(rule.body):
                if ref.atom.name in program.fluents:
                    edges.append(Edge(head, ref.atom.name, True, negative, rule))
        else:
            for cond in rule.conditions:
                if isinstance(cond, HoldsCond) and cond.ref.atom.name in program.fluents:
                    edges.append(Edge(head, cond.ref.atom.name, False, cond.negated, rule))
    return edges


def _sccs(nodes: list[str], edges: list[Edge]) -> list[list[str]]:
    """Tarjan's strongly connected components, dependencies first, deterministic."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for e in edges:
        succ.setdefault(e.head, []).append(e.body)
        succ.setdefault(e.body, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(set(succ[v])):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for n in sorted(succ):
        if n not in index:
            visit(n)
    return out


def _cycle_problems(program: Program) -> list[Problem]:
    same = [e for e in dependencies(program) if e.same_time]
    problems = []
    for comp in _sccs(sorted(program.fluents), same):
        inside = [e for e in same if e.head in comp and e.body in comp]
        if not inside:
            continue
        order = {id(r): i for i, r in enumerate(program.rules)}
        rules = sorted({id(e.rule): e.rule for e in inside}.values(), key=lambda r: order[id(r)])
        kind = (
            "cycle through negation"
            if any(e.negative for e in inside)
            else "cyclic static definition"
        )
        labels = ", ".join(f"'{r.label}'" for r in rules)
        problems.append(
            _problem(
                rules[0].pos,
                f"{kind} in rules {labels} (fluents "
                f"{', '.join(comp)}); static rules cannot depend on "
                "themselves at the same time point",
            )
        )
    return problems


def strata(program: Program) -> list[list[str]]:
    """Every declared fluent, grouped into strata in evaluation order.

    A stratum is a strongly connected component of the dependency graph (sorted names); each
    comes after every stratum it depends on. Raises :class:`RuleError` on a same-time cycle.
    """
    problems = _cycle_problems(program)
    if problems:
        raise RuleError(problems)
    return _sccs(sorted(program.fluents), dependencies(program))
