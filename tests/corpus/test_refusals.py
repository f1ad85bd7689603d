"""How a bad corpus is refused: every problem in one run, each on its own line at its
file:line:col, named as the validator names records, exit 2 and no traceback.

Each test makes its corpus in ``tmp_path`` from a copy of ``tests/corpora/good`` (and its
special files, a FIFO or a directory, there too).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import good_copy
import pytest
from good_copy import edit, report
from typer.testing import CliRunner

from foedus.cli import app
from foedus.corpus import load_corpus, load_overlay
from foedus.errors import CorpusError

# good_copy's fixtures, used here by name
_env = good_copy._env
copy = good_copy.copy

INVASION = """  - id: southland-invades-northland
    type: invasion
    date: mid-June 1940
    actors: [southland]"""
INVASION_WHOLE = (
    INVASION
    + """
    targets: [northland]
    summary: Southland invades Northland.
    justification: Security of the border.
    sources:
      - In mid-June 1940, Southland invaded Northland."""
)


# --------------------------------------------------------------------------- one run


SALVAGED = {
    "an event's wrong type and its unknown actor": (
        "events.yaml",
        INVASION,
        INVASION.replace("mid-June 1940", "mid-June 1940\n    mode: [1]").replace(
            "[southland]", "[sothland]"
        ),
        [
            "events.yaml:12:11: events[1].mode: expected 'de-jure' or 'de-facto', found [1]",
            "events.yaml:13:14: event 'southland-invades-northland': unknown actor 'sothland'; "
            "did you mean 'southland' or 'northland'?",
        ],
    ),
    "an event's unknown type and its misquote": (
        "events.yaml",
        INVASION_WHOLE,
        INVASION_WHOLE.replace("type: invasion", "type: invasio").replace(
            "Southland invaded", "Southland attacked"
        ),
        [
            "events.yaml:10:11: events[1].type: unknown event type 'invasio'; did you mean "
            "'invasion'? (the event types are listed in docs/corpus-format.md)",
            "events.yaml:17:9: event 'southland-invades-northland' quotes text not in source "
            "'mini'",
        ],
    ),
    "a party's impossible until and its unknown actor": (
        "instruments.yaml",
        "      - actor: southland\n        how: signature\n        date: March 3, 1921\n",
        "      - actor: sothland\n        how: signature\n        date: March 3, 1921\n"
        "        until: June 31, 1940\n",
        [
            "instruments.yaml:12:16: instrument 'treaty-of-harbour': unknown actor 'sothland'; "
            "did you mean 'southland' or 'northland'?",
            "instruments.yaml:15:16: instrument 'treaty-of-harbour': parties[1].until: "
            "impossible date 'June 31, 1940'",
        ],
    ),
    "a norm's unknown kind and its unknown category": (
        "instruments.yaml",
        "          kind: prohibition\n          categories: [aggression]",
        "          kind: forbiddance\n          categories: [agression]",
        [
            "instruments.yaml:22:17: instruments[0].clauses[0].norm.kind: unknown norm kind "
            "'forbiddance'; known kinds: prohibition, obligation, renunciation, guarantee, "
            "definition, no_justification",
            "instruments.yaml:23:24: clause 'art-1': unknown category 'agression'; did you mean "
            "'aggression'?",
        ],
    ),
    "an instrument's wrong kind, its unknown amends and a party before it existed": (
        "instruments.yaml",
        "    kind: treaty\n",
        "    kind: peace-treaty\n    amends: treaty-of-harbor\n",
        [
            "instruments.yaml:4:11: instruments[0].kind: expected 'treaty', 'pact', 'protocol', "
            "'secret-protocol', 'convention', 'declaration', 'charter', 'accords', 'resolution' "
            "or 'agreement', found 'peace-treaty'",
            "instruments.yaml:5:13: instrument 'treaty-of-harbour': unknown instrument "
            "'treaty-of-harbor'",  # (the only instrument is the broken one: no suggestion)
        ],
    ),
    "an actor's wrong kind and its unknown predecessor": (
        "actors.yaml",
        "    name: Southland\n",
        "    name: Southland\n    kind: country\n    predecessor: norland\n",
        [
            "actors.yaml:13:11: actors[1].kind: expected 'state', 'government', 'organisation', "
            "'administrative-entity', 'republic', 'people' or 'other', found 'country'",
            "actors.yaml:14:18: actor 'southland': unknown actor 'norland'; did you mean "
            "'northland'?",
        ],
    ),
    "an id that is no slug, and the record's unknown actor": (
        "events.yaml",
        INVASION,
        INVASION.replace("southland-invades-northland", "Southland Invades").replace(
            "[southland]", "[sothland]"
        ),
        [
            "events.yaml:9:9: events[1].id: expected an id: lower-case letters, digits and "
            "hyphens (e.g. 'southland-invades'), found 'Southland Invades'",
            "events.yaml:12:14: event 'Southland Invades': unknown actor 'sothland'; did you "
            "mean 'southland' or 'northland'?",
        ],
    ),
}


@pytest.mark.parametrize("case", SALVAGED)
def test_a_schema_error_does_not_hide_the_records_other_problems(copy: Path, case: str) -> None:
    name, old, new, expected = SALVAGED[case]
    edit(copy, name, old, new)
    got = report(copy)
    assert [line for line in got if not line.startswith("  ")] == expected


BROKEN_ONLY = {
    "sources of a wrong type: no 'cites no source'": (
        "events.yaml",
        "    sources:\n      - In mid-June 1940, Southland invaded Northland.\n",
        "    sources: 17\n",
        "events.yaml:16:14: events[1].sources: expected a list, found 17",
    ),
    "a flag of a wrong type: no 'marked hypothetical'": (
        "events.yaml",
        "    summary: Southland invades Northland.\n",
        "    summary: Southland invades Northland.\n    hypothetical: maybe\n",
        "events.yaml:15:19: events[1].hypothetical: expected true or false, found 'maybe'",
    ),
    "an instrument of a wrong type: no 'names no instrument'": (
        "events.yaml",
        INVASION,
        INVASION.replace("invasion", "denunciation").replace(
            "mid-June 1940", "mid-June 1940\n    instrument: [treaty-of-harbour]"
        ),
        "events.yaml:12:17: events[1].instrument: expected text, found ['treaty-of-harbour']",
    ),
    "an impossible date: no existence checked against it": (
        "events.yaml",
        "    date: 2 February 1920\n",
        "    date: 1920-02-30\n",
        "events.yaml:4:11: event 'northland-independence': date: impossible date '1920-02-30'",
    ),
    "a clause text of a wrong type: not looked up in the source": (
        "instruments.yaml",
        "    text: to refrain from acts of aggression against one another\n",
        "    text: [to refrain]\n",
        "instruments.yaml:20:15: instruments[0].clauses[0].text: expected text, "
        "found ['to refrain']",
    ),
}


@pytest.mark.parametrize("case", BROKEN_ONLY)
def test_the_broken_field_of_a_record_causes_no_second_problem(copy: Path, case: str) -> None:
    name, old, new, expected = BROKEN_ONLY[case]
    edit(copy, name, old, new)
    assert report(copy) == [expected]


def test_an_overlays_schema_error_does_not_hide_its_unknown_actor(
    copy: Path, tmp_path: Path
) -> None:
    good = load_corpus(copy)
    overlay = copy / "what-if.yaml"
    overlay.write_text(
        "events:\n"
        "  - id: blockade\n"
        "    type: naval_blockade\n"
        "    date: 1939-09-01\n"
        "    mode: [1]\n"
        "    actors: [sothland]\n"
        "    summary: A blockade.\n"
        "  - id: southland-invades-northland\n"  # restates a corpus event
        "    type: invasion\n"
        "    date: 1940-06-31\n"
        "    actors: [southland]\n"
        "    summary: Restated.\n",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as info:
        load_overlay(overlay, good)
    assert info.value.report().splitlines() == [
        "what-if.yaml:5:11: events[0].mode: expected 'de-jure' or 'de-facto', found [1]",
        "what-if.yaml:6:14: event 'blockade': unknown actor 'sothland'; did you mean "
        "'southland' or 'northland'?",
        "what-if.yaml:10:11: event 'southland-invades-northland': date: impossible date "
        "'1940-06-31'",
    ]  # neither hypothetical nor 'cites no source', nor a duplicate of the restated event


@pytest.mark.parametrize("broken", ["first", "second"])
def test_a_duplicate_id_is_reported_whichever_copy_is_broken(copy: Path, broken: str) -> None:
    """A record that failed its schema still has its id: the other record with it is a
    duplicate (reported now, not once the schema error is fixed)."""
    edit(copy, "events.yaml", "  - id: us-non-recognition\n", "  - id: northland-restoration\n")
    at = "    date: August 1940\n" if broken == "first" else "    date: 1991\n"
    edit(copy, "events.yaml", at, at + "    colour: red\n")
    got = report(copy)
    assert got == DUPLICATES[broken]


DUPLICATES = {
    "first": [
        "events.yaml:21:13: events[2]: unknown field 'colour'",
        "events.yaml:27:9: duplicate event id 'northland-restoration' "
        "(first defined at events.yaml:18:9)",
    ],
    "second": [
        "events.yaml:26:9: duplicate event id 'northland-restoration' "
        "(first defined at events.yaml:18:9)",
        "events.yaml:29:13: events[3]: unknown field 'colour'",
    ],
}


# --------------------------------------------------------------------------- dates by id


def test_a_date_error_names_its_record_by_id(copy: Path) -> None:
    edit(copy, "events.yaml", "    date: 2 February 1920\n", "    date: 1940-13-01\n")
    edit(
        copy,
        "events.yaml",
        "    date: 1991\n",
        "    date: {earliest: 1991-02-30, latest: 1991-12-31, text: '1991'}\n",
    )
    edit(copy, "actors.yaml", "    existed_from: 1900\n", "    existed_from: June 20–10, 1900\n")
    assert report(copy) == [
        "actors.yaml:15:19: actor 'southland': existed_from: inverted date range "
        "'June 20–10, 1900'",
        "events.yaml:4:11: event 'northland-independence': date: impossible date '1940-13-01'",
        "events.yaml:28:22: event 'northland-restoration': date.earliest: expected an ISO day "
        "(YYYY-MM-DD) that exists, found '1991-02-30'",
    ]


def test_a_record_without_an_id_is_named_by_its_place(copy: Path) -> None:
    edit(copy, "events.yaml", "  - id: northland-independence\n", "  - notes: no id\n")
    edit(copy, "events.yaml", "    date: 2 February 1920\n", "    date: 1940-13-01\n")
    got = report(copy)
    assert "events.yaml:4:11: events[0].date: impossible date '1940-13-01'" in got
    assert "events.yaml:2:5: events[0]: missing field 'id'" in got


def test_an_empty_date_is_shown_at_its_key(copy: Path) -> None:
    edit(copy, "events.yaml", "    date: 2 February 1920\n", "    date:\n")
    assert report(copy) == [
        "events.yaml:4:5: event 'northland-independence': date: expected a date, found nothing "
        "(the value is empty)"
    ]  # not 5:5 (the next key), nor "expected a mapping"


# --------------------------------------------------------------------------- sources


def test_a_missing_default_source_is_one_line_at_corpus_yaml(copy: Path) -> None:
    (copy / "sources" / "mini.txt").rename(copy / "sources" / "mini.md")
    assert report(copy) == [
        "corpus.yaml:3:17: corpus.yaml default_source: unknown source 'mini' (there is no "
        "sources/mini.txt)",
        "instruments.yaml:33:17: instrument 'treaty-of-harbour': unknown source 'mini'",
    ]  # once, and where a quote names it; not at every quote that names no source


def test_a_misnamed_default_source_suggests_the_file(copy: Path) -> None:
    (copy / "sources" / "mini.txt").rename(copy / "sources" / "Mini.txt")
    assert report(copy) == [
        "corpus.yaml:3:17: corpus.yaml default_source: unknown source 'mini' (there is no "
        "sources/mini.txt); did you mean 'Mini'?",
        "instruments.yaml:33:17: instrument 'treaty-of-harbour': unknown source 'mini'; did you "
        "mean 'Mini'?",
    ]


def test_a_quote_that_names_an_unknown_source_is_still_reported_where_it_names_it(
    copy: Path,
) -> None:
    edit(copy, "instruments.yaml", "        source: mini\n", "        source: mimi\n")
    assert report(copy) == [
        "instruments.yaml:33:17: instrument 'treaty-of-harbour': unknown source 'mimi'; did you "
        "mean 'mini'?"
    ]


def test_an_unreadable_source_is_reported_once_where_it_is(copy: Path) -> None:
    f = copy / "sources" / "mini.txt"
    f.write_bytes(f.read_bytes() + b"\n\xff\n")
    assert report(copy) == ["sources/mini.txt:15:1: cannot read source: not UTF-8 (byte 0xff)"]


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_an_empty_source_is_one_line(copy: Path, text: str) -> None:
    (copy / "sources" / "mini.txt").write_text(text, encoding="utf-8")
    assert report(copy) == [
        "sources/mini.txt:1:1: source is empty: a source is the text its quotes are in"
    ]  # not every quote "not in source", with an empty nearest passage


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_an_empty_yaml_file_is_refused(copy: Path, text: str) -> None:
    (copy / "events.yaml").write_text(text, encoding="utf-8")
    assert report(copy) == [
        "events.yaml:1:1: the file is empty; a corpus file is a mapping with top-level lists "
        "actors, instruments, events, categories, perspectives (remove the file if it is not "
        "needed)"
    ]  # it was read as no events at all


def test_a_yaml_file_of_comments_only_is_a_placeholder(copy: Path) -> None:
    (copy / "more.yaml").write_text("# events to come\n", encoding="utf-8")
    assert len(load_corpus(copy).events) == 4


PERSPECTIVES = """perspectives:
  - id: own
    name: Own
    description: The corpus's own view.
    rules: ["foedus:base", rules/own.rules]
    replaces: [sovereignty_ends]
