"""Validation: every bad corpus pins its full report (golden files), one test per kind.

Rewrite the golden files with ``FOEDUS_UPDATE_GOLDEN=1 pytest tests/corpus/test_validate.py`` and
review the change with ``git diff``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.corpus.quotes import found, nearest
from foedus.errors import CorpusError

BAD = Path(__file__).parents[1] / "corpora" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def report(case: str) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(case)
    return info.value.report()


@pytest.fixture(autouse=True)
def _in_bad(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)


@pytest.mark.parametrize("case", CASES)
def test_bad_corpus_report_matches_golden(case: str) -> None:
    expected = BAD / case / "expected.txt"
    text = report(case)
    if os.environ.get("FOEDUS_UPDATE_GOLDEN") == "1":
        expected.write_text(text + "\n", encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8").rstrip("\n")


def lines(case: str) -> list[str]:
    return report(case).splitlines()


def test_unknown_ids_suggest_the_nearest() -> None:
    got = lines("unknown-ids")
    assert (
        "unknown-ids/events.yaml:5:14: event 'e1': unknown actor 'Betania'; "
        "did you mean 'beta'?" in got
    )
    assert (
        "unknown-ids/events.yaml:7:17: event 'e1': unknown instrument 'pact-of-gama'; "
        "did you mean 'pact-of-gamma'?" in got
    )
    assert (
        "unknown-ids/instruments.yaml:12:48: clause 'art-1': unknown category "
        "'agression'; did you mean 'aggression'?" in got
    )
    assert (
        "unknown-ids/instruments.yaml:14:18: instrument 'pact-of-gamma': unknown source "
        "'sourse'" in got
    )


def test_duplicate_ids_within_and_across_files() -> None:
    got = lines("duplicate-ids")
    assert (
        "duplicate-ids/more-actors.yaml:2:9: duplicate actor id 'beta' (first defined at "
        "duplicate-ids/actors.yaml:5:9)" in got
    )
    assert (
        "duplicate-ids/events.yaml:8:9: duplicate event id 'e1' (first defined at "
        "duplicate-ids/events.yaml:2:9)" in got
    )
    assert (
        "duplicate-ids/instruments.yaml:8:13: duplicate clause id 'art-1' in instrument "
        "'pact-of-gamma' (first defined at duplicate-ids/instruments.yaml:6:13)" in got
    )


def test_impossible_and_inverted_dates() -> None:
    got = lines("dates")
    assert got[0] == "dates/events.yaml:4:11: event 'e1': date: impossible date 'February 30, 1920'"
    assert (
        got[2]
        == "dates/events.yaml:16:11: event 'e3': date: inverted date range 'June 20–10, 1940'"
    )


def test_instrument_dates_and_party_until() -> None:
    assert lines("instrument-dates") == [
        "instrument-dates/instruments.yaml:6:15: instrument 'pact-of-gamma' enters into force "
        "on 1931 before it was signed (May 4, 1932)",
        "instrument-dates/instruments.yaml:12:12: instrument 'pact-of-delta' ends on April 1932 "
        "before it was signed (May 4, 1932)",
        "instrument-dates/instruments.yaml:17:16: party 'beta' leaves on 1930 before it joined "
        "(May 4, 1932)",
    ]  # beta's adherence in 1931, before signature, is allowed


def test_existence_of_parties_and_event_actors() -> None:
    assert lines("existence") == [
        "existence/events.yaml:5:14: event 'e1' on mid-June 1940 involves 'gamma' after it "
        "ceased to exist (to 1922)",
        "existence/events.yaml:13:15: event 'e2' on 1917 involves 'alpha' before it existed "
        "(from 1918)",
        "existence/instruments.yaml:7:46: party 'alpha' joins on 1917 before it existed "
        "(from 1918)",
        "existence/instruments.yaml:8:46: party 'gamma' joins on May 4, 1932 after it ceased "
        "to exist (to 1922)",
    ]


def test_quote_not_in_source_shows_the_nearest_passage() -> None:
    assert report("quote-not-found").splitlines()[4:] == [
        "quote-not-found/instruments.yaml:7:15: clause 'art-1' quotes text not in source 's'",
        '  quote:   "refrain from acts of agression"',
        '  nearest: "refrain from acts of aggression"',
        "                                   ^ 'r' in the quote, 'g' in the source",
    ]


def test_unknown_event_type_and_norm_kind() -> None:
    got = lines("vocabulary")
    assert (
        "vocabulary/events.yaml:3:11: events[0].type: unknown event type 'invasio'; did you "
        "mean 'invasion'? (the event types are listed in docs/corpus-format.md)" in got
    )
    assert (
        "vocabulary/instruments.yaml:8:22: instruments[0].clauses[0].norm.kind: unknown "
        "norm kind 'forbiddance'; known kinds: prohibition, obligation, renunciation, "
        "guarantee, definition, no_justification" in got
    )


def test_via_must_be_the_predecessor() -> None:
    assert lines("succession") == [
        "succession/instruments.yaml:8:58: party 'alpha' joins via 'beta', which is not its "
        "predecessor"
    ]


def test_hypothetical_facts_and_unsourced_facts() -> None:
    assert lines("hypothetical-and-unsourced") == [
        "hypothetical-and-unsourced/events.yaml:7:19: event 'e1' is marked hypothetical; "
        "hypothetical facts belong in an overlay (--assume FILE)",
        "hypothetical-and-unsourced/events.yaml:9:9: event 'e2' cites no source",
        "hypothetical-and-unsourced/instruments.yaml:2:9: instrument 'pact-of-gamma' cites no "
        "source",
    ]


def test_schema_errors() -> None:
    assert lines("schema") == [
        "schema/events.yaml:2:5: events[0]: missing field 'summary'",
        "schema/events.yaml:6:13: events[0]: unknown field 'colour'",
        "schema/extra.yaml:1:1: unknown top-level key 'treaties'; expected one of actors, "
        "instruments, events, categories, perspectives",
    ]


def test_yaml_syntax_and_missing_metadata() -> None:
    assert lines("yaml-syntax")[0].startswith("yaml-syntax/events.yaml:4:9: YAML syntax error")
    assert lines("no-metadata") == [
        "no-metadata/corpus.yaml:1:1: missing corpus.yaml (the corpus metadata: name, title, "
        "default_source, description)"
    ]


def test_quotes_ignore_runs_of_white_space() -> None:
    assert found("a  b\nc", "x a b c y")
    assert not found("a b d", "x a b c y")


def test_nearest_finds_the_passage_in_a_long_source() -> None:
    # (its speed is a benchmark's business, not a timed test's: docs/performance.md)
    source = " ".join(f"word{i % 997} filler{i}" for i in range(60_000))
    assert nearest("word5 filler5 word6 filer6", source).startswith("word5 filler5")


def test_the_events_rules_may_name_are_those_the_engine_makes() -> None:
    """``foedus.model.HAPPENINGS`` and the event types are what engine/from_corpus.py makes."""
    from foedus.corpus import bundled_path
    from foedus.engine.from_corpus import happenings
    from foedus.model import HAPPENINGS, happening_arities

    made = {(h.name, len(h.args)) for h in happenings(load_corpus(bundled_path()))}
    assert all(arity in happening_arities(name) for name, arity in made)
    import inspect

    from foedus.engine import from_corpus
    from foedus.model.vocabulary import INSTRUMENT_ACTS

    source = inspect.getsource(from_corpus.happenings)
    # the happenings of instrument acts (denounce, withdraw) are named by INSTRUMENT_ACTS
    acts = set(INSTRUMENT_ACTS.values())
    assert "INSTRUMENT_ACTS" in source
    assert all(f'"{name}", (' in source for name in HAPPENINGS if name not in acts)
    assert acts <= set(HAPPENINGS)


def test_problem_lines_are_printable_and_capped() -> None:
    from foedus.errors import MAX_LINE, Problem

    p = Problem("f.yaml", 1, 1, "name '\x1b[2J\x1b[31mred' " + "x" * 60_000 + "\n  quote: ok")
    first, second = str(p).splitlines()
    assert "\x1b" not in str(p) and "\\x1b[2J" in first
    assert len(first) <= MAX_LINE + 40 and first.endswith("characters in all)")
    assert second == "  quote: ok"
