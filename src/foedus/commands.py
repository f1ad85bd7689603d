"""The one table of commands: each command's name, the query method it calls, its parameters,
its help, the view that renders it for people and the shape of its answer.

Everything that lists the commands is derived from :data:`COMMANDS`: the Typer CLI
(:mod:`foedus.cli`), the HTTP routes (:mod:`foedus.server.app`), the commands a question can
map to (:mod:`foedus.ask.question`), the response shapes (:data:`foedus.contract.RESPONSES`)
and the docs tests. The table is plain data (no Typer, FastAPI or DuckDB), so that each of
them reads it without importing another (docs/decisions/0007-one-table-of-commands.md).

>>> [c.name for c in COMMANDS if c.kind == "query"][:3]
['events', 'treaty', 'treaties']
>>> by_name("status").method, [p.name for p in by_name("status").params]
('status', ['actor', 'on'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["query", "ask", "corpus", "tool"]
"""``query``: a :class:`~foedus.query.KnowledgeBase` method, on the CLI and over HTTP;
``ask``: a question mapped to a query (CLI and HTTP); ``corpus``: about the corpus itself
(CLI and HTTP, read from the served corpus); ``tool``: the CLI only (build, import, serve...)."""

ParamType = Literal["text", "pair", "list", "flag"]


@dataclass(frozen=True)
class Param:
    """One parameter of a command: a keyword argument of its query method, a CLI argument or
    option, and an HTTP query parameter."""

    name: str
    """The keyword argument (``from_`` for ``--from``)."""
    help: str
    type: ParamType = "text"
    """``text``: one value; ``pair``: two values (``--between A B``; over HTTP the parameter
    repeated); ``list``: any number (a CLI argument; over HTTP the parameter repeated);
    ``flag``: yes or no (a CLI switch, false unless given; over HTTP ``true``/``false``)."""
    positional: bool = False
    """A CLI argument (over HTTP a query parameter named after it)."""
    required: bool = False
    flags: tuple[str, ...] = ()
    """The CLI option's names (default: ``--name``)."""
    metavar: str | None = None
    http: str | None = None
    """The HTTP parameter's name (default: ``name``)."""
    http_alias: str | None = None
    """A second HTTP name for the same value (``treaty?t=``): one of the two is required."""
    http_help: str | None = None
    """The HTTP parameter's description (default: ``help``)."""
    of: str = "values"
    """What a pair holds, for the error that counts them (``between: expected two actors``)."""
    into: tuple[str, ...] = ()
    """A pair given to the method as two keyword arguments (``compare(p, q)``)."""
    example: str | None = None

    @property
    def query_name(self) -> str:
        return self.http or self.name


@dataclass(frozen=True)
class Command:
    """One command of the table."""

    name: str
    summary: str
    """One line: the HTTP route's summary (the CLI's list shows the help's first line)."""
    help: str
    """The CLI's help: what the command does, and an example."""
    kind: Kind = "query"
    method: str | None = None
    """The :class:`~foedus.query.KnowledgeBase` method of a query command."""
    params: tuple[Param, ...] = ()
    view: str | None = None
    """The name of the function of :mod:`foedus.cli.views` that shows the answer to people
    (none: the answer's JSON, or the command's own text)."""
    response: str | None = None
    """The name of the :mod:`foedus.contract` model of the answer (none: no JSON contract)."""
    askable: bool = False
    """Whether a plain-English question can map to this command (:mod:`foedus.ask`)."""
    common_options: bool = True
    """Whether the command takes ``--corpus``, ``--perspective``, ``--assume`` and ``--json``."""

    @property
    def http(self) -> bool:
        """Whether the command has a route ``GET /api/v1/<name>``."""
        return self.kind != "tool"


# --------------------------------------------------------------------------- parameters

