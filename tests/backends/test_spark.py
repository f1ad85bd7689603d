"""The Spark backend: ``foedus build --engine spark`` writes the database a DuckDB build writes;
the CLI's errors for --engine and --spark-master; what the backend holds and releases.

Plans against the reference interpreter on Spark: tests/engine/test_differential.py and
tests/engine/test_compiled_rtec.py (the ``backend`` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from foedus.backends import spark
from foedus.cli import app
from foedus.engine.narrative import Happening
from foedus.rules import parse_rules

pytestmark = pytest.mark.slow

GOOD = Path(__file__).parents[1] / "corpora" / "good"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def builds(spark_session: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled corpus built by ``foedus build`` on each engine; Spark with the settings a
    build has by default (eight shuffle partitions, adaptive execution)."""
    tmp = tmp_path_factory.mktemp("builds")
    saved = {
        k: spark_session.conf.get(k)
        for k in ("spark.sql.shuffle.partitions", "spark.sql.adaptive.enabled")
    }
    spark_session.conf.set("spark.sql.shuffle.partitions", str(spark.DEFAULT_SHUFFLE_PARTITIONS))
    spark_session.conf.set("spark.sql.adaptive.enabled", "true")
    out = {}
    try:
        for engine in ("duckdb", "spark"):
            db = tmp / f"{engine}.duckdb"
            code, _, err = run("build", "--engine", engine, "-o", str(db), "--json")
            assert code == 0, err
            out[engine] = db
    finally:
        for k, v in saved.items():
            spark_session.conf.set(k, v)
    return out


@pytest.mark.parametrize("table", ["fluents", "scenario_fluents", "breaches"])
def test_a_build_on_spark_equals_the_duckdb_build(builds: dict[str, Path], table: str) -> None:
    rows = {}
    for engine, db in builds.items():
        with duckdb.connect(str(db), read_only=True) as con:
            rows[engine] = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    assert rows["duckdb"], f"no {table}: nothing compared"
    assert rows["spark"] == rows["duckdb"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "sprak"], "--engine: unknown engine 'sprak'; did you mean 'spark'?\n"),
        (["--engine", "postgres"], "--engine: unknown engine 'postgres'; choose duckdb or spark\n"),
        (["--spark-master", "local[2]"], "--spark-master: only with --engine spark\n"),
    ],
)
def test_bad_engine_options_exit_2_with_one_line(args: list[str], message: str) -> None:
    assert run("build", str(GOOD), *args) == (2, "", message)


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No Java on this machine, and no Spark session running in this process."""
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(spark, "_SESSION", {})
    yield


def test_without_java_spark_is_unavailable(no_java: None, tmp_path: Path) -> None:
    why = "Spark needs Java (17 or 11) and none was found: set JAVA_HOME or put java on PATH"
    assert spark.unavailable() == why
    code, out, err = run("build", str(GOOD), "--engine", "spark", "-o", str(tmp_path / "x"))
    assert (code, out, err) == (2, "", f"spark backend: {why}\n")
    assert not (tmp_path / "x").exists()


def test_a_bad_master_url_is_one_line(tmp_path: Path) -> None:
    code, out, err = run(
        "build",
        str(GOOD),
        "--engine",
        "spark",
        "--spark-master",
        "nowhere://x",
        "-o",
        str(tmp_path / "x"),
    )
    assert (code, out, err) == (
        2,
        "",
        "spark backend: not a Spark master URL: 'nowhere://x' "
        "(local[N], spark://host:port, yarn, k8s://..., mesos://...)\n",
    )


def test_copy_out_of_an_empty_table_and_release(spark_session: Any) -> None:
    be = spark.SparkBackend(spark=spark_session)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE happenings AS SELECT 'go' AS name, 1 AS arity, 'x' AS a0, "
        "CAST(3 AS BIGINT) AS t_early, CAST(3 AS BIGINT) AS t_late, 'h1' AS id"
    )
    con.execute('CREATE TABLE got (fluent VARCHAR, args VARCHAR[], "end" BIGINT)')
    be.attach(con, ["happenings"])
    program = parse_rules(
        "fluent on(Item).\ninitiated on(X) when go(X).\n"
        "fluent off(Item).\ninitiated off(X) when stop(X).\n",
        "t.rules",
    )
    be.run_tables(program)
    be.copy_out('SELECT fluent, args, "end" FROM intervals WHERE fluent = ?', "got", ["off"])
    be.copy_out('SELECT fluent, args, "end" FROM intervals WHERE fluent = ?', "got", ["on"])
    assert con.execute("SELECT * FROM got").fetchall() == [("on", ["x"], None)]
    assert set(be._views) == {"happenings", "intervals"}  # every intermediate is released
    staging = be.staging()
    be.close_inputs()
    assert be._views == {} and not staging.exists()
    assert be.evaluate(program, [Happening("go", ("y",), 1, 1, "h")])[0].args == ("y",)
    be.close()
