"""Corpora for the page's tests that look like imported datasets: states with real names (the
map finds their shapes), many of them close together, and more instruments on a day than the
Baltic corpus has in all."""

from __future__ import annotations

from pathlib import Path

from small_corpora import de_facto_skeleton

# Close together first (their labels collide on a map of the world), then far away.
COUNTRIES = [
    "Estonia",
    "Latvia",
    "Lithuania",
    "Belgium",
    "Netherlands",
    "Luxembourg",
    "Slovenia",
    "Croatia",
    "Austria",
    "Hungary",
    "Japan",
    "Chile",
    "Kenya",
    "Canada",
    "Peru",
    "Laos",
]


def country_world(root: Path, bilateral: int = 90, source_lines: int = 0) -> Path:
    """A world written by ``foedus generate-world`` (16 states, some of them lanes: their
    status changes), its states named as countries, and ``bilateral`` more treaties between
    pairs of them in force from 1901 on, with no end (so that any later day has that many
    edges); ``source_lines``: lines of chronicle added to its source (an imported dataset's
    source is megabytes of rows)."""
    from foedus.generate import generate_world

    generate_world(root, states=len(COUNTRIES), instruments=12, events=160, seed=7, format="yaml")
    actors = root / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    for i in reversed(range(len(COUNTRIES))):  # "State 12" before "State 1"
        text = text.replace(f"name: State {i}\n", f"name: {COUNTRIES[i]}\n")
        text = text.replace(f"name: State {i} (successor)\n", f"name: {COUNTRIES[i]} (successor)\n")
    actors.write_text(text, encoding="utf-8")
    n = len(COUNTRIES)
    extra = []
    for k in range(bilateral):
        a, b = k % n, (k * 7 + 3) % n
        if a == b:
            b = (b + 1) % n
        extra.append(
            f"- id: extra-{k:03d}\n"
            f"  name: Treaty of Friendship and Commerce number {k} between {COUNTRIES[a]}"
            f" and {COUNTRIES[b]}\n"
            "  kind: treaty\n"
            "  signed: '1901-01-01'\n"
            "  in_force: '1901-01-01'\n"
            "  parties:\n"
            + "".join(
                f"  - actor: s{x:05d}\n    how: ratification\n    date: '1901-01-01'\n"
                for x in (a, b)
            )
            + "  sources:\n"
            "  - The states of the world concluded many treaties, pacts and conventions.\n"
        )
    with (root / "instruments.yaml").open("a", encoding="utf-8") as f:
        f.write("".join(extra))
    # an event dated as an imported dataset dates one, its range in its words
    with (root / "events.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "- id: ev-ranged\n  type: naval_blockade\n  date:\n    earliest: '1950-03-01'\n"
            "    latest: '1950-04-30'\n    text: 1950-03-01 – 1950-04-30 (Peru's participation in"
            " dispute 7; the day of its highest action is not coded)\n  actors:\n  - s00014\n"
            "  targets:\n  - s00011\n  summary: Peru blockades the ports of Chile in spring\n"
            "  sources:\n"
            "  - The chronicle of the world records every naval blockade among its events.\n"
        )
    if source_lines:
        with (root / "sources" / "world.txt").open("a", encoding="utf-8") as f:
            f.write(
                "".join(
                    f"\nRow {k:06d} of the chronicle, which no fact quotes."
                    for k in range(source_lines)
                )
            )
    return root


# the rest of a name that lists every party, as ATOP's do
LONG = ": defence, non-aggression, consultation (State u0000, State u0001, State u0002)"


def universal_corpus(root: Path, states: int = 350, conventions: int = 5) -> Path:
    """``states`` states and ``conventions`` conventions that every one of them ratified in
    1950 (as the universal conventions of GGO: 75 of 193 parties), no event."""
    de_facto_skeleton(root)
    ids = [f"u{i:04d}" for i in range(states)]
    (root / "actors.yaml").write_text(
        "actors:\n" + "".join(f"  - id: {a}\n    name: State {a}\n    kind: state\n" for a in ids),
        encoding="utf-8",
    )
    (root / "instruments.yaml").write_text(
        "instruments:\n"
        + "".join(
            f"  - id: convention-{c}\n    name: 'Universal Convention {c}{LONG * (c == 0)}'\n"
            "    kind: convention\n"
            "    signed: March 3, 1950\n    in_force: March 3, 1950\n    parties:\n"
            + "".join(
                f"      - actor: {a}\n        how: ratification\n        date: March 3, 1950\n"
                for a in ids
            )
            + "    sources:\n      - quote: signed the Treaty of Harbour on March 3, 1921\n"
            "        source: mini\n"
            for c in range(conventions)
        ),
        encoding="utf-8",
    )
    (root / "events.yaml").write_text("events: []\n", encoding="utf-8")
    return root
