"""The events of a Parquet corpus by id, read from the built database when an answer names
them (:class:`EventIndex`), never all at once unless a caller goes through them all."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from sqlglot import exp

from foedus.build.schema import STORED_EVENTS
from foedus.corpus.parquet import LazyRecords, events_by_id
from foedus.model import Event
from foedus.query.common import col, run

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


class EventIndex(Mapping[str, Event]):
    """The events of a corpus by id, made from the built database when first asked for.

    For a Parquet corpus whose records have not been made: a look-up reads that event (and a
    batch, :meth:`fetch`, reads many) from the database; what has been read is kept, and so
    is what is not an event. Iterating or counting reads the ids only. Asked for more than
    :data:`ALL_AT_ONCE` events at once, or for more than :data:`ONE_BY_ONE` events one look-up
    at a time (``index[id]``, ``id in index``: a caller going through them all), it makes
    every record instead, once (as the corpus would).
    """

    ALL_AT_ONCE = 200_000
    ONE_BY_ONE = 5_000
    BATCH = 2_000

    def __init__(self, kb: KnowledgeBase, records: LazyRecords) -> None:
        self._kb = kb
        self._records = records
        self._known: dict[str, Event] = {}
        self._missing: set[str] = set()
        self._complete = False
        self._singles = 0
        self._lock = threading.Lock()

    def fetch(self, ids: Iterable[str], one: bool = False) -> dict[str, Event]:
        """The events among ``ids`` (those that are events), read in as few queries as can."""
        wanted = list(dict.fromkeys(ids))
        if not self._complete:
            todo = [i for i in wanted if i not in self._known and i not in self._missing]
            if one and todo:
                self._singles += 1
            if (
                self._records.loaded
                or len(todo) > self.ALL_AT_ONCE
                or self._singles > self.ONE_BY_ONE
            ):
                self._load_all()
            elif todo:
                cur = self._kb.cursor()
                for k in range(0, len(todo), self.BATCH):
                    chunk = todo[k : k + self.BATCH]
                    got = events_by_id(cur, chunk, STORED_EVENTS)
                    with self._lock:
                        self._known.update(got)
                        self._missing.update(i for i in chunk if i not in got)
        known = self._known
        return {i: known[i] for i in wanted if i in known}

    def _load_all(self) -> None:
        """Every record, as the corpus makes them (its first use, or a use before)."""
        with self._lock:
            if not self._complete:
                self._known = {e.id: e for e in self._records}
                self._complete = True

    def __getitem__(self, key: str) -> Event:
        found = self.fetch([key], one=True)
        if key not in found:
            raise KeyError(key)
        return found[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.fetch([key], one=True)

    def __iter__(self) -> Iterator[str]:
        if self._records.loaded:
            return iter([e.id for e in self._records])
        query = exp.select(col("id")).from_("events", copy=False).order_by(col("id"), copy=False)
        return iter([r[0] for r in run(self._kb, query)])

    def __len__(self) -> int:
        if self._records.loaded:
            return len(self._records)
        rows = run(self._kb, exp.select(exp.func("count", exp.Star())).from_("events", copy=False))
        return int(rows[0][0]) if rows else 0
