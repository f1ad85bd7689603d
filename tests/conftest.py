"""Shared fixtures: the bundled knowledge base (one per perspective), built once per session
into a private cache, and the ``--update`` flag that rewrites golden files."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update", action="store_true", default=False,
                     help="rewrite golden files instead of comparing with them")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update")) or os.environ.get(
        "FOEDUS_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("foedus-cache")))


@pytest.fixture(scope="session")
def kb_factory():  # type: ignore[no-untyped-def]
    from foedus.query import KnowledgeBase

    made: dict[str, KnowledgeBase] = {}

    def get(perspective: str = "de-facto") -> KnowledgeBase:
        if perspective not in made:
            made[perspective] = KnowledgeBase(perspective=perspective)
        return made[perspective]

    return get
