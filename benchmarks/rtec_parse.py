#!/usr/bin/env python3
"""Convert RTEC's recognised-intervals file into the fixtures' expected CSV.

(The RTEC conformance fixtures' ``parse_rtec.py``, our own writing, copied unchanged but for
this note: benchmarks/rtec.py converts RTEC's output of its runs with it.)

RTEC (``run_rtec.sh``, output_mode=file) writes one line per fluent-value pair::

    recognitions(predictions,party_to,[[ee,tr_a],true],[(3,11),(15,24)]).

Each ``(S,E)`` means the fluent-value pair holds at every time point t with S <= t < E.
RTEC clips its printed intervals to the window, so an interval still open at the end
of the window is printed with E = Q + 1, where Q is the run's ``--end-time``. The
fixtures always run with Q = (last time point of the narrative) + 1, so no event
happens at Q and no interval can be closed at Q + 1 by an event: E = Q + 1 always means
"open". This script writes such ends as ``inf``.

Output columns: ``fluent,args,value,start,end``. ``args`` are the fluent's arguments
joined by ``;`` (empty when it has none). One row per interval, sorted by
(fluent, args, value, start). Only single-window runs are supported: a fluent-value
pair that appears on two lines is an error.

Usage::

    python parse_rtec.py RECOGNISED.txt --narrative NARRATIVE.csv --out EXPECTED.csv
    python parse_rtec.py RECOGNISED.txt --end-time Q --out EXPECTED.csv

With ``--narrative``, Q is computed as the narrative's largest time point plus one.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

LINE = re.compile(
    r"^recognitions\(predictions,(?P<fluent>[a-z][A-Za-z0-9_]*),"
    r"\[\[(?P<args>[^\]]*)\],(?P<value>[A-Za-z0-9_]+)\],"
    r"\[(?P<intervals>.*)\]\)\.$"
)
INTERVAL = re.compile(r"\((\d+),(\d+|inf)\)")
HEADER = ["fluent", "args", "value", "start", "end"]


def end_time_of(narrative: Path) -> int:
    lines = narrative.read_text().splitlines()
    return max(int(line.split("|")[2]) for line in lines if line.strip()) + 1


def parse(text: str, end_time: int) -> list[tuple[str, str, str, int, str]]:
    """Rows (fluent, args, value, start, end) from RTEC's output; end is a number or 'inf'."""
    rows = []
    seen = set()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = LINE.match(line)
        if not match:
            raise ValueError(f"line {number}: not an RTEC recognitions/4 fact: {line!r}")
        fluent, value = match["fluent"], match["value"]
        raw_args = match["args"]
        args = ";".join(a.strip() for a in raw_args.split(",")) if raw_args else ""
        key = (fluent, args, value)
        if key in seen:
            raise ValueError(
                f"line {number}: {fluent}({args})={value} printed twice; use one window"
            )
        seen.add(key)
        body = match["intervals"]
        pairs = INTERVAL.findall(body)
        if ",".join(f"({s},{e})" for s, e in pairs) != body:
            raise ValueError(f"line {number}: cannot read the interval list {body!r}")
        for s, e in pairs:
            start = int(s)
            if e == "inf" or int(e) == end_time + 1:
                end = "inf"
            elif int(e) > end_time + 1:
                raise ValueError(
                    f"line {number}: interval ({s},{e}) ends after end time {end_time} + 1"
                )
            else:
                end = e
            if end != "inf" and start >= int(end):
                raise ValueError(f"line {number}: empty interval ({s},{e})")
            rows.append((fluent, args, value, start, end))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return rows


def write_csv(rows, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("recognitions", type=Path)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--narrative", type=Path, help="narrative the run used; Q = last time + 1")
    group.add_argument("--end-time", type=int, help="the run's --end-time Q")
    parser.add_argument("--out", type=Path, help="output CSV (default: stdout)")
    args = parser.parse_args(argv)
    end_time = args.end_time if args.end_time is not None else end_time_of(args.narrative)
    rows = parse(args.recognitions.read_text(), end_time)
    if args.out:
        with args.out.open("w", newline="") as out:
            write_csv(rows, out)
    else:
        write_csv(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
