"""The reference interpreter: the Event Calculus semantics in plain Python, written for clarity.

It is the oracle that the compiled SQL engine is tested against, and it reproduces RTEC's
output on the conformance fixtures (tests/rtec). The semantics, in short:

- An event at time point ``T`` that initiates ``F=V`` gives a *start point* ``T+1``; one that
  terminates it gives an *end point* ``T+1``. ``terminated F = _`` terminates every value, and
  ``terminated F(X, _)`` (``_`` or a ``_Name`` that the body does not bind) every key that
  matches: every pair holding at ``T`` or initiated at ``T`` (so the termination wins there).
- A multi-valued fluent has at most one value: initiating ``F=V2`` at ``T`` also gives an end
  point ``T+1`` to every other value ``V1`` ("broken"), even when ``V2`` itself does not start.
  With a closed value domain (``= {a, b}``) only those values are computed and only they break
  one another; an initiation of any other value is ignored. With an open domain every
  initiated value counts.
- Sweeping the points in time order: an end point closes the pair's open interval (and does
  nothing if it is not holding); otherwise a start point opens one if none is open. So
  termination wins ties, repeated starts are absorbed and intervals are ``[start, end)``.
- A condition is read at the event's time point ``T``: ``F=V`` holds at ``T`` iff ``T`` lies in
  one of its intervals. Positive conditions are solved first, in the order written (they may
  bind variables); negated conditions and comparisons are then tests on the bindings.
- A static rule's body is evaluated on whole interval lists (``and`` intersects, ``or`` unites
  with touching intervals merged, ``except`` is the relative complement). Body variables not in
  the head are projected out: the head's list is the union over them. In a subtrahend of
  ``except`` a variable not bound by the base is existential. Several static rules for one
  fluent unite. Results are maximal; no interval is empty; an open end is None.
- Fluents are computed stratum by stratum (:func:`foedus.rules.check.strata`). Within a stratum
  the event time points are swept in increasing order, all its fluents together: at ``T`` the
  rules read the intervals known so far, which is sound because what starts or ends at
  ``T + 1`` cannot change what holds at ``T``. A stratum's static fluents are recomputed before
  each time point when the stratum also has event rules (a cycle through time).
- Fuzzy dates: the program runs once with every happening at its ``early`` point and once at
  its ``late`` point; :func:`foedus.engine.certainty.combine_scenarios` merges the two into
  *certain* and *possible* rows. When every happening is exact one run is enough.

Provenance choices:

- a simple fluent's interval: ``rule`` is the alphabetically first label among the rules that
  initiated the pair at the interval's start; ``initiated_by`` is the smallest
  :attr:`Happening.id` among the happenings that did so (None if they have no id);
  ``terminated_by`` is the smallest id among the happenings that ended it: those that
  terminated it and, for a multi-valued fluent, those that initiated another value at that
  point (None while open);
- a static fluent's interval: ``rule`` is the alphabetically first label among the static rules
  whose own result contains the interval's start; no event ids;
- a combined certain/possible row takes the provenance of the early-scenario interval that
  contains its start, else of the late one's.

>>> from foedus.rules import parse_rules
>>> from foedus.engine.narrative import Happening
>>> program = parse_rules('''
... fluent party_to(State, Treaty).
... initiated party_to(S, Tr) when sign(S, Tr).
... terminated party_to(S, Tr) when denounce(S, Tr).
... ''')
>>> [(i.args, i.start, i.end) for i in evaluate(program, [
...     Happening("sign", ("ee", "tartu"), 3, 3), Happening("denounce", ("ee", "tartu"), 9, 9)])]
[(('ee', 'tartu'), 4, 10)]
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from foedus.engine.certainty import Span, combine_scenarios, complement, intersect, union
from foedus.engine.narrative import Facts, Happening, Interval
from foedus.rules.ast import (
    Atom,
    CompareCond,
    Complement,
    Condition,
    Const,
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
from foedus.rules.check import set_refs, strata

__all__ = ["evaluate"]

Binding = dict[str, str]
Pair = tuple[tuple[str, ...], str]  # (args, value) of one fluent
#: A wildcard termination fired at one time point: fluent, args (None: every value), value
#: (None: every value) and the happening's id.
_Pattern = tuple[str, tuple[str | None, ...], str | None, str | None]


def evaluate(
    program: Program, happenings: list[Happening], facts: Facts | None = None
) -> list[Interval]:
    """Every maximal interval of every fluent-value pair, with certainty and provenance."""
    all_facts: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for name, rows in (facts or {}).items():
        all_facts[name] |= set(rows)
    for gf in program.ground_facts:
        all_facts[gf.atom.name].add(tuple(str(a) for a in gf.atom.args))
    early = _Scenario(program, [(h, h.early) for h in happenings], all_facts).run()
    if all(h.early == h.late for h in happenings):
        return early
    late = _Scenario(program, [(h, h.late) for h in happenings], all_facts).run()
    return combine_scenarios(early, late)


@dataclass
class _Iv:
    """One interval while it is being computed (``end`` None: open)."""

    start: int
    end: int | None
    rule: str | None
    initiated_by: str | None = None
    terminated_by: str | None = None


@dataclass
class _Effects:
    """What the rules fired at one time point do to one fluent key (fluent, args)."""

    inits: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # (label, id)
    terms: dict[str, list[str | None]] = field(default_factory=dict)
    term_all: list[str | None] = field(default_factory=list)  # from `terminated F = _`


def _min_id(ids: list[str | None]) -> str | None:
    real = [i for i in ids if i is not None]
    return min(real) if real else None


def _spans(ivs: list[_Iv]) -> list[Span]:
    return [(iv.start, iv.end) for iv in ivs]


def _holds(ivs: list[_Iv] | None, t: int) -> bool:
    if not ivs:
        return False
    i = bisect_right(ivs, t, key=lambda iv: iv.start) - 1
    if i < 0:
        return False
    end = ivs[i].end
    return end is None or t < end


def _value(term: Term, b: Binding) -> str | None:
    if isinstance(term, Const):
        return term.value
    return None if term.anonymous else b.get(term.name)


def _unify(terms: tuple[Term, ...], values: tuple[str, ...], b: Binding) -> Binding | None:
    """``b`` extended so that ``terms`` match ``values``; None if they cannot."""
    if len(terms) != len(values):
        return None
    out = b
    for t, v in zip(terms, values, strict=True):
        if isinstance(t, Const):
            if t.value != v:
                return None
        elif not t.anonymous:
            have = out.get(t.name)
            if have is None:
                out = {**out, t.name: v}
            elif have != v:
                return None
    return out


class _Scenario:
    """One evaluation of the program with every happening at one fixed time point."""

    def __init__(
        self,
        program: Program,
        timed: list[tuple[Happening, int]],
        facts: dict[str, set[tuple[str, ...]]],
    ) -> None:
        self.program = program
        self.facts = facts
        self.at: dict[int, dict[str, list[Happening]]] = defaultdict(lambda: defaultdict(list))
        for h, t in dict.fromkeys(timed):  # the same happening twice is the same as once
            self.at[t][h.name].append(h)
        self.store: dict[str, dict[Pair, list[_Iv]]] = {f: {} for f in program.fluents}
        self.open: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)

    def run(self) -> list[Interval]:
        for stratum in strata(self.program):
            rules = [r for r in self.program.rules if r.head.atom.name in stratum]
            event_rules = [r for r in rules if isinstance(r, EventRule)]
            static_rules = [r for r in rules if isinstance(r, StaticRule)]
            if event_rules:
                self.sweep(event_rules, static_rules)
            if static_rules:
                self.compute_static(static_rules)
        return sorted(
            (
                Interval(
                    f,
                    args,
                    value,
                    iv.start,
                    iv.end,
                    "certain",
                    iv.rule,
                    iv.initiated_by,
                    iv.terminated_by,
                )
                for f, pairs in self.store.items()
                for (args, value), ivs in pairs.items()
                for iv in ivs
            ),
            key=Interval.key,
        )

    # --- simple fluents ---------------------------------------------------------------------

    def sweep(self, rules: list[EventRule], static_rules: list[StaticRule]) -> None:
        by_event: dict[str, list[EventRule]] = defaultdict(list)
        for r in rules:
            by_event[r.event.name].append(r)
        times = sorted(t for t, named in self.at.items() if any(n in by_event for n in named))
        for t in times:
            if static_rules:  # a cycle through time: statics as known up to t
                self.compute_static(static_rules)
            effects: dict[tuple[str, tuple[str, ...]], _Effects] = defaultdict(_Effects)
            patterns: list[_Pattern] = []
            for name, hs in sorted(self.at[t].items()):
                for rule in by_event.get(name, []):
                    for h in hs:
                        self.fire(rule, h, t, effects, patterns)
            if patterns:
                self.expand(patterns, effects)
            for key, eff in effects.items():
                self.apply(key, eff, t + 1)

    def fire(
        self,
        rule: EventRule,
        h: Happening,
        t: int,
        effects: dict[tuple[str, tuple[str, ...]], _Effects],
        patterns: list[_Pattern],
    ) -> None:
        start = _unify(rule.event.args, h.args, {})
        if start is None:
            return
        fluent = rule.head.atom.name
        decl = self.program.fluents[fluent]
        wild = rule.wildcards()
        n = len(rule.head.atom.args)
        for b in self.solve(rule.conditions, start, t):
            value = rule.head.value
            v = None if n in wild else _value(value, b)
            if v is not None and decl.domain and v not in (decl.values or ()):
                continue  # outside a closed domain: never computed, breaks nothing
            if any(i < n for i in wild):  # terminated F(.., _, ..): every matching key
                pattern = tuple(
                    None if i in wild else _value(a, b) for i, a in enumerate(rule.head.atom.args)
                )
                patterns.append((fluent, pattern, v, h.id))
                continue
            args = tuple(_value(a, b) or "" for a in rule.head.atom.args)
            eff = effects[fluent, args]
            if v is None:  # terminated F = _
                eff.term_all.append(h.id)
            elif rule.kind == "initiated":
                eff.inits.setdefault(v, []).append((rule.label, h.id))
            else:
                eff.terms.setdefault(v, []).append(h.id)

    def expand(
        self, patterns: list[_Pattern], effects: dict[tuple[str, tuple[str, ...]], _Effects]
    ) -> None:
        """Wildcard terminations end every key that they match and that could hold after
        ``t``: the keys holding now and the keys initiated at ``t`` (termination wins)."""
        keys = {k for k, held in self.open.items() if held} | set(effects)
        for fluent, pattern, v, hid in patterns:
            for key in keys:
                if key[0] != fluent or any(
                    p is not None and p != a for p, a in zip(pattern, key[1], strict=True)
                ):
                    continue
                eff = effects[key]
                if v is None:
                    eff.term_all.append(hid)
                else:
                    eff.terms.setdefault(v, []).append(hid)

    def apply(self, key: tuple[str, tuple[str, ...]], eff: _Effects, point: int) -> None:
        fluent, args = key
        multivalued = self.program.fluents[fluent].multivalued
        pairs = self.store[fluent]

        def enders(v: str) -> list[str | None] | None:
            """The happenings that give ``v`` an end point here; None if there is none."""
            ids = list(eff.terms.get(v, [])) + eff.term_all
            others = [i for v2, fired in eff.inits.items() if v2 != v for _, i in fired]
            ended = v in eff.terms or bool(eff.term_all) or (multivalued and bool(others))
            return ids + (others if multivalued else []) if ended else None

        holding = self.open[key]
        before = set(holding)
        for v in sorted(before):
            ids = enders(v)
            if ids is not None:
                iv = pairs[args, v][-1]
                iv.end, iv.terminated_by = point, _min_id(ids)
                holding.discard(v)
        for v, fired in sorted(eff.inits.items()):
            if v in before or enders(v) is not None:
                continue  # absorbed, or the end point wins
            label = min(lbl for lbl, _ in fired)
            pairs.setdefault((args, v), []).append(
                _Iv(point, None, label, _min_id([i for _, i in fired]))
            )
            holding.add(v)

    # --- conditions -------------------------------------------------------------------------

    def solve(self, conds: tuple[Condition, ...], b: Binding, t: int | None) -> Iterator[Binding]:
        """Every extension of ``b`` that satisfies ``conds`` at time point ``t``."""
        positive = [c for c in conds if not isinstance(c, CompareCond) and not c.negated]
        tests = [c for c in conds if isinstance(c, CompareCond) or c.negated]

        def rec(i: int, b: Binding) -> Iterator[Binding]:
            if i == len(positive):
                if all(self.test(c, b, t) for c in tests):
                    yield b
                return
            for b2 in self.matches(positive[i], b, t):
                yield from rec(i + 1, b2)

        yield from rec(0, b)

    def matches(self, cond: HoldsCond | FactCond, b: Binding, t: int | None) -> Iterator[Binding]:
        if isinstance(cond, FactCond):
            for row in sorted(self.facts.get(cond.atom.name, ())):
                b2 = _unify(cond.atom.args, row, b)
                if b2 is not None:
                    yield b2
            return
        assert t is not None
        atom, pairs = cond.ref.atom, self.store[cond.ref.atom.name]
        ground = [_value(a, b) for a in atom.args]
        value = _value(cond.ref.value, b)
        if value is not None and None not in ground:  # one lookup
            if _holds(pairs.get((tuple(ground), value)), t):  # type: ignore[arg-type]
                yield b
            return
        terms = (*atom.args, cond.ref.value)
        for (args, v), ivs in sorted(pairs.items(), key=lambda kv: kv[0]):
            b2 = _unify(terms, (*args, v), b)
            if b2 is not None and _holds(ivs, t):
                yield b2

    def test(self, cond: Condition, b: Binding, t: int | None) -> bool:
        if isinstance(cond, CompareCond):
            left, right = _value(cond.left, b), _value(cond.right, b)
            return (left == right) == (cond.op == "=")
        positive = HoldsCond(cond.ref) if isinstance(cond, HoldsCond) else FactCond(cond.atom)
        return next(self.matches(positive, b, t), None) is None

    # --- static fluents ---------------------------------------------------------------------

    def compute_static(self, rules: list[StaticRule]) -> None:
        """Compute the static fluents of ``rules``, each after the static fluents it reads
        (within a stratum they form no cycle: stratification makes sure of it)."""
        heads = sorted({r.head.atom.name for r in rules})
        reads = {
            h: {
                ref.atom.name for r in rules if r.head.atom.name == h for ref, _ in set_refs(r.body)
            }
            for h in heads
        }
        done: set[str] = set()
        while len(done) < len(heads):
            ready = [h for h in heads if h not in done and not (reads[h] & (set(heads) - done))]
            for h in ready or [h for h in heads if h not in done][:1]:
                self._compute_static_fluent([r for r in rules if r.head.atom.name == h])
                done.add(h)

    def _compute_static_fluent(self, rules: list[StaticRule]) -> None:
        results: dict[str, dict[Pair, list[tuple[str, list[Span]]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for rule in rules:
            head = rule.head
            decl = self.program.fluents[head.atom.name]
            names, rows = self.relation(rule.body)
            per_pair: dict[Pair, list[Span]] = defaultdict(list)
            for key, spans in rows.items():
                for b in self.solve(rule.where, dict(zip(names, key, strict=True)), None):
                    args = tuple(_value(a, b) or "" for a in head.atom.args)
                    v = _value(head.value, b) or ""
                    if decl.domain and v not in (decl.values or ()):
                        continue
                    per_pair[args, v].extend(spans)
            for pair, spans in per_pair.items():
                results[head.atom.name][pair].append((rule.label, union(spans)))
        for fluent in {r.head.atom.name for r in rules}:
            out: dict[Pair, list[_Iv]] = {}
            for pair, by_rule in results[fluent].items():
                merged = union(*(spans for _, spans in by_rule))
                out[pair] = [
                    _Iv(
                        s,
                        e,
                        min(
                            lbl
                            for lbl, sp in by_rule
                            if any(a <= s and (b is None or s < b) for a, b in sp)
                        ),
                    )
                    for s, e in merged
                ]
            self.store[fluent] = {p: ivs for p, ivs in out.items() if ivs}

    def relation(self, expr: SetExpr) -> tuple[tuple[str, ...], dict[tuple[str, ...], list[Span]]]:
        """``expr`` as a relation: variable names, and per grounding its (non-empty) spans."""
        if isinstance(expr, SetRef):
            return self.ref_relation(expr)
        if isinstance(expr, Intersect):
            names, rows = self.relation(expr.items[0])
            for item in expr.items[1:]:
                names, rows = _join(names, rows, *self.relation(item))
            return names, rows
        if isinstance(expr, Union):
            parts = [self.relation(i) for i in expr.items]
            common = tuple(sorted(set.intersection(*(set(n) for n, _ in parts))))
            acc: dict[tuple[str, ...], list[Span]] = defaultdict(list)
            for names, rows in parts:
                for key, spans in _project(names, rows, common).items():
                    acc[key].extend(spans)
            return common, {k: union(s) for k, s in acc.items()}
        assert isinstance(expr, Complement)
        names, rows = self.relation(expr.base)
        cuts = []
        for item in expr.minus:
            m_names, m_rows = self.relation(item)
            shared = tuple(n for n in names if n in m_names)
            cuts.append((shared, _project(m_names, m_rows, shared)))
        out = {}
        for key, spans in rows.items():
            b = dict(zip(names, key, strict=True))
            minus = [proj.get(tuple(b[n] for n in shared), []) for shared, proj in cuts]
            left = complement(spans, *minus)
            if left:
                out[key] = left
        return names, out

    def ref_relation(
        self, expr: SetRef
    ) -> tuple[tuple[str, ...], dict[tuple[str, ...], list[Span]]]:
        atom: Atom = expr.ref.atom
        terms = (*atom.args, expr.ref.value)
        names = tuple(sorted({t.name for t in terms if isinstance(t, Var) and not t.anonymous}))
        acc: dict[tuple[str, ...], list[Span]] = defaultdict(list)
        for (args, v), ivs in self.store[atom.name].items():
            b = _unify(terms, (*args, v), {})
            if b is not None and ivs:
                acc[tuple(b[n] for n in names)].extend(_spans(ivs))
        return names, {k: union(s) for k, s in acc.items()}


def _project(
    names: tuple[str, ...], rows: dict[tuple[str, ...], list[Span]], onto: tuple[str, ...]
) -> dict[tuple[str, ...], list[Span]]:
    """The union of the spans over the variables not in ``onto``."""
    idx = [names.index(n) for n in onto]
    acc: dict[tuple[str, ...], list[Span]] = defaultdict(list)
    for key, spans in rows.items():
        acc[tuple(key[i] for i in idx)].extend(spans)
    return {k: union(s) for k, s in acc.items()}


def _join(
    n1: tuple[str, ...],
    r1: dict[tuple[str, ...], list[Span]],
    n2: tuple[str, ...],
    r2: dict[tuple[str, ...], list[Span]],
) -> tuple[tuple[str, ...], dict[tuple[str, ...], list[Span]]]:
    """Natural join of two relations, intersecting the spans of the rows that meet."""
    shared = [n for n in n1 if n in n2]
    names = tuple(sorted(set(n1) | set(n2)))
    index: dict[tuple[str, ...], list[tuple[tuple[str, ...], list[Span]]]] = defaultdict(list)
    for key, spans in r2.items():
        index[tuple(key[n2.index(n)] for n in shared)].append((key, spans))
    out = {}
    for k1, s1 in r1.items():
        b1 = dict(zip(n1, k1, strict=True))
        for k2, s2 in index.get(tuple(b1[n] for n in shared), []):
            both = intersect(s1, s2)
            if both:
                b = {**b1, **dict(zip(n2, k2, strict=True))}
                out[tuple(b[n] for n in names)] = both
    return names, out
