"""The HTTP API, in-process through an ASGI client: every route, the same JSON as the CLI's
``--json``, answers valid against the contract's schema, and one pinned error shape."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi import APIRouter, FastAPI
from typer.testing import CliRunner

from foedus.cli import app as cli_app
from foedus.contract import load_schema, schema_for
from foedus.query import KnowledgeBase
from foedus.server import explorer
from foedus.server.app import API, STATIC_DIR, create_app

SCHEMA = load_schema()


class Client:
    """A synchronous face on ``httpx.AsyncClient`` over the app's ASGI interface."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.request(method, url, **kwargs)

        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)


LOG = io.StringIO()


@pytest.fixture(scope="module")
def app(_cache: None) -> FastAPI:
    # no kept answers: tests here change the knowledge base's methods between requests
    return create_app(log=LOG, cache_size=0)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Client:
    return Client(app)


def valid(command: str, data: Any) -> None:
    jsonschema.Draft202012Validator(schema_for(command, SCHEMA)).validate(data)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, list(args))
    return result.exit_code, result.stdout, result.stderr


def cli_json(args: list[str]) -> Any:
    """What ``foedus ARGS --json`` prints; for ``ask`` before the CLI has it, what it would
    print (``foedus.ask.answer_question`` on the default knowledge base)."""
    if args[0] == "ask" and not any(c.name == "ask" for c in cli_app.registered_commands):
        from foedus.ask import answer_question

        perspective = (
            args[args.index("--perspective") + 1] if "--perspective" in args else "de-facto"
        )
        return answer_question(args[1], KnowledgeBase(perspective=perspective))
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


# --------------------------------------------------------------------------- CLI == API

CASES: list[tuple[list[str], str]] = [
    (
        ["events", "--actor", "Estonia", "--from", "1940-01-01", "--to", "1940-12-31"],
        "events?actor=Estonia&from=1940-01-01&to=1940-12-31",
    ),
    (["events", "--type", "invasion", "--target", "LV"], "events?type=invasion&target=LV"),
    (["treaty", "Treaty of Tartu"], "treaty?name=Treaty%20of%20Tartu"),
    (["treaty", "treaty-of-riga"], "treaty?t=treaty-of-riga"),
    (["treaties"], "treaties"),
    (
        ["treaties", "--between", "USSR", "Latvia", "--on", "1940-06-01"],
        "treaties?between=USSR&between=Latvia&on=1940-06-01",
    ),
    (["treaties", "--between", "ussr", "estonia"], "treaties?between=ussr&between=estonia"),
    (
        ["treaties", "--party", "Estonia", "--on", "1935-01-01"],
        "treaties?party=Estonia&on=1935-01-01",
    ),
    (["status", "Latvia", "--on", "1943-01-01"], "status?actor=Latvia&on=1943-01-01"),
    (
        ["status", "Estonia", "--on", "1960-01-01", "--perspective", "non-recognition"],
        "status?actor=Estonia&on=1960-01-01&perspective=non-recognition",
    ),
    (
        ["status", "Lithuania", "--on", "1950-01-01", "--perspective", "soviet"],
        "status?actor=Lithuania&on=1950-01-01&perspective=soviet",
    ),
    (["holds", "Lithuania", "--on", "1939-08-26"], "holds?actor=Lithuania&on=1939-08-26"),
    (
        ["timeline", "Latvia", "--perspective", "non-recognition"],
        "timeline?actor=Latvia&perspective=non-recognition",
    ),
    (
        [
            "breaches",
            "--by",
            "USSR",
            "--against",
            "Estonia",
            "--from",
            "1940-01-01",
            "--to",
            "1940-12-31",
        ],
        "breaches?by=USSR&against=Estonia&from=1940-01-01&to=1940-12-31",
    ),
    (
        ["breaches", "--treaty", "Treaty of Tartu", "--perspective", "soviet"],
        "breaches?treaty=Treaty%20of%20Tartu&perspective=soviet",
    ),
    (["aggressor", "USSR", "Estonia"], "aggressor?a=USSR&b=Estonia"),
    (
        ["aggressor", "ussr", "latvia", "--from", "1941-01-01", "--to", "1941-12-31"],
        "aggressor?a=ussr&b=latvia&from=1941-01-01&to=1941-12-31",
    ),
    (
        ["compare", "--perspectives", "de-facto", "non-recognition", "estonia"],
        "compare?perspectives=de-facto&perspectives=non-recognition&actor=estonia",
    ),
    (
        ["explain", "status", "Estonia", "--on", "1960-01-01"],
        "explain?what=status&args=Estonia&on=1960-01-01",
    ),
    (["explain", "aggressor", "ussr", "estonia"], "explain?what=aggressor&args=ussr&args=estonia"),
    (
        ["explain", "breach", "ussr-annexes-estonia-1940", "treaty-of-tartu"],
        "explain?what=breach&args=ussr-annexes-estonia-1940&args=treaty-of-tartu",
    ),
    (["validate"], "validate"),
    (["coverage"], "coverage"),
    (
        ["ask", "What was Estonia's status in 1960 according to the non-recognition view?"],
        "ask?q=What%20was%20Estonia%27s%20status%20in%201960%20according%20to%20the%20"
        "non-recognition%20view%3F",
    ),
    (
        [
            "ask",
            "Which treaties bound the USSR and Latvia in June 1940?",
            "--perspective",
            "soviet",
        ],
        "ask?question=Which%20treaties%20bound%20the%20USSR%20and%20Latvia%20in%20"
        "June%201940%3F&perspective=soviet",
    ),
]


