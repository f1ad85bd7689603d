"""Rule errors: every problem is reported, with file:line:col and what was expected."""

from __future__ import annotations

import pytest

from foedus.errors import RuleError
from foedus.rules import load_rules, parse_rules


def problems(text: str) -> list[str]:
    with pytest.raises(RuleError) as e:
        parse_rules(text, file="r.rules")
    assert isinstance(e.value, ValueError)
    return e.value.report().splitlines()


def test_syntax_error() -> None:
    assert problems("fluent a(X).\ninitiated a(X) whn e(X).\n") == [
        "r.rules:2:16: syntax error: expected one of '=' or 'when', found 'whn'"
    ]


def test_syntax_error_at_end_and_unknown_character() -> None:
    assert problems("fluent a(X).\ninitiated a(X) when e(X) & f(X).\ninitiated a(X) when e(X)") == [
        "r.rules:2:26: syntax error: expected one of ',', '.' or '=', found character '&'",
        "r.rules:3:25: syntax error: expected one of ',', '.' or '=', found the end of the file",
    ]


def test_every_syntax_error_is_reported() -> None:
    assert problems("fluent a(X.\nfluent b(X).\ninitiated b(X) when .\n") == [
        "r.rules:1:11: syntax error: expected one of ')' or ',', found '.'",
        "r.rules:3:21: syntax error: expected one of 'not', a name, a quoted string or a "
        "variable, found '.'",
    ]


def test_undefined_fluent_did_you_mean() -> None:
    assert problems(
        "fluent powered(M).\ninitiated powred(M) when on(M).\n"
        "initiated powered(M) when on(M), not powerd(M).\n"
    ) == [
        "r.rules:2:11: undefined fluent 'powred'; did you mean 'powered'?",
        "r.rules:3:38: undefined fluent 'powerd'; did you mean 'powered'?",
    ]


def test_arity_mismatch() -> None:
    assert problems("fluent party_to(State, Treaty).\ninitiated party_to(S) when sign(S).\n") == [
        "r.rules:2:11: fluent 'party_to' takes 2 arguments (party_to(State, Treaty)), found 1"
    ]


def test_unbound_head_variable() -> None:
    assert problems(
        "fluent party_to(State, Treaty).\ninitiated party_to(S, Tr) when sign(S).\n"
    ) == [
        "r.rules:2:11: head variable 'Tr' of rule 'r.rules:2' is not bound by the event or a "
        "positive condition"
    ]


def test_unbound_head_variable_in_a_union_branch() -> None:
    assert problems(
        "fluent o(S). fluent p(S, T). fluent h(S, T).\nh(S, T) holds for p(S, T) or o(S).\n"
    ) == [
        "r.rules:2:1: head variable 'T' of rule 'r.rules:2' is not bound by the body (in every "
        "branch of 'or')"
    ]


def test_unbound_variables_in_negation_and_comparison() -> None:
    assert problems("fluent o(S).\ninitiated o(S) when e(S), not o(T), S != Q.\n") == [
        "r.rules:2:31: variable 'T' in a negated condition of rule 'r.rules:2' is not bound by "
        "the event or a positive condition",
        "r.rules:2:37: variable 'Q' in a comparison of rule 'r.rules:2' is not bound by the "
        "event or a positive condition",
    ]


def test_negation_cycle_names_the_rules() -> None:
    assert problems(
        "fluent a(X). fluent b(X). fluent c(X).\n"
        "ra: a(X) holds for c(X) except b(X).\n"
        "rb: b(X) holds for c(X) except a(X).\n"
    ) == [
        "r.rules:2:1: cycle through negation in rules 'ra', 'rb' (fluents a, b); static rules "
        "cannot depend on themselves at the same time point"
    ]


def test_positive_static_cycle() -> None:
    assert problems(
        "fluent a(X). fluent b(X).\nra: a(X) holds for b(X).\nrb: b(X) holds for a(X) or a(X).\n"
    ) == [
        "r.rules:2:1: cyclic static definition in rules 'ra', 'rb' (fluents a, b); static "
        "rules cannot depend on themselves at the same time point"
    ]


def test_multivalued_without_value() -> None:
    assert problems(
        "fluent controlled_by(S) = Actor.\nfluent o(S).\no(S) holds for controlled_by(S).\n"
    ) == [
        "r.rules:3:16: multi-valued fluent 'controlled_by' needs a value: write "
        "'controlled_by(S) = V' (or '= _' for any value)"
    ]


def test_boolean_with_a_value_and_values_outside_the_domain() -> None:
    assert problems(
        "fluent o(S).\nfluent c(S) = {a, b}.\n"
        "initiated o(S) = gb when e(S).\n"
        "initiated c(S) = z when e(S).\n"
        "initiated c(S) = _ when e(S).\n"
    ) == [
        "r.rules:3:11: Boolean fluent 'o' has no value other than true, found '= gb'",
        "r.rules:4:11: value 'z' is not in the domain of 'c' {a, b}",
        "r.rules:5:11: only 'terminated' can have the value '_' (rule 'r.rules:5')",
    ]


