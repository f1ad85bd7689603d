"""``foedus run --facts``: domain facts, read in plain Python (small files).

RTEC-style lines (``state(s1).``, one per line, ``%`` comments; an argument may be quoted) or a
CSV file with the header ``fact,args`` (``args`` joined by ``;``). Facts of relations that the
rules do not declare are ignored (RTEC's grounding facts, which foedus does not need).
"""

from __future__ import annotations

import re
from pathlib import Path

_FACT = re.compile(r"^\s*([a-z][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*\.\s*(?:%.*)?$")
_ATOM = re.compile(r"^\s*(?:'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.)*)\"|([^\s,()'\"]+))\s*$")


def read_facts(
    paths: list[Path], arities: dict[str, int]
) -> tuple[dict[str, list[tuple[str, ...]]], list[str]]:
    """The rows of the declared fact relations in ``paths``, and the errors (``file:line:
    message``, one each)."""
    import csv

    rows: dict[str, list[tuple[str, ...]]] = {r: [] for r in arities}
    errors: list[str] = []

    def add(where: str, rel: str, args: list[str]) -> None:
        if rel not in arities:
            return
        if len(args) != arities[rel]:
            errors.append(
                f"{where}: fact relation '{rel}' takes {arities[rel]} argument"
                f"{'' if arities[rel] == 1 else 's'}, found {len(args)}"
            )
            return
        rows[rel].append(tuple(args))

    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            errors.append(f"{path}:1: cannot read facts: {getattr(e, 'strerror', None) or e}")
            continue
        if Path(path).suffix.lower() == ".csv":
            reader = csv.reader(text.splitlines())
            header = next(reader, None)
            if header is None or [h.strip().lower() for h in header[:2]] != ["fact", "args"]:
                errors.append(f"{path}:1: expected the header 'fact,args'")
                continue
            for n, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) != 2:
                    errors.append(f"{path}:{n}: expected 2 columns (fact,args), found {len(row)}")
                    continue
                add(f"{path}:{n}", row[0].strip(), row[1].split(";") if row[1] else [])
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            s = line.strip()
            if not s or s.startswith("%"):
                continue
            m = _FACT.match(s)
            args: list[str] = []
            ok = m is not None
            if m and m.group(2) is not None:
                for piece in m.group(2).split(","):
                    am = _ATOM.match(piece)
                    if am is None:
                        ok = False
                        break
                    args.append(next(g for g in am.groups() if g is not None))
            if not ok or m is None:
                errors.append(f"{path}:{n}: expected a fact such as 'state(s1).', found {s!r}")
                continue
            add(f"{path}:{n}", m.group(1), args)
    return rows, errors
