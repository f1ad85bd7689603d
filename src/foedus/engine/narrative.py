"""What both engines take in and give out.

A *narrative* is a list of :class:`Happening` (a ground event at a time point, or within a
range of time points when the date is fuzzy) plus static facts. The result is a list of
:class:`Interval` rows, one per maximal interval of a fluent-value pair and certainty.
"""

from __future__ import annotations

from dataclasses import dataclass

Facts = dict[str, set[tuple[str, ...]]]


@dataclass(frozen=True, order=True)
class Happening:
    """``name(args)`` happened at a time point in ``[early, late]`` (equal when exact)."""

    name: str
    args: tuple[str, ...]
    early: int
    late: int
    id: str | None = None


@dataclass(frozen=True, order=True)
class Interval:
    """A maximal interval ``[start, end)`` of ``fluent(args) = value``; ``end`` None is open.

    ``certainty`` is ``"certain"`` where the pair holds whenever the fuzzy events happened
    within their ranges, ``"possible"`` where it holds only for some of those times. ``rule``,
    ``initiated_by`` and ``terminated_by`` are the provenance: the label of the rule that
    produced it and the ids of the events that started and ended it (for a statically
    determined fluent, the rule only).
    """

    fluent: str
    args: tuple[str, ...]
    value: str
    start: int
    end: int | None
    certainty: str = "certain"
    rule: str | None = None
    initiated_by: str | None = None
    terminated_by: str | None = None

    def key(self) -> tuple[str, tuple[str, ...], str, int, float, str]:
        """The semantic identity, without provenance (what the differential test compares)."""
        return (
            self.fluent,
            self.args,
            self.value,
            self.start,
            float("inf") if self.end is None else self.end,
            self.certainty,
        )
