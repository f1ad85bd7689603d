"""The CLI and the HTTP API refuse the same bad input alike (docs/api.md, Errors): the CLI one
line on stderr and exit 2, the API 400 or 404 whose ``message`` is that line, its first error
naming the request parameter (``loc``, ``type``) where there is one; and every example URL of
docs/api.md answers what the doc says."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from foedus.cli import app as cli_app
from foedus.server.app import API, create_app

DOCS = Path(__file__).parents[2] / "docs" / "api.md"


@pytest.fixture(scope="module")
def server(_cache: None) -> FastAPI:
    return create_app(log=None, cache_size=0)


def get(app: FastAPI, url: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(url)

    return asyncio.run(go())


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    return result.exit_code, result.stdout, result.stderr


def refused_alike(server: FastAPI, args: list[str], url: str, status: int) -> dict[str, Any]:
    """The CLI's refusal of ``args`` and the API's of ``url``: the same line; the API's first
    error item."""
    code, out, err = cli(*args)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    r = get(server, f"{API}/{url}")
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["message"] == line
    assert error["errors"][0]["message"] == line
    return dict(error["errors"][0])


EMPTY_PERSPECTIVE = (
    "perspective: empty value {!r}; name a perspective (de-facto, non-recognition, soviet), "
    "or leave the parameter out for the default (de-facto)"
)

# (CLI arguments, API URL, status, loc, type, message or None)
CASES: list[tuple[list[str], str, int, str | None, str | None, str | None]] = [
    # 1. two `between` naming one actor: the refusal names the parameter
    (
        ["treaties", "--between", "Estonia", "estonia"],
        "treaties?between=Estonia&between=estonia",
        400,
        "between",
        "same_actor",
        "treaties --between: 'Estonia' and 'estonia' are the same actor (estonia); name two actors",
    ),
    # 2. validate and coverage take a perspective as every route does
    (["validate", "--perspective", "nope"], "validate?perspective=nope", 404, None, None, None),
    (["coverage", "--perspective", "sovet"], "coverage?perspective=sovet", 404, None, None, None),
    (
        ["validate", "--perspective", "all"],
        "validate?perspective=all",
        400,
        "perspective",
        "one_perspective",
        "perspective all: validate answers under one perspective "
        "(all is for status, holds, treaties, breaches, explain)",
    ),
    (
        ["coverage", "--perspective", "ALL"],
        "coverage?perspective=ALL",
        400,
        "perspective",
        "one_perspective",
        None,
    ),
    (["validate", "--perspective", ""], "validate?perspective=", 400, "perspective", "empty", None),
    # 3. ask answers under one perspective
    (
        ["ask", "Was Estonia sovereign in 1960?", "--perspective", "all"],
        "ask?q=Was%20Estonia%20sovereign%20in%201960%3F&perspective=all",
        400,
        "perspective",
        "one_perspective",
        "perspective all: ask answers under one perspective "
        "(all is for status, holds, treaties, breaches, explain)",
    ),
    # 4. an empty or blank perspective: the API's message on both
    (
        ["status", "Estonia", "--on", "1960-01-01", "--perspective", " "],
        "status?actor=Estonia&on=1960-01-01&perspective=%20",
        400,
        "perspective",
        "empty",
        EMPTY_PERSPECTIVE.format(" "),
    ),
    (
        ["treaties", "--perspective", ""],
        "treaties?perspective=",
        400,
        "perspective",
        "empty",
        EMPTY_PERSPECTIVE.format(""),
    ),
    (
        ["ask", "Was Estonia sovereign in 1960?", "--perspective", ""],
        "ask?q=Was%20Estonia%20sovereign%20in%201960%3F&perspective=",
        400,
        "perspective",
        "empty",
        EMPTY_PERSPECTIVE.format(""),
    ),
    # 5. an empty filter names nothing: refused, not answered unfiltered (nor "unknown actor")
    (
        ["breaches", "--by", ""],
        "breaches?by=",
        400,
        "by",
        "empty",
        "--by: empty value ''; name an actor, or leave it out for acts by any actor",
    ),
    (["breaches", "--against", " "], "breaches?against=%20", 400, "against", "empty", None),
    (["breaches", "--treaty", ""], "breaches?treaty=", 400, "treaty", "empty", None),
    (
        ["breaches", "--by", "", "--perspective", "all"],
        "breaches?by=&perspective=all",
        400,
        "by",
        "empty",
        None,
    ),
    (["events", "--actor", ""], "events?actor=", 400, "actor", "empty", None),
    (["events", "--target", ""], "events?target=", 400, "target", "empty", None),
    (["events", "--type", ""], "events?type=", 400, "type", "empty", None),
    (["treaties", "--party", ""], "treaties?party=", 400, "party", "empty", None),
    (
        ["treaties", "--between", "", "Estonia"],
        "treaties?between=&between=Estonia",
        400,
        "between",
        "empty",
        None,
    ),
    (
        ["compare", "--perspectives", "de-facto", "soviet", ""],
        "compare?perspectives=de-facto&perspectives=soviet&actor=",
        400,
        "actor",
        "empty",
        "actor: empty value ''; name an actor, or leave it out for every actor",
    ),
    # 7. a day is YYYY-MM-DD: not the basic form date.fromisoformat also reads
    (
        ["status", "Estonia", "--on", "19430101"],
        "status?actor=Estonia&on=19430101",
        400,
        "on",
        "day",
        "--on: not an ISO day (YYYY-MM-DD): '19430101'",
    ),
    (["treaties", "--on", "19400601"], "treaties?on=19400601", 400, "on", "day", None),
    (["events", "--from", "19400101"], "events?from=19400101", 400, "from", "day", None),
    (["breaches", "--to", "1940W011"], "breaches?to=1940W011", 400, "to", "day", None),
    (
        ["holds", "Estonia", "--on", "1943-001"],
        "holds?actor=Estonia&on=1943-001",
        400,
        "on",
        "day",
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_the_cli_and_the_api_refuse_alike(
    server: FastAPI, case: tuple[list[str], str, int, str | None, str | None, str | None]
) -> None:
    args, url, status, param, problem, message = case
    item = refused_alike(server, args, url, status)
    if message is not None:
        assert item["message"] == message
    if param is not None:
        assert (item["loc"], item["type"]) == (["query", param], problem)
    if problem == "empty":  # names the parameter and says what to do
        assert "leave" in item["message"]


def test_a_basic_format_day_is_refused_on_the_explorer_too(server: FastAPI) -> None:
    r = get(server, f"{API}/explorer/network?on=19400601")
    assert r.status_code == 400
    assert r.json()["error"]["errors"][0]["type"] == "day"


def test_a_filter_left_out_still_answers(server: FastAPI) -> None:
    """Only an empty value is refused: leaving the filter out is how every value is asked for."""
    for url in (
        "breaches",
        "events",
        "treaties",
        "compare?perspectives=de-facto&perspectives=soviet",
    ):
        assert get(server, f"{API}/{url}").status_code == 200


QUESTIONS = [
    "Was Estonia sovereign after 9999?",  # a day past the calendar's end
    "Was Estonia sovereign before 0001?",
    "What happened between 1950 and 1940?",  # a range that holds no day
    "frobnicate the treaty",  # not understood
    "",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_refused_suggests_the_corpus_s_examples(
    server: FastAPI, question: str
) -> None:
    """docs/api.md: a question that cannot be answered is a 400 whose ``errors[0].suggestions``
    are the corpus's example questions; the CLI prints the same line (with the first)."""
    from foedus.query import KnowledgeBase

    examples = set(KnowledgeBase().corpus.metadata.examples)
    code, out, err = cli("ask", question)
    assert (code, out) == (2, "")
    r = get(server, f"{API}/ask?q={quote(question)}")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["message"] == err.strip()
    suggestions = error["errors"][0]["suggestions"]
    assert suggestions and set(suggestions) <= examples
    assert f'try: "{suggestions[0]}"' in error["message"]


