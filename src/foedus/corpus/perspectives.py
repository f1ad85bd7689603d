"""Perspectives: the one home of perspective lookup and of the default perspective.

A perspective is a named set of rule files (``perspectives.yaml``); every answer is given
under one. This module finds a perspective by id or name; the rule program of one is made by
:func:`foedus.rules.programs.program_for`. Which perspective answers when none is named is
the corpus's own choice: ``default_perspective`` in ``corpus.yaml``, else the first of
``perspectives.yaml`` (docs/corpus-format.md).

>>> from foedus.corpus import bundled_path, read_corpus
>>> corpus, _, _ = read_corpus(bundled_path())
>>> default_perspective(corpus) == corpus.metadata.default_perspective
True
"""

from __future__ import annotations

import difflib
from typing import Any

from foedus.errors import UnknownName
from foedus.model.vocabulary import ALL_PERSPECTIVES

DEFAULT_PERSPECTIVE: str | None = None
"""No perspective named: answers are given under the corpus's default
(:func:`default_perspective`)."""

NO_PERSPECTIVE = "none"
"""The perspective id of a corpus without perspectives: nothing is derived."""


def default_perspective(corpus: Any) -> str:
    """The id of the perspective answers are given under unless another is named: the one
    ``corpus.yaml`` names as ``default_perspective``, else the corpus's first perspective
    (:data:`NO_PERSPECTIVE` for a corpus without rules)."""
    named = getattr(corpus.metadata, "default_perspective", None)
    ids = perspective_ids(corpus)
    if named:
        for p in corpus.perspectives:
            if named.lower() in (p.id.lower(), p.name.lower()):
                return str(p.id)
    return ids[0] if ids else NO_PERSPECTIVE


def perspective_ids(corpus: Any) -> list[str]:
    """The ids of the corpus's perspectives, in the corpus's order."""
    return [p.id for p in corpus.perspectives]


def check_perspective(corpus: Any, name: str | None) -> str:
    """The id of perspective ``name`` (case-insensitive, by id or name; None: the corpus's
    default), else UnknownName."""
    if name is None:
        return default_perspective(corpus)
    for p in corpus.perspectives:
        if name.lower() in (p.id.lower(), p.name.lower()):
            return str(p.id)
    ids = perspective_ids(corpus)
    if not ids and name == NO_PERSPECTIVE:
        return NO_PERSPECTIVE  # a corpus without rules: nothing is derived
    raise UnknownName("perspective", name, difflib.get_close_matches(name, ids, n=2, cutoff=0.5))


def naming_problems(p: Any) -> list[tuple[str, str]]:
    """What is wrong with how the perspective record ``p`` is named and filled, as (field,
    problem) pairs for :mod:`foedus.corpus.validate`: an id or name ``all`` (in any case:
    ``--perspective all`` and the HTTP API's ``perspective=all`` ask every perspective at once,
    so such a perspective could never be asked alone; only the id as written is compared, an
    id in capitals being refused as an id already), and no rule files (it would derive
    nothing, and every answer under it would say so as if it were known)."""
    out = [
        (
            field_name,
            f"perspective {p.id!r}: its {field_name} {getattr(p, field_name)!r} is reserved "
            f"(--perspective {ALL_PERSPECTIVES} asks every perspective at once, so a "
            "perspective of that name could never be asked alone): choose another",
        )
        for field_name, said in (("id", p.id), ("name", str(p.name or "").strip().lower()))
        if said == ALL_PERSPECTIVES
    ]
    if not p.rules:
        out.append(
            (
                "rules",
                f"perspective {p.id!r}: no rule files, so it would derive nothing: give it "
                "some, e.g. rules: [foedus:base] (the rule library's base rules)",
            )
        )
    return out
