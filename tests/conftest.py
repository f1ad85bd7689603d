"""Shared fixtures: the bundled knowledge base (one per perspective), built once per session
into a private cache, and the ``--update`` flag that rewrites golden files."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update",
        action="store_true",
        default=False,
        help="rewrite golden files instead of comparing with them",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that runs on Spark goes to one worker of pytest-xdist (``--dist
    loadgroup``), so that the run starts one JVM, not one per worker."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_spark = callspec is not None and callspec.params.get("backend") == "spark"
        if on_spark or "spark_session" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("spark"))


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return (
        bool(request.config.getoption("--update")) or os.environ.get("FOEDUS_UPDATE_GOLDEN") == "1"
    )


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("foedus-cache")))


@pytest.fixture(scope="session", autouse=True)
def _cache(_private_cache: None) -> Iterator[None]:
    """The session's database cache (the runner's, if it set FOEDUS_CACHE_DIR), and errors
    shown as users see them (no FOEDUS_DEBUG tracebacks). A module that needs a cache of its
    own overrides this fixture."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("FOEDUS_DEBUG", raising=False)
        yield


@pytest.fixture(scope="session")
def kb_factory():  # type: ignore[no-untyped-def]
    from foedus.query import KnowledgeBase

    made: dict[str, KnowledgeBase] = {}

    def get(perspective: str = "de-facto") -> KnowledgeBase:
        if perspective not in made:
            made[perspective] = KnowledgeBase(perspective=perspective)
        return made[perspective]

    return get


#: The backends that run compiled plans; tests that take ``backend`` run on each.
BACKENDS = ["duckdb", "spark"]

#: Spark settings for tiny test data: two shuffle partitions (still more than one, so the
#: plans' results must not depend on how rows are split), no adaptive re-planning (a cost
#: per stage, no gain on tiny data), and a JVM that compiles quickly rather than well.
SPARK_TEST_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """The one Spark session of the test run (local mode); skips when Spark cannot run (fails
    instead with ``FOEDUS_SPARK_REQUIRED=1``, as CI sets)."""
    from foedus.backends import spark

    why = spark.unavailable()
    if why:
        if os.environ.get("FOEDUS_SPARK_REQUIRED") == "1":
            pytest.fail(f"spark backend: {why} (and FOEDUS_SPARK_REQUIRED=1)")
        pytest.skip(f"spark backend: {why}")
    yield spark.session(conf=SPARK_TEST_CONF)
    spark.stop_session()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A backend that runs compiled plans: DuckDB (in memory), or Spark (local mode)."""
    if request.param == "duckdb":
        import duckdb

        from foedus.backends.duckdb import DuckDBBackend

        yield DuckDBBackend(duckdb.connect())
        return
    from foedus.backends.spark import SparkBackend

    be = SparkBackend(spark=request.getfixturevalue("spark_session"))
    yield be
    be.close()
