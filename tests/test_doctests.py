"""The docstrings' examples run, and say what the code does."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "foedus",
    "foedus.model.dates",
    "foedus.model.records",
    "foedus.engine.timepoints",
    "foedus.query",
    "foedus.ask",
    "foedus.ask.lexicon",
    "foedus.query.base",
    "foedus.query.common",
    "foedus.query.across",
    "foedus.commands",
    "foedus.errors",
    "foedus.shapes",
    "foedus.rules",
    "foedus.engine.reference",
    "foedus.engine.certainty",
    "foedus.corpus.perspectives",
    "foedus.rules.library",
    "foedus.corpus.validate",
    "foedus.corpus.quotes",
    "foedus.norms.explain",
    "foedus.rules.library.vocabulary",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
