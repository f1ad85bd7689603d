"""Reading one YAML file of a corpus: plain values, the position of each, and readable messages.

:func:`read_yaml` refuses what cannot be a corpus file (a YAML bomb, nesting too deep, a NUL or
a lone surrogate in a value) with one line each; :func:`walk` records where every value of a
record is written; :func:`message` turns a pydantic error into the words of docs/corpus-format.md.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from foedus.corpus import yamlevents
from foedus.corpus.folder import Loc, display, read_text
from foedus.corpus.yamlevents import Doubt
from foedus.errors import Problem, did_you_mean, suggest
from foedus.model import EVENT_TYPES

__all__ = ["Doubt", "read_fast", "read_yaml", "record_positions"]

_CParser = yamlevents.CParser
"""libyaml's parser; None (as without ruamel.yaml.clib) reads every file the round-trip way."""


def event_type_hint(value: str) -> str:
    """What to add to "unknown event type 'x'": a suggestion and where the types are listed."""
    hint = did_you_mean(suggest(value, {t: t for t in EVENT_TYPES}))
    return hint + " (the event types are listed in docs/corpus-format.md)"


def plain(node: Any) -> Any:
    """A ruamel round-trip tree as plain Python values."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
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
    if isinstance(node, TaggedScalar):  # its tag is reported (read_yaml)
        return plain(node.value)
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

MAX_REPEATED = 1_000_000
"""Values repeated by aliases (``*name`` of an ``&name`` anchor) above which a YAML file is
refused: a "billion laughs" bomb. A file without aliases is never refused for its size."""
MAX_DEPTH = 64
"""Nesting of lists and mappings above which a YAML file is refused."""


def _too_big(data: Any) -> str | None:
    """Why ``data`` cannot be a corpus file (self-referential, too deep, too many values
    repeated through aliases)."""
    repeated = 0
    seen: set[int] = set()
    stack: list[tuple[Any, int, frozenset[int]]] = [(data, 0, frozenset())]
    while stack:
        node, depth, above = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if id(node) in above:
            return "a value contains itself (through an anchor and an alias)"
        if depth >= MAX_DEPTH:
            return f"lists and mappings nested more than {MAX_DEPTH} deep"
        if id(node) in seen:
            repeated += len(node) + 1
            if repeated > MAX_REPEATED:
                return f"aliases repeat more than {MAX_REPEATED:,} values"
        seen.add(id(node))
        inner = above | {id(node)}
        values = node.values() if isinstance(node, dict) else node
        stack.extend((v, depth + 1, inner) for v in values)
    return None


def strange(text: str) -> str | None:
    """What ``text`` holds that no corpus text may: a NUL character or a lone surrogate."""
    if "\x00" in text:
        return "a NUL character (\\x00)"
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            return f"a lone surrogate ({ch!r})"
    return None


def _tag(node: Any) -> str | None:
    """The explicit local tag (``!name``) of a YAML value, if it has one."""
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", None) if tag is not None else None
    return value if isinstance(value, str) and value.startswith("!") else None


def _items(data: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Every (node, key, value) of a YAML tree, each mapping or sequence visited once (an
    anchor's node is shared)."""
    stack: list[Any] = [data]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            yield node, key, value
            if isinstance(value, dict | list):
                stack.append(value)


def _tags(data: Any, shown: str) -> list[Problem]:
    """A problem at every value with a local YAML tag (``!name``): a corpus uses none."""
    out: list[Problem] = []
    for node, key, value in _items(data):
        tag = _tag(value)
        if tag is not None:
            line, col = pos_key(node, key) or key_pos(node, key)
            message = f"YAML tag {tag!r} is not used in a corpus; remove it"
            out.append(Problem(shown, line, col, message))
    return out


def _strange_values(data: Any, shown: str) -> list[Problem]:
    """A problem at every string of ``data`` (key or value) holding what :func:`strange`
    finds; such text cannot be stored or printed, so it is refused where it is written."""
    out: list[Problem] = []
    for node, key, value in _items(data):
        for text in (key, value):
            what = strange(text) if isinstance(text, str) else None
            if what is not None:
                line, col = pos_key(node, key) or key_pos(node, key)
                out.append(Problem(shown, line, col, f"text with {what} is not allowed"))
    return out