def _id(case: tuple[list[str], str]) -> str:
    return case[1]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_api_returns_what_cli_json_prints(client: Client, case: tuple[list[str], str]) -> None:
    args, url = case
    from_cli = cli_json(args)
    r = client.get(f"{API}/{url}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    # identical: same values, same key order
    assert json.dumps(r.json(), ensure_ascii=False) == json.dumps(from_cli, ensure_ascii=False)
    valid(args[0], from_cli)
    valid(args[0], r.json())


ERROR_CASES: list[tuple[list[str], str, int]] = [
    (["status", "Latvja", "--on", "1943-01-01"], "status?actor=Latvja&on=1943-01-01", 404),
    (["status", "Latvia", "--on", "1943-13-01"], "status?actor=Latvia&on=1943-13-01", 400),
    (
        ["status", "Latvia", "--on", "1943-01-01", "--perspective", "sovet"],
        "status?actor=Latvia&on=1943-01-01&perspective=sovet",
        404,
    ),
    (["events", "--type", "invasionn"], "events?type=invasionn", 404),
    (
        ["events", "--from", "1941-01-01", "--to", "1940-01-01"],
        "events?from=1941-01-01&to=1940-01-01",
        400,
    ),
    (["treaty", "Treaty of Nowhere"], "treaty?name=Treaty%20of%20Nowhere", 404),
    (["explain", "nonsense", "x"], "explain?what=nonsense&args=x", 400),
    (["explain", "breach", "no-such-event"], "explain?what=breach&args=no-such-event", 404),
    (["aggressor", "ussr", "Atlantis"], "aggressor?a=ussr&b=Atlantis", 404),
    (["ask", "frobnicate the treaty"], "ask?question=frobnicate%20the%20treaty", 400),
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda c: c[1])
def test_api_errors_carry_the_cli_message(client: Client, case: tuple[list[str], str, int]) -> None:
    args, url, status = case
    if args[0] == "ask" and not any(c.name == "ask" for c in cli_app.registered_commands):
        from foedus.ask import QuestionError, answer_question

        with pytest.raises(QuestionError) as e:
            answer_question(args[1], KnowledgeBase())
        code, out, err = 2, "", str(e.value)
    else:
        code, out, err = cli(*args, "--json")
    assert (code, out) == (2, "")
    r = client.get(f"{API}/{url}")
    assert r.status_code == status
    assert r.json()["error"]["message"] == err.strip()
    valid("Error", r.json())


# --------------------------------------------------------------------------- the error shape


def test_error_404_unknown_name_pinned(client: Client) -> None:
    r = client.get(f"{API}/status?actor=Latvja&on=1943-01-01")
    message = "unknown actor 'Latvja'; did you mean 'latvia'?"
    assert (r.status_code, r.json()) == (
        404,
        {
            "error": {
                "status": 404,
                "message": message,
                "errors": [
                    {
                        "message": message,
                        "kind": "actor",
                        "name": "Latvja",
                        "suggestions": ["latvia"],
                    }
                ],
            }
        },
    )


def test_error_404_unknown_perspective(client: Client) -> None:
    r = client.get(f"{API}/treaties?perspective=sovet")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "unknown perspective 'sovet'; did you mean 'soviet'?"


def test_error_400_bad_day_pinned(client: Client) -> None:
    r = client.get(f"{API}/status?actor=Latvia&on=1943-02-30")
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": {
                "status": 400,
                "message": "--on: impossible date '1943-02-30' (February 1943 has 28 days)",
                "errors": [
                    {
                        "message": "--on: impossible date '1943-02-30' (February 1943 has 28 days)",
                        "loc": ["query", "on"],
                        "type": "day",
                    }
                ],
            }
        },
    )


