"""How instruments end (docs/decisions/0008-how-instruments-end.md), and each perspective's
breaches from its own rules (docs/decisions/0009-consent-in-a-perspective.md): issue 17,
points 2 and 3.

A small corpus written here (three states, a bilateral and a multilateral treaty, a political
pact, a treaty replaced by another) and the bundled Baltic corpus.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.engine.timepoints import query_point
from foedus.errors import UserError
from foedus.query import KnowledgeBase

SOURCE = (
    "Alpha and Beta signed the Harbour Treaty in 1920. "
    "Alpha, Beta and Gamma signed the Lake Convention in 1921. "
    "Alpha and Gamma signed the Old Treaty in 1922, and the New Treaty replaced it in 1930. "
    "Beta and Gamma signed the Border Pact in 1923. "
    "Alpha denounced the Harbour Treaty in 1935. "
    "Alpha withdrew from the Lake Convention in 1936. "
    "Beta invaded Gamma in 1939."
)

CORPUS = {
    "corpus.yaml": "name: ends\ntitle: How instruments end\ndefault_source: mini\n",
    "perspectives.yaml": """
perspectives:
  - id: de-facto
    name: De facto
    description: What held in fact.
    rules: ["foedus:base", "foedus:de-facto"]
  - id: non-recognition
    name: Non-recognition
    description: What held in law.
    rules: ["foedus:base", "foedus:non-recognition"]
""",
    "actors.yaml": """
actors:
  - {id: alpha, name: Alpha, existed_from: 1900}
  - {id: beta, name: Beta, existed_from: 1900}
  - {id: gamma, name: Gamma, existed_from: 1900}
""",
    "instruments.yaml": """
instruments:
  - id: harbour-treaty
    name: Harbour Treaty
    kind: treaty
    signed: 1920-03-01
    sources: ["Alpha and Beta signed the Harbour Treaty in 1920"]
    parties:
      - {actor: alpha, how: signature, date: 1920-03-01}
      - {actor: beta, how: signature, date: 1920-03-01}
  - id: lake-convention
    name: Lake Convention
    kind: convention
    signed: 1921-03-01
    sources: ["Alpha, Beta and Gamma signed the Lake Convention in 1921"]
    parties:
      - {actor: alpha, how: signature, date: 1921-03-01}
      - {actor: beta, how: signature, date: 1921-03-01}
      - {actor: gamma, how: signature, date: 1921-03-01}
  - id: old-treaty
    name: Old Treaty
    kind: treaty
    signed: 1922-03-01
    sources: ["Alpha and Gamma signed the Old Treaty in 1922"]
    parties:
      - {actor: alpha, how: signature, date: 1922-03-01}
      - {actor: gamma, how: signature, date: 1922-03-01}
  - id: new-treaty
    name: New Treaty
    kind: treaty
    signed: 1930-03-01
    supersedes: [old-treaty]
    sources: ["the New Treaty replaced it in 1930"]
    parties:
      - {actor: alpha, how: signature, date: 1930-03-01}
      - {actor: gamma, how: signature, date: 1930-03-01}
  - id: border-pact
    name: Border Pact
    kind: pact
    political: true
    signed: 1923-03-01
    sources: ["Beta and Gamma signed the Border Pact in 1923"]
    parties:
      - {actor: beta, how: signature, date: 1923-03-01}
      - {actor: gamma, how: signature, date: 1923-03-01}
""",
    "events.yaml": """
events:
  - id: alpha-denounces-harbour
    type: denunciation
    date: 1935-03-01
    actors: [alpha]
    instrument: harbour-treaty
    summary: Alpha denounces the Harbour Treaty.
    sources: ["Alpha denounced the Harbour Treaty in 1935"]
  - id: alpha-leaves-lake
    type: withdrawal_from_treaty
    date: 1936-03-01
    actors: [alpha]
    instrument: lake-convention
    summary: Alpha withdraws from the Lake Convention.
    sources: ["Alpha withdrew from the Lake Convention in 1936"]
  - id: beta-invades-gamma
    type: invasion
    date: 1939-03-01
    actors: [beta]
    targets: [gamma]
    summary: Beta invades Gamma.
    sources: ["Beta invaded Gamma in 1939"]
