"""Perspectives: the one home of perspective lookup and of the default perspective.

A perspective is a named set of rule files (``perspectives.yaml``); every answer is given
under one. This module finds a perspective by id or name; the rule program of one is made by
:func:`foedus.rules.programs.program_for`.
"""

from __future__ import annotations

import difflib
from typing import Any

from foedus.errors import UnknownName

DEFAULT_PERSPECTIVE = "de-facto"
"""The perspective answers are given under unless another is named."""


def perspective_ids(corpus: Any) -> list[str]:
    """The ids of the corpus's perspectives, in the corpus's order."""
    return [p.id for p in corpus.perspectives]


def check_perspective(corpus: Any, name: str) -> str:
    """The id of perspective ``name`` (case-insensitive, by id or name), else UnknownName."""
    for p in corpus.perspectives:
        if name.lower() in (p.id.lower(), p.name.lower()):
            return str(p.id)
    ids = perspective_ids(corpus)
    if not ids and name == DEFAULT_PERSPECTIVE:
        return DEFAULT_PERSPECTIVE  # a corpus without rules: nothing is derived
    raise UnknownName("perspective", name, difflib.get_close_matches(name, ids, n=2, cutoff=0.5))
