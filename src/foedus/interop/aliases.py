"""One alias table for every imported dataset: COW numbers, G&W numbers, ISO codes and names.

``aliases.csv`` (beside this module) has one row per country: a slug ``id``, a display
``name``, the Correlates of War number and letter code (``cown``, ``cowc``), the
Gleditsch–Ward number and letter code (``gwn``, ``gwc``), ISO 3166 alpha-2 and alpha-3 codes
(``iso3`` may hold several, ``|``-separated) and English name variants (``names``). It was
derived, as data (codes and names, no regular expressions), from the ``countrycode`` codelist
(Arel-Bundock, Enevoldsen and Yetman 2018; GPL-3), with four additions: the names and ISO
code of the Soviet Union on COW 365 (COW and the codelist treat Russia and the USSR as one
code), a row for the German Federal Republic (COW 260), the Papal States (COW and G&W 327,
which the codelist gives to Vatican City) apart from Vatican City (the Holy See, ISO VAT; 328 in
COW's territorial change entity list), and Korea before 1910 (COW and G&W 730, which the
codelist lacks; COW's and G&W's state lists name it so). docs/data.md describes it.

>>> table = AliasTable.bundled()
>>> table.by_cow(366).id, table.by_iso("LVA").id, table.by_name("Soviet Union").id
('estonia', 'latvia', 'russia')
>>> table.resolve(cow="999", name="Ruritania").id
'ruritania'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path


def slugify(text: str) -> str:
    """A corpus slug: lower case, runs of other characters turned into one hyphen.

    >>> slugify("Congo - Kinshasa"), slugify("EST-RUS_1920A")
    ('congo-kinshasa', 'est-rus-1920a')
    """
    s = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")
    return s or "unnamed"


def _key(name: str) -> str:
    key = " ".join(name.split()).lower()
    return key.removeprefix("the ")


@dataclass(frozen=True)
class Alias:
    """One country of the alias table (or an actor made up from a dataset's own name)."""

    id: str
    name: str
    cow: tuple[int, ...] = ()
    cowc: str = ""
    gw: tuple[int, ...] = ()
    iso: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    known: bool = True  # False: not in the table, made up from the dataset's name or code


@dataclass
class AliasTable:
    """Look an actor up by COW number, G&W number, ISO code or any name variant."""

    rows: list[Alias]
    _cow: dict[int, Alias] = field(default_factory=dict)
    _gw: dict[int, Alias] = field(default_factory=dict)
    _iso: dict[str, Alias] = field(default_factory=dict)
    _names: dict[str, Alias] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for a in self.rows:
            for c in a.cow:
                self._cow.setdefault(c, a)
            for g in a.gw:
                self._gw.setdefault(g, a)
            for code in a.iso:
                self._iso.setdefault(code.upper(), a)
            for n in (a.id, a.name, *a.names):
                self._names.setdefault(_key(n), a)
            if a.cowc:
                self._names.setdefault(_key(a.cowc), a)

    @classmethod
    def read(cls, path: str | Path) -> AliasTable:
        rows = []
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                rows.append(
                    Alias(
                        id=r["id"],
                        name=r["name"],
                        cow=tuple(int(x) for x in r["cown"].split("|") if x),
                        cowc=r["cowc"],
                        gw=tuple(int(x) for x in r["gwn"].split("|") if x),
                        iso=tuple(x for x in (r["iso2"], *r["iso3"].split("|")) if x),
                        names=tuple(x for x in r["names"].split("|") if x),
                    )
                )
        return cls(rows)

    @classmethod
    def bundled(cls) -> AliasTable:
        """The table shipped with foedus (``foedus/interop/aliases.csv``)."""
        return _bundled()

    def by_cow(self, code: int | str) -> Alias | None:
        try:
            return self._cow.get(int(code))
        except (TypeError, ValueError):
            return None

    def by_gw(self, code: int | str) -> Alias | None:
        try:
            return self._gw.get(int(code))
        except (TypeError, ValueError):
            return None

    def by_iso(self, code: str) -> Alias | None:
        return self._iso.get(code.strip().upper()) if code else None

    def by_name(self, name: str) -> Alias | None:
        return self._names.get(_key(name)) if name else None

    def resolve(
        self,
        *,
        cow: int | str | None = None,
        gw: int | str | None = None,
        iso: str | None = None,
        name: str | None = None,
    ) -> Alias:
        """The table's row for the first code or name that matches (COW, G&W, ISO, name);
        else an actor made up from the name (or the code), marked ``known=False``."""
        for found in (
            self.by_cow(cow) if cow not in (None, "") else None,
            self.by_gw(gw) if gw not in (None, "") else None,
            self.by_iso(iso) if iso else None,
            self.by_name(name) if name else None,
        ):
            if found is not None:
                return found
        cows = (int(cow),) if cow not in (None, "") and str(cow).lstrip("-").isdigit() else ()
        if name:
            return Alias(
                id=slugify(name), name=name, cow=cows, iso=(iso,) if iso else (), known=False
            )
        code = cow if cow not in (None, "") else gw if gw not in (None, "") else iso
        prefix = "cow" if cow not in (None, "") else "gw" if gw not in (None, "") else "iso"
        return Alias(
            id=slugify(f"{prefix}-{code}"),
            name=f"{prefix.upper()} {code}",
            cow=cows,
            iso=(iso,) if iso else (),
            known=False,
        )


@lru_cache(maxsize=1)
def _bundled() -> AliasTable:
    return AliasTable.read(Path(str(files("foedus") / "interop" / "aliases.csv")))
