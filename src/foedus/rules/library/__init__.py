"""The rule library: general rules shipped with foedus, which a perspective names as
``foedus:NAME`` beside its corpus's own rule files (docs/rules.md).

``foedus:base`` (existence, instruments in force, parties, protection, sovereignty, control,
spheres of influence), ``foedus:de-facto`` (what an annexation made of a state in fact),
``foedus:non-recognition`` (an annexation in breach of a binding norm creates no title) and
``foedus:successor-states`` (what a state held passes to its successor, or ends with it).

>>> sorted(library_names())
['foedus:base', 'foedus:de-facto', 'foedus:non-recognition', 'foedus:successor-states']
>>> library_file("foedus:base").name
'base.rules'
>>> library_file("foedus:nothing") is None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PREFIX = "foedus:"
"""How a perspective names a rule file of the library: ``foedus:base``."""

LIBRARY = Path(__file__).resolve().parent
"""The folder of the library's rule files."""


def is_library_name(name: str) -> bool:
    """Whether ``name`` names a rule file of the library (whether or not it exists)."""
    return name.startswith(PREFIX)


def library_names() -> list[str]:
    """Every name a perspective may use for a library file, ``foedus:<stem>``."""
    return [PREFIX + f.stem for f in sorted(LIBRARY.glob("*.rules"))]


def library_file(name: str) -> Path | None:
    """The library file ``name`` names (``foedus:base``, or ``foedus:base.rules``), else None."""
    if not is_library_name(name):
        return None
    stem = name[len(PREFIX) :].removesuffix(".rules")
    f = LIBRARY / f"{stem}.rules"
    return f if stem and "/" not in stem and "\\" not in stem and f.is_file() else None


def rule_paths(corpus: Any, names: list[str]) -> list[Path]:
    """The rule files ``names`` (a perspective's ``rules``) name, in order and each once: a
    library name (``foedus:base``) is the library's file; any other name is one of the files
    the loader read under the corpus's ``rules/`` (by file name, stem or path in the corpus).
    A name that is neither (``../../etc/passwd``) is never opened (the validator reports it)."""
    by_name: dict[str, Path] = {}
    for f in corpus.rule_files:
        for name in (f.name, f.stem, f.relative_to(corpus.path).as_posix()):
            by_name.setdefault(name, f)
    out: list[Path] = []
    for name in names:
        f = library_file(name) if is_library_name(name) else by_name.get(name)
        if f is not None and f not in out:
            out.append(f)
    return out
