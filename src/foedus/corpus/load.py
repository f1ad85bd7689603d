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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from foedus.corpus import parquet, parquet_check
from foedus.corpus.corpus import KINDS, SINGULAR, Corpus, CorpusMeta, Salvaged
from foedus.corpus.folder import Loc, content_hash, display, read_text, refusal
from foedus.corpus.horizon import bound_open_dates
from foedus.corpus.salvage import fields_at, salvage
from foedus.corpus.validate import validate_corpus
from foedus.corpus.yamlread import (
    Doubt,
    as_written,
    error_message,
    ids_in_broken,
    key_pos,
    loc_path,
    plain,
    pos_key,
    read_fast,
    read_marked,
    read_yaml,
    walk,
)
from foedus.errors import CorpusError, Problem
from foedus.rules.library import is_library_name, library_file

__all__ = ["Corpus", "CorpusMeta", "Loc", "load_corpus", "load_overlay", "read_corpus"]

# --------------------------------------------------------------------------- records


@dataclass
class _Loader:
    """Reads YAML files into a corpus under construction, collecting problems."""

    corpus: Corpus
    problems: list[Problem] = field(default_factory=list)
    failed_ids: dict[str, set[str]] = field(default_factory=dict)
    hypothetical: bool = False
    root: Path | None = None
    fast: bool = False
    """Read each file with :func:`.yamlread.read_fast` when it can: the records keep no
    positions (``unplaced``; :meth:`Corpus.place` finds them)."""
    unplaced: list[tuple[Path, str]] = field(default_factory=list)
    plain_data: bool = False
    marks: Any = None  # where the values of the file read are written (yamlread.read_marked)
    failed_at: dict[tuple[str, str], Loc] = field(default_factory=dict)
    """Where each record that failed its schema has its id (a later record with the same id
    is a duplicate)."""

    def load_file(self, path: Path) -> None:
        shown = display(path)
        self.plain_data = False
        data: Any = None
        if self.fast:
            try:
                data = read_fast(path, self.root)
                self.plain_data = True
                self.unplaced.append((path, shown))
            except Doubt:
                pass
        before, self.marks = len(self.problems), None
        if not self.plain_data:
            try:
                data, self.marks = read_marked(path, self.root)
            except Doubt:
                data = read_yaml(path, self.problems, self.root)
        if data is None and self.problems[before:]:
            self.known_in_broken(path, self.problems[-1])
        if data is None:
            if len(self.problems) == before and self.hypothetical:
                # an overlay that assumes nothing is a mistake (the wrong file), not a
                # placeholder: the answers would be the corpus's own, said to be a what-if
                self.problems.append(
                    Problem(
                        shown,
                        1,
                        1,
                        "the overlay is empty (white space or comments only): it assumes "
                        f"nothing; an overlay is a mapping with top-level lists {', '.join(KINDS)}",
                    )
                )
            elif len(self.problems) == before and _blank(path):  # (only comments: a placeholder)
                self.problems.append(
                    Problem(
                        shown,
                        1,
                        1,
                        "the file is empty; a corpus file is a mapping with top-level lists "
                        f"{', '.join(KINDS)} (remove the file if it is not needed)",
                    )
                )
            return
        if not isinstance(data, dict):
            self.problems.append(
                Problem(shown, 1, 1, "expected a mapping with top-level lists " + ", ".join(KINDS))
            )
            return
        for key, items in data.items():
            line, col = key_pos(data, key, self.marks)
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
                        shown,
                        line,
                        col,
                        f"{key}: expected a list, found {as_written(plain(items))}",
                    )
                )
                continue
            for index, item in enumerate(items):
                self.load_record(shown, key, items, index, item)

    def known_in_broken(self, path: Path, problem: Problem) -> None:
        """A file with a YAML syntax error is reported once: the ids its lines show
        (:func:`.yamlread.ids_in_broken`) are known, as those of a record that failed its
        schema are, so that the references to them are not reported as unknown too."""
        if not problem.message.startswith("YAML syntax error"):
            return
        text = read_text(path, self.root, [])
        for key, ids in ids_in_broken(text or "").items():
            if key in SINGULAR:
                self.failed_ids.setdefault(SINGULAR[key], set()).update(ids)

    def load_record(self, shown: str, key: str, items: Any, index: int, item: Any) -> None:
        kind = SINGULAR[key]
        line, col = (1, 1) if self.plain_data else (pos_key(items, index, self.marks) or (1, 1))
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            self.problems.append(
                Problem(
                    shown,
                    line,
                    col,
                    f"{where}: expected a mapping, found {as_written(plain(item))}",
                )
            )
            return
        fields: dict[str, tuple[int, int]] = {}
        if self.plain_data:
            raw = item
        else:
            walk(item, "", fields, self.marks)
            raw = item if self.marks else plain(item)
        if self.hypothetical and key in ("events", "instruments"):
            raw["hypothetical"] = True
        rid = raw.get("id")
        try:
            rec = KINDS[key].model_validate(raw)
        except ValidationError as e:
            named = isinstance(rid, str) and rid.strip() != ""
            for err in e.errors():
                loc = err["loc"]
                pos = None
                for cut in range(len(loc), 0, -1):
                    pos = fields.get(loc_path(loc[:cut]))
                    if pos is not None:
                        break
                at = pos or (line, col)
                path = where + ("." + loc_path(loc) if loc else "")
                path = path.replace(".[", "[")
                message = error_message(err, path, fields_at(KINDS[key], loc))
                if _is_date(loc) and err["type"] in ("model_type", "dict_type"):
                    message = f"{path}: expected a date, found {as_written(err.get('input'))}"
                if named and _is_date(loc) and message.startswith(f"{where}."):
                    # a date is named by its record's id, as the validator's messages are
                    message = f"{kind} {rid!r}: {message.removeprefix(where + '.')}"
                self.problems.append(Problem(shown, at[0], at[1], message))
            if isinstance(rid, str):
                self.failed_ids.setdefault(kind, set()).add(rid)
                if not self.plain_data:  # a fast reading is read again, with positions
                    self.keep_salvaged(kind, key, rid, raw, e, shown, (line, col), fields)
            return
        self.add(kind, key, rec, shown, (line, col), fields)

    def keep_salvaged(
        self,
        kind: str,
        key: str,
        rid: str,
        raw: dict[str, Any],
        error: ValidationError,
        shown: str,
        pos: tuple[int, int],
        fields: dict[str, tuple[int, int]],
    ) -> None:
        """Keep what can still be checked of a record that failed its schema
        (:mod:`.salvage`), and report its id when another record has it."""
        rec, bad = salvage(KINDS[key], raw, [tuple(err["loc"]) for err in error.errors()])
        rec.id = rid  # as written, even when it is not a slug: the messages name it so
        at: Loc = (shown, *fields.get("id", pos))
        first = self.corpus.positions.get((kind, rid, None))
        if self.restates(kind, rid, first):
            first = None
        first = first or self.failed_at.get((kind, rid))
        if first is not None:
            self.problems.append(
                Problem(
                    *at,
                    f"duplicate {kind} id {rid!r} "
                    f"(first defined at {first[0]}:{first[1]}:{first[2]})",
                )
            )
        self.failed_at.setdefault((kind, rid), at)
        positions: dict[str | None, Loc] = {None: at}
        positions.update({path: (shown, ln, cl) for path, (ln, cl) in fields.items()})
        self.corpus.salvaged.append(
            Salvaged(kind, rec, positions, frozenset(bad), overlay=self.hypothetical)
        )

    def restates(self, kind: str, rid: str, first: Loc | None) -> bool:
        """Whether a record of an overlay restates a corpus event (which it then replaces)."""
        return (
            first is not None
            and self.hypothetical
            and kind == "event"
            and (kind, rid) not in self.corpus.hypothetical_ids
        )

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
        if self.restates(kind, rec.id, first):
            # An overlay may restate a corpus event (e.g. to add a claimed justification):
            # the restatement replaces it, marked hypothetical.
            items = getattr(self.corpus, key)
            items[:] = [r for r in items if r.id != rec.id]
            first = None
        first = first or self.failed_at.get((kind, rec.id))  # one that failed its schema
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