EMPTY_PERSPECTIVE = (
    "perspective: empty value {!r}; name a perspective (de-facto, non-recognition, soviet), "
    "or leave the parameter out for the default (de-facto)"
)


@pytest.mark.parametrize(
    "url",
    [
        "status?actor=Estonia&on=1960-01-01&perspective=",
        "treaties?perspective=",
        "timeline?actor=Latvia&perspective=",
        "explorer/network?on=1940-06-01&perspective=",
        "status?actor=Estonia&on=1960-01-01&perspective=%20",
    ],
)
def test_error_400_empty_perspective_pinned(client: Client, url: str) -> None:
    """``perspective=`` names no perspective: it was answered under the default, while the CLI
    refuses ``--perspective ''``. Refused, naming the parameter and the value; leaving the
    parameter out still asks for the default."""
    r = client.get(f"{API}/{url}")
    value = " " if url.endswith("%20") else ""
    message = EMPTY_PERSPECTIVE.format(value)
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": {
                "status": 400,
                "message": message,
                "errors": [{"message": message, "loc": ["query", "perspective"], "type": "empty"}],
            }
        },
    )
    valid("Error", r.json())
    code, out, _ = cli("status", "Estonia", "--on", "1960-01-01", "--perspective", value, "--json")
    assert (code, out) == (2, "")
    without = client.get(f"{API}/{url.rsplit('perspective=', 1)[0].rstrip('&?')}")
    assert without.status_code == 200, without.text


# each refusal (400) says what is wrong: one item, naming the parameter where there is one
REFUSALS: list[tuple[str, list[str] | None, str | None]] = [
    ("status?actor=Latvia&on=1943-02-30", ["query", "on"], "day"),
    ("events?from=1940-13-01", ["query", "from"], "day"),
    ("breaches?to=1940-02-30", ["query", "to"], "day"),
    ("events?from=1941-01-01&to=1940-01-01", ["query", "to"], "range"),
    ("aggressor?a=ussr&b=USSR", ["query", "b"], "same_actor"),
    ("explain?what=nonsense&args=x", ["query", "what"], "no_answer"),
    (
        "explain?what=breach&args=estonia-proclaims-independence-1918",
        ["query", "args"],
        "no_answer",
    ),
    ("timeline?actor=Latvia&perspective=all", ["query", "perspective"], "one_perspective"),
    ("explorer/network?on=1940-13-01", ["query", "on"], "day"),
    (
        "explorer/network?on=1940-06-01&perspective=all",
        ["query", "perspective"],
        "one_perspective",
    ),
    ("status?actor=Latvia&on=1943-01-01&perspective=", ["query", "perspective"], "empty"),
    ("status?actor=Estonia&actor=Latvia&on=1943-01-01", ["query", "actor"], "duplicate"),
    # one value under both its names: was answered for the first, the second ignored
    ("treaty?name=Treaty%20of%20Tartu&t=Treaty%20of%20Riga", ["query", "t"], "duplicate"),
    (
        "ask?q=Was%20Estonia%20sovereign%20in%201960&question=hello",
        ["query", "question"],
        "duplicate",
    ),
    ("ask?q=frobnicate%20the%20treaty", None, None),
]


