"""The Spark backend: renders plans in the "spark" dialect and runs them with Spark SQL.

Spark SQL has no ``CREATE TEMPORARY TABLE .. AS``, so a step's table is its ``SELECT`` run
once and kept as a local checkpoint (:meth:`pyspark.sql.DataFrame.localCheckpoint`, on the
executors, memory then disk) under a temporary view of the table's name. The checkpoint also
cuts the lineage: a later step, or a through-time cycle's next round, plans against the kept
rows, never against the whole history of statements that made them, so plans do not grow with
the number of rounds. A view is replaced when its step runs again and released when its table
is dropped.

Data crosses between Python or DuckDB and Spark as Parquet files in a staging directory
(:func:`staging_root`): inputs are written there (by pyarrow or DuckDB's ``COPY``) and read by
Spark; tables copied out (:meth:`SparkBackend.copy_out`) are written there by Spark and read
by DuckDB. On a cluster the directory must be one that this machine and every executor see at
the same path (docs/spark.md).

There is one Spark session per process (:func:`session`): local mode (``local[2]``) unless a
master URL is given. ``FOEDUS_SPARK_CONF`` adds Spark settings, e.g.
``"spark.driver.memory=8g spark.sql.shuffle.partitions=64"``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import tempfile
import uuid
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from foedus.backends.base import Backend, happening_columns, happening_rows
from foedus.engine.compile import HAPPENINGS, Materialize, Plan
from foedus.engine.compile_sql import inline_ctes
from foedus.engine.narrative import Happening
from foedus.errors import BackendError, UserError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from foedus.duck import duckdb

DEFAULT_MASTER = "local[2]"
#: Few shuffle partitions: the default (200) costs far more than it gains on a few cores;
#: adaptive execution merges them further when the data are small.
DEFAULT_SHUFFLE_PARTITIONS = 8
#: Below this many happenings a plan runs interpreted: Spark compiles Java code for every
#: stage of every query (whole-stage code generation), which costs more than it saves on few
#: rows; above it, compiled. Measured in local mode (docs/spark.md): as fast either way at
#: 2 * 10^5 happenings (10^5 events), compiled three times faster at 2 * 10^6.
SMALL = 200_000
#: Below this many happenings the driver's JVM compiles its own code quickly rather than well
#: (C1 only): seconds of warm-up saved on the bundled corpus, a third more time at 10^5 events.
TINY = 50_000
#: A plan has hundreds of distinct stages: keep their compiled code (Spark keeps 100).
_CODEGEN_CACHE = "1000"
_MASTER = re.compile(
    r"(local(\[(\*|\d+)(,\s*\d+)?\])?|local-cluster\[.+\]|yarn"
    r"|(spark|mesos|k8s)://.+)$"
)

_ARROW = {"VARCHAR": pa.string(), "INT": pa.int32(), "BIGINT": pa.int64()}

#: Errors only, and the scheduler's warning that a cluster gives the job no executors (else a
#: build on a master without workers would wait in silence). Spark's own loggers are named:
#: for an interactive driver (as pyspark is) Spark compares the root's level with its own
#: logger's, and prints a notice when they differ.
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.spark.name = org.apache.spark
logger.spark.level = error
logger.sparkproject.name = org.sparkproject
logger.sparkproject.level = error
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
logger.parquet.name = org.apache.parquet
logger.parquet.level = error
logger.scheduler.name = org.apache.spark.scheduler.TaskSchedulerImpl
logger.scheduler.level = warn
"""


class SparkUnavailable(UserError, BackendError):
    """Spark cannot run here (pyspark or Java missing, or the session did not start)."""


def unavailable() -> str | None:
    """Why Spark cannot run on this machine, or None when it can (as far as can be told
    without starting it)."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'foedus[spark]')"
    if not _java():
        return "Spark needs Java (17 or 11) and none was found: set JAVA_HOME or put java on PATH"
    return None


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def staging_root() -> str | None:
    """The directory under which inputs and outputs are staged as Parquet:
    ``$FOEDUS_SPARK_STAGING``, else the system's temporary directory (local mode only)."""
    return os.environ.get("FOEDUS_SPARK_STAGING") or None


def user_conf() -> dict[str, str]:
    """The settings in ``$FOEDUS_SPARK_CONF``: ``key=value`` pairs separated by spaces."""
    out: dict[str, str] = {}
    for item in shlex.split(os.environ.get("FOEDUS_SPARK_CONF", "")):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SparkUnavailable(f"FOEDUS_SPARK_CONF: {item!r} is not key=value")
        out[key] = value
    return out


_SESSION: dict[str, Any] = {}


