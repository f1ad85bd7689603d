"""The catalogue of bad input: every kind of problem a scholar's files can have, each pinned.

``tests/corpora/bad/<case>/`` are bad corpora (their reports are pinned by
``tests/corpus/test_validate.py``); ``tests/corpora/bad-overlays/<case>.yaml`` are bad overlays laid
over ``tests/corpora/good``, each beside its ``<case>.expected.txt``. Rewrite the golden files
with ``FOEDUS_UPDATE_GOLDEN=1`` (or ``pytest --update``) and review them with ``git diff``.
docs/reliability.md lists the kinds and their messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.corpus import load_corpus, load_overlay
from foedus.corpus.rulecheck import rule_problems
from foedus.errors import CorpusError

CORPORA = Path(__file__).parents[1] / "corpora"
BAD = CORPORA / "bad"
OVERLAYS = CORPORA / "bad-overlays"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
OVERLAY_CASES = sorted(p.stem for p in OVERLAYS.glob("*.yaml"))

#: Every kind of bad input of issue #9, and the cases that show it.
KINDS: dict[str, list[str]] = {
    "YAML syntax error": ["yaml-syntax"],
    "wrong types": ["wrong-types", "schema"],
    "unknown ids, with did you mean": ["unknown-ids", "overlay:unknown-names"],
    "duplicate ids": ["duplicate-ids", "overlay:duplicates"],
    "impossible and inverted dates": ["dates", "yaml-dates", "instrument-dates"],
    "dates outside an actor's existence": ["existence", "yaml-dates"],
    "quotes not in the source": ["quote-not-found"],
    "unknown event types and norm kinds": ["vocabulary"],
    "rule syntax errors": ["rule-syntax"],
    "rules referring to undefined fluents": ["rule-undefined-fluent"],
    "cycles through negation": ["rule-negation-cycle"],
    "perspectives replacing unknown rules": ["rule-replaces"],
    "overlays that contradict the corpus": ["overlay:contradictions", "overlay:duplicates"],
    # issue #23
    "unknown events and wrong arities in rules; rule paths out of the corpus": ["rule-events"],
    "NUL characters, lone surrogates and YAML tags": ["strange-text"],
    "shared, confusable and invisible names; escape sequences printed escaped": ["names"],
    "cycles of part_of and predecessor; amending itself; white-space-only quotes": ["cycles"],
    "an empty corpus.yaml": ["empty-metadata"],
}


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FOEDUS_DEBUG", raising=False)


@pytest.fixture(scope="module")
def good() -> object:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(CORPORA)  # positions as the CLI shows them from there: good/actors.yaml
        return load_corpus("good")


def test_every_kind_has_a_case_with_a_pinned_report() -> None:
    for kind, cases in KINDS.items():
        for case in cases:
            if case.startswith("overlay:"):
                assert (OVERLAYS / f"{case[8:]}.expected.txt").is_file(), (kind, case)
            else:
                assert (BAD / case / "expected.txt").is_file(), (kind, case)
    named = {c for cases in KINDS.values() for c in cases}
    assert {f"overlay:{c}" for c in OVERLAY_CASES} <= named


# --------------------------------------------------------------------------- overlays


def overlay_report(case: str, good: object, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(CORPORA)
    with pytest.raises(CorpusError) as info:
        load_overlay(Path("bad-overlays") / f"{case}.yaml", good)  # type: ignore[arg-type]
    return info.value.report()


@pytest.mark.parametrize("case", OVERLAY_CASES)
def test_bad_overlay_report_matches_golden(
    case: str, good: object, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = overlay_report(case, good, monkeypatch)
    expected = OVERLAYS / f"{case}.expected.txt"
    if update_golden:
        expected.write_text(text + "\n", encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8").rstrip("\n")


def test_an_overlay_event_may_restate_a_corpus_event_once(
    good: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = overlay_report("duplicates", good, monkeypatch).splitlines()
    assert not any(":15:9:" in line for line in lines), "the first restatement is allowed"
    assert lines[-1] == (
        "bad-overlays/duplicates.yaml:22:9: duplicate event id 'southland-invades-northland' "
        "(first defined at bad-overlays/duplicates.yaml:15:9)"
    )


# --------------------------------------------------------------------------- the new kinds


def corpus_lines(case: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(BAD)
    with pytest.raises(CorpusError) as info:
        load_corpus(case)
    return info.value.report().splitlines()


def test_rule_syntax_errors_of_every_file_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    assert corpus_lines("rule-syntax", monkeypatch) == [
        "rule-syntax/perspectives.yaml:9:31: perspective 'other': unknown rule file "
        "'rules/othr.rules'; did you mean 'rules/other.rules' or 'rules/base.rules'?",
        "rule-syntax/rules/base.rules:3:24: syntax error: expected one of '=' or 'when', "
        "found 'whn'",
        "rule-syntax/rules/de-facto.rules:3:52: syntax error: expected one of ',', '.' or '=', "
        "found character '&'",
        "rule-syntax/rules/de-facto.rules:4:54: syntax error: expected one of ',', '.' or '=', "
        "found the end of the file",
    ]  # base.rules is loaded by both perspectives and reported once


def test_undefined_fluents_name_the_perspective_that_lacks_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    got = corpus_lines("rule-undefined-fluent", monkeypatch)
    assert got[0] == (  # a fluent of the vocabulary of status: a declaration to add, once
        "rule-undefined-fluent/rules/base.rules:7:52: undefined fluent 'occupied_by', which the "
        "answers read (status, timeline): declare it 'fluent occupied_by(Actor) = Actor.' or "
        "name foedus:de-facto or foedus:non-recognition (docs/rules.md); also used at "
        "rule-undefined-fluent/rules/de-facto.rules:5:23 (in perspective 'de-facto')"
    )
    assert (
        "rule-undefined-fluent/rules/de-facto.rules:4:22: undefined fluent 'controled_by'; "
        "did you mean 'controlled_by'?"
    ) in got
    assert not any("cannot have a value" in line for line in got), "reported once, as undefined"


def test_cycle_through_negation(monkeypatch: pytest.MonkeyPatch) -> None:
    assert corpus_lines("rule-negation-cycle", monkeypatch) == [
        "rule-negation-cycle/rules/base.rules:8:1: cycle through negation in rules "
        "'free_unless_occupied', 'occupied_unless_free', 'sovereign_if_free' (fluents free, "
        "occupied, sovereign); static rules cannot depend on themselves at the same time point"
    ]


def test_wrong_types_name_the_value_found(monkeypatch: pytest.MonkeyPatch) -> None:
    got = corpus_lines("wrong-types", monkeypatch)
    assert "wrong-types/actors.yaml:4:14: actors[0].aliases: expected a list, found 'Alfa'" in got
    assert "wrong-types/actors.yaml:11:19: actor 'delta': existed_from: not a date: True" in got
    assert (
        "wrong-types/events.yaml:9:19: events[0].hypothetical: expected true or false, "
        "found 'maybe'"
    ) in got
    assert (
        "wrong-types/instruments.yaml:13:1: categories: expected a list, found 'aggression'" in got
    )


def test_unquoted_iso_days_that_cannot_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned from the fuzzer: ``date: 1940-06-31`` (unquoted) was an internal error."""
    got = corpus_lines("yaml-dates", monkeypatch)
    assert "yaml-dates/events.yaml:4:11: event 'e1': date: impossible date '1940-06-31'" in got
    assert (
        "yaml-dates/actors.yaml:8:19: actor 'beta': existed_from: impossible date '0000-01-01'"
        in got
    )


def test_the_bundled_rules_are_clean() -> None:
    from foedus.corpus import bundled_path, read_corpus

    corpus, _, _ = read_corpus(bundled_path())
    assert rule_problems(corpus) == []


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize("case", CASES)
def test_validate_prints_the_report_and_exits_2(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = CliRunner().invoke(app, ["validate", case])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.rstrip("\n") == (BAD / case / "expected.txt").read_text(
        encoding="utf-8"
    ).rstrip("\n")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", OVERLAY_CASES)
def test_query_with_a_bad_overlay_exits_2(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPORA)
    result = CliRunner().invoke(
        app, ["events", "--corpus", "good", "--assume", f"bad-overlays/{case}.yaml"]
    )
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n") == (OVERLAYS / f"{case}.expected.txt").read_text(
        encoding="utf-8"
    ).rstrip("\n")