@pytest.mark.parametrize("url, loc, kind", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_400_says_what_is_wrong(
    client: Client, url: str, loc: list[str] | None, kind: str | None
) -> None:
    r = client.get(f"{API}/{url}")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    valid("Error", r.json())
    assert error["errors"], "a refusal with no error listed"
    assert all(item["message"] for item in error["errors"])
    first = error["errors"][0]
    assert first["message"] in error["message"]
    if loc is not None:
        assert (first["loc"], first["type"]) == (loc, kind)


def test_a_400_never_has_an_empty_list() -> None:
    """Whatever raises it: an :class:`ApiError` 400 without items lists its message."""
    from foedus.errors import UserError
    from foedus.server.errors import ApiError, from_foedus

    assert ApiError(400, "bad").errors == [{"message": "bad"}]
    assert from_foedus(UserError("some new refusal")).errors == [{"message": "some new refusal"}]
    assert ApiError(405, "method not allowed").errors == [{"message": "method not allowed"}]


@pytest.mark.parametrize(
    "method, url, status",
    [
        ("GET", f"{API}/nope", 404),
        ("GET", "/nope", 404),
        ("GET", f"{API}/status/extra", 404),
        ("GET", "/docs", None),
        ("POST", f"{API}/status", 405),
        ("DELETE", API, 405),
        ("GET", f"{API}/events?actor=" + "x" * 9000, 414),
    ],
)
def test_every_error_lists_what_is_wrong(
    client: Client, method: str, url: str, status: int | None
) -> None:
    """Not only a refusal: an unknown route, a method the API does not take, a request line
    too long each list their message (their ``errors`` were empty)."""
    r = client.request(method, url)
    if status is None:  # /docs: 404 only where the page's Swagger UI is not built
        if r.status_code == 200:
            return
        status = 404
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["errors"] == [{"message": error["message"]}]
    valid("Error", r.json())


def test_protocol_errors_answered_outside_the_app_list_what_is_wrong() -> None:
    """408 and 503 are written by the connection guard, not the app: the same shape."""
    from foedus.server.run import _error_body

    for status in (400, 408, 503):
        body = json.loads(_error_body(status, "why"))
        assert body == {
            "error": {"status": status, "message": "why", "errors": [{"message": "why"}]}
        }


def test_error_422_missing_parameter_pinned(client: Client) -> None:
    r = client.get(f"{API}/status?actor=Latvia")
    assert (r.status_code, r.json()) == (
        422,
        {
            "error": {
                "status": 422,
                "message": "on: Field required",
                "errors": [
                    {"message": "on: Field required", "loc": ["query", "on"], "type": "missing"}
                ],
            }
        },
    )


@pytest.mark.parametrize(
    "url, message",
    [
        ("treaties?between=ussr", "between: expected two actors, got 1"),
        ("compare?perspectives=soviet", "perspectives: expected two perspectives, got 1"),
        ("treaty", "name: required (or t)"),
        ("ask", "q: required (or question)"),
        (
            "events?fro=1940-01-01",
            "fro: not a parameter of this route (expected one of actor, from, perspective, target, "
            "to, type)",
        ),
        (
            "status?actor=Latvia&on=1943-01-01&assume=what-if.yaml",
            "assume: not a parameter of this route (the server is read-only: start it with "
            "`foedus serve --assume FILE`)",
        ),
        # the value that is not a boolean is named
        (
            "holds?actor=Latvia&on=1943-01-01&all=maybe",
            "all: Input should be a valid boolean, unable to interpret input: 'maybe'",
        ),
        (
            "holds?actor=Latvia&on=1943-01-01&all=",
            "all: Input should be a valid boolean, unable to interpret input: ''",
        ),
        # a parameter with no name is named as such, not as ': not a parameter'
        (
            "status?actor=Latvia&on=1943-01-01&=x",
            "'': not a parameter of this route (expected one of actor, on, perspective)",
        ),
        # the API's index and schema take no parameter, `assume` least of all
        (
            "schema?assume=what-if.yaml",
            "assume: not a parameter of this route (the server is read-only: start it with "
            "`foedus serve --assume FILE`)",
        ),
        ("schema?v=2", "v: not a parameter of this route (it takes none)"),
        (
            "?assume=x",
            "assume: not a parameter of this route (the server is read-only: start "
            "it with `foedus serve --assume FILE`)",
        ),
    ],
)
def test_error_422_malformed_request(client: Client, url: str, message: str) -> None:
    r = client.get(f"{API}/{url}" if not url.startswith("?") else f"{API}{url}")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == message
    assert [e["message"] for e in r.json()["error"]["errors"]] == [message]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_error_405_read_only_pinned(client: Client, method: str) -> None:
    r = client.request(method, f"{API}/events")
    assert (r.status_code, r.json()) == (
        405,
        {
            "error": {
                "status": 405,
                "message": f"method not allowed: {method} (the API is read-only: GET)",
                "errors": [
                    {"message": f"method not allowed: {method} (the API is read-only: GET)"}
                ],
            }
        },
    )
    assert r.headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("url", [f"{API}/nope", "/nope", f"{API}/status/extra"])
def test_error_404_unknown_route(client: Client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert set(r.json()["error"]) == {"status", "message", "errors"}
    assert r.json()["error"]["message"].startswith(f"not found: {url}")


def test_error_414_request_line_too_long(client: Client) -> None:
    r = client.get(f"{API}/events?actor=" + "x" * 9000)
    assert r.status_code == 414
    assert r.json()["error"]["message"].startswith("request line too long: ")


def test_error_501_ask_when_not_built(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_ask(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "foedus.ask":
            raise ImportError("No module named 'foedus.ask'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ask)
    r = client.get(f"{API}/ask?q=who")
    assert r.status_code == 501
    assert r.json()["error"]["message"].startswith("ask: not available in this build")
    assert r.json()["error"]["errors"] == [{"message": r.json()["error"]["message"]}]


def test_timeout_is_503_and_the_server_stays_up(
    app: FastAPI, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(self: KnowledgeBase, actor: str) -> dict[str, Any]:
        time.sleep(1.0)
        return {}

    monkeypatch.setattr(app.state.foedus, "timeout", 0.1)
    monkeypatch.setattr(KnowledgeBase, "timeline", slow)
    r = client.get(f"{API}/timeline?actor=Estonia")
    assert r.status_code == 503
    assert r.json()["error"]["message"].startswith("the query took longer than 0.1 s")
    assert r.json()["error"]["errors"] == [{"message": r.json()["error"]["message"]}]
    monkeypatch.undo()
    assert client.get(f"{API}/timeline?actor=Estonia").status_code == 200


def test_internal_error_is_500_in_the_shape(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: KnowledgeBase, actor: str) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(KnowledgeBase, "timeline", boom)
    r = client.get(f"{API}/timeline?actor=Estonia")
    assert (r.status_code, r.json()) == (
        500,
        {
            "error": {
                "status": 500,
                "message": "internal error: RuntimeError: boom",
                "errors": [{"message": "internal error: RuntimeError: boom"}],
            }
        },
    )


# --------------------------------------------------------------------------- the server


def test_knowledge_bases_are_cached_per_perspective(app: FastAPI, client: Client) -> None:
    svc = app.state.foedus
    for p in ("soviet", "Soviet", "non-recognition"):
        assert (
            client.get(f"{API}/status?actor=Estonia&on=1960-01-01&perspective={p}").json()[
                "perspective"
            ]
            == p.lower()
        )
    first = svc.kb("soviet")
    assert svc.kb("SOVIET") is first
    assert svc.kb(None) is svc.base
    assert first.db_path == svc.base.db_path


def test_head_and_options(client: Client) -> None:
    get = client.get(f"{API}/treaties")
    head = client.request("HEAD", f"{API}/treaties")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    options = client.request("OPTIONS", f"{API}/treaties")
    assert (options.status_code, options.headers["allow"]) == (204, "GET, HEAD, OPTIONS")


def test_cors_is_off_by_default(client: Client) -> None:
    r = client.get(f"{API}/treaties", headers={"origin": "https://example.org"})
    assert "access-control-allow-origin" not in r.headers


def test_index_schema_and_docs(client: Client) -> None:
    index = client.get(API).json()
    assert index["perspectives"] == ["de-facto", "non-recognition", "soviet"]
    assert client.get(f"{API}/schema").json() == SCHEMA
    docs = client.get("/docs")
    built = (STATIC_DIR / "swagger" / "swagger-ui-bundle.js").is_file()
    assert docs.status_code == (200 if built else 404)
    if built:  # Swagger UI from the page's build, never from a CDN
        assert "/swagger/swagger-ui-bundle.js" in docs.text
        assert "https://" not in docs.text and "cdn" not in docs.text.lower()
        assert client.get("/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code != 200  # ReDoc loads from a CDN: not served
    paths = client.get("/openapi.json").json()["paths"]
    for command in SCHEMA["x-foedus-commands"]:
        assert list(paths[f"{API}/{command}"]) == ["get"], command
    assert client.get("/").status_code == 200  # the web page, or without it the API's index


def test_root_without_the_page_points_to_the_api(tmp_path: Path) -> None:
    bare = Client(create_app(static_dir=tmp_path / "absent", log=None, warm=False))
    assert bare.get("/docs").status_code == 404
    assert "/openapi.json" in bare.get("/docs").json()["error"]["message"]
    assert bare.get("/").json() == {
        "name": "foedus",
        "api": API,
        "docs": "/docs",
        "schema": f"{API}/schema",
    }


def test_request_log_is_one_json_line_per_request(client: Client) -> None:
    LOG.truncate(0)
    LOG.seek(0)
    client.get(f"{API}/events?actor=Estonia")
    client.get(f"{API}/nope")
    lines = [json.loads(line) for line in LOG.getvalue().splitlines()]
    assert [(x["method"], x["path"], x["query"], x["status"]) for x in lines] == [
        ("GET", f"{API}/events", "actor=Estonia", 200),
        ("GET", f"{API}/nope", "", 404),
    ]
    assert all(isinstance(x["ms"], float) for x in lines)


@pytest.fixture(scope="module")
def page_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    root = tmp_path_factory.mktemp("page")
    static = root / "static"
    static.mkdir()
    (static / "index.html").write_text("<h1>explorer</h1>")
    (root / "secret.txt").write_text("TOP-SECRET-CONTENT")
    extra = APIRouter()

    @extra.get("/explore/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(explorer, "router", extra)
        yield Client(
            create_app(
                static_dir=static, log=None, warm=False, cors_origins=["https://example.org"]
            )
        )


def test_static_page_explorer_routes_and_no_traversal(page_app: Client) -> None:
    assert page_app.get("/").text == "<h1>explorer</h1>"
    assert page_app.get("/explore/ping").json() == {"pong": "yes"}
    assert page_app.get(f"{API}/nope").status_code == 404
    for url in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/static/x"):
        r = page_app.get(url)
        assert r.status_code == 404, url
        assert "TOP-SECRET-CONTENT" not in r.text
    assert page_app.request("POST", "/").status_code == 405


def test_cors_when_asked(page_app: Client) -> None:
    r = page_app.get(f"{API}/schema", headers={"origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "https://example.org"


def test_every_route_answers(client: Client) -> None:
    """Each command's route, once, with its positional arguments named."""
    urls = {_id(c).split("?")[0] for c in CASES}
    assert urls == set(SCHEMA["x-foedus-commands"])


# --------------------------------------------------------------------------- issue 17


def _ids(values: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(v["value"]["id"], v["certainty"]) for v in values]


def test_status_names_every_possible_controller(client: Client) -> None:
    """The source dates the German invasion only "In 1941": on 1941-03-01 the Soviet Union
    and Germany both possibly control Lithuania, and status says so (CLI, API, table)."""
    args = ["status", "Lithuania", "--on", "1941-03-01"]
    data = cli_json(args)
    assert client.get(
        "/api/v1/status", params={"actor": "Lithuania", "on": "1941-03-01"}
    ).json() == (data)
    valid("status", data)
    st = data["status"]
    assert _ids(st["controlled_by"]) == [("ussr", "possible"), ("germany", "possible")]
    assert _ids(st["part_of"]) == [
        ("ussr", "possible"),
        ("reichskommissariat-ostland", "possible"),
    ]
    assert st["sovereign"] == [{"value": False, "certainty": "certain"}]
    assert "Soviet Union or Reichskommissariat Ostland" in st["label"]
    code, out, err = cli(*args)
    assert code == 0, err
    assert "controlled by  Soviet Union or Germany" in out


def test_status_a_certain_value_is_a_one_element_list(client: Client) -> None:
    st = client.get("/api/v1/status", params={"actor": "Latvia", "on": "1943-01-01"}).json()
    assert _ids(st["status"]["controlled_by"]) == [("germany", "certain")]
    assert _ids(st["status"]["part_of"]) == [("reichskommissariat-ostland", "certain")]
    assert st["status"]["sovereign"] == [{"value": False, "certainty": "certain"}]


def test_status_possibly_sovereign_lists_both_values() -> None:
    st = cli_json(["status", "Estonia", "--on", "1918-06-01"])["status"]
    assert st["sovereign"] == [
        {"value": True, "certainty": "possible"},
        {"value": False, "certainty": "possible"},
    ]


def test_timeline_and_lanes_carry_every_possible_value(client: Client) -> None:
    periods = cli_json(["timeline", "Lithuania"])["periods"]
    in_1941 = [p for p in periods if p["from"]["earliest"] == "1941-01-01"]
    assert in_1941, [p["from"] for p in periods]
    assert _ids(in_1941[0]["controlled_by"]) == [("ussr", "possible"), ("germany", "possible")]
    lanes = client.get("/api/v1/explorer/overview").json()["lanes"]
    lane = next(x for x in lanes if x["actor"]["id"] == "lithuania")
    de_facto = lane["periods"]["de-facto"]
    assert any(
        _ids(p["controlled_by"]) == [("ussr", "possible"), ("germany", "possible")]
        for p in de_facto
    )


def test_holds_hides_internal_fluents_unless_all(client: Client) -> None:
    args = ["holds", "Lithuania", "--on", "1939-08-26"]
    short = cli_json(args)["fluents"]
    every = cli_json([*args, "--all"])["fluents"]
    assert not {f["fluent"] for f in short} & {"binds", "protected"}
    assert {"binds", "protected"} <= {f["fluent"] for f in every}
    assert {"sovereign", "controlled_by", "party_to"} <= {f["fluent"] for f in short}
    assert len(short) < 40 < len(every)
    params = {"actor": "Lithuania", "on": "1939-08-26"}
    assert client.get("/api/v1/holds", params=params).json()["fluents"] == short
    assert client.get("/api/v1/holds", params={**params, "all": "true"}).json()["fluents"] == every


def test_breaches_in_the_order_of_events() -> None:
    """``breaches`` lists by date (earliest, then latest day), then event, as ``events``."""
    found = cli_json(["breaches"])["breaches"]
    keys = [
        (b["event"]["date"]["earliest"], b["event"]["date"]["latest"], b["event"]["id"])
        for b in found
    ]
    assert keys == sorted(keys)
    order = [e["id"] for e in cli_json(["events"])["events"]]
    seen = list(dict.fromkeys(b["event"]["id"] for b in found))
    assert seen == [e for e in order if e in set(seen)]


def test_human_output_shows_the_corpus_notes() -> None:
    """The corpus's notes (the 23/24 August note on the Pact) in the tables too."""
    code, out, err = cli("treaty", "molotov-ribbentrop-pact")
    assert code == 0, err
    assert "note:" in out and "23 to 24 August" in " ".join(out.split())
    code, out, err = cli("treaties", "--between", "USSR", "Germany")
    assert code == 0, err
    assert "notes:" in out and "23 to 24 August" in " ".join(out.split())


def test_an_independent_state_reads_self_governing() -> None:
    code, out, err = cli("status", "Estonia", "--on", "1930-01-01")
    assert code == 0, err
    assert "self-governing" in out
    assert "controlled by  Estonia" not in out
