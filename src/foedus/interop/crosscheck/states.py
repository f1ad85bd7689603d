"""Cross-check against state lists (COW states2016, Gleditsch–Ward, ISD): the days each state
was sovereign (fluent ``sovereign``) against each spell of membership of the list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from foedus.engine.from_corpus import BEGINNING
from foedus.interop.crosscheck.check import Check, _day, _row_source
from foedus.interop.crosscheck.codings import coding_of, row_columns
from foedus.interop.importers.states import resolve as resolve_spell
from foedus.interop.importers.states import spells


def compare_states(check: Check, path: Path) -> None:
    from foedus.interop.importers.states import FORMATS

    fmt, found, _, _ = spells(path)
    against = path.name
    info = FORMATS[fmt]
    check.codings[against] = coding_of(fmt, info.title, info.citation)
    end_of_data = max((s.end for s in found), default=None)
    begin = BEGINNING.toordinal()
    period = check.period()
    groups: dict[str, list[Any]] = {}
    for s in found:
        alias = resolve_spell(check.aliases, fmt, s)
        actors = check.actors_for(alias)
        if actors:
            groups.setdefault(",".join(actors), []).append(s)
    for key, group in groups.items():
        actors = key.split(",")
        subject = "/".join(actors)
        stretches = check.sovereign_stretches(actors)
        if check.only and not set(actors) & check.only:
            continue
        if len(stretches) == 1 and stretches[0]["start"] <= begin and stretches[0]["end"] >= 10**9:
            check.add(
                subject,
                "sovereign",
                {
                    "value": ", ".join(f"{s.start} – {s.end}" for s in group),
                    "source": _row_source(group[0].row),
                },
                {
                    "value": "always (no change of sovereignty recorded)",
                    "source": check.source_of(stretches[0]["initiated_by"]),
                },
                "not compared",
                "the corpus records no change of sovereignty",
                against,
            )
            continue
        used: set[int] = set()
        for s in group:
            s_lo, s_hi = s.start.toordinal(), s.end.toordinal() + 1
            best, overlap = None, 0
            for k, st in enumerate(stretches):
                ov = min(s_hi, st["end"]) - max(s_lo, st["start"])
                if ov > overlap:
                    best, overlap = k, ov
            dsrc = {"value": None, "source": _row_source(s.row)}
            if best is None:
                check.add(
                    subject,
                    "sovereign",
                    {**dsrc, "value": f"{s.start} – {s.end}"},
                    {"value": "not sovereign in this spell"},
                    "missing",
                    "the corpus has no sovereignty here",
                    against,
                )
                continue
            used.add(best)
            st = stretches[best]
            certain = st["certain"]
            first_certain = min((c[0] for c in certain), default=st["end"])
            last_certain = max((c[1] for c in certain), default=st["start"])
            # start
            if st["start"] <= begin:
                check.add(
                    subject,
                    "start",
                    {**dsrc, "value": s.start.isoformat()},
                    {
                        "value": "no start date (sovereign from its first record)",
                        "source": check.source_of(st["initiated_by"]),
                    },
                    "missing",
                    "the corpus gives no start",
                    against,
                )
            else:
                lo, hi = _day(st["start"]), _day(max(st["start"], first_certain))
                v, note = check.verdict(s.start, lo, hi)
                if v == "disagree" and s.start < period[0]:
                    v = "not compared"
                    note = (
                        f"a difference of scope: the dataset's day is before the corpus's "
                        f"period (from {period[0]}), which says nothing about it"
                    )
                check.add(
                    subject,
                    "start",
                    {
                        **dsrc,
                        "value": s.start.isoformat(),
                        "columns": row_columns(fmt, s.row, "start"),
                    },
                    {
                        "value": lo.isoformat() if lo == hi else f"{lo} – {hi}",
                        "source": check.source_of(st["initiated_by"]),
                    },
                    v,
                    note,
                    against,
                )
            # end (the last day of membership)
            ds_end = None if s.end == end_of_data else s.end
            if st["end"] >= 10**9:
                lo_e = hi_e = None
            else:
                lo_e = _day(min(st["end"], max(last_certain, st["start"] + 1)) - 1)
                hi_e = _day(st["end"] - 1)
            if (
                ds_end is None
                and lo_e is not None
                and hi_e is not None
                and end_of_data is not None
                and hi_e >= end_of_data
            ):
                v, note = "agree", "both run to the end of the dataset"
            else:
                v, note = check.verdict(ds_end, lo_e, hi_e)
                if v == "disagree" and ds_end is not None and ds_end > period[1]:
                    v = "not compared"
                    note = (
                        f"a difference of scope: the dataset's day is after the corpus's "
                        f"period (to {period[1]}), which says nothing about it"
                    )
            check.add(
                subject,
                "end",
                {
                    **dsrc,
                    "value": ds_end.isoformat()
                    if ds_end
                    else f"still a member at the end of data ({end_of_data})",
                    "columns": row_columns(fmt, s.row, "end"),
                },
                {
                    "value": None
                    if lo_e is None
                    else (lo_e.isoformat() if lo_e == hi_e else f"{lo_e} – {hi_e}"),
                    "source": check.source_of(st["terminated_by"]),
                },
                v,
                note,
                against,
            )
        for k, st in enumerate(stretches):
            if k in used or end_of_data is None or _day(st["start"]) > end_of_data:
                continue
            if st["start"] <= begin:
                continue
            check.add(
                subject,
                "sovereign",
                {"value": "not a member"},
                {
                    "value": f"{_day(st['start'])} – "
                    f"{_day(st['end'] - 1) if st['end'] < 10**9 else ''}",
                    "source": check.source_of(st["initiated_by"]),
                },
                "missing",
                "the dataset has no spell here",
                against,
            )