_ACTOR_HELP = "Actor: id, name or any alias."
ACTOR = Param("actor", _ACTOR_HELP, positional=True, required=True, metavar="A", example="Estonia")
DAY = Param("on", "ISO day (YYYY-MM-DD).", required=True, metavar="DAY", example="1943-01-01")
FROM = Param(
    "from_",
    "ISO day.",
    flags=("--from",),
    metavar="DAY",
    http="from",
    http_help="ISO day (YYYY-MM-DD).",
)
TO = Param("to", "ISO day.", flags=("--to",), metavar="DAY", http_help="ISO day (YYYY-MM-DD).")


# --------------------------------------------------------------------------- the table

COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "The served corpus's validation (it loaded: ok, with counts)",
        "Check a corpus (and an --assume overlay): every problem as file:line:col: message.\n\n"
        "Example: foedus validate tests/corpora/good",
        kind="corpus",
        response="ValidateResponse",
    ),
    Command(
        "coverage",
        "How much of each source the served corpus quotes",
        "How much of each source the corpus quotes, and which dates it records.\n\n"
        "Example: foedus coverage --json",
        kind="corpus",
        view="coverage_view",
        response="CoverageResponse",
    ),
    Command(
        "build",
        "Validate a corpus and write its DuckDB database",
        "Validate a corpus and write its DuckDB database (atomically).\n\n"
        "Example: foedus build src/foedus/corpora/baltic-soviet -o baltic.duckdb",
        kind="tool",
    ),
    Command(
        "events",
        "Events by actor, target, type and dates, sorted by date",
        "Events by actor, target, type and dates, sorted by date.\n\n"
        "Example: foedus events --actor Estonia --from 1940-01-01 --to 1940-12-31",
        method="events",
        params=(
            Param("actor", "Done by this actor (any alias).", http_help=_ACTOR_HELP),
            Param("target", "Done to this actor (any alias).", http_help=_ACTOR_HELP),
            Param("type", "Event type, e.g. invasion.", http_help="Event type."),
            Param(
                "from_",
                "ISO day; events overlapping it or later.",
                flags=("--from",),
                metavar="DAY",
                http="from",
                http_help="ISO day (YYYY-MM-DD).",
            ),
            Param(
                "to",
                "ISO day; events overlapping it or earlier.",
                metavar="DAY",
                http_help="ISO day (YYYY-MM-DD).",
            ),
        ),
        view="events_table",
        response="EventsResponse",
        askable=True,
    ),
    Command(
        "treaty",
        "One instrument: dates, parties, clauses and norms",
        "One instrument: its dates, parties (how and when each joined), clauses and norms.\n\n"
        'Example: foedus treaty "Treaty of Tartu"',
        method="treaty",
        params=(
            Param(
                "name",
                "Instrument id, name or alias.",
                positional=True,
                required=True,
                http_alias="t",
                example="Treaty of Tartu",
            ),
        ),
        view="treaty_view",
        response="Instrument",
        askable=True,
    ),
    Command(
        "treaties",
        "Instruments binding two actors on a day, of a party, or all",
        "Instruments: binding two actors on a day, shared by them, of a party, or every one.\n\n"
        "Example: foedus treaties --between USSR Latvia --on 1940-06-01",
        method="treaties",
        params=(
            Param(
                "between",
                "Two actors: instruments binding both (with --on: on that day; "
                "without: all they ever shared).",
                type="pair",
                metavar="A B",
                http_help="Two actors (repeat the parameter).",
                of="actors",
            ),
            Param(
                "party",
                "Only instruments this actor was party to (with --on: in force that day).",
                http_help=_ACTOR_HELP,
            ),
            Param("on", "ISO day.", metavar="DAY", http_help="ISO day (YYYY-MM-DD)."),
        ),
        view="treaties_table",
        response="TreatiesResponse",
        askable=True,
    ),
    Command(
        "status",
        "An actor's status on a day under a perspective, explained",
        "An actor's status on a day under a perspective (sovereign, controlled by, occupied\n"
        "by, part of), with the explanation down to the source's words.\n\n"
        "Example: foedus status Estonia --on 1960-01-01 --perspective non-recognition",
        method="status",
        params=(ACTOR, DAY),
        view="status_view",
        response="StatusResponse",
        askable=True,
    ),
    Command(
        "holds",
        "Every fluent that holds for an actor on a day",
        "Every fluent that holds for an actor on a day, with its certainty and rule; the "
        "rules' internal fluents (binds, protected, displaced_by) only with --all.\n\n"
        "Example: foedus holds Lithuania --on 1939-08-26",
        method="holds",
        params=(
            ACTOR,
            DAY,
            Param(
                "every",
                "Also the rules' internal fluents (binds, protected, displaced_by).",
                type="flag",
                flags=("--all",),
                http="all",
            ),
        ),
        view="holds_view",
        response="HoldsResponse",
        askable=True,
    ),
    Command(
        "timeline",
        "The periods of an actor's status, and its events",
        "The periods of an actor's status under a perspective, and the events it took part "
        "in.\n\nExample: foedus timeline Latvia --perspective non-recognition",
        method="timeline",
        params=(ACTOR,),
        view="timeline_view",
        response="TimelineResponse",
        askable=True,
    ),
    Command(
        "breaches",
        "Events that breached a clause binding their author",
        "Events that breached a clause binding their author towards their target.\n\n"
        "Example: foedus breaches --by USSR --against Estonia --from 1940-01-01 --to 1940-12-31",
        method="breaches",
        params=(
            Param("by", "Acts by this actor.", http_help=_ACTOR_HELP),
            Param("against", "Acts against this actor.", http_help=_ACTOR_HELP),
            Param("treaty", "Only this instrument.", http_help="Instrument."),
            FROM,
            TO,
        ),
        view="breaches_view",
        response="BreachesResponse",
        askable=True,
    ),
    Command(
        "aggressor",
        "The aggressor: the first to commit an act the corpus defines as aggression",
        "The aggressor: the first to commit one of the acts a definition clause of the corpus "
        "lists (the 1933 Convention's Article II in the bundled corpus).\n\n"
        "Example: foedus aggressor USSR Estonia --from 1940-01-01 --to 1940-12-31",
        method="aggressor",
        params=(
            Param("a", _ACTOR_HELP, positional=True, required=True, metavar="A"),
            Param("b", "The other actor.", positional=True, required=True, metavar="B"),
            FROM,
            TO,
        ),
        view="aggressor_view",
        response="AggressorResponse",
        askable=True,
    ),
    Command(
        "compare",
        "Where two perspectives give different statuses, and why",
        "Where two perspectives give different statuses, with the rules that make them "
        "differ.\n\nExample: foedus compare --perspectives de-facto non-recognition Estonia",
        method="compare",
        params=(
            Param(
                "perspectives",
                "The two perspectives to compare.",
                type="pair",
                required=True,
                metavar="P Q",
                http_help="The two perspectives (repeat the parameter).",
                of="perspectives",
                into=("p", "q"),
            ),
            Param(
                "actor",
                "Only this actor (default: every state).",
                positional=True,
                metavar="[A]",
                http_help=_ACTOR_HELP,
            ),
        ),
        view="compare_view",
        response="CompareResponse",
        askable=True,
    ),
    Command(
        "explain",
        "The explanation tree of a status, breach or aggressor answer",
        "The explanation tree of an answer: conclusion, rule or clause, premises, quotes.\n\n"
        "Example: foedus explain breach ussr-annexes-estonia-1940 treaty-of-tartu",
        method="explain",
        params=(
            Param(
                "what",
                "status | breach | aggressor",
                positional=True,
                required=True,
                metavar="WHAT",
            ),
            Param(
                "args",
                "status: A; breach: EVENT [TREATY]; aggressor: A B",
                type="list",
                positional=True,
                required=True,
                metavar="ARGS...",
                http_help="status: A; breach: EVENT [TREATY]; aggressor: A B "
                "(repeat the parameter)",
            ),
            Param("on", "ISO day (for status).", metavar="DAY", http_help="ISO day (YYYY-MM-DD)."),
        ),
        view="explain_view",
        response="ExplainResponse",
    ),
    Command(
        "ask",
        "A plain-English question, mapped to one of the queries",
        "A plain-English question, mapped to one query (docs/questions.md lists the forms):\n"
        "shows the query it chose and how it read loose dates, then the answer.\n\n"
        'Example: foedus ask "Who was the aggressor between the USSR and Estonia in 1940?"',
        kind="ask",
        params=(
            Param(
                "question",
                'A question in plain English, e.g. "Who was the aggressor between the USSR '
                'and Estonia in 1940?"',
                positional=True,
                required=True,
                metavar="QUESTION",
                http="q",
                http_alias="question",
                http_help="The question.",
                example="Was Estonia sovereign in 1960?",
            ),
        ),
        response="AskResponse",
    ),
    Command(
        "import",
        "Import a dataset into a corpus folder",
        "Import a dataset into a corpus folder, with a report of what was mapped and skipped."
        "\n\nExample: foedus import states states2016.csv -o my-corpus",
        kind="tool",
    ),
    Command(
        "export",
        "Export the corpus (and its built database's tables)",
        "Export the corpus (and, for csv/parquet, every table of its built database).\n\n"
        "Example: foedus export turtle -o baltic.ttl",
        kind="tool",
    ),
    Command(
        "crosscheck",
        "Compare the corpus's derived answers with a dataset",
        "Compare the corpus's derived answers with a dataset, both sides' sources shown.\n\n"
        "Example: foedus crosscheck --against states states2016.csv gwstates.csv --actor Estonia",
        kind="tool",
    ),
    Command(
        "serve",
        "Serve the read-only HTTP API and the web page",
        "Serve the read-only HTTP API (GET /api/v1/<command>, docs at /docs) and the web page."
        "\n\n--perspective sets the default perspective of requests; --assume applies an overlay "
        "to\nevery answer (requests cannot). One JSON line per request is logged on stderr.\n\n"
        "Example: foedus serve --port 8000  (then GET /api/v1/status?actor=Latvia&on=1943-01-01)",
        kind="tool",
    ),
    Command(
        "generate-world",
        "Write a random world (a corpus folder), deterministic from its seed",
        "Write a random world (a corpus folder), deterministic from its seed.\n\n"
        "Example: foedus generate-world --states 200 --instruments 500 --events 100000 -o w",
        kind="tool",
        common_options=False,
    ),
    Command(
        "run",
        "Run Event Calculus rule files on a narrative (RTEC's formats)",
        "Run Event Calculus rule files on a narrative (RTEC's formats); see foedus run --help.\n\n"
        "Example: foedus run rules.rules narrative.csv -o intervals.csv",
        kind="tool",
        common_options=False,
    ),
)
"""Every command, in the order the CLI lists them."""


def by_name(name: str) -> Command:
    """The command called ``name`` (KeyError when there is none)."""
    for c in COMMANDS:
        if c.name == name:
            return c
    raise KeyError(name)


def http_commands() -> list[Command]:
    """The commands with an HTTP route, in the API's order: the queries and ``ask``, then
    the corpus's own (validate, coverage)."""
    return sorted((c for c in COMMANDS if c.http), key=lambda c: c.kind == "corpus")


def method_kwargs(command: Command, values: dict[str, Any]) -> dict[str, Any]:
    """The query method's keyword arguments from the parameters' values (a pair with
    ``into`` becomes two arguments)."""
    out: dict[str, Any] = {}
    for p in command.params:
        value = values.get(p.name)
        if p.into:
            first, second = value if value is not None else (None, None)
            out.update(zip(p.into, (first, second), strict=True))
        else:
            out[p.name] = value
    return out
