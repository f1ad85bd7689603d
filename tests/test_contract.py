"""The contract: the committed JSON Schema is a fresh generation from foedus.contract, the
knowledge base's answers fit it (and it refuses what does not), and docs/cli.md is a fresh
generation from each command's --help."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from foedus import contract
from foedus.ask import answer_question
from foedus.query import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = contract.load_schema()


@pytest.fixture(scope="module")
def kb(_cache: None) -> KnowledgeBase:
    return KnowledgeBase()


def errors(command: str, data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(contract.schema_for(command, SCHEMA))
    return sorted(e.message for e in validator.iter_errors(data))


def test_committed_schema_is_fresh() -> None:
    assert contract.schema_path().read_text(encoding="utf-8") == contract.render(), (
        "contract.schema.json is stale: run python -m foedus.contract"
    )


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for ref in SCHEMA["x-foedus-commands"].values():
        assert ref.removeprefix("#/$defs/") in SCHEMA["$defs"]


def test_every_command_has_a_shape() -> None:
    assert set(SCHEMA["x-foedus-commands"]) == {
        "events",
        "treaty",
        "treaties",
        "status",
        "holds",
        "timeline",
        "breaches",
        "aggressor",
        "compare",
        "explain",
        "ask",
        "validate",
        "coverage",
    }


def test_all_perspectives_have_a_shape() -> None:
    """``--perspective all`` (contract 4): one shape per command that answers it."""
    assert SCHEMA["x-foedus-contract-version"] == 4
    assert set(SCHEMA["x-foedus-all"]) == {"status", "holds", "treaties", "breaches", "explain"}
    for ref in SCHEMA["x-foedus-all"].values():
        assert ref.removeprefix("#/$defs/") in SCHEMA["$defs"]


@pytest.fixture(scope="module")
def outputs(kb: KnowledgeBase) -> dict[str, list[Any]]:
    """Answers of every command, over the states, dates and perspectives that vary them."""
    nr = kb.with_perspective("non-recognition")
    return {
        "events": [kb.events(), kb.events(actor="ussr", type="invasion")],
        "treaty": [kb.treaty(t.id) for t in kb.corpus.instruments],
        "treaties": [
            kb.treaties(),
            kb.treaties(between=["ussr", "latvia"], on="1940-06-01"),
            kb.treaties(party="estonia", on="1935-01-01"),
        ],
        "status": [
            p.status(a, d)
            for p in (kb, nr)
            for a, d in (
                ("estonia", "1918-06-01"),
                ("latvia", "1940-06-15"),
                ("lithuania", "1943-01-01"),
                ("estonia", "1960-01-01"),
                ("latvia", "1991-09-01"),
            )
        ],
        "holds": [kb.holds("lithuania", "1939-08-26"), nr.holds("estonia", "1960-01-01")],
        "timeline": [kb.timeline("estonia"), nr.timeline("latvia")],
        "breaches": [nr.breaches(against="latvia")],
        "aggressor": [
            kb.aggressor("ussr", "estonia"),
            kb.aggressor("finland", "latvia"),
            kb.aggressor("ussr", "latvia", from_="1941-01-01", to="1941-12-31"),
        ],
        "compare": [kb.compare("soviet", "non-recognition", "latvia")],
        "explain": [kb.explain("aggressor", ["ussr", "finland"])],
        "ask": [
            answer_question(q, kb)
            for q in (
                "Who was the aggressor between the Soviet Union and Estonia in 1940?",
                "Which treaties bound the USSR and Latvia in June 1940?",
                "What was Estonia's status in 1960 according to the non-recognition view?",
            )
        ],
        "validate": [
            {"ok": True, "counts": kb.corpus.counts()},
            {"ok": False, "errors": [{"file": "a.yaml", "line": 1, "col": 2, "message": "bad"}]},
        ],
    }


def test_knowledge_base_answers_fit_the_contract(outputs: dict[str, list[Any]]) -> None:
    for command, answers in outputs.items():
        for data in answers:
            assert errors(command, data) == [], command


def test_models_read_the_answers(outputs: dict[str, list[Any]]) -> None:
    """The pydantic models (the API's response models) accept the same answers."""
    for command, answers in outputs.items():
        for data in answers:
            contract.RESPONSES[command].model_validate(data)


def test_schema_refuses_drift(kb: KnowledgeBase) -> None:
    status = kb.status("estonia", "1960-01-01")
    missing = copy.deepcopy(status)
    del missing["status"]["label"]
    assert errors("status", missing) == ["'label' is a required property"]
    extra = copy.deepcopy(status)
    extra["explanation"]["premises"][0]["why"] = "?"
    assert errors("status", extra) == [
        "Additional properties are not allowed ('why' was unexpected)"
    ]
    bad_day = copy.deepcopy(status)
    bad_day["on"] = "1 January 1960"
    assert errors("status", bad_day) == [
        "'1 January 1960' does not match '^\\\\d{4}-\\\\d{2}-\\\\d{2}$'"
    ]
    assert errors("Error", {"error": {"status": 404, "message": "x"}}) == [
        "'errors' is a required property"
    ]


def _gen_cli_docs() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_fresh() -> None:
    fresh = _gen_cli_docs().render()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == fresh, (
        "docs/cli.md is stale: run python scripts/gen_cli_docs.py"
    )


def test_api_reference_names_every_route() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for command in SCHEMA["x-foedus-commands"]:
        assert f"/api/v1/{command}" in text, command
    for name in ("/api/v1/schema", "/docs", '"error"', "503", "414", "405", "422"):
        assert name in text, name
