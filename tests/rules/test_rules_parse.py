"""The rule language's concrete syntax, construct by construct."""

from __future__ import annotations

from pathlib import Path

from foedus.rules import load_rules, parse_rules
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
    SetRef,
    StaticRule,
    Union,
    Var,
)
from foedus.rules.check import strata

DECLS = """\
fluent a(X). fluent b(X). fluent c(X). fluent d(X).
fluent party_to(State, Treaty).
fluent controlled_by(State) = Actor.
fluent mode(Item) = {low, mid, high}.
fact prohibits(Treaty, Category).
"""


def one_rule(text: str):
    program = parse_rules(DECLS + text, file="t.rules")
    (rule,) = program.rules
    return rule


def body(text: str):
    rule = one_rule(text)
    assert isinstance(rule, StaticRule)
    return rule.body


def ref(name: str, *args: str) -> SetRef:
    return SetRef(FluentRef(Atom(name, tuple(Var(a) for a in args), Pos("t.rules", 6, 1))))


def strip(expr):
    """The expression with every position set to line 6, column 1 (to compare shapes)."""
    if isinstance(expr, SetRef):
        return ref(expr.ref.atom.name, *(str(a) for a in expr.ref.atom.args))
    if isinstance(expr, Union | Intersect):
        return type(expr)(tuple(strip(i) for i in expr.items))
    return Complement(strip(expr.base), tuple(strip(i) for i in expr.minus))


def test_boolean_fluent_declaration_with_doc() -> None:
    program = parse_rules("# a state is party\n# to a treaty\nfluent party_to(State, Treaty).")
    decl = program.fluents["party_to"]
    assert decl.arg_types == ("State", "Treaty")
    assert (decl.multivalued, decl.values, decl.domain) == (False, None, False)
    assert decl.doc == "a state is party\nto a treaty"
    assert decl.pos == Pos("<rules>", 3, 1)


def test_multivalued_declarations() -> None:
    program = parse_rules(DECLS)
    open_ = program.fluents["controlled_by"]
    closed = program.fluents["mode"]
    assert (open_.multivalued, open_.values, open_.domain) == (True, ("Actor",), False)
    assert (closed.multivalued, closed.values, closed.domain) == (
        True,
        ("low", "mid", "high"),
        True,
    )


def test_a_blank_line_separates_a_comment_from_the_doc() -> None:
    program = parse_rules("# about the file\n\nfluent a(X).  # trailing\n")
    assert program.fluents["a"].doc == ""


def test_fact_declaration_and_ground_facts() -> None:
    program = parse_rules(DECLS + 'prohibits(kellogg-briand, war).\nprohibits(tr_a, "a b").')
    assert program.facts["prohibits"].arg_types == ("Treaty", "Category")
    assert [tuple(map(str, g.atom.args)) for g in program.ground_facts] == [
        ("kellogg-briand", "war"),
        ("tr_a", "a b"),
    ]


def test_event_rule_with_label() -> None:
    rule = one_rule("party_signs: initiated party_to(S, Tr) when sign(S, Tr).")
    assert isinstance(rule, EventRule)
    assert (rule.label, rule.kind) == ("party_signs", "initiated")
    assert rule.head == FluentRef(Atom("party_to", (Var("S"), Var("Tr")), Pos("t.rules", 6, 24)))
    assert rule.event == Atom("sign", (Var("S"), Var("Tr")), Pos("t.rules", 6, 45))
    assert rule.conditions == ()


def test_default_label_is_file_and_line() -> None:
    rule = one_rule("\nterminated party_to(S, Tr) when denounce(S, Tr).")
    assert rule.label == "t.rules:7"
    assert rule.kind == "terminated"


def test_multivalued_head_and_terminate_any_value() -> None:
    program = parse_rules(
        DECLS + "initiated controlled_by(S) = P when invade(P, S).\n"
        "terminated mode(X) = _ when clear(X)."
    )
    init, term = program.rules
    assert init.head.value == Var("P")
    assert term.head.value == Var("_") and term.head.value.anonymous


def test_conditions_of_every_kind() -> None:
    rule = one_rule(
        "initiated a(X) when alarm(X, C), b(X), not controlled_by(X) = gb, "
        'prohibits(C, war), not prohibits(C, peace), X != C, C = "q r".'
    )
    kinds = [(type(c).__name__, getattr(c, "negated", None)) for c in rule.conditions]
    assert kinds == [
        ("HoldsCond", False),
        ("HoldsCond", True),
        ("FactCond", False),
        ("FactCond", True),
        ("CompareCond", None),
        ("CompareCond", None),
    ]
    assert rule.conditions[1].ref.value == Const("gb")
    assert isinstance(rule.conditions[2], FactCond)
    cmp = rule.conditions[5]
    assert isinstance(cmp, CompareCond) and (cmp.op, cmp.right) == ("=", Const("q r"))


def test_positive_fluent_condition_binds_new_variables() -> None:
    rule = one_rule("initiated party_to(Y, Tr) when succession(X, Y), party_to(X, Tr), X != Y.")
    cond = rule.conditions[0]
    assert isinstance(cond, HoldsCond) and not cond.negated


