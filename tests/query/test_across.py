"""``--perspective all`` (issue 17, point 4): every perspective side by side, with the rules
that make them differ, through the knowledge base, the CLI and the HTTP API; without
``--perspective``, the human ``status`` adds a line per perspective that differs, while its
JSON stays the default perspective's answer."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import jsonschema
import pytest
from typer.testing import CliRunner

from foedus import contract
from foedus.cli import app
from foedus.errors import UserError
from foedus.query import KnowledgeBase
from foedus.server.app import create_app

SCHEMA = contract.load_schema()


@pytest.fixture(scope="module")
def kb(_cache: None) -> KnowledgeBase:
    return KnowledgeBase()


def fits(command: str, data: Any) -> list[str]:
    schema = contract.schema_for(command, SCHEMA, every=True)
    return sorted(e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data))


def cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})
    return r.exit_code, r.stdout, r.stderr


def by_perspective(data: Any) -> dict[str, Any]:
    return {p["perspective"]: p for p in data["perspectives"]}


def test_lithuania_1950_in_every_view(kb: KnowledgeBase) -> None:
    """The issue's question: in fact part of the Soviet Union; under non-recognition a
    sovereign state under occupation; in the Soviet view part of the Soviet Union (by
    accession). Each with the rule that makes it so."""
    data = kb.across("status", actor="Lithuania", on="1950-01-01")
    assert fits("status", data) == []
    assert data["perspective"] == "all" and data["agree"] is False
    views = by_perspective(data)
    assert list(views) == ["de-facto", "non-recognition", "soviet"]
    labels = {p: v["answer"]["status"]["label"] for p, v in views.items()}
    assert labels == {
        "de-facto": "part of Soviet Union",
        "non-recognition": "sovereign state, under occupation by Soviet Union",
        "soviet": "part of Soviet Union",
    }
    assert [v["differs"] for v in views.values()] == [False, True, False]
    assert views["de-facto"]["default"] is True
    assert "sovereignty_lost_by_annexation" in views["de-facto"]["rules"]
    assert "voluntary_accession" in views["soviet"]["rules"]
    assert "lawful_annexation_ends_sovereignty" in views["non-recognition"]["rules"]
    assert "did not end sovereignty" in views["non-recognition"]["because"]
    for label in views["soviet"]["rules"]:
        assert data["rule_text"][label].startswith(label + ":")
    # each perspective's answer is what that perspective alone answers
    nr = kb.with_perspective("non-recognition").status("Lithuania", "1950-01-01")
    assert views["non-recognition"]["answer"] == nr


def test_views_that_agree_say_so(kb: KnowledgeBase) -> None:
    data = kb.across("status", actor="Lithuania", on="1930-01-01")
    assert data["agree"] is True
    assert all(not v["differs"] and not v["rules"] for v in data["perspectives"])


@pytest.mark.parametrize(
    ("command", "kwargs"),
    [
        ("holds", {"actor": "Estonia", "on": "1960-01-01"}),
        ("treaties", {"between": ["USSR", "Latvia"], "on": "1940-06-01"}),
        ("breaches", {"by": "USSR", "against": "Estonia"}),
        ("explain", {"what": "status", "args": ["Latvia"], "on": "1960-01-01"}),
    ],
)
def test_every_command_that_takes_all_fits_the_contract(
    kb: KnowledgeBase, command: str, kwargs: dict[str, Any]
) -> None:
    data = kb.across(command, **kwargs)
    assert fits(command, data) == []
    contract.ACROSS[command].model_validate(data)
    assert [v["perspective"] for v in data["perspectives"]] == [
        "de-facto",
        "non-recognition",
        "soviet",
    ]


def test_holds_names_the_rules_of_the_view_that_differs(kb: KnowledgeBase) -> None:
    views = by_perspective(kb.across("holds", actor="Estonia", on="1960-01-01"))
    assert views["non-recognition"]["differs"] is True
    assert "occupation_in_law" in views["non-recognition"]["rules"]


def test_cli_all_side_by_side() -> None:
    code, out, err = cli("status", "Lithuania", "--on", "1950-01-01", "--perspective", "all")
    assert code == 0, err
    lines = out.splitlines()
    head = next(line for line in lines if "non-recognition" in line)
    assert "de-facto (default)" in head and "soviet" in head
    part_of = next(line for line in lines if line.strip().startswith("part of"))
    assert part_of.split() == ["part", "of", "Soviet", "Union", "—", "Soviet", "Union"]
    assert "why they differ:" in out
    assert "lawful_annexation_ends_sovereignty" in out


def test_cli_all_json_is_one_object_per_perspective(kb: KnowledgeBase) -> None:
    code, out, err = cli(
        "status", "Lithuania", "--on", "1950-01-01", "--perspective", "ALL", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data == kb.across("status", actor="Lithuania", on="1950-01-01")


def test_status_without_perspective_adds_the_views_that_differ() -> None:
    code, out, _ = cli("status", "Lithuania", "--on", "1950-01-01")
    assert code == 0
    assert "other perspectives that differ:" in out
    differ = out.split("other perspectives that differ:")[1].split("why:")[0]
    assert re.search(
        r"^  non-recognition +sovereign state, under occupation by Soviet Union", differ, re.M
    )
    assert "lawful_annexation_ends_sovereignty" in differ
    assert not re.search(r"^  soviet ", differ, re.M)  # it agrees with de-facto
    code, out, _ = cli("status", "Lithuania", "--on", "1950-01-01", "--json")
    data = json.loads(out)
    assert data["perspective"] == "de-facto" and data["status"]["label"] == "part of Soviet Union"
    # a perspective named: its answer alone
    code, out, _ = cli("status", "Lithuania", "--on", "1950-01-01", "--perspective", "soviet")
    assert "other perspectives" not in out


def test_the_status_table_asks_each_perspective_once(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foedus.query import rules, status

    asked: list[str] = []
    tables: list[bool] = []
    real_status, real_has_table = status.status, rules._has_table

    def counting(view: KnowledgeBase, *args: Any, **kwargs: Any) -> Any:
        asked.append(view.perspective)
        return real_status(view, *args, **kwargs)

    def has_table(view: KnowledgeBase) -> bool:
        tables.append(real_has_table(view))
        return tables[-1]

    monkeypatch.setattr(status, "status", counting)
    monkeypatch.setattr(rules, "_has_table", has_table)
    code, out, _ = cli("status", "Lithuania", "--on", "1950-01-01")
    assert code == 0
    # the default perspective's answer is the one of the lines per perspective (not asked
    # again), and whether the database stores the rules is asked once, not per perspective
    assert sorted(asked) == sorted(p.id for p in kb.corpus.perspectives)
    assert tables == [True]
    monkeypatch.undo()
    for actor, on in [
        ("Lithuania", "1950-01-01"),
        ("Estonia", "1940-08-01"),
        ("USSR", "1939-09-01"),
    ]:
        every = kb.across("status", actor=actor, on=on)
        mine = [p["answer"] for p in every["perspectives"] if p["default"]]
        assert mine == [kb.status(actor, on)]  # the answer the table shows is the same


def test_all_is_refused_where_it_means_nothing() -> None:
    code, out, err = cli("timeline", "Latvia", "--perspective", "all")
    assert code == 2
    assert err.strip().splitlines() == [
        "perspective all: timeline answers under one perspective "
        "(all is for status, holds, treaties, breaches, explain)"
    ]


def test_http_all_is_the_cli_answer(kb: KnowledgeBase) -> None:
    async def get(url: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(log=None))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(url)

    r = asyncio.run(get("/api/v1/status?actor=Lithuania&on=1950-01-01&perspective=all"))
    assert r.status_code == 200
    assert r.json() == kb.across("status", actor="Lithuania", on="1950-01-01")
    r = asyncio.run(get("/api/v1/timeline?actor=Latvia&perspective=all"))
    assert r.status_code == 400


def test_a_corpus_without_perspectives_answers_in_its_one_view() -> None:
    """tests/corpora/good names no perspectives: its status table (which adds the views that
    differ) and ``--perspective all`` answer in the one view, ``none``; they failed with an
    internal error."""
    from pathlib import Path

    good = str(Path(__file__).parents[1] / "corpora" / "good")
    code, out, err = cli("status", "northland", "--on", "1990-01-01", "--corpus", good)
    assert (code, err) == (0, "") and "Northland on 1990-01-01 (none): not sovereign" in out
    code, out, err = cli(
        "status",
        "northland",
        "--on",
        "1990-01-01",
        "--corpus",
        good,
        "--perspective",
        "all",
        "--json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert fits("status", data) == []
    assert [a["perspective"] for a in data["perspectives"]] == ["none"]


def test_explain_a_breach_that_one_view_does_not_see(kb: KnowledgeBase) -> None:
    """The Soviet view reads the 1940 annexation as consented to: it breached nothing there.
    Explained under every view, that view's answer says so instead of failing the others'."""
    data = kb.across("explain", what="breach", args=["ussr-annexes-estonia-1940"])
    assert fits("explain", data) == []
    views = by_perspective(data)
    assert "breached 3 clauses" in views["de-facto"]["answer"]["summary"]["text"]
    soviet = views["soviet"]
    assert soviet["differs"] is True
    assert soviet["answer"]["summary"]["text"].startswith(
        "ussr-annexes-estonia-1940 breached no clause under the soviet perspective"
    )
    # an act no view sees as a breach is refused, as under one view
    with pytest.raises(UserError, match="breached no clause under the de-facto perspective"):
        kb.across("explain", what="breach", args=["estonia-proclaims-independence-1918"])


def test_http_all_is_refused_with_400_on_every_route_of_one_perspective() -> None:
    """The routes that answer under one perspective refuse `all` as a user error (400), the
    explorer's and the question's too: they answered 404 "unknown perspective 'all'"."""

    async def get(urls: list[str]) -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(log=None))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return [await c.get(u) for u in urls]

    routes = {
        "validate": "/api/v1/validate?perspective=all",
        "coverage": "/api/v1/coverage?perspective=all",
        "ask": "/api/v1/ask?q=What+happened+in+1940%3F&perspective=all",
        "explorer/network": "/api/v1/explorer/network?on=1940-06-01&perspective=all",
        "timeline": "/api/v1/timeline?actor=Latvia&perspective=ALL",
    }
    for (name, url), r in zip(routes.items(), asyncio.run(get(list(routes.values()))), strict=True):
        assert r.status_code == 400, (url, r.json())
        assert r.json()["error"]["message"].startswith(
            f"perspective all: {name} answers under one perspective"
        ), url
