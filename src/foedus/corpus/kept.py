"""Records kept pickled one by one, each made when it is first asked for.

A corpus kept between runs of the command line (:mod:`.cache`) holds its instruments and
events this way: a warm command unpickles the few records it shows, not every record of the
corpus (GGO's 4,532 instruments carry 95,708 parties: 184,000 records, four seconds to make
all of them). Ids, names and aliases are kept beside the pickled bytes, so that looking a
record up by any of its names (:class:`foedus.corpus.resolve.Resolver`) or naming it
(:class:`foedus.query.records.Renderer`) makes none. Its source texts and the positions of its
records are kept as one pickled blob each (:class:`KeptDict`), made only when first used: a
command that quotes no source text and reports no position does not make them (GGO's sources
are 19 MB of text).
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from itertools import accumulate
from typing import Any, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")


def _buffer(blob: bytes | memoryview, protocol: int) -> Any:
    """``blob`` as pickled: out of band where the pickler takes buffers (protocol 5: the
    cache writes them after the pickle and maps them back, :mod:`.cache`), else as bytes."""
    return pickle.PickleBuffer(blob) if protocol >= 5 else bytes(blob)


class KeptRecords(Sequence[Any]):
    """A read-only list of records, each unpickled on first use and then held. The pickled
    records are one blob (with each one's offset in it), so that a cache file maps it back
    without copying it (:func:`foedus.corpus.cache.load_cached`)."""

    def __init__(self, records: Sequence[Any]) -> None:
        self.ids: list[str] = [r.id for r in records]
        self.names: list[str] = [getattr(r, "name", r.id) for r in records]
        self.aliases: list[list[str]] = [list(getattr(r, "aliases", ())) for r in records]
        # which instruments an instrument replaces: the answers' ends read them from every
        # instrument (query.records.Renderer), which would otherwise make all of them
        self.supersedes: list[list[str]] | None = [
            list(getattr(r, "supersedes", ())) for r in records
        ]
        blobs = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in records]
        self._offsets = [0, *accumulate(len(b) for b in blobs)]
        self._blob: bytes | memoryview = b"".join(blobs)
        self._made: list[Any] = list(records)
        self._at: dict[str, int] | None = None

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        blob = _buffer(self._blob, int(protocol))
        return (
            _records,
            (self.ids, self.names, self.aliases, blob, self._offsets, self.supersedes),
        )

    def _one(self, i: int) -> Any:
        made = self._made[i]
        if made is None:
            made = pickle.loads(self._blob[self._offsets[i] : self._offsets[i + 1]])
            self._made[i] = made
        return made

    @property
    def loaded(self) -> bool:
        """Whether every record has been made."""
        return all(r is not None for r in self._made)

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self._one(k) for k in range(len(self.ids))[i]]
        return self._one(range(len(self.ids))[i])

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self.ids)):
            yield self._one(i)

    def position(self, record_id: str) -> int | None:
        """Where the record with this id is (the last of that id, as a dict by id keeps; ids
        are unique in a corpus that loaded without a problem, the only kind kept)."""
        if self._at is None:
            self._at = {rid: i for i, rid in enumerate(self.ids)}
        return self._at.get(record_id)

    def by_id(self) -> Mapping[str, Any]:
        """The records by id, each made when looked up."""
        return _ById(self)


def _records(
    ids: list[str],
    names: list[str],
    aliases: list[list[str]],
    blob: bytes | memoryview,
    offsets: list[int],
    supersedes: list[list[str]] | None = None,
) -> KeptRecords:
    """A :class:`KeptRecords` unpickled: none of its records made."""
    kept = KeptRecords.__new__(KeptRecords)
    kept.ids, kept.names, kept.aliases = ids, names, aliases
    kept.supersedes = supersedes
    kept._blob, kept._offsets = blob, offsets
    kept._made, kept._at = [None] * len(ids), None
    return kept


class _ById(Mapping[str, Any]):
    def __init__(self, records: KeptRecords) -> None:
        self._records = records

    def __getitem__(self, record_id: str) -> Any:
        i = self._records.position(record_id)
        if i is None:
            raise KeyError(record_id)
        return self._records[i]

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self._records.position(record_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._records.ids)

    def __len__(self) -> int:
        return len(self._records.ids)


class KeptDict(MutableMapping[K, V]):
    """A dict kept pickled as one blob, unpickled when first used (read or written)."""

    def __init__(self, data: Mapping[K, V]) -> None:
        self._data: dict[K, V] | None = dict(data)
        self._blob: bytes | memoryview | None = None
        self._lock = threading.Lock()  # the HTTP server's threads may first use it at once

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        with self._lock:
            blob = self._blob
            if self._data is not None:
                blob = pickle.dumps(self._data, protocol=pickle.HIGHEST_PROTOCOL)
        assert blob is not None
        return (_kept_dict, (_buffer(blob, int(protocol)),))

    @property
    def loaded(self) -> bool:
        """Whether the dict has been made."""
        return self._data is not None

    def _dict(self) -> dict[K, V]:
        data = self._data
        if data is None:
            with self._lock:
                if self._data is None:
                    assert self._blob is not None
                    self._data, self._blob = pickle.loads(self._blob), None
                data = self._data
        return data

    def __getitem__(self, key: K) -> V:
        return self._dict()[key]

    def __setitem__(self, key: K, value: V) -> None:
        self._dict()[key] = value

    def __delitem__(self, key: K) -> None:
        del self._dict()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._dict()

    def __iter__(self) -> Iterator[K]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return f"KeptDict({self._dict()!r})"


def _kept_dict(blob: bytes | memoryview) -> KeptDict[Any, Any]:
    """A :class:`KeptDict` unpickled: its dict not made."""
    kept: KeptDict[Any, Any] = KeptDict.__new__(KeptDict)
    kept._data, kept._blob, kept._lock = None, blob, threading.Lock()
    return kept


def by_id(records: Sequence[Any]) -> Mapping[str, Any]:
    """``{record.id: record}``, without making kept records, nor a Parquet corpus's records
    not yet made (each looked up made alone: :meth:`foedus.corpus.parquet.LazyRecords.by_id`)."""
    if isinstance(records, KeptRecords):
        return records.by_id()
    if getattr(records, "looks_up", False) and not getattr(records, "loaded", True):
        return _Looked(records)
    return {r.id: r for r in records}


class _Looked(Mapping[str, Any]):
    """The records of a Parquet corpus by id, each made when first looked up (all of them
    when iterated or counted)."""

    def __init__(self, records: Any) -> None:
        self._records = records
        self._found: dict[str, Any] = {}

    def __getitem__(self, record_id: str) -> Any:
        if record_id not in self._found:
            self._found[record_id] = self._records.by_id(record_id)
        found = self._found[record_id]
        if found is None:
            raise KeyError(record_id)
        return found

    def fetch(self, record_ids: Iterable[str]) -> None:
        """Make the records of ``record_ids`` not looked up yet, together (one read of the
        tables, where one each took three: :meth:`foedus.corpus.parquet.LazyRecords.some`)."""
        todo = [i for i in dict.fromkeys(record_ids) if i not in self._found]
        if todo:
            made = self._records.some(todo)
            for i in todo:
                self._found[i] = made.get(i)

    def __iter__(self) -> Iterator[str]:
        return (r.id for r in self._records)

    def __len__(self) -> int:
        return len(self._records)


def names(records: Sequence[Any]) -> Iterator[tuple[str, str, list[str]]]:
    """``(id, name, aliases)`` of every record, without making kept records."""
    if isinstance(records, KeptRecords):
        yield from zip(records.ids, records.names, records.aliases, strict=True)
        return
    listed = records.names() if hasattr(records, "names") else None  # a Parquet corpus's
    if listed is not None:
        yield from listed
        return
    for r in records:
        yield r.id, getattr(r, "name", r.id), list(getattr(r, "aliases", ()))
