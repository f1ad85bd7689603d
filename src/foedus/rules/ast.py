"""The rule language's abstract syntax: what a parsed rule file is.

Both engines (the reference interpreter and the SQL compiler) read these records; the parser
(foedus.rules.parse) is the only producer. Every node keeps where it came from (``Pos``) so that
errors and explanations can point back to the rule text.

Terms: a ``Var`` starts with an upper-case letter or ``_`` (``S``, ``Tr``, ``_``); a ``Const``
is anything else (``ussr``, ``treaty-of-tartu``, ``"quoted text"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pos:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Var:
    name: str

    @property
    def anonymous(self) -> bool:
        return self.name == "_"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Const:
    value: str

    def __str__(self) -> str:
        return self.value


Term = Var | Const


@dataclass(frozen=True)
class Atom:
    """``name(arg, ...)``: an event pattern, a fluent reference or a fact."""

    name: str
    args: tuple[Term, ...]
    pos: Pos

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.args))})" if self.args else self.name


@dataclass(frozen=True)
class FluentRef:
    """``F(args)`` (Boolean, value ``true``) or ``F(args) = V``."""

    atom: Atom
    value: Term = Const("true")

    def __str__(self) -> str:
        v = "" if self.value == Const("true") else f" = {self.value}"
        return f"{self.atom}{v}"


# --- declarations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FluentDecl:
    """``fluent name(Type, ...).`` / ``fluent name(...) = Type.`` / ``= {a, b}.``

    ``values`` is None for a Boolean fluent; for a multi-valued fluent it is either a type name
    (``("Actor",)`` with ``domain=False``: any value) or a closed set of constants
    (``domain=True``): only those values are computed, and only they break one another,
    exactly as RTEC's constant grounding declarations.
    """

    name: str
    arg_types: tuple[str, ...]
    multivalued: bool
    values: tuple[str, ...] | None
    domain: bool
    pos: Pos
    doc: str = ""


@dataclass(frozen=True)
class FactDecl:
    """``fact name(Type, ...).``: a static relation given by the corpus or by ground facts."""

    name: str
    arg_types: tuple[str, ...]
    pos: Pos
    doc: str = ""


@dataclass(frozen=True)
class GroundFact:
    """``name(const, ...).``: one row of a declared fact relation, written in a rule file."""

    atom: Atom


# --- conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldsCond:
    """A fluent condition read at the event's time point (what held before the event)."""

    ref: FluentRef
    negated: bool = False


@dataclass(frozen=True)
class FactCond:
    """A static fact condition (positive or negated)."""

    atom: Atom
    negated: bool = False


@dataclass(frozen=True)
class CompareCond:
    """``X = Y`` or ``X != Y`` between terms."""

    left: Term
    op: str  # "=" or "!="
    right: Term
    pos: Pos


Condition = HoldsCond | FactCond | CompareCond


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRule:
    """``initiated F(...) [= V] when event(...), cond, ...`` (or ``terminated``).

    The first body literal is the event pattern; the rest are conditions, evaluated at the
    event's time point. Positive fluent and fact conditions may bind new variables.
    """

    label: str
    kind: str  # "initiated" or "terminated"
    head: FluentRef
    event: Atom
    conditions: tuple[Condition, ...]
    pos: Pos
    doc: str = ""

    def body_vars(self) -> set[str]:
        """The variables that the event and the positive conditions bind."""
        terms: list[Term] = list(self.event.args)
        for c in self.conditions:
            if isinstance(c, HoldsCond) and not c.negated:
                terms += [*c.ref.atom.args, c.ref.value]
            elif isinstance(c, FactCond) and not c.negated:
                terms += c.atom.args
        return {t.name for t in terms if isinstance(t, Var) and not t.anonymous}

    def wildcards(self) -> frozenset[int]:
        """The head positions that a termination leaves free, meaning every value.

        Positions count the head's arguments, then its value (at ``len(args)``). A position is
        free when it holds ``_`` or a variable that starts with ``_`` and that the body does not
        bind, as RTEC writes ``terminatedAt(member(S, _A)=true, T) :- happensAt(coup(S), T)``.
        An initiation has none (the checker rejects a free variable there).
        """
        if self.kind != "terminated":
            return frozenset()
        bound = self.body_vars()
        terms = (*self.head.atom.args, self.head.value)
        return frozenset(
            i
            for i, t in enumerate(terms)
            if isinstance(t, Var) and t.name.startswith("_") and t.name not in bound
        )


@dataclass(frozen=True)
class SetRef:
    """A fluent's interval list inside a static expression."""

    ref: FluentRef


@dataclass(frozen=True)
class Union:
    items: tuple[SetExpr, ...]


@dataclass(frozen=True)
class Intersect:
    items: tuple[SetExpr, ...]


@dataclass(frozen=True)
class Complement:
    """``base except a, b``: the points of base in none of the others."""

    base: SetExpr
    minus: tuple[SetExpr, ...]


SetExpr = SetRef | Union | Intersect | Complement


@dataclass(frozen=True)
class StaticRule:
    """``F(...) [= V] holds for EXPR [where fact(...), ...].``

    Variables of the body that are not in the head are projected out (the union over them).
    ``where`` filters the groundings by static facts and comparisons.
    """

    label: str
    head: FluentRef
    body: SetExpr
    where: tuple[FactCond | CompareCond, ...]
    pos: Pos
    doc: str = ""


Rule = EventRule | StaticRule


@dataclass
class Program:
    """A parsed, checked rule program: declarations, rules and ground facts."""

    fluents: dict[str, FluentDecl] = field(default_factory=dict)
    facts: dict[str, FactDecl] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    ground_facts: list[GroundFact] = field(default_factory=list)

    def rules_for(self, fluent: str) -> list[Rule]:
        return [r for r in self.rules if r.head.atom.name == fluent]
