"""The public contract's JSON shapes as pydantic models, and their JSON Schema.

Every ``--json`` output of a query command and every HTTP API response has one of the
shapes below (docs/api.md). The models describe what
:class:`~foedus.query.KnowledgeBase` returns; they are not used to build answers, only to
document and check them: the HTTP API names them as response models (OpenAPI at ``/docs``),
and the tests validate every output against ``src/foedus/schema/contract.schema.json``, the
committed JSON Schema generated from them. A test keeps that file equal to a fresh
generation. Regenerate with::

    python -m foedus.contract

Every key the code always writes is required (``null`` where the type allows it); unknown
keys are refused, so a new key is a deliberate change of the contract.

>>> sorted(RESPONSES)[:3]
['aggressor', 'ask', 'breaches']
>>> generate()["$defs"]["Ref"]["required"]
['id', 'name']
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from foedus.commands import http_commands
from foedus.model import EVENT_TYPES, NORM_KINDS

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
#: The contract's version, raised when a shape changes: 2 added ``ask``'s ``verdict`` and its
#: query's ``over`` and ``each``; 3 made each field of a status (and of a period) a list of
#: every value that possibly holds, each with its certainty; 4 added ``--perspective all``
#: (:data:`ACROSS`: one object per perspective), the ``summary`` of ``status`` and
#: ``explain``, the ``text`` and ``when`` of a fluent, and a treaty's ``certainty_note`` in
#: ``treaties --on`` (an end the source does not give) (docs/api.md).
CONTRACT_VERSION = 4
Certainty = Literal["certain", "possible"]


class Shape(BaseModel):
    """A contract shape: unknown keys refused; ``from`` and ``to`` spelled as in JSON."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Ref(Shape):
    """An actor (or an instrument, where noted): its slug and its name."""

    id: str
    name: str


class Date(Shape):
    """A date as a closed range of ISO days, and the text as the source gives it."""

    earliest: str = Field(pattern=ISO_DAY)
    latest: str = Field(pattern=ISO_DAY)
    text: str


class SourceQuote(Shape):
    """Words quoted verbatim from a source."""

    source: str | None
    quote: str


class Event(Shape):
    """Something that happened: typed, dated, done by actors to targets, with its sources."""

    id: str
    type: str = Field(json_schema_extra={"enum": list(EVENT_TYPES)})
    date: Date
    actors: list[Ref] | None
    targets: list[Ref] | None
    summary: str
    sources: list[SourceQuote]
    justification: str | None
    notes: str | None
    instrument: Ref | None = Field(description="the instrument the event concerns (a Ref)")
    mode: str | None = Field(description="of a recognition: de-jure or de-facto")
    hypothetical: bool


class Party(Shape):
    """How and when an actor joined an instrument (and left it)."""

    actor: Ref
    how: str
    date: Date | None
    until: Date | None
    via: Ref | None
    sources: list[SourceQuote]


class Norm(Shape):
    """What a clause makes binding: a prohibition, obligation, guarantee, ..."""

    kind: str = Field(json_schema_extra={"enum": list(NORM_KINDS)})
    categories: list[str]
    bearers: list[Ref] | None
    beneficiaries: list[Ref] | None
    description: str | None


class Clause(Shape):
    """A clause's verbatim text and, where it binds, its norm."""

    id: str
    article: str | None
    text: str
    source: str | None
    norm: Norm | None


