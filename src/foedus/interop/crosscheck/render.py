"""The human view of a crosscheck: one block per row, both sides with their sources."""

from __future__ import annotations

from foedus.interop.crosscheck.codings import why
from foedus.shapes import Json


def _short(text: str | None, n: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render(result: Json) -> str:
    """The human view: one block per row, both sides with their sources."""
    lines = [
        f"crosscheck of corpus {result['corpus']} ({result['perspective']}) against "
        f"{result['against']}: " + ", ".join(result["files"]),
        "summary: " + ", ".join(f"{n} {k}" for k, n in sorted(result["summary"].items())),
        "",
    ]
    for d in result.get("differences", []):
        days = ", ".join(f"{f} {v}" for f, v in sorted(d["datasets"].items()))
        lines.append(
            f"the datasets differ on the {d['what']} of {d['subject']}: {days}; "
            f"the corpus: {d['corpus']} ({d['corpus_source']})"
        )
        if d.get("codings"):
            lines.append("  why: each list dates the boundary by its own coding rules:")
            for f, c in d["codings"].items():
                lines.append(f"    {f}: {why(c, c.get('columns') or {})}")
        elif d.get("why"):
            lines.append(f"  why: {d['why']}")
    if result.get("differences"):
        lines.append("")
    for r in result["rows"]:
        d, c = r["dataset"], r["corpus"]
        ds = d.get("source") or {}
        cs = c.get("source") or {}
        lines.append(
            f"{r['verdict'].upper():10} {r['subject']} {r['what']}: dataset "
            f"{d.get('value') or 'open'}  |  corpus {c.get('value') or 'open'}  "
            f"({r['note']})"
        )
        if ds:
            lines.append(
                f"{'':10}   dataset: {ds.get('file')}:{ds.get('line')}: {_short(ds.get('row'))}"
            )
        if cs:
            lines.append(
                f"{'':10}   corpus:  {cs.get('id')} ({cs.get('date') or ''}): "
                f'"{_short(cs.get("quote"))}"'
            )
    return "\n".join(lines)
