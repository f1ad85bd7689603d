"""The order in which the compiler computes fluents, and which groups need a fixpoint.

The order is the rule checker's (:func:`foedus.rules.check.strata`): strongly connected
components of the fluent dependency graph, dependencies first. A component is *cyclic* when it
has more than one fluent or a fluent that reads itself; the checker rejects same-time cycles, so
such a component is a cycle through time (through event-rule conditions), which the plan
computes by iteration.
"""

from __future__ import annotations

from foedus.rules.ast import Program
from foedus.rules.check import dependencies, strata


def evaluation_strata(program: Program) -> list[list[str]]:
    return [list(s) for s in strata(program)]


def cyclic(program: Program, names: list[str]) -> bool:
    if len(names) > 1:
        return True
    return any(e.head == names[0] and e.body == names[0] for e in dependencies(program))