_DUPLICATE = re.compile(r'found duplicate key "(.*?)" with value', re.S)


def read_yaml(path: Path, problems: list[Problem], root: Path | None = None) -> Any:
    """The YAML document of ``path`` as ruamel's round-trip tree, or None with its problems
    added (a file outside ``root`` or not a regular file is not read)."""
    shown = display(path)
    text = read_text(path, root, problems)
    if text is None:
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
        duplicate = _DUPLICATE.match(str(e.problem or ""))
        if duplicate is not None and e.context_mark is not None:
            first = e.context_mark.line + 1
            what = (
                f"duplicate key {duplicate.group(1)!r} in the mapping that starts on line {first}"
            )
        if "'\\t'" in what:
            what += " (YAML indents with spaces, not tabs: replace the tab)"
        problems.append(Problem(shown, line, col, f"YAML syntax error: {what}"))
        return None
    except YAMLError as e:
        problems.append(Problem(shown, 1, 1, f"YAML syntax error: {e}"))
        return None
    why = _too_big(data)
    if why is not None:
        problems.append(Problem(shown, 1, 1, f"YAML file refused: {why}"))
        return None
    if isinstance(data, dict | list):
        problems += _strange_values(data, shown)  # reported; the records are still read
        problems += _tags(data, shown)
    elif isinstance(data, str) and strange(data):
        problems.append(Problem(shown, 1, 1, f"text with {strange(data)} is not allowed"))
    return data


_TOP_KEY = re.compile(r"^([A-Za-z_]+)\s*:")
_ITEM = re.compile(r"^( *)- ")
_ITEM_ID = re.compile(r"^( *)(- +)?id *: *(['\"]?)([^'\"#\s]+)\3 *(?:#.*)?$")


def ids_in_broken(text: str) -> dict[str, set[str]]:
    r"""The ids of the records a YAML file that does not parse defines, as far as its lines
    show them: each ``- id: x`` (or an ``id: x`` line of the item) of a top-level list, by
    the list's key. The file's syntax error is reported once; a reference elsewhere to a
    record it defines is not reported again as unknown.

    >>> ids_in_broken("actors:\n  - id: alpha\n   name: A\n  - name: B\n    id: 'beta'\n"
    ...               "events:\n  - id: e1\n    clauses:\n      - id: c1\n")
    {'actors': {'alpha', 'beta'}, 'events': {'e1'}}
    """
    out: dict[str, set[str]] = {}
    key, item_col = "", -1
    for line in text.splitlines():
        top = _TOP_KEY.match(line)
        if top:
            key, item_col = top.group(1), -1
            continue
        item = _ITEM.match(line)
        if key and item is not None and item_col < 0:
            item_col = len(item.group(1))  # the column of the list's items
        m = _ITEM_ID.match(line)
        if not key or m is None:
            continue
        indent = len(m.group(1))
        if (indent if m.group(2) is not None else indent - 2) == item_col:
            out.setdefault(key, set()).add(m.group(4))
    return out


_UNSURE = re.compile(
    r"(?:^|[\s\[{,])!|<<|^%|[\x00\ud800-\udfff]"
    r"|(?<!\\)(?:\\\\)*\\(?:0|x00|u0000|U00000000|u[dD][89a-fA-F]|U0000[dD][89a-fA-F])",
    re.M,
)
"""What the fast reading leaves to the round-trip one: a tag (``!name``, ``!!binary``), a merge
key (``<<``: its keys come in another order), a directive (``%YAML 1.1``: libyaml's parser does
not pass its version on), a NUL or a lone surrogate, as such or as an escape (``"\\0"``).
Text that merely looks so (``Hurrah !``) only costs the slower reading."""
_TAG_MARK = re.compile(r"[\s\[{,]!")
_ESCAPED = re.compile(r"\\+(?:0|x00|u0000|U00000000|u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")
_STRANGE = re.compile("[\x00\ud800-\udfff]")


