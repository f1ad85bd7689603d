"""Attributes of a package imported when first read (PEP 562), so that importing one module of
a package does not import every other: ``import foedus.build.schema`` runs
``foedus/build/__init__.py`` first, and the command line's start-up (docs/performance.md, cold
start) would otherwise pay for the whole build pipeline to read one constant.

A package lists where each name lives and sets ``__getattr__ = lazy.attributes(__name__,
{...})``; under ``if TYPE_CHECKING:`` it imports the same names for the type checker.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def attributes(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``: the name ``name`` is read from the module
    ``where[name]`` on first use, then kept in the package."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
