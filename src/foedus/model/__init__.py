"""Typed records of a corpus and fuzzy dates."""

from foedus.model.dates import FuzzyDate, parse_date, parse_day, shift_day
from foedus.model.records import (
    ActCategory,
    Actor,
    Clause,
    CorpusFile,
    Event,
    Group,
    Instrument,
    Norm,
    Party,
    Perspective,
    Quote,
)
from foedus.model.vocabulary import EVENT_TYPES, HAPPENINGS, NORM_KINDS, happening_arities

__all__ = [
    "EVENT_TYPES",
    "HAPPENINGS",
    "NORM_KINDS",
    "ActCategory",
    "Actor",
    "Clause",
    "CorpusFile",
    "Event",
    "FuzzyDate",
    "Group",
    "Instrument",
    "Norm",
    "Party",
    "Perspective",
    "Quote",
    "happening_arities",
    "parse_date",
    "parse_day",
    "shift_day",
]