def _unsure(text: str) -> bool:
    """Whether :data:`_UNSURE` finds anything in ``text``, found by the quick searches of
    literal text (the one regular expression tries each of its branches at every character:
    a second on a large corpus file)."""
    if "<<" in text or text.startswith("%") or "\n%" in text:
        return True
    if "!" in text and (text.startswith("!") or _TAG_MARK.search(text)):
        return True
    if not text.isascii() and _STRANGE.search(text):
        return True
    if "\x00" in text:
        return True
    # an escape of a NUL or a surrogate after an odd number of backslashes (an even number
    # is escaped backslashes, then text)
    return any((m.group().count("\\") % 2) == 1 for m in _ESCAPED.finditer(text))


_INDENT = re.compile(r"^[ \t?:-]+", re.M)
_BRACKETS = re.compile(r"[\[\]{}]")
FAST_DEPTH = 200
"""A bound on the nesting the C parser is given: libyaml's composer recurses in C and overflows
the stack (a crash, not an error) on lists nested some ten thousand deep."""


def _shallow(text: str) -> bool:
    """Whether the nesting of ``text`` surely stays below :data:`FAST_DEPTH`: every block level
    indents a line or adds an indicator before its text, every flow level opens a bracket."""
    indent = max(map(len, _INDENT.findall(text)), default=0)
    depth = deepest = 0
    for ch in _BRACKETS.findall(text):
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
    return 2 * indent + deepest + 2 < FAST_DEPTH


def _plain_text(path: Path, root: Path | None) -> str:
    """The text of a file the fast reading may read, else a :class:`Doubt`."""
    if _CParser is None:
        raise Doubt("no C parser")
    scratch: list[Problem] = []
    text = read_text(path, root, scratch)
    if text is None or scratch or _unsure(text) or not _shallow(text):
        raise Doubt("not a plain file")
    return text


def read_fast(path: Path, root: Path | None = None) -> Any:
    """The plain values of the YAML document of ``path`` (as :func:`plain` makes them of
    :func:`read_yaml`'s tree), made from the events of libyaml's C parser
    (:func:`.yamlevents.compose`).

    Keeps no position. Raises :class:`Doubt` whenever the reading could differ from
    :func:`read_yaml`'s, or :func:`read_yaml` could report a problem: the C extension is
    missing, the file cannot be read, the parser fails, or the text holds what
    :data:`_UNSURE` names or nests deeply."""
    data, shared = yamlevents.compose(_plain_text(path, root))
    if shared:  # an alias: each place gets its own copy, as the round-trip reading's
        if _too_big(data) is not None:
            raise Doubt("too big")
        return plain(data)
    return data


def record_positions(
    path: Path, shown: str, root: Path | None, singular: dict[str, str]
) -> dict[tuple[str, str, str | None], Loc]:
    """Where every record of a corpus file that loaded without a problem, and every value of
    it, is written (as the round-trip reading places them): what :func:`read_fast` does not
    keep; ``shown`` is the file as the messages name it. Read from the C parser's events
    when they place every value as the round-trip reading does, else by that reading."""
    out: dict[tuple[str, str, str | None], Loc] = {}
    marks: yamlevents.Marks = {}
    try:
        data, marks = read_marked(path, root)
    except Doubt:
        data = read_yaml(path, [], root)
    if not isinstance(data, dict):
        return out
    for key, items in data.items():
        if key not in singular or not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            fields: dict[str, tuple[int, int]] = {}
            walk(item, "", fields, marks)
            at = pos_key(items, index, marks)
            kind, rid = singular[key], str(item["id"])
            out[(kind, rid, None)] = (shown, *fields.get("id", at or (1, 1)))
            for where, (line, col) in fields.items():
                out[(kind, rid, where)] = (shown, line, col)
    return out


def read_marked(path: Path, root: Path | None = None) -> tuple[dict[str, Any], yamlevents.Marks]:
    """The plain values of a YAML file that is a mapping, and where each is written
    (:data:`.yamlevents.Marks`), as :func:`read_yaml` and :func:`walk` give them; a
    :class:`Doubt` whenever they might not (as :func:`read_fast`'s), or the file holds no
    mapping: the caller reads it the round-trip way."""
    marks: yamlevents.Marks = {}
    data, _ = yamlevents.compose(_plain_text(path, root), marks)
    if not isinstance(data, dict):
        raise Doubt("not a mapping")
    return data, marks