def _doc_examples() -> list[str]:
    """The URLs of docs/api.md's list of examples."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("Examples:\n\n```text\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_doc_lists_examples() -> None:
    assert len(_doc_examples()) >= 8


@pytest.mark.parametrize("url", _doc_examples())
def test_every_example_of_the_api_doc_answers_something(server: FastAPI, url: str) -> None:
    r = get(server, url)
    assert r.status_code == 200, r.text
    data = r.json()
    for key in ("events", "treaties", "breaches", "differences"):
        if key in data:
            assert data[key], f"{url}: no {key}"


def test_the_doc_s_pinned_answers_hold(server: FastAPI) -> None:
    """The answers docs/api.md quotes, as it quotes them."""
    text = DOCS.read_text(encoding="utf-8")
    latvia = get(server, f"{API}/status?actor=Latvia&on=1943-01-01").json()
    assert latvia["status"]["sovereign"] == [{"value": False, "certainty": "certain"}]
    assert latvia["status"]["controlled_by"] == [
        {"value": {"id": "germany", "name": "Germany"}, "certainty": "certain"}
    ]
    soviet = get(
        server, f"{API}/treaties?between=USSR&between=Germany&on=1985-01-01&perspective=soviet"
    ).json()
    pact = {t["id"]: t for t in soviet["treaties"]}["molotov-ribbentrop-pact"]
    assert pact["certainty"] == "possible"
    assert re.sub(r"\s+", " ", pact["certainty_note"]) in re.sub(r"\s+", " ", text)
    de_facto = get(server, f"{API}/treaties?between=USSR&between=Germany&on=1985-01-01").json()
    assert "molotov-ribbentrop-pact" not in {t["id"] for t in de_facto["treaties"]}
    day = get(server, f"{API}/status?actor=Latvia&on=1943-02-30").json()
    assert day["error"]["errors"] == [
        {
            "message": "--on: impossible date '1943-02-30' (February 1943 has 28 days)",
            "loc": ["query", "on"],
            "type": "day",
        }
    ]