def _blank(path: Path) -> bool:
    """Whether a file that was read holds nothing but white space (not even a comment)."""
    try:
        return not path.read_bytes().strip()
    except OSError:  # pragma: no cover - it was just read
        return False


_DATES = ("existed_from", "existed_to", "signed", "in_force", "ended", "date")


def _is_date(loc: tuple[Any, ...]) -> bool:
    """Whether an error's ``loc`` is in a date of a record (or of a party of it)."""
    if loc and loc[0] in _DATES:
        return True
    return len(loc) >= 3 and loc[0] == "parties" and loc[2] in ("date", "until")


def _load_meta(root: Path, problems: list[Problem], positions: dict[Any, Loc]) -> CorpusMeta:
    meta_file = root / "corpus.yaml"
    fallback = CorpusMeta(name=root.name)
    shown = display(meta_file)
    if not meta_file.exists() and not meta_file.is_symlink():
        problems.append(
            Problem(
                shown,
                1,
                1,
                "missing corpus.yaml (the corpus "
                "metadata: name, title, default_source, description)",
            )
        )
        return fallback
    before = len(problems)
    data = read_yaml(meta_file, problems, root)
    if data is None:
        if len(problems) == before:  # an empty file, or only comments
            problems.append(
                Problem(shown, 1, 1, "corpus.yaml is empty; it needs at least 'name: ...'")
            )
        return fallback
    if not isinstance(data, dict):
        problems.append(Problem(shown, 1, 1, "expected a mapping"))
        return fallback
    for key in data:
        line, col = pos_key(data, key) or key_pos(data, key)
        positions[("corpus", "", str(key))] = (shown, line, col)
    if isinstance(data.get("groups"), list):  # a group's member is reported where it is
        fields: dict[str, tuple[int, int]] = {}
        walk(data["groups"], "groups", fields)
        positions.update({("corpus", "", k): (shown, *at) for k, at in fields.items()})
    try:
        return CorpusMeta.model_validate(plain(data))
    except ValidationError as e:
        for err in e.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            line, col = pos_key(data, name) or (1, 1)
            problems.append(Problem(shown, line, col, error_message(err, name)))
        return fallback


