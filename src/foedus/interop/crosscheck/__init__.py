"""``foedus crosscheck --against KIND FILE...``: the corpus's derived answers beside a dataset's.

- ``states`` (COW states2016, Gleditsch–Ward, ISD; several files at once): the days each state
  was sovereign (fluent ``sovereign`` of the chosen perspective; every corpus actor with the
  list's code counts, so COW 365 is the RSFSR, the USSR and the Russian Federation together)
  against each spell of membership of the list.
- ``atop`` / ``treaties`` (ATOP member-level file; GGO agreements + parties): each instrument of
  the corpus matched to the dataset's instrument with the same parties nearest in date; its
  start, end and parties compared.

A boundary is ``agree`` when both give the same day, ``consistent`` when the dataset's day lies
inside the corpus's fuzzy date (the corpus says "possibly" there), ``disagree`` otherwise, and
``missing`` when one side has nothing. Every row carries both sides' sources: the dataset's
file, line and row, and the corpus's event (or actor, instrument) with its date as the source
gives it and the quote it rests on.

- :mod:`.check`: the corpus side and the verdict of one boundary (:class:`Check`);
- :mod:`.states`, :mod:`.events`, :mod:`.instruments`: one comparison per kind of dataset;
- :mod:`.result`: :func:`crosscheck`, the command's JSON; :mod:`.render`: its human view.
"""

from foedus.interop.crosscheck.check import KINDS, Check
from foedus.interop.crosscheck.instruments import match
from foedus.interop.crosscheck.render import render
from foedus.interop.crosscheck.result import crosscheck, differences

__all__ = ["KINDS", "Check", "crosscheck", "differences", "match", "render"]