""",
}


def write_corpus(root: Path, changes: dict[str, str] | None = None) -> Path:
    files = {**CORPUS, **(changes or {})}
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "mini.txt").write_text(SOURCE + "\n", encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text.lstrip(), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(write_corpus(tmp_path_factory.mktemp("ends") / "corpus"))


def ids_on(kb: KnowledgeBase, day: str, **query: Any) -> dict[str, str]:
    got = kb.treaties(on=date.fromisoformat(day), **query)["treaties"]
    return {t["id"]: t["certainty"] for t in got}


def in_force_rows(kb: KnowledgeBase, instrument: str) -> list[tuple[Any, ...]]:
    return (
        kb.cursor()
        .execute(
            'SELECT start, "end", certainty, terminated_by FROM fluents WHERE perspective = ? '
            "AND fluent = 'in_force' AND args = [?] ORDER BY start",
            [kb.perspective, instrument],
        )
        .fetchall()
    )


def test_a_denunciation_ends_a_bilateral_instrument(small: KnowledgeBase) -> None:
    assert "harbour-treaty" in ids_on(small, "1935-02-01", between=("alpha", "beta"))
    assert "harbour-treaty" not in ids_on(small, "1935-03-02", between=("alpha", "beta"))
    # it ends as an instrument, not only for Alpha
    assert "harbour-treaty" not in ids_on(small, "1935-03-02")
    assert in_force_rows(small, "harbour-treaty")[-1][3] == "alpha-denounces-harbour"
    # nor is it an instrument of Beta's once it ended, though Beta never left it
    assert "harbour-treaty" in ids_on(small, "1935-02-01", party="beta")
    assert "harbour-treaty" not in ids_on(small, "1935-03-02", party="beta")


def test_a_party_s_until_is_its_denunciation_or_withdrawal(small: KnowledgeBase) -> None:
    """A party that left by an event (the corpus gives no `until`) is shown until then."""

    def until(ins: str) -> dict[str, str | None]:
        parties = small.treaty(ins)["parties"]
        return {p["actor"]["id"]: (p["until"] or {}).get("earliest") for p in parties}

    assert until("harbour-treaty") == {"alpha": "1935-03-01", "beta": None}
    assert until("lake-convention")["alpha"] == "1936-03-01"
    assert until("lake-convention")["beta"] is None


def test_ask_when_a_party_left_is_its_withdrawal_not_a_troop_withdrawal(
    small: KnowledgeBase,
) -> None:
    from foedus.ask import answer_question

    got = answer_question("When did Alpha leave the Lake Convention?", small)
    assert got["query"]["command"] == "treaty"
    assert "Alpha: signature 1921-03-01, until 1936-03-01" in got["notes"]


def test_an_occupier_s_withdrawal_ends_its_control(tmp_path: Path) -> None:
    """Armed forces withdrawn, the occupier controls the territory no longer (foedus:base's
    control_ends_by_withdrawal): Gamma, occupied by Beta in 1939, is not occupied once Beta
    withdraws, and controls itself again, as before Beta took its control from it
    (control_regained_by_withdrawal, docs/rules.md "Control after a withdrawal")."""
    events = CORPUS["events.yaml"] + "".join(
        f"  - id: beta-{what}-gamma\n"
        f"    type: {kind}\n"
        f"    date: {day}\n"
        "    actors: [beta]\n"
        "    targets: [gamma]\n"
        f"    summary: Beta {what} Gamma.\n"
        '    sources: ["Beta invaded Gamma in 1939"]\n'
        for what, kind, day in (
            ("occupies", "occupation", "1939-04-01"),
            ("leaves", "withdrawal", "1940-01-01"),
        )
    )
    kb = KnowledgeBase(write_corpus(tmp_path / "c", {"events.yaml": events}))

    def status(day: str) -> dict[str, Any]:
        st = kb.status("gamma", date.fromisoformat(day))["status"]
        return {
            k: [v["value"]["id"] for v in st[k] or []] for k in ("controlled_by", "occupied_by")
        }

    assert status("1939-06-01") == {"controlled_by": ["beta"], "occupied_by": ["beta"]}
    assert status("1940-06-01") == {"controlled_by": ["gamma"], "occupied_by": []}


def test_a_withdrawal_ends_one_membership_of_a_multilateral_instrument(
    small: KnowledgeBase,
) -> None:
    assert "lake-convention" in ids_on(small, "1936-02-01", party="alpha")
    assert "lake-convention" not in ids_on(small, "1936-03-02", party="alpha")
    # the others stay bound among themselves, and it stays in force
    assert "lake-convention" in ids_on(small, "1936-03-02", between=("beta", "gamma"))
    assert "lake-convention" in ids_on(small, "1936-03-02")


def test_an_instrument_that_supersedes_another_ends_it(small: KnowledgeBase) -> None:
    assert ids_on(small, "1929-01-01", between=("alpha", "gamma")) == {
        "lake-convention": "certain",
        "old-treaty": "certain",
    }
    assert ids_on(small, "1931-01-01", between=("alpha", "gamma")) == {
        "lake-convention": "certain",
        "new-treaty": "certain",
    }


def test_war_between_the_parties_ends_a_political_instrument_in_fact_only(
    small: KnowledgeBase,
) -> None:
    assert "border-pact" in ids_on(small, "1939-02-01", between=("beta", "gamma"))
    assert "border-pact" not in ids_on(small, "1939-03-02", between=("beta", "gamma"))
    # the Lake Convention is not political: the invasion does not end it
    assert "lake-convention" in ids_on(small, "1939-03-02", between=("beta", "gamma"))
    # non-recognition has no such rule: the pact stays in force there, but only possibly,
    # with the reason given, since the source gives no end and de facto it ended
    law = small.with_perspective("non-recognition")
    got = {
        t["id"]: t for t in law.treaties(between=("beta", "gamma"), on=date(1950, 1, 1))["treaties"]
    }
    assert got["border-pact"]["certainty"] == "possible"
    assert "de-facto perspective it ends" in got["border-pact"]["certainty_note"]
    assert "Beta invades Gamma" in got["border-pact"]["certainty_note"]
    assert got["lake-convention"]["certainty"] == "certain"
    assert got["lake-convention"]["certainty_note"] is None


def test_extinction_ends_a_party_s_membership(tmp_path: Path) -> None:
    actors = CORPUS["actors.yaml"].replace(
        "{id: beta, name: Beta, existed_from: 1900}",
        "{id: beta, name: Beta, existed_from: 1900, existed_to: 1925-01-01}",
    )
    events = CORPUS["events.yaml"].split("  - id: beta-invades-gamma")[0]
    kb = KnowledgeBase(write_corpus(tmp_path / "c", {"actors.yaml": actors, "events.yaml": events}))
    assert "lake-convention" in ids_on(kb, "1924-12-01", party="beta")
    assert ids_on(kb, "1925-01-02", party="beta") == {}
    assert "lake-convention" in ids_on(kb, "1925-01-02", between=("alpha", "gamma"))


def test_a_status_over_a_range_includes_the_actor_s_end(tmp_path: Path) -> None:
    """Over a range in which the actor ceases to exist (no period of status follows its
    last), the status says what held after: "independent, then not sovereign", not only
    "independent"."""
    from foedus.ask.expand import status_over

    actors = CORPUS["actors.yaml"].replace(
        "{id: beta, name: Beta, existed_from: 1900}",
        "{id: beta, name: Beta, existed_from: 1900, existed_to: 1925-01-01}",
    )
    events = CORPUS["events.yaml"].split("  - id: beta-invades-gamma")[0]
    kb = KnowledgeBase(write_corpus(tmp_path / "c", {"actors.yaml": actors, "events.yaml": events}))
    got = status_over(kb, "beta", "1924-06-01", "1925-06-01")["status"]
    assert got["label"] == "independent, then not sovereign"
    assert {v["value"] for v in got["sovereign"]} == {True, False}


def test_a_denunciation_must_name_its_instrument(tmp_path: Path) -> None:
    events = CORPUS["events.yaml"].replace("    instrument: harbour-treaty\n", "")
    root = write_corpus(tmp_path / "c", {"events.yaml": events})
    result = CliRunner().invoke(app, ["validate", "--corpus", str(root)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{root / 'events.yaml'}:3:11: ")
    assert "'denunciation' names no instrument" in lines[0]
    assert "Traceback" not in result.output


def test_only_a_party_can_denounce_an_instrument(tmp_path: Path) -> None:
    """The rules end a bilateral instrument on any denunciation of it: one by a state that
    is not its party would end the others' treaty, so it is refused, with where it is."""
    events = CORPUS["events.yaml"].replace(
        "    actors: [alpha]\n    instrument: harbour-treaty",
        "    actors: [gamma]\n    instrument: harbour-treaty",
    )
    assert events != CORPUS["events.yaml"]
    root = write_corpus(tmp_path / "c", {"events.yaml": events})
    result = CliRunner().invoke(app, ["validate", "--corpus", str(root)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{root / 'events.yaml'}:5:14: ")
    assert "'gamma' is not a party of 'harbour-treaty' (its parties: alpha, beta)" in lines[0]
    assert "Traceback" not in result.output


def test_a_possible_breach_says_possibly(tmp_path: Path) -> None:
    """An act that breaches a pact only if the pact had not yet ended (the war that ends it in
    fact dated only "March 1939", the act 15 March 1939) is "possibly breached" in its explanation
    and summary, not stated as fact; an act that breached nothing is said to, not unknown."""
    pact = CORPUS["instruments.yaml"].replace(
        '    sources: ["Beta and Gamma signed the Border Pact in 1923"]\n',
        '    sources: ["Beta and Gamma signed the Border Pact in 1923"]\n'
        "    clauses:\n"
        "      - id: art-1\n"
        "        article: '1'\n"
        "        text: Beta and Gamma signed the Border Pact in 1923\n"
        "        norm: {kind: guarantee, categories: [held]}\n",
    )
    events = CORPUS["events.yaml"].replace("    date: 1939-03-01\n", "    date: March 1939\n")
    events += (
        "  - id: beta-occupies-gamma\n"
        "    type: occupation\n"
        "    date: 1939-03-15\n"
        "    actors: [beta]\n"
        "    targets: [gamma]\n"
        "    summary: Beta occupies Gamma.\n"
        '    sources: ["Beta invaded Gamma in 1939"]\n'
    )
    cats = "categories:\n  - {id: held, name: Held, event_types: [occupation]}\n"
    kb = KnowledgeBase(
        write_corpus(
            tmp_path / "c",
            {"instruments.yaml": pact, "events.yaml": events, "categories.yaml": cats},
        )
    )
    got = kb.explain("breach", ["beta-occupies-gamma", "border-pact"])
    assert got["explanation"]["certainty"] == "possible"
    assert (
        "Beta occupies Gamma (1939-03-15) possibly breached Border Pact, clause art-1"
        == (got["explanation"]["conclusion"])
    )
    assert "possibly breached" in got["summary"]["text"]
    with pytest.raises(UserError, match="beta-invades-gamma breached no clause of Border Pact "):
        kb.explain("breach", ["beta-invades-gamma", "border-pact"])


# --- the bundled corpus ---------------------------------------------------------------------


def test_the_pact_is_not_certain_decades_later(kb_factory: Any) -> None:
    """`foedus treaties --between USSR Germany --on 1985-01-01` listed the Molotov–Ribbentrop
    Pact and both secret protocols as certain."""
    pact = {"molotov-ribbentrop-pact", "secret-protocol", "second-secret-protocol"}
    fact = ids_on(kb_factory("de-facto"), "1985-01-01", between=("USSR", "Germany"))
    assert not pact & set(fact)
    for view in ("non-recognition", "soviet"):
        got = kb_factory(view).treaties(between=("USSR", "Germany"), on=date(1985, 1, 1))
        for t in got["treaties"]:
            if t["id"] in pact:
                assert t["certainty"] == "possible"
                assert "The source gives no end" in t["certainty_note"]
                assert "Operation Barbarossa" in t["certainty_note"]
        assert pact <= {t["id"] for t in got["treaties"]}


def test_the_pact_ends_with_the_german_invasion_of_1941_de_facto(kb_factory: Any) -> None:
    kb = kb_factory("de-facto")
    for ins in ("molotov-ribbentrop-pact", "secret-protocol", "second-secret-protocol"):
        rows = in_force_rows(kb, ins)
        ends = [r for r in rows if r[1] is not None]
        assert ends, ins
        assert max(r[1] for r in ends) <= query_point(date(1942, 1, 1))
        assert all(str(r[3]).startswith("germany-invades-") for r in ends)
    # "In 1941": possibly in force during 1941, certainly not after it
    assert ids_on(kb, "1940-12-01", between=("USSR", "Germany"))["molotov-ribbentrop-pact"] == (
        "certain"
    )
    assert ids_on(kb, "1941-06-01", between=("USSR", "Germany"))["molotov-ribbentrop-pact"] == (
        "possible"
    )
    assert "molotov-ribbentrop-pact" not in ids_on(kb, "1942-01-01", between=("USSR", "Germany"))


def test_the_cli_table_says_what_is_not_known(tmp_path: Path, kb_factory: Any) -> None:
    result = CliRunner().invoke(
        app,
        ["treaties", "--between", "USSR", "Germany", "--on", "1985-01-01"]
        + ["--perspective", "soviet", "--json"],
    )
    assert result.exit_code == 0, result.stderr
    got = {t["id"]: t for t in json.loads(result.stdout)["treaties"]}
    assert got["molotov-ribbentrop-pact"]["certainty"] == "possible"
    table = CliRunner().invoke(
        app,
        [
            "treaties",
            "--between",
            "USSR",
            "Germany",
            "--on",
            "1985-01-01",
            "--perspective",
            "soviet",
        ],
    )
    assert "is not known" in " ".join(table.stdout.split())


def breach_types(kb: KnowledgeBase) -> set[str]:
    got = kb.breaches(by="USSR", against="Estonia")["breaches"]
    return {b["event"]["type"] for b in got}


def test_the_soviet_view_s_voluntary_accession_breaches_nothing(kb_factory: Any) -> None:
    """`foedus breaches --perspective soviet --by USSR --against Estonia` listed the 1940
    annexation as breaching Tartu, the non-aggression treaty and the mutual-assistance pact,
    though the Soviet view treats the accession as voluntary."""
    soviet = breach_types(kb_factory("soviet"))
    assert "annexation" not in soviet and "incorporation" not in soviet
    # what it does not read as consented it still counts, and says why
    assert {"invasion", "occupation"} <= soviet
    got = kb_factory("soviet").breaches(by="USSR", against="Estonia")["breaches"]
    invasion = next(b for b in got if b["event"]["type"] == "invasion")
    text = json.dumps(invasion["explanation"])
    assert "no consent" in text and "admission_requested_annexation" in text
    # the other views, whose rules give no consent, still count the annexation
    for view in ("de-facto", "non-recognition"):
        assert {"annexation", "incorporation"} <= breach_types(kb_factory(view))
