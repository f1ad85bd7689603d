"""The command's JSON: :func:`crosscheck` runs the comparison of its kind and sorts the rows;
:func:`differences` lists where the datasets themselves disagree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from foedus.errors import UserError
from foedus.interop.aliases import AliasTable
from foedus.interop.crosscheck.check import KINDS, Check
from foedus.interop.crosscheck.codings import why
from foedus.interop.crosscheck.events import compare_events
from foedus.interop.crosscheck.instruments import compare_instruments
from foedus.interop.crosscheck.states import compare_states
from foedus.shapes import Json

ORDER = {"disagree": 0, "consistent": 1, "agree": 2, "missing": 3, "not compared": 4}


def crosscheck(
    kb: Any,
    kind: str,
    files: list[Path],
    aliases: AliasTable | None = None,
    actors: list[str] | None = None,
) -> Json:
    """Compare ``kb`` with the dataset ``files`` of ``kind``; the JSON of the command.

    ``actors``: compare only these (any alias the corpus knows).
    """
    if kind not in KINDS:
        raise UserError(f"unknown crosscheck kind {kind!r}; kinds: {', '.join(KINDS)}")
    for f in files:
        if not f.is_file():
            raise UserError(f"{f}: file not found")
    only = {kb.resolver.actor(a).id for a in actors} if actors else None
    check = Check(kb, aliases or AliasTable.bundled(), only)
    if kind == "states":
        for f in files:
            compare_states(check, f)
    elif kind in ("mid", "territorial-change"):
        compare_events(check, kind, files)
    else:
        compare_instruments(check, kind, files)
    check.rows.sort(
        key=lambda r: (
            r["subject"],
            r["what"] not in ("start", "sovereign"),
            ORDER[r["verdict"]],
            r["against"],
        )
    )
    counts = Counter(r["verdict"] for r in check.rows)
    return {
        "against": kind,
        "files": [f.name for f in files],
        "corpus": kb.corpus.metadata.name,
        "perspective": kb.perspective,
        "summary": dict(counts),
        "differences": differences(check.rows, check.codings),
        "rows": check.rows,
    }


def differences(rows: list[Json], codings: dict[str, Json] | None = None) -> list[Json]:
    """Where the datasets themselves give different days for the same boundary (e.g. the
    June 1940 day each state list ends Baltic membership), beside the corpus's date, with
    why: each list applies its own coding (``codings``: per file, its rules quoted from where
    they are published, with source and page, or where to find them; and the columns of the
    list's own row that code the boundary, as written)."""
    by: dict[tuple[str, str, str], dict[str, Json]] = {}
    corpus: dict[tuple[str, str, str], Json] = {}
    for r in rows:
        value = r["dataset"].get("value") or ""
        if r["what"] not in ("start", "end") or not value[:4].isdigit():
            continue
        key = (r["subject"], r["what"], str(r["corpus"].get("value")))
        by.setdefault(key, {})[r["against"]] = r["dataset"]
        corpus[key] = r["corpus"]
    out = []
    for (subject, what, value), found in by.items():
        days = {f: d["value"] for f, d in found.items()}
        if len(set(days.values())) <= 1:
            continue
        src = corpus[(subject, what, value)].get("source") or {}
        known = codings or {}
        lists = {
            f: {
                **known.get(f, {"dataset": f, "citation": None, "rules": [], "note": None}),
                "columns": found[f].get("columns") or {},
            }
            for f in sorted(days)
        }
        out.append(
            {
                "subject": subject,
                "what": what,
                "datasets": days,
                "corpus": value,
                "corpus_source": src.get("id"),
                "codings": lists,
                "why": "each list dates the boundary by its own coding rules: "
                + " | ".join(f"{f}: {why(c, c['columns'])}" for f, c in lists.items()),
            }
        )
    return out
