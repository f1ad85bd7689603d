"""Load a corpus folder (YAML -> typed records), keeping the file:line:col of every value.

A corpus is a folder::

    corpus.yaml          metadata: name, title, default_source, description
    *.yaml               top-level lists: actors, instruments, events, categories, perspectives
    sources/<id>.txt     the source documents; a quote must be found in one verbatim
    rules/*.rules        rule files (parsed by :mod:`foedus.rules`)
    *.parquet            optionally, instruments, parties, clauses and events as Parquet
                         tables (:mod:`foedus.corpus.parquet`), for large corpora

:func:`load_corpus` reads and validates a folder and raises :class:`~foedus.errors.CorpusError`
with every problem found; :func:`load_overlay` adds a what-if file (``--assume``) to a corpus.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from foedus.errors import CorpusError, Problem
from foedus.model import ActCategory, Actor, Event, Group, Instrument, Perspective

Loc = tuple[str, int, int]
"""Where a value is written: (file as displayed, line, column), both 1-based."""

KINDS: dict[str, type[BaseModel]] = {
    "actors": Actor,
    "instruments": Instrument,
    "events": Event,
    "categories": ActCategory,
    "perspectives": Perspective,
}
SINGULAR = {
    "actors": "actor",
    "instruments": "instrument",
    "events": "event",
    "categories": "category",
    "perspectives": "perspective",
}


class CorpusMeta(BaseModel):
    """The corpus's ``corpus.yaml``."""

    model_config = ConfigDict(extra="allow")

    name: str
    title: str = ""
    default_source: str | None = None
    description: str = ""
    groups: list[Group] = Field(default_factory=list)
    """Actors the corpus names together ("the Baltic states"; ``foedus ask``)."""
    examples: list[str] = Field(default_factory=list)
    """Questions ``foedus ask`` suggests for this corpus (docs/questions.md)."""


@dataclass
class Corpus:
    """A loaded corpus: typed records, source texts, rule files and where each value is written.

    ``positions`` maps ``(kind, id, field)`` to a :data:`Loc`; ``kind`` is ``actor``,
    ``instrument``, ``event``, ``category`` or ``perspective``; ``field`` is ``None`` for the
    record itself or a path inside it such as ``"date"`` or ``"clauses[2].text"``.
    """

    path: Path
    metadata: CorpusMeta
    actors: list[Actor] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    categories: list[ActCategory] = field(default_factory=list)
    perspectives: list[Perspective] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    source_files: dict[str, Path] = field(default_factory=dict)
    rule_files: list[Path] = field(default_factory=list)
    positions: dict[tuple[str, str, str | None], Loc] = field(default_factory=dict)
    content_hash: str = ""
    overlay: Path | None = None
    hypothetical_ids: set[tuple[str, str]] = field(default_factory=set)
    tables: dict[str, Path] = field(default_factory=dict)
    """The Parquet tables of a Parquet corpus by name (``events``, ``instruments``, ...);
    their records are read into ``events`` and ``instruments`` only when first used."""
    added: dict[str, list[Any]] = field(default_factory=dict)
    """On a Parquet corpus with an overlay: the overlay's ``events`` and ``instruments``,
    which the build writes beside the tables' rows (and instead of those with their ids)."""

    def where(self, kind: str, id: str, *fields: str | None) -> Loc:
        """The position of the first of ``fields`` written for a record, else of the record."""
        for f in (*fields, None):
            loc = self.positions.get((kind, id, f))
            if loc is not None:
                return loc
        return (_display(self.path), 1, 1)

    @property
    def default_source(self) -> str | None:
        """The source a quote without ``source`` comes from."""
        if self.metadata.default_source:
            return self.metadata.default_source
        if len(self.sources) == 1:
            return next(iter(self.sources))
        return None

    def source_of(self, given: str) -> str | None:
        """The source id a quote or clause cites (its own, else the default)."""
        return given or self.default_source

    def records(self) -> Iterator[tuple[str, Any]]:
        """Every top-level record with its kind."""
        for key, kind in SINGULAR.items():
            for rec in getattr(self, key):
                yield kind, rec

    def untabled(self) -> Corpus:
        """The corpus without the records its Parquet tables hold: its YAML records and an
        overlay's (``added``); itself when it has no tables."""
        if not self.tables:
            return self
        return replace(
            self,
            tables={},
            events=self.added.get("events", []) if "events" in self.tables else self.events,
            instruments=self.added.get("instruments", [])
            if "instruments" in self.tables
            else self.instruments,
        )

    def counts(self) -> dict[str, int]:
        """How many actors, instruments, events and quotes the corpus holds (a Parquet
        corpus's tables are counted in SQL: their records are not made)."""
        if self.tables:
            from foedus.corpus import parquet

            n = self.untabled().counts()
            t = parquet.counts(self.tables, [e.id for e in self.added.get("events", [])])
            return {k: n[k] + t.get(k, 0) for k in n}
        quotes = sum(len(rec.sources) for _, rec in self.records())
        quotes += sum(len(p.sources) for i in self.instruments for p in i.parties)
        quotes += sum(len(i.clauses) for i in self.instruments)
        return {
            "actors": len(self.actors),
            "instruments": len(self.instruments),
            "events": len(self.events),
            "quotes": quotes,
        }