def session(master: str | None = None, conf: dict[str, str] | None = None) -> SparkSession:
    """The process's Spark session, started on first use: ``master`` is a Spark master URL
    (default ``local[2]``), ``conf`` Spark settings (``$FOEDUS_SPARK_CONF`` overrides them).
    Asking for another master than the running session's is an error."""
    if master is not None and not _MASTER.match(master):
        raise SparkUnavailable(
            f"spark backend: not a Spark master URL: {master!r} (local[N], spark://host:port, "
            "yarn, k8s://..., mesos://...)"
        )
    running = _SESSION.get("spark")
    if running is not None:
        if master is not None and master != _SESSION["master"]:
            raise SparkUnavailable(
                f"spark backend: a session on {_SESSION['master']} is already running in this "
                f"process; cannot start one on {master}"
            )
        return running  # type: ignore[no-any-return]
    why = unavailable()
    if why:
        raise SparkUnavailable(f"spark backend: {why}")
    master = master or DEFAULT_MASTER
    from pyspark.sql import SparkSession

    log_dir = Path(tempfile.mkdtemp(prefix="foedus-spark-log-"))
    (log_dir / "log4j2.properties").write_text(_LOG4J)
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(DEFAULT_SHUFFLE_PARTITIONS),
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.codegen.cache.maxEntries": _CODEGEN_CACHE,
    }
    java_opts = [f"-Dlog4j2.configurationFile={(log_dir / 'log4j2.properties').as_uri()}"]
    for more in (conf or {}), user_conf():
        more = dict(more)
        java_opts.append(more.pop("spark.driver.extraJavaOptions", ""))
        settings.update(more)
    settings["spark.driver.extraJavaOptions"] = " ".join(o for o in java_opts if o)
    builder = SparkSession.builder.master(master).appName("foedus")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as e:  # the JVM did not start, or the master URL is bad
        raise SparkUnavailable(
            f"spark backend: could not start Spark on {master}: {_reason(e)}"
        ) from None
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)
    spark.sparkContext.setLogLevel("ERROR")
    _SESSION.update(spark=spark, master=master)
    return spark


