"""Typed records, the generated JSON Schema, and the docs kept in step with the vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from foedus.corpus import schema
from foedus.model import (
    EVENT_TYPES,
    NORM_KINDS,
    Actor,
    CorpusFile,
    Event,
    FuzzyDate,
    Instrument,
    Norm,
)

DOCS = Path(__file__).parents[2] / "docs" / "corpus-format.md"


def test_actor_names_include_every_alias_and_code() -> None:
    a = Actor(
        id="ussr",
        name="Soviet Union",
        aliases=["USSR"],
        iso3166=["SU"],
        cow=[365],
        wikidata=["Q15180"],
    )
    assert a.names() == ["ussr", "Soviet Union", "USSR", "SU", "365", "Q15180"]


def test_quotes_may_be_plain_strings() -> None:
    e = Event(
        id="e",
        type="invasion",
        date="mid-June 1940",
        actors=["ussr"],
        summary="s",
        sources=["a quote", {"source": "other", "quote": "b"}],
    )
    assert [(q.source, q.quote) for q in e.sources] == [("", "a quote"), ("other", "b")]


def test_dates_in_every_corpus_form() -> None:
    e = Event(id="e", type="invasion", date=1991, actors=["a"], summary="s")
    assert (e.date.earliest.isoformat(), e.date.latest.isoformat()) == ("1991-01-01", "1991-12-31")
    d = FuzzyDate.coerce({"earliest": "1940-06-14", "latest": "1940-06-17", "text": "x"})
    assert d.text == "x" and not d.exact


def test_instrument_is_not_hypothetical_by_default() -> None:
    i = Instrument(id="t", name="T", kind="treaty")
    assert i.hypothetical is False


def test_unknown_event_type_and_norm_kind_are_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown event type 'invasio'"):
        Event(id="e", type="invasio", date="1940", actors=["a"], summary="s")
    with pytest.raises(ValidationError, match="unknown norm kind 'forbid'"):
        Norm(kind="forbid")


def test_extra_fields_are_rejected() -> None:
    with pytest.raises(ValidationError):
        CorpusFile.model_validate({"actors": [{"id": "a", "name": "A", "colour": "red"}]})


def test_committed_schema_equals_a_fresh_generation() -> None:
    assert schema.schema_path().read_text(encoding="utf-8") == schema.render(), (
        "regenerate with: python -m foedus.corpus.schema"
    )


def test_schema_accepts_corpus_forms_and_rejects_unknown_types() -> None:
    s = schema.generate()
    good = {
        "events": [
            {
                "id": "e",
                "type": "invasion",
                "date": "mid-June 1940",
                "actors": ["ussr"],
                "summary": "s",
                "sources": ["q"],
            }
        ]
    }
    jsonschema.validate(good, s)
    bad = json.loads(json.dumps(good))
    bad["events"][0]["type"] = "invasio"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, s)


@pytest.mark.parametrize("key", [*EVENT_TYPES, *NORM_KINDS])
def test_docs_list_every_event_type_and_norm_kind(key: str) -> None:
    assert f"`{key}`" in DOCS.read_text(encoding="utf-8")


def test_records_build_their_validators_when_first_used_not_on_import():
    """A warm command reads kept records and validates none: importing the model must not
    build every record's pydantic schema (defer_build; ~25 ms of a 0.5 s command)."""
    import subprocess
    import sys

    code = (
        "import foedus.model.records as r, foedus.model.dates as d\n"
        "print(r.Event.__pydantic_complete__, d.FuzzyDate.__pydantic_complete__)\n"
        "a = r.Actor.model_validate({'id': 'northland', 'name': 'Northland', 'kind': 'state'})\n"
        "print(a.name, r.Actor.__pydantic_complete__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "False False"
    assert out[1] == "Northland True"