def read_corpus(
    path: str | Path, fast: bool = False
) -> tuple[Corpus, list[Problem], dict[str, set[str]]]:
    """Read a corpus folder without the cross-record checks.

    Returns the corpus (with every record that could be read), the problems found, and the ids
    of records that could not be read (so that references to them are not reported again).
    Only regular files that resolve inside the folder are read (:func:`.folder.refusal`), and
    only the files the corpus uses go into its content hash.

    ``fast`` reads the YAML files with :func:`.yamlread.read_fast` where it can; the
    positions of their records are then not known (``Corpus.unplaced`` lists the files, and
    a problem is reported at the file's 1:1): :func:`load_corpus` reads the folder again
    without it when there is a problem.
    """
    root = Path(path)
    problems: list[Problem] = []
    if not root.is_dir():
        why = "not a corpus folder" if root.exists() or root.is_symlink() else "no such folder"
        raise CorpusError([Problem(display(root), 1, 1, why)])
    positions: dict[Any, Loc] = {}
    corpus = Corpus(path=root, metadata=_load_meta(root, problems, positions))
    corpus.positions.update(positions)
    used = [root / "corpus.yaml"]
    loader = _Loader(corpus, problems, root=root, fast=fast)
    for f in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml")):
        if f.name not in ("corpus.yaml", "corpus.yml"):
            loader.load_file(f)
            used.append(f)
    for f in sorted((root / "sources").glob("*.txt")):
        text = read_text(f, root, problems, "source")
        if text is not None and not text.strip():
            problems.append(
                Problem(display(f), 1, 1, "source is empty: a source is the text its quotes are in")
            )
            text = None
        if text is None:  # reported here: the quotes that cite it are not reported again
            loader.failed_ids.setdefault("source", set()).add(f.stem)
            continue
        corpus.sources[f.stem] = text
        corpus.source_files[f.stem] = f
        used.append(f)
    for f in sorted((root / "rules").glob("*.rules")):
        text = read_text(f, root, problems, "rule file")
        if text is not None and text.startswith("\ufeff"):
            problems.append(
                Problem(
                    display(f),
                    1,
                    1,
                    "rule file begins with a byte order mark (U+FEFF), which the rule "
                    "language does not read; save it as UTF-8 without one",
                )
            )
            text = None
        if text is None:
            corpus.unreadable.append(f)
        else:
            corpus.rule_files.append(f)
            used.append(f)
    problems += bound_open_dates(corpus)  # before the tables: their dates are closed
    _attach_parquet(corpus, root, problems)
    used += corpus.tables.values()
    corpus.content_hash = _with_library(content_hash(root, used), corpus)
    corpus.unplaced = loader.unplaced
    return corpus, problems, loader.failed_ids


