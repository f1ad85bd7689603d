"""Plain values (and where each is written) straight from the events of libyaml's C parser.

The round-trip reading (:func:`.yamlread.read_yaml`) builds ruamel's node tree, then its
commented tree, then :func:`.yamlread.plain` copies it into plain values; :func:`compose` makes
the plain values in one pass over the parser's events, resolving each plain scalar once per
distinct text (the keys of a large corpus repeat). Whatever it cannot promise to read as the
round-trip reading does is a :class:`Doubt`, and the caller reads the file that way instead: a
tag, a key that is not text, a duplicate key, a directive, more than one document, nesting
near :data:`MAX_NESTING`, and, when marks are asked for, an empty value (which the two parsers
place differently) or an alias.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

try:  # libyaml's parser (the package ruamel.yaml.clib): several times faster than ruamel's
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover - the C extension is a dependency; without it, rt only
    CParser = None

MAX_NESTING = 60
"""Nesting of lists and mappings at which :func:`compose` gives up (a :class:`Doubt`): below
the round-trip reading's refusal (``yamlread.MAX_DEPTH``), which then words it."""

Marks = dict[int, Any]
"""Where the values of each mapping and list are written, by the ``id`` of the container: a
mapping's is a dict ``key -> (key line, key col, value line, value col)``, a list's a list of
``(line, col)`` (0-based, as ruamel's ``lc``)."""


class Doubt(Exception):
    """The fast reading cannot promise the values and problems of the round-trip reading
    (:func:`.yamlread.read_yaml`): the file is read that way instead."""


class FastConstructor(SafeConstructor):
    """Safe construction giving what :func:`.yamlread.plain` gives of the round-trip tree;
    whatever it might give otherwise (a time of day, a tag the round-trip reader keeps) is a
    :class:`Doubt`."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            value = super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):
            return str(node.value)  # as the round-trip reading: an impossible date stays text
        if isinstance(value, datetime) or not isinstance(value, date):
            raise Doubt("a time of day")  # the round-trip reading writes it otherwise
        return value

    def construct_doubt(self, node: Any) -> Any:
        raise Doubt(f"tag {node.tag}")


FastConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", FastConstructor.construct_yaml_timestamp
)
for _tag_name in ("binary", "set", "omap", "pairs"):
    FastConstructor.add_constructor(
        f"tag:yaml.org,2002:{_tag_name}", FastConstructor.construct_doubt
    )
FastConstructor.add_constructor(None, FastConstructor.construct_doubt)


class Resolver(VersionedResolver):
    """YAML 1.2, as the round-trip reading of a file without a ``%YAML`` directive (one with
    it is not read fast). ruamel looks the version up at every scalar, through an exception
    when the parser is libyaml's."""

    @property
    def processing_version(self) -> Any:
        return (1, 2)


_STR = "tag:yaml.org,2002:str"


class _Scalars:
    """The plain value of each plain scalar text, as the safe constructor makes it (kept:
    every value it makes is immutable)."""

    def __init__(self) -> None:
        yaml = YAML(typ="safe", pure=False)
        yaml.Constructor = FastConstructor
        yaml.Resolver = Resolver
        self.resolver = yaml.resolver
        self.constructor = yaml.constructor
        self.known: dict[str, Any] = {}

    def value(self, text: str) -> Any:
        tag = str(self.resolver.resolve(ScalarNode, text, (True, False)))
        if tag == _STR:
            value: Any = text
        else:
            make = self.constructor.yaml_constructors.get(tag)
            if make is None:  # a merge key (<<), the value key (=)
                raise Doubt(f"tag {tag}")
            try:
                value = make(self.constructor, ScalarNode(tag, text, None, None))
            except Doubt:
                raise
            except Exception as e:  # the round-trip reading words it
                raise Doubt(str(e)) from e
        if len(self.known) < 100_000:
            self.known[text] = value
        return value


_NO_KEY = object()


def compose(text: str, marks: Marks | None = None) -> tuple[Any, bool]:
    """The plain values of the one YAML document of ``text`` (None when it has none), and
    whether an alias shares a value between places (the caller then checks the sharing and
    copies it). With ``marks`` (a dict to fill), where every value is written too.

    Raises :class:`Doubt` as the module says."""
    if CParser is None:
        raise Doubt("no C parser")
    parser = CParser(text)
    try:
        return _compose(parser.get_event, _Scalars(), marks)
    except Doubt:
        raise
    except Exception as e:  # a syntax error: the round-trip reading words it, at its place
        raise Doubt(str(e)) from e
    finally:
        parser.dispose()