class Instrument(Shape):
    """A treaty, pact, protocol, convention, declaration, charter or accords."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    signed: Date | None
    in_force: Date | None
    ended: Date | None
    parties: list[Party]
    clauses: list[Clause]
    sources: list[SourceQuote]
    notes: str | None
    hypothetical: bool
    certainty: Certainty | None = Field(
        None, description="only in `treaties --on`: whether it surely held on that day"
    )
    certainty_note: str | None = Field(
        None,
        description="only in `treaties --on`: why it only possibly held on that day though "
        "this perspective's rules keep it in force (the source gives no end, another "
        "perspective ends it)",
    )


class Explanation(Shape):
    """A conclusion, the rule or clause applied, the quotes it rests on, and its premises."""

    conclusion: str
    rule: str | None
    certainty: Certainty | None
    hypothetical: bool
    sources: list[SourceQuote]
    premises: list[Explanation]


class Summary(Shape):
    """The plain-language summary an explanation starts with: one sentence (dates as the
    source gives them) and the quote the answer turns on."""

    text: str
    quote: SourceQuote | None


class BoolValue(Shape):
    """One value that a yes/no status field possibly holds, with its certainty."""

    value: bool
    certainty: Certainty


class RefValue(Shape):
    """One value that a status field possibly holds, with its certainty."""

    value: Ref
    certainty: Certainty


class Status(Shape):
    """An actor's status on one day under one perspective: each field lists every value that
    possibly holds (a certain value is a one-element list; none: an empty list)."""

    sovereign: list[BoolValue] = Field(min_length=1)
    controlled_by: list[RefValue]
    occupied_by: list[RefValue]
    part_of: list[RefValue]
    label: str
    certainty: Certainty


class Fluent(Shape):
    """A fluent-value pair that holds over a maximal period."""

    fluent: str
    args: list[str]
    value: str
    text: str = Field(description="the fluent with names for ids")
    from_: Date | None = Field(alias="from")
    to: Date | None
    when: str = Field(description="when it holds, as the sources date what started and ended it")
    certainty: Certainty
    rule: str | None


class Period(Shape):
    """A maximal period of constant status (``to`` is null while it lasts)."""

    from_: Date | None = Field(alias="from")
    to: Date | None
    sovereign: list[BoolValue] = Field(min_length=1)
    controlled_by: list[RefValue]
    occupied_by: list[RefValue]
    part_of: list[RefValue]
    label: str
    certainty: Certainty
    rules: list[str]


class Breach(Shape):
    """An event that fell within what a clause binding its author forbids."""

    event: Event
    treaty: Instrument
    clause: Clause
    against: list[Ref]
    certainty: Certainty
    explanation: Explanation


class Difference(Shape):
    """A period in which two perspectives give an actor different statuses."""

    actor: Ref
    from_: Date | None = Field(alias="from")
    to: Date | None
    status: dict[str, Status] = Field(description="perspective id -> status")
    rules: dict[str, list[str]] = Field(
        description="perspective id -> labels of the rules only that perspective used"
    )
    because: dict[str, str] = Field(
        description="perspective id -> why sovereignty ended, or did not, in that view"
    )
    rule_text: dict[str, str | None] = Field(description="rule label -> the rule as written")


class Ratio(Shape):
    total: int
    covered: int
    percent: float


class SourceCoverage(Shape):
    """How much of one source the corpus quotes, and which of its dates it records."""

    source: str
    sentences: Ratio
    dated_or_named: Ratio
    dates: Ratio
    uncovered: list[str]
    unrepresented_dates: list[str]


class Problem(Shape):
    """One problem in one place of one input file."""

    file: str
    line: int
    col: int
    message: str


# --------------------------------------------------------------------------- responses


class EventsResponse(Shape):
    events: list[Event]


class TreatiesResponse(Shape):
    treaties: list[Instrument]


class StatusResponse(Shape):
    """The status on day ``on``; an ``ask`` answer about a range (``query.over``) also has
    ``to``, the range's last day, and lists every value that held at some time in it."""

    actor: Ref
    on: str = Field(pattern=ISO_DAY)
    to: str | None = Field(default=None, pattern=ISO_DAY)
    perspective: str
    status: Status
    summary: Summary
    explanation: Explanation


class HoldsResponse(Shape):
    actor: Ref
    on: str = Field(pattern=ISO_DAY)
    perspective: str
    fluents: list[Fluent]


class TimelineResponse(Shape):
    actor: Ref
    perspective: str
    periods: list[Period]
    events: list[Event]


class BreachesResponse(Shape):
    perspective: str
    breaches: list[Breach]


class AggressorResponse(Shape):
    """The aggressor (null when neither committed a listed act) and the act that decides."""

    aggressor: Ref | None
    act: Event | None
    category: str | None
    rule: str
    certainty: Certainty | None
    candidates: list[Ref]
    explanation: Explanation


class CompareResponse(Shape):
    perspectives: list[str] = Field(min_length=2, max_length=2)
    differences: list[Difference]


class ExplainResponse(Shape):
    summary: Summary
    explanation: Explanation


class ValidateResponse(Shape):
    """``{"ok": true, "counts": {...}}``, or ``{"ok": false, "errors": [Problem]}``."""

    ok: bool
    counts: dict[str, int] | None = None
    errors: list[Problem] | None = None


class CoverageResponse(Shape):
    sources: list[SourceCoverage]


class AskRange(Shape):
    """The range a ``treaties`` or ``status`` question is answered over: every instrument in
    force (or binding), every status value that held, at any time in it."""

    from_: str = Field(alias="from", pattern=ISO_DAY)
    to: str = Field(pattern=ISO_DAY)


class AskGroup(Shape):
    """A group named in the question (its id stands in ``args``), asked of each member."""

    group: str
    members: list[str]


class AskQuery(Shape):
    """The query a question was mapped to: a command, its arguments, the perspective, and a
    filter of the answer's list (``{"event_type": T}``, ``{"event": [ids]}``,
    ``{"involving": id}``, ``{"instrument": id}``)."""

    command: str
    args: dict[str, Any]
    perspective: str
    filter: dict[str, Any]
    over: AskRange | None
    each: AskGroup | None


YesNo = Literal["yes", "no", "possibly"]


class AskVerdict(Shape):
    """The answer to a yes/no question under the question's perspective, and under each of
    the corpus's perspectives (``text`` names those that differ)."""

    answer: YesNo
    perspective: str
    by_perspective: dict[str, YesNo]
    text: str


