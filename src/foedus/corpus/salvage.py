"""What can still be checked of a record that failed its schema: its well-typed fields.

A record with a schema error (an event's ``mode: [1]``, an impossible date) is not loaded, and
the error is reported; but its other fields can still be checked against the corpus (an
unknown actor in the same event, a quote not in its source), so that one run reports every
problem rather than the next only once the first is fixed. :func:`salvage` makes a stand-in
of such a record (:meth:`pydantic.BaseModel.model_construct`, no validator run): each field
without an error validated on its own, as the record's validation would have made it; each
field with one left empty (its default, else None), or, for a list of records (an
instrument's parties, its clauses) and a record (a clause's norm), made the same way item by
item. The validator checks only what a stand-in holds (:class:`~.corpus.Salvaged`).

>>> from foedus.model import Event
>>> raw = {"id": "e1", "type": "invasion", "date": "1940", "mode": [1], "actors": ["x"],
...        "summary": "s"}
>>> errors = [("mode",)]
>>> event, bad = salvage(Event, raw, errors)
>>> event.actors, event.mode, event.date.text, sorted(bad)
(['x'], None, '1940', ['mode'])
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

Locs = Iterable[Sequence[Any]]
"""The ``loc`` of each error of a record's validation (a path of field names and indexes)."""


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator of one field of ``model``, with its constraints and before-validators."""
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def _inner(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The record type of a field that holds records: ``list[Party]`` -> (Party, True),
    ``Norm | None`` -> (Norm, False); (None, False) for any other field."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], True
    if origin in (typing.Union, types.UnionType):
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) == 1 and type(None) in args:
            return models[0], False
    return None, False


def _empty(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields[name]
    if info.is_required():  # a list is empty, anything else not known
        return [] if typing.get_origin(info.annotation) is list else None
    return info.get_default(call_default_factory=True)


def _one(model: type[BaseModel], value: Any, locs: list[tuple[Any, ...]]) -> Any:
    """A record made of ``value``: validated whole when it has no error, else salvaged."""
    if not locs:
        try:
            return model.model_validate(value)
        except ValidationError as e:  # pragma: no cover - it passed as part of the record
            locs = [tuple(err["loc"]) for err in e.errors()]
    return salvage(model, value, locs)[0]


def _field(model: type[BaseModel], name: str, value: Any, locs: list[tuple[Any, ...]]) -> Any:
    """The value of one field: validated when it has no error; salvaged item by item when it
    holds records whose errors are all inside them; else empty."""
    if not locs:
        try:
            return _adapter(model, name).validate_python(value)
        except ValidationError:  # pragma: no cover - it passed as part of the record
            return _empty(model, name)
    inner, many = _inner(model.model_fields[name].annotation)
    if inner is None or any(not loc for loc in locs):
        return _empty(model, name)
    if not many:
        return salvage(inner, value, locs)[0] if isinstance(value, dict) else _empty(model, name)
    if not isinstance(value, list):
        return _empty(model, name)
    by_item: dict[int, list[tuple[Any, ...]]] = {}
    for loc in locs:
        k = loc[0]
        if not isinstance(k, int) or not 0 <= k < len(value) or len(loc) < 2:
            return _empty(model, name)  # an item that is no record: the list is left out
        by_item.setdefault(k, []).append(tuple(loc[1:]))
    if not all(isinstance(v, dict) for v in value):
        return _empty(model, name)
    return [_one(inner, v, by_item.get(k, [])) for k, v in enumerate(value)]


def salvage(model: type[BaseModel], raw: dict[str, Any], locs: Locs) -> tuple[Any, set[str]]:
    """A stand-in of the record ``raw`` that failed ``model``'s validation with errors at
    ``locs``, and the names of its top-level fields that have errors (an error of the whole
    record, at an empty ``loc``, leaves every field as it is)."""
    by_field: dict[str, list[tuple[Any, ...]]] = {}
    for loc in locs:
        if loc:
            by_field.setdefault(str(loc[0]), []).append(tuple(loc[1:]))
    values: dict[str, Any] = {}
    for name in model.model_fields:
        if name not in raw:
            values[name] = _empty(model, name)
        else:
            values[name] = _field(model, name, raw[name], by_field.get(name, []))
    bad = {name for name in by_field if name in model.model_fields}
    return model.model_construct(**values), bad


def fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The field names (and aliases) of the record that holds the value at ``loc`` of a
    ``model`` record: what an unknown field there could have been meant as.

    >>> from foedus.model import Instrument
    >>> "categories" in fields_at(Instrument, ("clauses", 0, "norm", "categoris"))
    True
    """
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        inner = _inner(info.annotation)[0] if info is not None else None
        if inner is None:
            return []
        model = inner
    return [n for name, f in model.model_fields.items() for n in (name, f.alias) if n]