# --------------------------------------------------------------------------- YAML reading


def _display(path: Path) -> str:
    """A path relative to the current directory where possible, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _plain(node: Any) -> Any:
    """A ruamel round-trip tree as plain Python values."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, datetime):
        return node.date() if (node.hour, node.minute, node.second) == (0, 0, 0) else str(node)
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


class _Constructor(RoundTripConstructor):
    """Round-trip construction, except that a timestamp no calendar has stays text.

    ruamel turns ``1940-02-30`` into ``datetime.date`` and fails with a bare ``ValueError``;
    kept as text, the date parser reports it as an impossible date at its file:line:col.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):
            return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)

MAX_VALUES = 1_000_000
"""Values (after anchors and aliases are expanded) above which a YAML file is refused."""
MAX_DEPTH = 64
"""Nesting of lists and mappings above which a YAML file is refused."""


def _too_big(data: Any) -> str | None:
    """Why ``data`` cannot be a corpus file (self-referential, too deep, too many values)."""
    count = 0
    stack: list[tuple[Any, int, frozenset[int]]] = [(data, 0, frozenset())]
    while stack:
        node, depth, above = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return f"more than {MAX_VALUES:,} values (after expanding anchors and aliases)"
        if not isinstance(node, dict | list):
            continue
        if id(node) in above:
            return "a value contains itself (through an anchor and an alias)"
        if depth >= MAX_DEPTH:
            return f"lists and mappings nested more than {MAX_DEPTH} deep"
        inner = above | {id(node)}
        values = node.values() if isinstance(node, dict) else node
        stack.extend((v, depth + 1, inner) for v in values)
    return None


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(shown, 1, 1, f"cannot read file: {e}"))
        return None
    try:
        yaml = YAML(typ="rt")
        yaml.Constructor = _Constructor
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel's warnings would bypass the report
            data = yaml.load(text)
    except RecursionError:
        problems.append(
            Problem(
                shown,
                1,
                1,
                f"YAML too deeply nested (more than {MAX_DEPTH} levels of lists and mappings)",
            )
        )
        return None
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(p) for p in (e.context, e.problem) if p)
        problems.append(Problem(shown, line, col, f"YAML syntax error: {what}"))
        return None
    except YAMLError as e:
        problems.append(Problem(shown, 1, 1, f"YAML syntax error: {e}"))
        return None
    why = _too_big(data)
    if why is not None:
        problems.append(Problem(shown, 1, 1, f"YAML file refused: {why}"))
        return None
    return data


def _pos_key(node: Any, key: Any) -> tuple[int, int] | None:
    lc: Any = getattr(node, "lc", None)  # ruamel's position of every key, value and item
    try:
        line, col = lc.value(key) if isinstance(node, dict) else lc.item(key)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return line + 1, col + 1


def _key_pos(node: Any, key: Any) -> tuple[int, int]:
    try:
        line, col = node.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return 1, 1
    return line + 1, col + 1


def _walk(node: Any, prefix: str, out: dict[str, tuple[int, int]]) -> None:
    """Record the position of every value below ``node`` by its path inside the record."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        path = (
            (f"{prefix}.{key}" if prefix else str(key))
            if isinstance(node, dict)
            else f"{prefix}[{key}]"
        )
        pos = _pos_key(node, key)
        if pos is not None:
            out[path] = pos
        if isinstance(value, dict | list):
            _walk(value, path, out)


