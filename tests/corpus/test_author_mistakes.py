"""A new corpus author's mistakes, each refused with the one line that names it: no second
line that only follows from it (a file that does not parse, a rule file that is missing), and
the line says what to do (a declaration to add, the field meant).

Each test makes its corpus in ``tmp_path`` from a copy of ``tests/corpora/good``.
"""

from __future__ import annotations

from pathlib import Path

import good_copy
import pytest
from good_copy import edit, report
from typer.testing import CliRunner

from foedus.cli import app

# good_copy's fixtures, used here by name
_env = good_copy._env
copy = good_copy.copy


def perspectives(root: Path, rules: str, own: str) -> None:
    """One perspective of ``rules``, with ``own`` as the corpus's rules/own.rules."""
    (root / "perspectives.yaml").write_text(
        f"perspectives:\n  - id: own\n    name: Own\n    description: d\n    rules: {rules}\n",
        encoding="utf-8",
    )
    (root / "rules" / "own.rules").write_text(own, encoding="utf-8")


# --------------------------------------------------------------------------- YAML


def test_a_yaml_syntax_error_is_the_only_line(copy: Path) -> None:
    # an indentation slip in actors.yaml: the actors it defines are not unknown elsewhere
    edit(copy, "actors.yaml", "    name: Southland\n", "      name: Southland\n")
    (line,) = report(copy)
    assert line.startswith("actors.yaml:12:11: YAML syntax error: ")


def test_a_reference_to_no_record_of_a_broken_file_is_still_reported(copy: Path) -> None:
    edit(copy, "actors.yaml", "    name: Southland\n", "      name: Southland\n")
    edit(copy, "events.yaml", "    actors: [northland]\n", "    actors: [nortland]\n")
    lines = report(copy)
    assert len(lines) == 2 and lines[0].startswith("actors.yaml:12:11: YAML syntax error")
    assert "unknown actor 'nortland'" in lines[1]


def test_a_broken_categories_file_hides_no_clause(copy: Path) -> None:
    edit(copy, "categories.yaml", "    name: ", "      name: ")
    (line,) = report(copy)
    assert line.startswith("categories.yaml:") and "YAML syntax error" in line


def test_a_broken_perspectives_file_leaves_the_default_perspective_alone(copy: Path) -> None:
    edit(
        copy,
        "corpus.yaml",
        "default_source: mini\n",
        "default_source: mini\ndefault_perspective: own\n",
    )
    (copy / "perspectives.yaml").write_text(
        "perspectives:\n  - id: own\n   name: Own\n    rules: [foedus:base]\n",
        encoding="utf-8",
    )
    (line,) = report(copy)
    assert line.startswith("perspectives.yaml:3:4: YAML syntax error")


def test_an_unknown_field_suggests_the_field_meant(copy: Path) -> None:
    edit(copy, "events.yaml", "    justification:", "    justifcation:")
    (line,) = report(copy)
    assert line.endswith(": unknown field 'justifcation'; did you mean 'justification'?")


def test_an_unknown_field_of_a_norm_suggests_one_of_a_norm(copy: Path) -> None:
    edit(copy, "instruments.yaml", "          beneficiaries:", "          beneficiary:")
    (line,) = report(copy)
    assert line.endswith(
        "instruments[0].clauses[1].norm: unknown field 'beneficiary'; did you mean 'beneficiaries'?"
    )


def test_a_group_member_is_reported_where_it_is_written(copy: Path) -> None:
    edit(
        copy,
        "corpus.yaml",
        "default_source: mini\n",
        "default_source: mini\ngroups:\n  - id: pair\n    name: the pair\n"
        "    members:\n      - northland\n      - sothland\n",
    )
    assert report(copy) == [
        "corpus.yaml:9:9: group 'pair': unknown actor 'sothland'; did you mean 'southland' or "
        "'northland'?"
    ]


def test_a_via_of_an_actor_of_a_broken_file_is_not_judged(copy: Path) -> None:
    edit(
        copy,
        "instruments.yaml",
        "        how: signature\n        date: March 3, 1921\n        sources:",
        "        how: succession\n        via: northland\n        date: March 3, 1921\n"
        "        sources:",
    )
    assert any("joins via 'northland', which is not its predecessor" in x for x in report(copy))
    edit(copy, "actors.yaml", "    name: Southland\n", "      name: Southland\n")
    (line,) = report(copy)
    assert "YAML syntax error" in line


# --------------------------------------------------------------------------- perspectives


def test_a_missing_rule_file_is_the_only_line(copy: Path) -> None:
    # without other.rules, the fluent it declares would be undefined in own.rules
    perspectives(
        copy,
        "[foedus:base, rules/othr.rules, rules/own.rules]",
        "fluent gone(Actor).\ngone(X) holds for expelled(X).\n",
    )
    (copy / "rules" / "other.rules").write_text(
        "fluent expelled(Actor).\ninitiated expelled(X) when expulsion(_, X).\n"
    )
    (line,) = report(copy)
    assert line.startswith(
        "perspectives.yaml:5:26: perspective 'own': unknown rule file 'rules/othr.rules'; "
        "did you mean 'rules/other.rules'"
    )