def test_facts_labels_and_mixed_definitions() -> None:
    assert problems(
        "fluent o(S). fluent p(S).\n"
        "initiated o(S) when e(S).\n"
        "o(S) holds for p(S).\n"
        "fact f(A).\n"
        "f(a, b).\n"
        "ff(a).\n"
        "x: initiated p(S) when e(S).\n"
        "x: initiated p(S) when f(S).\n"
        "fluent o(T).\n"
    ) == [
        "r.rules:3:1: fluent 'o' has a static rule and event rules (first at r.rules:2:1); a "
        "fluent is either simple or static",
        "r.rules:5:1: fact relation 'f' takes 1 argument (f(A)), found 2",
        "r.rules:6:1: undefined fact relation 'ff'; did you mean 'f'?",
        "r.rules:8:1: duplicate rule label 'x' (first at r.rules:7:1)",
        "r.rules:8:24: expected an event after 'when', found fact relation 'f'",
        "r.rules:9:1: 'o' is declared twice (first at r.rules:1:1)",
    ]


def test_where_takes_facts_only() -> None:
    assert problems("fluent a(X). fluent b(X).\na(X) holds for b(X) where a(X).\n") == [
        "r.rules:2:27: expected a fact or a comparison after 'where', found fluent 'a' (use "
        "'and' to combine fluents)"
    ]


def test_the_error_message_counts_the_rest() -> None:
    with pytest.raises(RuleError) as e:
        parse_rules("initiated a(X) when e(X).\ninitiated b(X) when e(X).\n", file="r.rules")
    assert str(e.value) == "r.rules:1:11: undefined fluent 'a' (and 1 more)"


def test_unreadable_file(tmp_path) -> None:
    missing = tmp_path / "missing.rules"
    with pytest.raises(RuleError) as e:
        load_rules([missing])
    assert e.value.errors[0].message.startswith("cannot read rule file")


def test_wildcards_only_in_terminations() -> None:
    assert problems(
        "fluent o(S, O).\n"
        "initiated o(S, _) when e(S).\n"
        "terminated o(S, O) when e(S).\n"
        "terminated o(_X, _X) when f.\n"
        "initiated o(S, _O) when e(S).\n"
    ) == [
        "r.rules:2:11: the head of rule 'r.rules:2' cannot have '_' as an argument (only a "
        "termination can: it then means every value)",
        "r.rules:3:12: head variable 'O' of rule 'r.rules:3' is not bound by the event or a "
        "positive condition (write '_' or '_O' to terminate every value)",
        "r.rules:4:12: wildcard '_X' appears twice in the head of rule 'r.rules:4'; a variable "
        "that the body does not bind means every value, once",
        "r.rules:5:11: head variable '_O' of rule 'r.rules:5' is not bound by the event or a "
        "positive condition",
    ]


def test_wildcard_terminations_are_accepted() -> None:
    program = parse_rules(
        "fluent member(S, A). fluent m(S) = {a, b}.\n"
        "terminated member(S, _A) when coup(S).\n"
        "terminated member(_, A) when dissolve(A).\n"
        "terminated member(_S, _A) when end_of_history.\n"
        "terminated member(S, A) when leave(S, A).\n"
        "terminated m(_S) = _V when reset.\n"
    )
    assert [sorted(r.wildcards()) for r in program.rules] == [[1], [0], [0, 1], [], [0, 1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the next statement is a declaration: it is not lost with the error
            "fluent a(X).\ninitiated a(X) when e(X)\n\n# b\nfluent b(X).\n"
            "initiated b(X) when f(X), a(X).\n",
            "r.rules:2:25: syntax error: expected '.' at the end of the statement, found "
            "'fluent' on line 5 (every statement ends with '.')",
        ),
        (  # a labelled rule, after a comment on the line that lacks it
            "fluent a(X).\ninitiated a(X) when e(X)  # no stop\nlab: terminated a(X) when f(X).\n",
            "r.rules:2:25: syntax error: expected '.' at the end of the statement, found "
            "'lab' on line 3 (every statement ends with '.')",
        ),
        (  # a declaration without its stop: the rule that uses it still knows it
            'fluent a(X)\ninitiated a(X) when e(X, "# not a comment").\n',
            "r.rules:1:12: syntax error: expected '.' at the end of the statement, found "
            "'initiated' on line 2 (every statement ends with '.')",
        ),
    ],
)
def test_a_missing_full_stop_is_one_error_at_the_end_of_its_statement(
    text: str, expected: str
) -> None:
    assert problems(text) == [expected]


def test_a_statement_cut_short_on_its_own_line_is_no_missing_stop() -> None:
    # the line that follows does not start a statement: the error is where the parser stops
    assert problems("fluent a(X).\ninitiated a(X) when e(X),\nf(X) g.\n") == [
        "r.rules:3:6: syntax error: expected one of ',', '.' or '=', found 'g'"
    ]