"""
OWN_RULES = b"sovereignty_ends: terminated sovereign(X) when annexation(_, X).\n"


def test_a_rule_file_with_a_byte_order_mark_is_one_line(copy: Path) -> None:
    (copy / "perspectives.yaml").write_text(PERSPECTIVES, encoding="utf-8")
    (copy / "rules" / "own.rules").write_bytes(b"\xef\xbb\xbf" + OWN_RULES)
    assert report(copy) == [
        "rules/own.rules:1:1: rule file begins with a byte order mark (U+FEFF), which the rule "
        "language does not read; save it as UTF-8 without one"
    ]  # not a syntax error at an invisible character


def test_a_perspective_with_an_unreadable_rule_file_is_not_checked_without_it(
    copy: Path,
) -> None:
    (copy / "perspectives.yaml").write_text(PERSPECTIVES, encoding="utf-8")
    (copy / "rules" / "own.rules").write_bytes(OWN_RULES + b"% \xff\n")
    assert report(copy) == ["rules/own.rules:2:3: cannot read rule file: not UTF-8 (byte 0xff)"]
    # not also: perspective 'own' replaces unknown rule 'sovereignty_ends'


def test_a_utf16_file_says_so(copy: Path) -> None:
    f = copy / "events.yaml"
    f.write_bytes(f.read_text(encoding="utf-8").encode("utf-16"))
    assert report(copy) == [
        "events.yaml:1:1: cannot read file: not UTF-8 but UTF-16 (by its byte order mark); "
        "save it as UTF-8"
    ]


def test_a_tab_in_the_indentation_says_what_to_do(copy: Path) -> None:
    edit(copy, "events.yaml", "    type: invasion\n", "\ttype: invasion\n")
    (line,) = report(copy)
    assert line.startswith("events.yaml:10:1: YAML syntax error: ")
    assert line.endswith(
        "'\\t' that cannot start any token (YAML indents with spaces, not tabs: replace the tab)"
    )


# --------------------------------------------------------------------------- a new user's mistakes

Mistake = Callable[[Path], None]


def _long_actor(root: Path) -> None:
    edit(root, "events.yaml", "    actors: [northland]\n", f"    actors: [{'n' * 100_000}]\n")


def _fifo(root: Path) -> None:
    os.mkfifo(root / "more.yaml")


def _latin1(root: Path) -> None:
    f = root / "events.yaml"
    f.write_bytes(
        f.read_bytes().replace(b"Southland invades", "Southland envahit à".encode("latin-1"))
    )


MISTAKES: dict[str, tuple[Mistake, str, str]] = {
    "a tab": (
        lambda r: edit(r, "events.yaml", "    type: invasion\n", "\ttype: invasion\n"),
        "events.yaml:10:1:",
        "not tabs",
    ),
    "month 13": (
        lambda r: edit(r, "events.yaml", "date: 2 February 1920", "date: 1940-13-01"),
        "events.yaml:4:11:",
        "event 'northland-independence': date: impossible date '1940-13-01'",
    ),
    "a range that ends before it starts": (
        lambda r: edit(
            r,
            "events.yaml",
            "date: 2 February 1920",
            "date: {earliest: 1920-02-10, latest: 1920-02-01, text: 2 February 1920}",
        ),
        "events.yaml:4:11:",
        "event 'northland-independence': date: inverted date range",
    ),
    "a duplicate id": (
        lambda r: edit(r, "events.yaml", "id: us-non-recognition", "id: northland-independence"),
        "events.yaml:18:9:",
        "duplicate event id 'northland-independence' (first defined at events.yaml:2:9)",
    ),
    "an alias that is another actor's name": (
        lambda r: edit(r, "actors.yaml", "[Soviets, Southern Union]", "[Soviets, Northland]"),
        "actors.yaml:13:24:",
        "actor 'southland': name 'Northland' is confusable with 'northland', a name of actor "
        "'northland'",
    ),
    "a party that does not exist yet when it signs": (
        lambda r: edit(r, "instruments.yaml", "date: March 3, 1921", "date: March 3, 1911"),
        "instruments.yaml:11:15:",
        "party 'northland' joins on March 3, 1911 before it existed (from 2 February 1920)",
    ),
    "a quote not verbatim": (
        lambda r: edit(
            r, "events.yaml", "Southland invaded Northland.", "Southland invaded Nortland."
        ),
        "events.yaml:17:9:",
        "event 'southland-invades-northland' quotes text not in source 'mini'",
    ),
    "a source file missing": (
        lambda r: (r / "sources" / "mini.txt").unlink(),
        "corpus.yaml:3:17:",
        "corpus.yaml default_source: unknown source 'mini' (there is no sources/mini.txt)",
    ),
    "an empty file": (
        lambda r: (r / "events.yaml").write_text(""),
        "events.yaml:1:1:",
        "the file is empty",
    ),
    "a directory named as a file": (
        lambda r: (r / "more.yaml").mkdir(),
        "more.yaml:1:1:",
        "cannot read file: a directory, not a regular file",
    ),
    "a fifo": (
        _fifo,
        "more.yaml:1:1:",
        "cannot read file: a FIFO (named pipe), not a regular file",
    ),
    "an unknown rule file": (
        lambda r: (r / "perspectives.yaml").write_text(
            "perspectives:\n  - id: p\n    name: P\n    description: d\n"
            "    rules: [foedus:base, rules/bsae.rules]\n"
        ),
        "perspectives.yaml:5:26:",
        "perspective 'p': unknown rule file 'rules/bsae.rules'; did you mean 'rules/base.rules'",
    ),
    "a file in Latin-1": (_latin1, "events.yaml:14:32:", "cannot read file: not UTF-8 (byte 0xe0)"),
    "a byte order mark in a rule file": (
        lambda r: (r / "rules" / "base.rules").write_bytes(
            b"\xef\xbb\xbf" + (r / "rules" / "base.rules").read_bytes()
        ),
        "rules/base.rules:1:1:",
        "rule file begins with a byte order mark (U+FEFF)",
    ),
    "CRLF line ends, and a mistake": (
        lambda r: (r / "events.yaml").write_bytes(
            (r / "events.yaml")
            .read_bytes()
            .replace(b"date: 1991", b"date: 1991-13")
            .replace(b"\n", b"\r\n")
        ),
        "events.yaml:28:11:",
        "event 'northland-restoration': date: impossible date '1991-13'",
    ),
    "a very long line": (_long_actor, "events.yaml:5:14:", "unknown actor 'nnnnnnnn"),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_a_new_users_mistake_is_one_line_at_its_place_and_exit_2(copy: Path, case: str) -> None:
    mistake, place, words = MISTAKES[case]
    mistake(copy)
    result = CliRunner().invoke(app, ["validate", "--corpus", "."])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = [x for x in result.stderr.splitlines() if not x.startswith("  ")]
    assert all(re.match(r"\S[^:]*:\d+:\d+: \S", x) for x in lines), lines
    assert all(len(x) <= 360 for x in lines)  # cut at 300 characters, with its length given
    assert any(x.startswith(place) and words in x for x in lines), lines


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="a byte order mark"),
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="CRLF line ends"),
        pytest.param(lambda b: b.replace(b"\n", b"\r"), id="CR line ends"),
    ],
)
def test_what_is_only_another_way_of_writing_text_is_read(
    copy: Path, change: Callable[[bytes], bytes]
) -> None:
    for f in [*copy.glob("*.yaml"), *copy.glob("sources/*.txt")]:
        f.write_bytes(change(f.read_bytes()))
    corpus = load_corpus(copy)
    assert corpus.counts() == {"actors": 3, "instruments": 1, "events": 4, "quotes": 9}


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            "    event_types: invasion\n",
            "categories.yaml:4:18: categories[0].event_types: expected a list, found 'invasion'",
        ),
        ("", "categories.yaml:2:5: categories[0]: missing field 'event_types'"),
    ],
)
def test_a_required_list_with_an_error_is_checked_as_empty(
    copy: Path, new: str, expected: str
) -> None:
    """Pinned from a fuzzer: the salvaged category had no list to check (a TypeError)."""
    edit(copy, "categories.yaml", "    event_types: [invasion, attack, naval_blockade]\n", new)
    assert report(copy) == [expected]