def _with_library(digest: str, corpus: Corpus) -> str:
    """The corpus's content hash, with the rule library's files its perspectives name (each
    by its name, ``foedus:base``), so that a change of the library rebuilds the database."""
    names = sorted({r for p in corpus.perspectives for r in p.rules if is_library_name(r)})
    h = hashlib.sha256(digest.encode())
    found = False
    for name in names:
        f = library_file(name)
        if f is not None:
            found = True
            h.update(b"\0" + name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest() if found else digest


def _attach_parquet(corpus: Corpus, root: Path, problems: list[Problem]) -> None:
    """A Parquet corpus: its tables, and its records made lazily from them."""
    tables = parquet.parquet_tables(root)
    if not tables:
        return
    if "events" in tables and corpus.events:
        problems.append(
            Problem(
                display(tables["events"]),
                1,
                1,
                "events are given both as YAML and as Parquet; keep one",
            )
        )
    if "instruments" in tables and corpus.instruments:
        problems.append(
            Problem(
                display(tables["instruments"]),
                1,
                1,
                "instruments are given both as YAML and as Parquet; keep one",
            )
        )
    problems += parquet_check.check_columns(tables)
    corpus.tables = tables
    # partials, not closures: a kept corpus pickles how to make its records
    if "events" in tables:
        corpus.events = parquet.LazyRecords(  # type: ignore[assignment]
            partial(parquet.load_events, tables["events"])
        )
    if "instruments" in tables:
        corpus.instruments = parquet.LazyRecords(  # type: ignore[assignment]
            partial(parquet.load_instruments, tables),
            partial(parquet.load_instruments, tables),
            partial(parquet.instrument_names, tables),
        )


def load_corpus(path: str | Path) -> Corpus:
    """Load and validate a corpus folder; raise :class:`CorpusError` listing every problem.

    The YAML files are read fast first (libyaml's parser, no positions); only when that
    finds a problem is the folder read again the slow way, which knows where every value is
    written, so that each problem is reported at its file:line:col. A corpus that loads
    finds its positions when first asked (:meth:`Corpus.where`)."""
    corpus, problems, failed = read_corpus(path, fast=True)
    if corpus.unplaced:
        unplaced, corpus.unplaced = corpus.unplaced, []  # validated with no positions
        if not problems:
            problems += _validate(corpus, problems, failed)
        if not problems:
            corpus.unplaced = unplaced
            return corpus
        corpus, problems, failed = read_corpus(path)
    problems += _validate(corpus, problems, failed)
    if problems:
        raise CorpusError(problems)
    return corpus


def _validate(
    corpus: Corpus, problems: list[Problem], failed: dict[str, set[str]]
) -> list[Problem]:
    """The cross-record problems of a corpus read by :func:`read_corpus` with ``problems``."""
    out: list[Problem] = []
    if corpus.tables:  # a Parquet corpus: its tables are checked in SQL, table by table
        if not problems:  # its columns were checked by read_corpus, with no problem
            out += parquet_check.validate_tables(corpus, columns_checked=True)
        out += validate_corpus(corpus.untabled(), failed)
    else:
        out += validate_corpus(corpus, failed)
    return out


def load_overlay(file: str | Path, base: Corpus) -> Corpus:
    """A new corpus: ``base`` plus the records of an overlay file (``--assume FILE``).

    The overlay has the shape of a corpus YAML file. Its events and instruments are marked
    hypothetical and need no sources; everything else is validated against the base corpus.
    The base corpus's files are never written. On a Parquet corpus the overlay's events and
    instruments are kept beside the tables (``Corpus.added``) and the tables' records are
    not read: the ids the overlay shares with them are looked up in SQL.
    """
    path = Path(file)
    base.place()  # the overlay's messages cite where the base's records are written
    why = refusal(path)
    if why is not None:
        raise CorpusError([Problem(display(path), 1, 1, f"cannot read overlay file: {why}")])
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
        salvaged=[],
    )
    loader = _Loader(corpus, hypothetical=True)
    loader.load_file(path)
    problems = loader.problems + bound_open_dates(corpus)
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
                    f"(first defined at {display(table)}:{row + 1}:1)",
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
    for key in tabled:
        added = list(getattr(corpus, key))
        corpus.added[key] = added
        ids = {r.id for r in added}

        def make(key: str = key, added: list[Any] = added, ids: set[str] = ids) -> list[Any]:
            return [r for r in getattr(base, key) if r.id not in ids] + added

        setattr(corpus, key, parquet.LazyRecords(make))