def conf_for(happenings: int) -> dict[str, str]:
    """Settings of a session for about ``happenings`` happenings (a corpus has about two per
    event): for fewer than :data:`TINY`, a JVM that compiles its own code quickly rather than
    well."""
    if happenings < TINY:
        return {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"}
    return {}


def conf_for_corpus(corpus: Any) -> dict[str, str]:
    """:func:`conf_for` a corpus, from its number of events (a Parquet corpus's from the
    file's metadata: its records are not read)."""
    events = corpus.tables.get("events") if getattr(corpus, "tables", None) else None
    n = pq.ParquetFile(events).metadata.num_rows if events else len(corpus.events)
    return conf_for(2 * n)


def _reason(e: Exception) -> str:
    """The first line of what went wrong (the Java exception's, for an error in the JVM)."""
    text = str(e)
    java = getattr(e, "java_exception", None)
    if java is not None:
        try:
            text = str(java.toString())
        except Exception:  # noqa: BLE001 - the gateway is gone: keep the Python message
            pass
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(e).__name__


def stop_session() -> None:
    """Stop the process's Spark session (if one is running)."""
    spark = _SESSION.pop("spark", None)
    _SESSION.pop("master", None)
    if spark is not None:
        spark.stop()


class _Kept:
    """The rows of one table as Spark holds them: a DataFrame, and the local checkpoint that
    backs it (None for a Parquet scan), shared by the views that show the same rows."""

    def __init__(self, df: DataFrame, checkpoint: Any = None) -> None:
        self.df = df
        self.checkpoint = checkpoint

    def view(self) -> DataFrame:
        """The rows under new column identities (two tables with the same identities, as
        checkpoints of plans that pass a column through both are, confuse Spark's analyzer
        when one query joins them)."""
        plan = self.df._jdf.queryExecution().analyzed().newInstance()
        spark = self.df.sparkSession
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        from pyspark.sql import DataFrame

        return DataFrame(jvm.org.apache.spark.sql.Dataset.ofRows(spark._jsparkSession, plan), spark)

    def release(self) -> None:
        """Free the checkpoint's rows now (else Spark's cleaner frees them some time after the
        JVM's garbage collector finds them unreachable)."""
        if self.checkpoint is not None:
            self.checkpoint.unpersist(False)
            self.checkpoint = None


def _checkpoint(df: DataFrame) -> _Kept:
    """Run ``df`` once and keep its rows on the executors (memory, then disk)."""
    kept = df.localCheckpoint(eager=True)
    return _Kept(kept, kept._jdf.queryExecution().analyzed().rdd())


def _collect(df: DataFrame) -> list[tuple[Any, ...]]:
    """``df``'s rows, as :meth:`pyspark.sql.DataFrame.collect` reads them, but closing the
    socket they come through (collect leaves it to the garbage collector: a ResourceWarning)."""
    from pyspark.java_gateway import local_connect_and_auth
    from pyspark.serializers import BatchedSerializer, CPickleSerializer

    info = df._jdf.collectToPython()  # a port and a secret (and a server to join)
    sockfile, sock = local_connect_and_auth(info[0], info[1])
    try:
        sock.settimeout(None)
        return [tuple(r) for r in BatchedSerializer(CPickleSerializer()).load_stream(sockfile)]
    finally:
        sockfile.close()
        sock.close()


def _copy_of(query: exp.Query) -> str | None:
    """The table that ``query`` is a plain copy of (``SELECT * FROM t``), if it is one."""
    if not isinstance(query, exp.Select) or len(query.expressions) != 1:
        return None
    if not isinstance(query.expressions[0], exp.Star):
        return None
    if any(
        query.args.get(k)
        for k in (
            "joins",
            "where",
            "group",
            "having",
            "qualify",
            "order",
            "limit",
            "offset",
            "distinct",
            "with",
        )
    ):
        return None
    source = query.args.get("from")
    if source is None or not isinstance(source.this, exp.Table) or source.this.alias:
        return None
    return str(source.this.name)


class SparkBackend(Backend):
    """Runs plans on a Spark session: inputs from Python rows (:meth:`evaluate`) or from a
    DuckDB connection's tables (:meth:`attach`), results read back in Python or copied into
    that connection (:meth:`copy_out`)."""

    name = "spark"
    dialect = "spark"

    def __init__(
        self,
        master: str | None = None,
        spark: SparkSession | None = None,
        staging: str | None = None,
        codegen: bool | None = None,
    ) -> None:
        """``master``: as for :func:`session` (used when ``spark`` is None); ``staging``: the
        directory for Parquet files (default :func:`staging_root`); ``codegen``: compile each
        stage's code (default: only for more than :data:`SMALL` happenings)."""
        self._master = master
        self._codegen = codegen
        self._happenings = 0
        self._spark = spark
        self._staging_root = staging or staging_root()
        self._staging: Path | None = None
        self._cleanup: weakref.finalize | None = None
        self._views: dict[str, _Kept] = {}
        self._exports: dict[str, Path] = {}
        self._con: duckdb.DuckDBPyConnection | None = None

    # --- the session and the staging directory -------------------------------------------

    @property
    def spark(self) -> SparkSession:
        if self._spark is None:
            self._spark = session(self._master)
        return self._spark

    def staging(self) -> Path:
        """This backend's own directory of Parquet files (made on first use, removed by
        :meth:`close` or when the backend is garbage-collected)."""
        if self._staging is None:
            root = self._staging_root
            if root is None and not (self.spark.sparkContext.master or "").startswith("local"):
                raise SparkUnavailable(
                    "spark backend: on a cluster, set FOEDUS_SPARK_STAGING to a directory that "
                    "this machine and every executor see at the same path (docs/spark.md)"
                )
            if root is not None:
                Path(root).mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix="foedus-spark-", dir=root))
            self._cleanup = weakref.finalize(self, shutil.rmtree, str(self._staging), True)
        return self._staging

    def close(self) -> None:
        """Release every table and staged file (the session stays up for the next use)."""
        for name in list(self._views):
            self.discard(name)
        if self._cleanup is not None:
            self._cleanup()
        self._staging = self._cleanup = None

    # --- statements ------------------------------------------------------------------------

    def execute(self, sql: str) -> None:
        _collect(self.spark.sql(sql))

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return _collect(self.spark.sql(sql))

    def has_table(self, name: str) -> bool:
        return name in self._views

    def run(self, plan: Plan, keep: Sequence[str] = ()) -> None:
        """Run the plan (compiled or interpreted: :data:`SMALL`); the session's settings are
        restored afterwards."""
        compiled = self._codegen if self._codegen is not None else self._happenings >= SMALL
        # spark.sql.codegen.factoryMode is an internal setting (documented "for tests"):
        # without it every expression is still compiled on its own. FALLBACK is the default.
        settings = {
            "spark.sql.codegen.wholeStage": "true" if compiled else "false",
            "spark.sql.codegen.factoryMode": "FALLBACK" if compiled else "NO_CODEGEN",
        }
        conf = self.spark.conf
        saved = {k: conf.get(k, None) for k in settings}
        for k, v in settings.items():
            conf.set(k, v)
        try:
            super().run(plan, keep)
        finally:
            for k, old in saved.items():
                if old is None:
                    conf.unset(k)
                else:
                    conf.set(k, old)

    #: Views are dropped at the end of a plan (a checkpointed view's blocks may still be
    #: read by the views made from it).
    drop_early = False

    def sql(self, e: exp.Expression) -> str:
        """Render one statement, its CTEs inlined (Spark hoists them and refuses a name
        twice, and computes a CTE at each use anyway)."""
        return super().sql(inline_ctes(e))

    def prepare(self, step: Materialize) -> Any:
        """``(table, select SQL, None)``, or ``(table, None, source)`` for a plain copy of
        the table ``source`` (a cycle's swap), which needs no Spark job."""
        copy = _copy_of(step.query)
        if copy is not None:
            return (step.table, None, copy)
        return (step.table, self.sql(step.query), None)

    def apply(self, prepared: Any) -> None:
        table, sql, copy = prepared
        if sql is None:
            if copy in self._views:
                self._register(table, self._views[copy])
                return
            sql = self.sql(exp.select(exp.Star()).from_(exp.to_table(copy)))
        self._register(table, _checkpoint(self.spark.sql(sql)))

    def discard(self, name: str) -> None:
        self._unregister(name)
        self.spark.catalog.dropTempView(name)

    def _register(self, name: str, kept: _Kept) -> None:
        self._unregister(name, keep=kept)
        kept.view().createOrReplaceTempView(name)
        self._views[name] = kept

    def _unregister(self, name: str, keep: _Kept | None = None) -> None:
        old = self._views.pop(name, None)
        export = self._exports.pop(name, None)
        if export is not None:
            shutil.rmtree(export, ignore_errors=True)
        if old is None or old is keep or any(v is old for v in self._views.values()):
            return
        old.release()

    # --- inputs ------------------------------------------------------------------------------

    def _load_parquet(self, name: str, path: Path) -> None:
        self._register(name, _Kept(self.spark.read.parquet(path.as_uri())))

    def _load(self, name: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> None:
        data = pa.table(
            {c: pa.array([r[i] for r in rows], type=_ARROW[t]) for i, (c, t) in enumerate(columns)}
        )
        path = self.staging() / f"in-{name}-{uuid.uuid4().hex[:8]}.parquet"
        pq.write_table(data, path)
        self._load_parquet(name, path)

    def load_happenings(self, happenings: Sequence[Happening], arity: int) -> None:
        self._load(HAPPENINGS, happening_columns(arity), happening_rows(happenings, arity))
        self._happenings = len(happenings)

    def load_facts(self, rel: str, arity: int, rows: Iterable[tuple[str, ...]]) -> None:
        self._load(f"facts_{rel}", [(f"c{i}", "VARCHAR") for i in range(arity)], list(rows))

    def attach(self, con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
        """Take the input ``tables`` from the DuckDB connection ``con`` (Spark tables of the
        same names, through Parquet files that DuckDB writes); :meth:`copy_out` writes to
        ``con``."""
        self._con = con
        for name in tables:
            path = self.staging() / f"in-{name}-{uuid.uuid4().hex[:8]}.parquet"
            con.execute(
                f"COPY (SELECT * FROM {_quote(name)}) TO '{_sql_str(str(path))}' (FORMAT PARQUET)"
            )
            self._load_parquet(name, path)
            if name == HAPPENINGS:
                row = con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()
                self._happenings = int(row[0]) if row else 0

    # --- outputs ------------------------------------------------------------------------------

    def _export(self, name: str) -> exp.Expression:
        """A DuckDB table expression that reads the rows of the Spark table ``name`` from
        Parquet files that Spark writes (once per version of the table)."""
        if name not in self._exports:
            path = self.staging() / f"out-{name}-{uuid.uuid4().hex[:8]}"
            self._views[name].df.write.parquet(path.as_uri())
            self._exports[name] = path
        glob = str(self._exports[name] / "*.parquet")
        scan = (
            sqlglot.parse_one(f"SELECT * FROM read_parquet('{_sql_str(glob)}')", read="duckdb")
            .args["from"]
            .this
        )
        return scan  # type: ignore[no-any-return]

    def copy_out(self, query: str, table: str, params: Sequence[Any] = ()) -> None:
        """Append the rows of ``query`` (DuckDB SQL, ``?`` parameters) to ``table`` in the
        attached DuckDB connection, as :meth:`DuckDBBackend.copy_out
        <foedus.backends.duckdb.DuckDBBackend.copy_out>` does. The Spark tables the query
        reads are written as Parquet and the query itself runs in DuckDB."""
        if self._con is None:
            raise BackendError("spark backend: copy_out needs a DuckDB connection (attach)")
        tree = sqlglot.parse_one(query, read="duckdb")
        for t in list(tree.find_all(exp.Table)):
            if t.name in self._views and not t.args.get("db"):
                scan = self._export(t.name)
                scan.set("alias", exp.TableAlias(this=exp.to_identifier(t.alias_or_name)))
                t.replace(scan)
        self._con.execute(f"INSERT INTO {table} {tree.sql(dialect='duckdb')}", list(params))

    def close_inputs(self) -> None:
        """Release every table and staged file of this backend (the inputs included)."""
        self.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(s: str) -> str:
    return s.replace("'", "''")