class AskResponse(Shape):
    """A plain-English question, the query it maps to, how loose words were read (notes),
    the verdict of a yes/no question (else null), and the query's answer (that command's
    shape)."""

    question: str
    query: AskQuery
    notes: list[str]
    verdict: AskVerdict | None
    answer: (
        EventsResponse
        | Instrument
        | TreatiesResponse
        | StatusResponse
        | HoldsResponse
        | TimelineResponse
        | BreachesResponse
        | AggressorResponse
        | CompareResponse
    )


class ErrorItem(BaseModel):
    """One problem behind an error: a file problem, a request parameter, or a name."""

    model_config = ConfigDict(extra="allow")

    message: str


class ErrorBody(Shape):
    status: int
    message: str = Field(description="the same one-line message as the CLI's")
    errors: list[ErrorItem]


class Error(Shape):
    """Every HTTP error (400, 404, 405, 414, 422, 500, 501, 503) has this shape."""

    error: ErrorBody


RESPONSES: dict[str, type[BaseModel]] = {
    c.name: globals()[c.response] for c in http_commands() if c.response is not None
}
"""The response shape of each command (CLI ``--json`` and ``GET /api/v1/<command>``), as the
table of commands names it (:data:`foedus.commands.COMMANDS`, ``response``)."""


def _across(name: str, answer: type[BaseModel]) -> type[BaseModel]:
    """The shape of ``--perspective all`` for a command answering ``answer``
    (:mod:`foedus.query.across`)."""
    view = create_model(
        f"{name}Perspective",
        __base__=Shape,
        __doc__=f"One perspective's {name.lower()} answer beside the others'.",
        perspective=(str, Field(description="the perspective's id")),
        name=(str, Field(description="the perspective's name")),
        default=(bool, Field(description="whether it is the corpus's default perspective")),
        differs=(bool, Field(description="whether its answer differs from the default's")),
        rules=(
            list[str],
            Field(
                description="labels of the rules its answer rests on that some perspective "
                "answering otherwise does not use (empty where all agree)"
            ),
        ),
        because=(
            str | None,
            Field(description="status: why sovereignty ended, or did not, in this view"),
        ),
        answer=(answer, Field(description="the command's answer under this perspective")),
    )
    return create_model(
        f"{name}Across",
        __base__=Shape,
        __doc__=f"``--perspective all``: the {name.lower()} answer under every perspective.",
        perspective=(str, Field(pattern="^all$", description="always `all`")),
        command=(str, ...),
        agree=(bool, Field(description="whether every perspective gives the same answer")),
        perspectives=(list[view], Field(min_length=1)),  # type: ignore[valid-type]
        rule_text=(dict[str, str | None], Field(description="rule label -> the rule as written")),
    )


ACROSS: dict[str, type[BaseModel]] = {
    "status": _across("Status", StatusResponse),
    "holds": _across("Holds", HoldsResponse),
    "treaties": _across("Treaties", TreatiesResponse),
    "breaches": _across("Breaches", BreachesResponse),
    "explain": _across("Explain", ExplainResponse),
}
"""The shape of each command's answer to ``--perspective all`` (``perspective=all``)."""


def generate() -> dict[str, Any]:
    """The JSON Schema of the contract: every shape under ``$defs``, and in
    ``x-foedus-commands`` the shape each command returns."""
    found: set[type[BaseModel]] = {*RESPONSES.values(), *ACROSS.values(), Error}
    models = sorted(found, key=lambda m: m.__name__)
    _, top = models_json_schema([(m, "validation") for m in models], ref_template="#/$defs/{model}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://foedus.invalid/schema/contract.schema.json",
        "title": "foedus public contract",
        "description": "The JSON objects that `foedus <command> --json` prints and that "
        "`GET /api/v1/<command>` returns. Generated by `python -m foedus.contract`"
        "; do not edit.",
        "x-foedus-contract-version": CONTRACT_VERSION,
        "x-foedus-commands": {cmd: f"#/$defs/{m.__name__}" for cmd, m in RESPONSES.items()},
        "x-foedus-all": {cmd: f"#/$defs/{m.__name__}" for cmd, m in ACROSS.items()},
        "$defs": top["$defs"],
    }


def render() -> str:
    """The schema as the committed file's text."""
    return json.dumps(generate(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_path() -> Path:
    """Where the committed schema lives in the package."""
    return Path(str(files("foedus") / "schema" / "contract.schema.json"))


def load_schema() -> dict[str, Any]:
    """The committed schema."""
    return dict(json.loads(schema_path().read_text(encoding="utf-8")))


def schema_for(
    command: str, schema: dict[str, Any] | None = None, every: bool = False
) -> dict[str, Any]:
    """A schema that validates the response of ``command`` (or a ``$defs`` name); ``every``:
    its response to ``--perspective all``."""
    full = schema or load_schema()
    table = full["x-foedus-all" if every else "x-foedus-commands"]
    ref = table.get(command, f"#/$defs/{command}")
    return {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": ref}


def write(path: Path | None = None) -> Path:
    """Write the schema (to the package's committed copy by default)."""
    target = path or schema_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write())
