"""Why state lists differ: each list's coding rules, quoted from where its authors published
them (``codings.yaml`` beside this module), and the columns of a list's own row that code a
spell's start or end (ISD's start and end type), shown as written."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from ruamel.yaml import YAML

from foedus.interop.importers.base import Row
from foedus.shapes import Json

CODINGS = Path(__file__).resolve().parent / "codings.yaml"


class Rule(BaseModel):
    """A rule as its source words it: a verbatim quote, the work, its file and page."""

    model_config = ConfigDict(extra="forbid")
    quote: str
    source: str
    document: str
    page: int


class Coding(BaseModel):
    """How one state list codes its spells (one entry of ``codings.yaml``)."""

    model_config = ConfigDict(extra="forbid")
    rules: list[Rule]
    start_columns: list[str]
    end_columns: list[str]
    labels: dict[str, str]
    note: str | None


@cache
def codings() -> dict[str, Coding]:
    """The entries of ``codings.yaml`` by state-list format (cow, gw, isd2, isd1)."""
    data = YAML(typ="safe").load(CODINGS.read_text(encoding="utf-8"))
    return {fmt: Coding.model_validate(entry) for fmt, entry in data.items()}


def row_columns(fmt: str, row: Row, what: str) -> dict[str, str]:
    """The columns of a list's row that code a spell's ``start`` or ``end``, as written."""
    coding = codings().get(fmt)
    if coding is None:
        return {}
    wanted = coding.start_columns if what == "start" else coding.end_columns
    lower = {k.lower(): v for k, v in row.values.items()}
    return {c: lower[c.lower()] for c in wanted if c.lower() in lower}


def coding_of(fmt: str, title: str, citation: str) -> Json:
    """What a crosscheck says of a list's coding: its title and citation, its rules quoted
    with their source and page, the labels of its coded columns, and where its rules are
    published when its files state none."""
    coding = codings().get(fmt)
    return {
        "dataset": title,
        "citation": citation,
        "rules": [r.model_dump() for r in coding.rules] if coding else [],
        "labels": dict(coding.labels) if coding else {},
        "note": coding.note if coding else None,
    }


def why(codes: Json, columns: dict[str, str]) -> str:
    """One list's part of a difference's ``why``: its quoted rules (with source and page),
    else its note, and the row's coded columns with the README's words for them."""
    parts = [
        f"\u201c{r['quote']}\u201d ({r['source']}, {r['document']}, p. {r['page']})"
        for r in codes["rules"]
    ]
    if not parts:
        parts.append(codes["note"] or f"no rule quoted; see {codes['citation']}")
    if columns:
        labels = codes.get("labels", {})
        parts.append(
            "the row codes "
            + ", ".join(
                f"{c} ({labels[c]}) = {v}" if c in labels else f"{c} = {v}"
                for c, v in columns.items()
            )
        )
    return f"{codes['dataset']}: " + "; ".join(parts)