def test_keywords_are_names_inside_arguments() -> None:
    rule = one_rule("initiated a(X) when e(X, for, not, when).")
    assert [str(a) for a in rule.event.args] == ["X", "for", "not", "when"]


def test_static_operators() -> None:
    rule = one_rule("bound: a(X) holds for b(X) and c(X).")
    assert isinstance(rule, StaticRule) and rule.label == "bound"
    assert strip(rule.body) == Intersect((ref("b", "X"), ref("c", "X")))
    assert strip(body("a(X) holds for b(X) or c(X) or d(X).")) == Union(
        (ref("b", "X"), ref("c", "X"), ref("d", "X"))
    )
    assert strip(body("a(X) holds for b(X) except c(X), d(X).")) == Complement(
        ref("b", "X"), (ref("c", "X"), ref("d", "X"))
    )


def test_and_binds_tighter_than_or() -> None:
    assert strip(body("a(X) holds for b(X) or c(X) and d(X).")) == Union(
        (ref("b", "X"), Intersect((ref("c", "X"), ref("d", "X"))))
    )


def test_except_applies_to_the_whole_left_operand() -> None:
    assert strip(body("a(X) holds for b(X) or c(X) except d(X).")) == Complement(
        Union((ref("b", "X"), ref("c", "X"))), (ref("d", "X"),)
    )
    assert strip(body("a(X) holds for b(X) except c(X) except d(X).")) == Complement(
        Complement(ref("b", "X"), (ref("c", "X"),)), (ref("d", "X"),)
    )


def test_parentheses() -> None:
    assert strip(body("a(X) holds for b(X) and (c(X) or d(X)).")) == Intersect(
        (ref("b", "X"), Union((ref("c", "X"), ref("d", "X"))))
    )


def test_static_values_and_where() -> None:
    program = parse_rules(
        DECLS + "fluent binds(T, A, B). fluent protected(A, B, C).\n"
        "protected(X, Y, C) holds for binds(Tr, Y, X) where prohibits(Tr, C), "
        "X != Y.\n"
        "d(S) holds for controlled_by(S) = gb or controlled_by(S) = fr."
    )
    protected, d = program.rules
    assert isinstance(protected.where[0], FactCond)
    assert isinstance(protected.where[1], CompareCond)
    assert [i.ref.value for i in d.body.items] == [Const("gb"), Const("fr")]


def test_constants() -> None:
    program = parse_rules('fact p(A).\np(treaty-of-tartu). p(tr_a). p(1940). p("say \\"hi\\"").')
    assert [str(g.atom.args[0]) for g in program.ground_facts] == [
        "treaty-of-tartu",
        "tr_a",
        "1940",
        'say "hi"',
    ]


def test_rule_doc_comment() -> None:
    rule = one_rule("# Article 1: the parties renounce war.\ninitiated a(X) when e(X).")
    assert rule.doc == "Article 1: the parties renounce war."


def test_load_rules_reads_several_files_as_one_program(tmp_path: Path) -> None:
    (tmp_path / "decls.rules").write_text("fluent a(X).\nfact f(X).\n")
    (tmp_path / "rules.rules").write_text("initiated a(X) when e(X), f(X).\nf(x).\n")
    program = load_rules([tmp_path / "decls.rules", tmp_path / "rules.rules"])
    (rule,) = program.rules
    assert rule.label == "rules.rules:1"
    assert rule.pos.file == str(tmp_path / "rules.rules")
    assert isinstance(rule.conditions[0], FactCond)


def test_strata_order_dependencies_first() -> None:
    program = parse_rules(
        "fluent a(X). fluent b(X). fluent s(X). fluent t(X).\n"
        "initiated a(X) when e(X).\n"
        "initiated b(X) when f(X), s(X).\n"
        "s(X) holds for a(X) except b(X).\n"
        "t(X) holds for s(X).\n"
    )
    assert strata(program) == [["a"], ["b", "s"], ["t"]]


def test_every_rtec_description_parses() -> None:
    rtec = Path(__file__).parents[1] / "rtec"
    for path in sorted(rtec.glob("*.rules")):
        assert load_rules([path]).rules


def test_load_rules_parses_the_same_files_once_per_process(tmp_path, monkeypatch):
    """A cold start reads the same rule files several times (validation, the fluents step, the
    build's state): the same paths and texts are parsed once, each caller gets its own program."""
    from foedus.rules import load as load_module
    from foedus.rules import parse as parse_module

    built = []
    real_build = parse_module.build_program
    monkeypatch.setattr(parse_module, "build_program", lambda s: built.append(s) or real_build(s))
    f = tmp_path / "a.rules"
    f.write_text("fluent p(X).\ninitiated p(X) when sign(X).\n", encoding="utf-8")
    first = load_module.load_rules([f])
    first.rules.clear()  # one caller's change (a perspective drops rules) reaches no other
    second = load_module.load_rules([f])
    assert len(built) == 1
    assert [r.label for r in second.rules] == ["a.rules:2"]
    f.write_text("fluent p(X).\n\ninitiated p(X) when sign(X).\n", encoding="utf-8")
    third = load_module.load_rules([f])  # another text: parsed again
    assert len(built) == 2
    assert [r.label for r in third.rules] == ["a.rules:3"]