def test_a_missing_library_file_is_the_only_line(copy: Path) -> None:
    perspectives(
        copy,
        "[foedus:base, foedus:defacto, rules/own.rules]",
        "fluent gone(Actor).\ngone(X) holds for part_of(X) = _.\n",
    )
    (line,) = report(copy)
    assert line.startswith(
        "perspectives.yaml:5:26: perspective 'own': unknown rule file 'foedus:defacto' of the "
        "rule library; did you mean 'foedus:de-facto'"
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [("ow", "own"), ("ow.rules", "own.rules"), ("rules/ow.rules", "rules/own.rules")],
)
def test_an_unknown_rule_file_is_suggested_as_it_was_written(
    copy: Path, written: str, meant: str
) -> None:
    perspectives(copy, f"[foedus:base, {written}]", "")
    (line,) = report(copy)
    assert f"unknown rule file {written!r}; did you mean {meant!r}" in line
    assert line.split("did you mean")[1].count("own") == 1  # not by its stem, name and path


def test_an_undeclared_fluent_of_the_vocabulary_is_a_declaration_to_add(copy: Path) -> None:
    perspectives(
        copy,
        "[foedus:base, rules/own.rules]",
        "own_part: initiated part_of(X) = Y when annexation(Y, X).\n"
        "own_end: terminated part_of(X) = _ when restoration_of_independence(X).\n"
        "fluent gone(Actor).\ngone(X) holds for part_of(X) = _.\n",
    )
    assert report(copy) == [
        "rules/own.rules:1:21: undefined fluent 'part_of', which the answers read (status, "
        "timeline, breaches): declare it 'fluent part_of(Actor) = Actor.' or name "
        "foedus:de-facto or foedus:non-recognition (docs/rules.md); also used at line 2:21, "
        "line 4:19"
    ]


def test_a_vocabulary_fluent_declared_in_another_shape_is_one_line(copy: Path) -> None:
    perspectives(
        copy,
        "[foedus:base, rules/own.rules]",
        "fluent part_of(Actor, Actor).\n"
        "own_part: initiated part_of(X) = Y when annexation(Y, X).\n"
        "own_end: terminated part_of(X) = _ when restoration_of_independence(X).\n",
    )
    assert report(copy) == [
        "rules/own.rules:1:1: fluent 'part_of' is in the vocabulary of status the answers "
        "read: declare it part_of(Actor) = Actor (docs/rules.md), not part_of(Actor, Actor)"
    ]


def test_a_rule_without_its_full_stop_is_one_line_at_its_end(copy: Path) -> None:
    perspectives(
        copy,
        "[foedus:base, rules/own.rules]",
        "fluent expelled(Actor) = Actor.\n"
        "expelled: initiated expelled(X) = Y when expulsion(Y, X)\n\n"
        "# the next statement\n"
        "fluent blockaded(Actor) = Actor.\n"
        "initiated blockaded(X) = Y when naval_blockade(Y, X).\n",
    )
    assert report(copy) == [
        "rules/own.rules:2:57: syntax error: expected '.' at the end of the statement, "
        "found 'fluent' on line 5 (every statement ends with '.')"
    ]


def test_the_cli_says_it_in_one_line_and_exits_2(copy: Path) -> None:
    edit(copy, "actors.yaml", "    name: Southland\n", "      name: Southland\n")
    result = CliRunner().invoke(app, ["validate", "--corpus", "."])
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- perspectives


@pytest.mark.parametrize(("field", "value"), [("id", "all"), ("name", "All"), ("name", " ALL")])
def test_a_perspective_called_all_is_refused(copy: Path, field: str, value: str) -> None:
    # `--perspective all` (and the HTTP API's `perspective=all`) asks every perspective at
    # once: a perspective of that id or name could never be asked alone
    ident, name = ("own", repr(value)) if field == "name" else (value, "Own")
    (copy / "perspectives.yaml").write_text(
        f"perspectives:\n  - id: {ident}\n    name: {name}\n    description: d\n"
        "    rules: [foedus:base]\n",
        encoding="utf-8",
    )
    (line,) = report(copy)
    assert line.startswith("perspectives.yaml:")
    assert f"perspective {ident!r}: its {field} {value!r} is reserved" in line


@pytest.mark.parametrize("rules", ["    rules: []\n", ""])
def test_a_perspective_with_no_rule_files_is_refused(copy: Path, rules: str) -> None:
    # it would derive nothing, and every answer under it would say so as if it were known
    (copy / "perspectives.yaml").write_text(
        f"perspectives:\n  - id: own\n    name: Own\n    description: d\n{rules}",
        encoding="utf-8",
    )
    (line,) = report(copy)
    assert line.startswith("perspectives.yaml:")
    assert line.endswith(
        "perspective 'own': no rule files, so it would derive nothing: give it "
        "some, e.g. rules: [foedus:base] (the rule library's base rules)"
    )
