"""The structured query a question maps to, and how it runs.

A :class:`Query` names a :class:`~foedus.query.KnowledgeBase` method (``command``), its keyword
arguments exactly (``args``: actor ids resolved, days as ISO strings), the perspective it is
read under, and an optional ``filter`` of the answer's list: ``{"event_type": T}`` keeps the
breaches or events of that type, ``{"event": [ids]}`` those of these events,
``{"involving": id}`` the events that actor took part in (as an actor or a target), and
``{"instrument": id}`` keeps that instrument of ``{"treaties": [...]}`` (was it in force?),
``{"instrument": [ids]}`` those the actors named signed in the range asked about.

>>> q = Query("treaties", {"between": ["ussr", "latvia"], "on": "1940-06-01"}, "de-facto")
>>> q.describe()
'treaties between=ussr,latvia on=1940-06-01 (de-facto)'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from foedus.ask import expand
from foedus.commands import COMMANDS as TABLE
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

COMMANDS: tuple[str, ...] = tuple(c.name for c in TABLE if c.askable)
"""The commands a question can map to (those of the table of commands marked ``askable``)."""


@dataclass(frozen=True)
class Query:
    """One call of the query API: command, keyword arguments, perspective and answer filter."""

    command: str
    args: dict[str, Any]
    perspective: str
    filter: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    over: tuple[str, str] | None = None
    """``(from, to)``: a ``treaties`` question about a range, answered over it (every
    instrument in force at any time in it), or a ``timeline`` asked for a status question
    about a range open on one side, cut to the range (:mod:`foedus.ask.expand`)."""
    each: tuple[str, tuple[str, ...]] | None = None
    """``(group, members)``: the group's id stands in ``args``; the query is asked of each
    member and the answers' lists are merged."""
    check: tuple[str, str | None] | None = None
    """What a yes/no question asks of the answer (:mod:`foedus.ask.verdict`)."""
    relative: tuple[str, str, str] | None = None
    """``(what, earliest, latest)``: a record a question asks the answer's dates to be set
    against ("before or after the Atlantic Charter"): the notes say which is which."""

    def asking(self, check: tuple[str, str | None]) -> Query:
        """The same query, asked as a yes/no question."""
        return replace(self, check=check)

    def as_dict(self) -> Json:
        """``{"command", "args", "perspective", "filter", "over", "each"}`` as JSON."""
        return {
            "command": self.command,
            "args": dict(self.args),
            "perspective": self.perspective,
            "filter": dict(self.filter),
            "over": {"from": self.over[0], "to": self.over[1]} if self.over else None,
            "each": {"group": self.each[0], "members": list(self.each[1])} if self.each else None,
        }

    def describe(self) -> str:
        """One line: ``treaties between=ussr,latvia on=1940-06-01 (de-facto)``."""
        parts = [str(self.command)]
        for key, value in self.args.items():
            if value is None:
                continue
            shown = ",".join(value) if isinstance(value, list | tuple) else str(value)
            parts.append(f"{key.rstrip('_')}={shown}")
        if self.over:
            parts += [f"from={self.over[0]}", f"to={self.over[1]}"]
        for key, value in self.filter.items():
            shown = ",".join(value) if isinstance(value, list | tuple) else str(value)
            parts.append(f"[{key}={shown}]")
        return " ".join(parts) + f" ({self.perspective})"

    def run(self, kb: KnowledgeBase, settle: bool = False) -> Json:
        """The answer: the method's JSON, read under the perspective, with the filter applied.
        ``settle``: only as much of a ``treaties`` answer over a range as settles a yes/no
        question (it stops at the first instrument found certainly; :mod:`foedus.ask.verdict`
        asks so of the perspectives other than the question's)."""
        kb = expand.under(kb, self.perspective)
        if self.over or self.each:
            return self._filtered(expand.run(self, kb, settle))
        answer: Json = getattr(kb, str(self.command))(**self.args)
        return self._filtered(answer)

    def _filtered(self, answer: Json) -> Json:
        if not self.filter:
            return answer
        if "instrument" in self.filter and "treaties" in answer:
            # one instrument, or (what a party signed in a range) a list of them
            wanted = self.filter["instrument"]
            ids = {wanted} if isinstance(wanted, str) else set(wanted)
            return {**answer, "treaties": [t for t in answer["treaties"] if t["id"] in ids]}
        key = "breaches" if "breaches" in answer else "events" if "events" in answer else None
        if key is None:
            return answer

        def event_of(item: Json) -> Json:
            return item["event"] if key == "breaches" else item

        kept = list(answer[key])
        if "event_type" in self.filter:  # one type, or a category's types
            wanted = self.filter["event_type"]
            types = {wanted} if isinstance(wanted, str) else set(wanted)
            kept = [x for x in kept if event_of(x)["type"] in types]
        if "event" in self.filter:
            ids = set(self.filter["event"])
            kept = [x for x in kept if event_of(x)["id"] in ids]
        if "involving" in self.filter:  # by it or to it (a group: by or to any member)
            who = self.filter["involving"]
            ids = set(self.each[1]) if self.each and self.each[0] == who else {who}
            kept = [
                x
                for x in kept
                if any(a["id"] in ids for a in (*event_of(x)["actors"], *event_of(x)["targets"]))
            ]
        return {**answer, key: kept}