def _compose(get: Any, scalars: _Scalars, marks: Marks | None) -> tuple[Any, bool]:
    if type(get()) is not StreamStartEvent:  # pragma: no cover - libyaml's first event
        raise Doubt("no stream")
    event = get()
    if type(event) is StreamEndEvent:
        return None, False
    if type(event) is not DocumentStartEvent or event.version or event.tags:
        raise Doubt("a directive")
    known = scalars.known
    value_of = scalars.value
    anchors: dict[str, Any] = {}
    shared = False
    # the open containers: [container, is a mapping, key waiting for its value, its marks,
    # the keys of a mapping that are not text]
    stack: list[list[Any]] = []
    root: Any = None
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None:
                raise Doubt(f"tag {event.tag}")
            text = event.value
            if event.implicit[0]:  # plain: resolved (null, a number, a date, ...)
                value = known[text] if text in known else value_of(text)
                if marks is not None and text == "":
                    raise Doubt("an empty value")  # the parsers place it differently
            else:
                value = text
            if event.anchor is not None:
                anchors[event.anchor] = value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None:
                raise Doubt(f"tag {event.tag}")
            if len(stack) >= MAX_NESTING:
                raise Doubt("nested deeply")
            is_map = kind is MappingStartEvent
            container: Any = {} if is_map else []
            if event.anchor is not None:
                anchors[event.anchor] = container
                if marks is not None:
                    raise Doubt("an anchor")
            where: Any = None
            if marks is not None:
                where = {} if is_map else []
                marks[id(container)] = where
                _place(stack, event, marks)
            stack.append([container, is_map, _NO_KEY, where, None])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
            if not stack:
                root = value
                break
            _attach(stack[-1], value)
            continue
        elif kind is AliasEvent:
            if marks is not None or event.anchor not in anchors:
                raise Doubt("an alias")
            value = anchors[event.anchor]
            if isinstance(value, dict | list) and any(value is top[0] for top in stack):
                raise Doubt("a value contains itself")
            shared = True
        else:  # pragma: no cover - no other event inside a document
            raise Doubt(f"unexpected {kind.__name__}")
        if not stack:
            root = value
            break
        if marks is not None:
            _place(stack, event, marks)
        top = stack[-1]
        if not top[1]:
            top[0].append(value)
        elif top[2] is not _NO_KEY:  # a mapping's value
            top[0][top[2]] = value
            top[2] = _NO_KEY
        elif type(value) is str and value not in top[0]:  # a mapping's key, as most are
            top[2] = value
        else:
            _attach(top, value)
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise Doubt("more than one document")
    return root, shared


def _attach(top: list[Any], value: Any) -> None:
    """Add ``value`` to the open container ``top`` (a mapping's key first, then its value)."""
    container, is_map, key, _, others = top
    if not is_map:
        container.append(value)
    elif key is _NO_KEY:
        if type(value) is not str:  # a number, a date, null: the key is its text, as plain's
            if isinstance(value, dict | list):
                raise Doubt("a key that is a list or a mapping")
            if others is None:
                others = top[4] = []
            if value in others:  # equal keys of other texts (1, 1.0, true): a duplicate
                raise Doubt("a duplicate key")
            others.append(value)
            value = str(value)
        if value in container:
            raise Doubt("a duplicate key")  # the round-trip reading words it
        top[2] = value
    else:
        container[key] = value
        top[2] = _NO_KEY


def _place(stack: list[list[Any]], event: Any, marks: Marks) -> None:
    """Record where the value (or key) that ``event`` begins is written, in its container."""
    if not stack:
        return
    _, is_map, key, where, _ = stack[-1]
    mark = event.start_mark
    if not is_map:
        where.append((mark.line, mark.column))
    elif key is _NO_KEY:
        where[_KEY_MARK] = (mark.line, mark.column)
    else:
        where[key] = (*where.pop(_KEY_MARK), mark.line, mark.column)


_KEY_MARK = object()
"""Where the key waiting for its value is written, in its mapping's marks."""


def walk(node: Any, marks: Marks, prefix: str, out: dict[str, tuple[int, int]]) -> None:
    """As :func:`.yamlread.walk`: the position of every value below ``node`` (1-based)."""
    where = marks[id(node)]
    is_map = isinstance(node, dict)
    items = node.items() if is_map else enumerate(node)
    for key, value in items:
        if is_map:
            path = f"{prefix}.{key}" if prefix else str(key)
            kline, kcol, line, col = where[key]
            if value is None and kline < line:
                line, col = kline, kcol  # an empty value: placed at its key
        else:
            path = f"{prefix}[{key}]"
            line, col = where[key]
        out[path] = (line + 1, col + 1)
        if isinstance(value, dict | list):
            walk(value, marks, path, out)


def key_at(node: Any, marks: Marks, key: Any) -> tuple[int, int] | None:
    """Where the value of ``key`` (an index of a list) is written (1-based)."""
    try:
        found = marks[id(node)][key]
    except (KeyError, IndexError, TypeError):
        return None
    return found[-2] + 1, found[-1] + 1