def pos_key(node: Any, key: Any, marks: yamlevents.Marks | None = None) -> tuple[int, int] | None:
    """Where the value of ``key`` (an index of a list) of ``node`` is written: by ruamel's
    round-trip tree, or by the ``marks`` of :func:`read_marked`."""
    if marks:
        return yamlevents.key_at(node, marks, key)
    lc: Any = getattr(node, "lc", None)  # ruamel's position of every key, value and item
    try:
        line, col = lc.value(key) if isinstance(node, dict) else lc.item(key)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return line + 1, col + 1


def key_pos(node: Any, key: Any, marks: yamlevents.Marks | None = None) -> tuple[int, int]:
    """Where ``key`` of the mapping ``node`` is written (as :func:`pos_key`)."""
    try:
        line, col = marks[id(node)][key][:2] if marks else node.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return 1, 1
    return line + 1, col + 1


def walk(
    node: Any, prefix: str, out: dict[str, tuple[int, int]], marks: yamlevents.Marks | None = None
) -> None:
    """Record the position of every value below ``node`` by its path inside the record (by
    the ``marks`` of :func:`read_marked` when given)."""
    if marks:
        yamlevents.walk(node, marks, prefix, out)
        return
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        path = (
            (f"{prefix}.{key}" if prefix else str(key))
            if isinstance(node, dict)
            else f"{prefix}[{key}]"
        )
        pos = pos_key(node, key)
        if value is None and isinstance(node, dict) and pos is not None:
            # an empty value (``date:``) is placed where the next one begins: show its key
            at = key_pos(node, key)
            pos = at if at[0] < pos[0] else pos
        if pos is not None:
            out[path] = pos
        if isinstance(value, dict | list):
            walk(value, path, out)


def loc_path(loc: tuple[Any, ...]) -> str:
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


def as_written(value: Any) -> str:
    """A bad value as a message shows it: as written, cut short (an empty value, which YAML
    reads as None, as ``nothing``)."""
    if value is None:
        return "nothing (the value is empty)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_PATTERNS = {
    "^[a-z0-9][a-z0-9-]*$": "an id: lower-case letters, digits and hyphens",
    "^Q[0-9]+$": "a Wikidata id: Q and digits (Q191)",
}


def _slug(text: str) -> str:
    """``text`` as an id could be written: ``'Treaty of Tartu'`` -> ``'treaty-of-tartu'``."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def error_message(err: Any, where: str, fields: Iterable[str] = ()) -> str:
    """A pydantic error of the value at ``where`` in the words of docs/corpus-format.md
    (``fields``: the names an unknown field there could have been meant as)."""
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    pattern = (err.get("ctx") or {}).get("pattern")
    if kind == "string_pattern_mismatch" and pattern in _PATTERNS:
        value = str(err.get("input"))
        hint = f" (e.g. {_slug(value)!r})" if pattern.startswith("^[a-z") and _slug(value) else ""
        return f"{where}: expected {_PATTERNS[pattern]}{hint}, found {as_written(value)}"
    if kind in _EXPECTED or msg.startswith("Input should"):
        what = _EXPECTED.get(kind) or "expected" + msg.removeprefix("Input should be")
        return f"{where}: {what}, found {as_written(err.get('input'))}"
    field_name = err["loc"][-1] if err["loc"] else ""
    if kind in ("missing", "extra_forbidden"):
        parent = where.rsplit(".", 1)[0] if where.endswith(f".{field_name}") else where
        what = "missing" if kind == "missing" else "unknown"
        hint = "" if kind == "missing" else did_you_mean(suggest(str(field_name), fields, n=1))
        return f"{parent}: {what} field {field_name!r}{hint}"
    if msg.startswith("unknown event type"):
        msg += event_type_hint(str(err.get("input", "")))
    return f"{where}: {msg}"
