"""Writes the seeded random narratives of the fixtures_more descriptions (i_chain, j_roles,
k_lists, l_phases, m_groups, n_values) and every narrative's domain file.

python gen_more.py random DESCRIPTION --events N --seed S --horizon H --out FILE
python gen_more.py domain DESCRIPTION NARRATIVE --out FILE
python gen_more.py all DIR   (the rand2k narratives and the domain files of every case in DIR)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

# per description: entity kinds, and the events with their argument kinds and weights
PROFILES: dict[str, dict] = {
    "i_chain": {
        "kinds": {"unit": 5},
        "events": {
            "switch_on": (["unit"], 5),
            "switch_off": (["unit"], 2),
            "prime": (["unit"], 4),
            "disarm": (["unit"], 2),
            "trigger": (["unit"], 5),
            "cease": (["unit"], 2),
            "surge": (["unit"], 3),
            "inspect": (["unit"], 5),
            "release": (["unit"], 3),
        },
    },
    "j_roles": {
        "kinds": {"person": 5, "committee": 3},
        "events": {
            "join": (["person", "committee"], 6),
            "elect": (["person", "committee", "person"], 5),
            "leave": (["person", "committee"], 2),
            "retire": (["person"], 1),
            "dissolve": (["committee"], 1),
            "suspend": (["person"], 2),
            "reinstate": (["person"], 2),
            "motion": (["person", "committee"], 5),
        },
    },
    "k_lists": {
        "kinds": {"lamp": 5},
        "events": {
            "a_on": (["lamp"], 5),
            "a_off": (["lamp"], 3),
            "b_on": (["lamp"], 4),
            "b_off": (["lamp"], 3),
            "c_on": (["lamp"], 4),
            "c_off": (["lamp"], 3),
            "d_on": (["lamp"], 1),
            "d_off": (["lamp"], 1),
            "swap": (["lamp"], 3),
        },
    },
    "l_phases": {
        "kinds": {"car": 5, "gearval": 4},
        "events": {
            "rest": (["car"], 2),
            "go": (["car"], 5),
            "stop": (["car"], 2),
            "jam": (["car"], 2),
            "kill": (["car"], 1),
            "shift": (["car", "gearval"], 8),
            "tick": (["car"], 3),
            "radar": (["car"], 5),
            "pay": (["car"], 2),
        },
    },
    "m_groups": {
        "kinds": {"person": 5, "group": 3, "colourval": 3},
        "events": {
            "open": ([], 1),
            "close": ([], 1),
            "purge": ([], 1),
            "join": (["person", "group"], 8),
            "quit": (["person", "group"], 4),
            "ping": (["person"], 6),
            "quarrel": (["person"], 2),
            "lead": (["person", "group"], 4),
            "paint": (["person", "colourval"], 3),
            "fade": (["person", "colourval"], 2),
            "dye": (["person"], 2),
            "wash": (["person"], 2),
        },
    },
    "n_values": {
        "kinds": {"room": 5, "grp": 3},
        "events": {
            "open": (["room"], 5),
            "shut": (["room"], 5),
            "break": (["room"], 1),
            "blow": (["room"], 6),
            "enter": (["room", "grp"], 6),
            "leave": (["room", "grp"], 4),
        },
    },
}
PREFIX = {
    "room": "r",
    "grp": "g",
    "unit": "u",
    "group": "g",
    "person": "p",
    "committee": "c",
    "lamp": "l",
    "car": "k",
}
#: kinds whose values are fixed (declared in FIXED, not derived from the narrative)
VALUES = {"gearval": ["low", "mid", "high", "bogus"], "colourval": ["red", "blue", "green"]}
#: fixed domain facts of a description (not derived from the narrative)
FIXED = {
    "j_roles": ["guest(p2).", "guest(p4)."],
    "l_phases": [f"gearval({g})." for g in VALUES["gearval"]],
    "m_groups": [f"colourval({c})." for c in VALUES["colourval"]]
    + [
        "kind(p1, blue).",
        "kind(p2, red).",
        "kind(p3, green).",
        "kind(p4, red).",
        "kind(p4, blue).",
    ],
    "n_values": ["tagged(r1).", "tagged(r3)."],
}
RAND = {  # case: (events, horizon, seed)
    "i_chain": (2000, 300, 501),
    "j_roles": (2000, 300, 502),
    "k_lists": (2000, 300, 503),
    "l_phases": (2000, 300, 504),
    "m_groups": (2000, 300, 505),
    "n_values": (2000, 300, 506),
}


def pool(kind: str, n: int) -> list[str]:
    return VALUES[kind] if kind in VALUES else [f"{PREFIX[kind]}{k}" for k in range(1, n + 1)]


def narrative(d: str, events: int, horizon: int, seed: int) -> list[str]:
    """``events`` lines at times 1..horizon-1, sorted by time and then by text (a line may
    repeat, which means the same as once)."""
    prof = PROFILES[d]
    rnd = random.Random(seed)
    names = list(prof["events"])
    weights = [prof["events"][n][1] for n in names]
    rows = []
    for _ in range(events):
        t = rnd.randint(1, horizon - 1)
        name = rnd.choices(names, weights)[0]
        args = [rnd.choice(pool(k, prof["kinds"][k])) for k in prof["events"][name][0]]
        rows.append((t, "|".join([name, str(t), str(t), *args])))
    return [line for _, line in sorted(rows)]


def domain(d: str, lines: list[str]) -> str:
    prof = PROFILES[d]
    facts: set[str] = set()
    for line in lines:
        name, _a, _t, *args = line.split("|")
        for kind, arg in zip(prof["events"][name][0], args, strict=True):
            if kind not in VALUES:
                facts.add(f"{kind}({arg}).")
    return "".join(f"{f}\n" for f in sorted(facts) + FIXED.get(d, []))


def main(argv: list[str]) -> None:
    if argv[0] == "all":
        out = Path(argv[1])
        for d, (events, horizon, seed) in RAND.items():
            lines = narrative(d, events, horizon, seed)
            (out / f"{d}__rand2k.csv").write_text("\n".join(lines) + "\n")
        for narr in sorted(out.glob("*__*.csv")):
            d = narr.stem.split("__")[0]
            lines = [ln for ln in narr.read_text().splitlines() if ln.strip()]
            (out / f"{narr.stem}.domain.prolog").write_text(domain(d, lines))
    elif argv[0] == "random":
        d = argv[1]
        opts = dict(zip(argv[2::2], argv[3::2], strict=True))
        lines = narrative(d, int(opts["--events"]), int(opts["--horizon"]), int(opts["--seed"]))
        Path(opts["--out"]).write_text("\n".join(lines) + "\n")
    elif argv[0] == "domain":
        d, narr = argv[1], Path(argv[2])
        lines = [ln for ln in narr.read_text().splitlines() if ln.strip()]
        Path(argv[4]).write_text(domain(d, lines))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