def _loc_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_EXPECTED = {
    "list_type": "expected a list",
    "string_type": "expected text",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "date_type": "expected an ISO day (YYYY-MM-DD)",
    "date_parsing": "expected an ISO day (YYYY-MM-DD) that exists",
    "date_from_datetime_parsing": "expected an ISO day (YYYY-MM-DD) that exists",
}


def _found(value: Any) -> str:
    """A bad value as a message shows it: as written, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: Any, where: str) -> str:
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind in _EXPECTED or msg.startswith("Input should"):
        what = _EXPECTED.get(kind) or "expected" + msg.removeprefix("Input should be")
        return f"{where}: {what}, found {_found(err.get('input'))}"
    field_name = err["loc"][-1] if err["loc"] else ""
    if kind in ("missing", "extra_forbidden"):
        parent = where.rsplit(".", 1)[0] if where.endswith(f".{field_name}") else where
        what = "missing" if kind == "missing" else "unknown"
        return f"{parent}: {what} field {field_name!r}"
    if msg.startswith("unknown event type"):
        from foedus.corpus.validate import event_type_hint

        msg += event_type_hint(str(err.get("input", "")))
    return f"{where}: {msg}"


# --------------------------------------------------------------------------- records


@dataclass
class _Loader:
    """Reads YAML files into a corpus under construction, collecting problems."""

    corpus: Corpus
    problems: list[Problem] = field(default_factory=list)
    failed_ids: dict[str, set[str]] = field(default_factory=dict)
    hypothetical: bool = False

    def load_file(self, path: Path) -> None:
        shown = _display(path)
        data = _read_yaml(path, self.problems)
        if data is None:
            return
        if not isinstance(data, dict):
            self.problems.append(
                Problem(shown, 1, 1, "expected a mapping with top-level lists " + ", ".join(KINDS))
            )
            return
        for key, items in data.items():
            line, col = _key_pos(data, key)
            if key not in KINDS:
                self.problems.append(
                    Problem(
                        shown,
                        line,
                        col,
                        f"unknown top-level key {key!r}; expected one of {', '.join(KINDS)}",
                    )
                )
                continue
            if items is None:
                continue
            if not isinstance(items, list):
                self.problems.append(
                    Problem(
                        shown, line, col, f"{key}: expected a list, found {_found(_plain(items))}"
                    )
                )
                continue
            for index, item in enumerate(items):
                self.load_record(shown, key, items, index, item)

    def load_record(self, shown: str, key: str, items: Any, index: int, item: Any) -> None:
        kind = SINGULAR[key]
        line, col = _pos_key(items, index) or (1, 1)
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            self.problems.append(
                Problem(
                    shown, line, col, f"{where}: expected a mapping, found {_found(_plain(item))}"
                )
            )
            return
        fields: dict[str, tuple[int, int]] = {}
        _walk(item, "", fields)
        raw = _plain(item)
        if self.hypothetical and key in ("events", "instruments"):
            raw["hypothetical"] = True
        rid = raw.get("id")
        try:
            rec = KINDS[key].model_validate(raw)
        except ValidationError as e:
            for err in e.errors():
                loc = err["loc"]
                pos = None
                for cut in range(len(loc), 0, -1):
                    pos = fields.get(_loc_path(loc[:cut]))
                    if pos is not None:
                        break
                at = pos or (line, col)
                path = where + ("." + _loc_path(loc) if loc else "")
                path = path.replace(".[", "[")
                self.problems.append(Problem(shown, at[0], at[1], _message(err, path)))
            if isinstance(rid, str):
                self.failed_ids.setdefault(kind, set()).add(rid)
            return
        self.add(kind, key, rec, shown, (line, col), fields)

    def add(
        self,
        kind: str,
        key: str,
        rec: Any,
        shown: str,
        pos: tuple[int, int],
        fields: dict[str, tuple[int, int]],
    ) -> None:
        first = self.corpus.positions.get((kind, rec.id, None))
        if (
            first is not None
            and self.hypothetical
            and kind == "event"
            and (kind, rec.id) not in self.corpus.hypothetical_ids
        ):
            # An overlay may restate a corpus event (e.g. to add a claimed justification):
            # the restatement replaces it, marked hypothetical.
            items = getattr(self.corpus, key)
            items[:] = [r for r in items if r.id != rec.id]
            first = None
        if first is not None:
            at = fields.get("id", pos)
            self.problems.append(
                Problem(
                    shown,
                    at[0],
                    at[1],
                    f"duplicate {kind} id {rec.id!r} "
                    f"(first defined at {first[0]}:{first[1]}:{first[2]})",
                )
            )
            return
        getattr(self.corpus, key).append(rec)
        self.corpus.positions[(kind, rec.id, None)] = (shown, *fields.get("id", pos))
        for path, (line, col) in fields.items():
            self.corpus.positions[(kind, rec.id, path)] = (shown, line, col)
        if self.hypothetical:
            self.corpus.hypothetical_ids.add((kind, rec.id))


def _hash_files(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        rel = f.relative_to(root).as_posix().encode()
        data = f.read_bytes()
        h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def _corpus_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        out += [Path(dirpath) / f for f in filenames if not f.startswith(".")]
    return out


def _load_meta(root: Path, problems: list[Problem], positions: dict[Any, Loc]) -> CorpusMeta:
    meta_file = root / "corpus.yaml"
    fallback = CorpusMeta(name=root.name)
    if not meta_file.is_file():
        problems.append(
            Problem(
                _display(meta_file),
                1,
                1,
                "missing corpus.yaml (the corpus "
                "metadata: name, title, default_source, description)",
            )
        )
        return fallback
    data = _read_yaml(meta_file, problems)
    if data is None:
        return fallback
    if not isinstance(data, dict):
        problems.append(Problem(_display(meta_file), 1, 1, "expected a mapping"))
        return fallback
    for key in data:
        line, col = _pos_key(data, key) or _key_pos(data, key)
        positions[("corpus", "", str(key))] = (_display(meta_file), line, col)
    try:
        return CorpusMeta.model_validate(_plain(data))
    except ValidationError as e:
        for err in e.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            line, col = _pos_key(data, name) or (1, 1)
            problems.append(Problem(_display(meta_file), line, col, _message(err, name)))
        return fallback


def read_corpus(path: str | Path) -> tuple[Corpus, list[Problem], dict[str, set[str]]]:
    """Read a corpus folder without the cross-record checks.

    Returns the corpus (with every record that could be read), the problems found, and the ids
    of records that could not be read (so that references to them are not reported again).
    """
    root = Path(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise CorpusError([Problem(_display(root), 1, 1, "not a corpus folder")])
    positions: dict[Any, Loc] = {}
    corpus = Corpus(path=root, metadata=_load_meta(root, problems, positions))
    corpus.positions.update(positions)
    loader = _Loader(corpus, problems)
    for f in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml")):
        if f.name not in ("corpus.yaml", "corpus.yml"):
            loader.load_file(f)
    for f in sorted((root / "sources").glob("*.txt")):
        try:
            corpus.sources[f.stem] = f.read_text(encoding="utf-8")
            corpus.source_files[f.stem] = f
        except (OSError, UnicodeDecodeError) as e:
            problems.append(Problem(_display(f), 1, 1, f"cannot read source: {e}"))
    corpus.rule_files = sorted((root / "rules").glob("*.rules"))
    _attach_parquet(corpus, root, problems)
    corpus.content_hash = _hash_files(root, _corpus_files(root))
    return corpus, problems, loader.failed_ids


def _attach_parquet(corpus: Corpus, root: Path, problems: list[Problem]) -> None:
    """A Parquet corpus: its tables, and its records made lazily from them."""
    from foedus.corpus import parquet

    tables = parquet.parquet_tables(root)
    if not tables:
        return
    if "events" in tables and corpus.events:
        problems.append(
            Problem(
                _display(tables["events"]),
                1,
                1,
                "events are given both as YAML and as Parquet; keep one",
            )
        )
    if "instruments" in tables and corpus.instruments:
        problems.append(
            Problem(
                _display(tables["instruments"]),
                1,
                1,
                "instruments are given both as YAML and as Parquet; keep one",
            )
        )
    problems += parquet.check_columns(tables)
    corpus.tables = tables
    if "events" in tables:
        corpus.events = parquet.LazyRecords(  # type: ignore[assignment]
            lambda: parquet.load_events(tables["events"])
        )
    if "instruments" in tables:
        corpus.instruments = parquet.LazyRecords(  # type: ignore[assignment]
            lambda: parquet.load_instruments(tables)
        )


def load_corpus(path: str | Path) -> Corpus:
    """Load and validate a corpus folder; raise :class:`CorpusError` listing every problem."""
    from foedus.corpus.validate import validate_corpus

    corpus, problems, failed = read_corpus(path)
    if corpus.tables:  # a Parquet corpus: its tables are checked in SQL, table by table
        from foedus.corpus.parquet import validate_tables

        if not problems:
            problems += validate_tables(corpus)
        problems += validate_corpus(corpus.untabled(), failed)
    else:
        problems += validate_corpus(corpus, failed)
    if problems:
        raise CorpusError(problems)
    return corpus


def load_overlay(file: str | Path, base: Corpus) -> Corpus:
    """A new corpus: ``base`` plus the records of an overlay file (``--assume FILE``).

    The overlay has the shape of a corpus YAML file. Its events and instruments are marked
    hypothetical and need no sources; everything else is validated against the base corpus.
    The base corpus's files are never written. On a Parquet corpus the overlay's events and
    instruments are kept beside the tables (``Corpus.added``) and the tables' records are
    not read: the ids the overlay shares with them are looked up in SQL.
    """
    from foedus.corpus.validate import validate_corpus

    path = Path(file)
    if not path.is_file():
        raise CorpusError([Problem(_display(path), 1, 1, "overlay file not found")])
    tabled = [k for k in ("events", "instruments") if k in base.tables]
    corpus = replace(
        base,
        actors=list(base.actors),
        instruments=[] if "instruments" in tabled else list(base.instruments),
        events=[] if "events" in tabled else list(base.events),
        categories=list(base.categories),
        perspectives=list(base.perspectives),
        positions=dict(base.positions),
        hypothetical_ids=set(base.hypothetical_ids),
        overlay=path,
        added={},
    )
    loader = _Loader(corpus, hypothetical=True)
    loader.load_file(path)
    problems = loader.problems
    failed = {k: set(v) for k, v in loader.failed_ids.items()}
    if tabled:
        problems += _overlay_on_tables(corpus, base, failed)
    problems += validate_corpus(corpus, failed, only=path)
    if problems:
        raise CorpusError(problems)
    if tabled:
        _combine(corpus, base, tabled)
    h = hashlib.sha256(base.content_hash.encode() + b"\0" + path.read_bytes())
    corpus.content_hash = h.hexdigest()
    return corpus


def _overlay_on_tables(corpus: Corpus, base: Corpus, failed: dict[str, set[str]]) -> list[Problem]:
    """What an overlay's records share with a Parquet corpus's tables: an instrument id
    there already is a duplicate; the instruments its events cite are known (``failed``
    holds them, as ids the validator need not report); an event id there already restates
    that event (docs/decisions/0005), which ``corpus.added`` then replaces."""
    from foedus.corpus import parquet

    problems: list[Problem] = []
    if "instruments" in base.tables:
        table = base.tables["instruments"]
        for i, row in sorted(parquet.rows_of(table, [i.id for i in corpus.instruments]).items()):
            at = corpus.where("instrument", i, "id")
            problems.append(
                Problem(
                    at[0],
                    at[1],
                    at[2],
                    f"duplicate instrument id {i!r} "
                    f"(first defined at {_display(table)}:{row + 1}:1)",
                )
            )
        cited = [
            r
            for r in [
                *(e.instrument for e in corpus.events),
                *(i.amends for i in corpus.instruments),
            ]
            if r
        ]
        failed.setdefault("instrument", set()).update(parquet.rows_of(table, cited))
    return problems


def _combine(corpus: Corpus, base: Corpus, tabled: Sequence[str]) -> None:
    """The overlay's records of the tabled kinds go to ``corpus.added``; ``corpus.events``
    and ``corpus.instruments`` become the base's lazy records (less the restated ones) and
    the overlay's, made on first use."""
    from foedus.corpus import parquet

    for key in tabled:
        added = list(getattr(corpus, key))
        corpus.added[key] = added
        ids = {r.id for r in added}

        def make(key: str = key, added: list[Any] = added, ids: set[str] = ids) -> list[Any]:
            return [r for r in getattr(base, key) if r.id not in ids] + added

        setattr(corpus, key, parquet.LazyRecords(make))
