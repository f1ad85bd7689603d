"""Resolve what a user types to an actor, instrument or event of a corpus.

An actor answers to its id, name, aliases, ISO 3166 codes, Correlates of War codes and
Wikidata ids, case-insensitively and with or without a leading "the"::

    r = Resolver(corpus)
    r.actor("the Soviets").id   # 'ussr' (when "Soviets" is an alias)
    r.actor("Q15180").id        # 'ussr'
"""

from __future__ import annotations

from collections.abc import Mapping

from foedus.corpus import kept
from foedus.corpus.corpus import Corpus
from foedus.errors import UnknownName, suggest
from foedus.model import Actor, Event, Instrument


def _key(name: str) -> str:
    key = " ".join(str(name).split()).lower()
    return key.removeprefix("the ") if key.startswith("the ") else key


class Resolver:
    """Looks up actors, instruments and events by any of their names."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._actors: dict[str, Actor] = {}
        self._actor_names: dict[str, str] = {}
        # ids first, then names, then aliases: an earlier name wins a clash
        for pass_ in range(3):
            for a in corpus.actors:
                names = [a.id] if pass_ == 0 else [a.name] if pass_ == 1 else a.names()[2:]
                for n in names:
                    self._actors.setdefault(_key(n), a)
                    self._actor_names.setdefault(_key(n), a.id)
        # by names kept beside the records (:mod:`.kept`): no instrument is made to be named
        self._instruments: Mapping[str, Instrument] = kept.by_id(corpus.instruments)
        self._names_of_instruments: dict[str, str] | None = None
        self._events: Mapping[str, Event] = kept.by_id(corpus.events)

    @property
    def _instrument_names(self) -> dict[str, str]:
        """Each instrument's id, name and aliases (as keys) to its id, made when an instrument
        is first looked up (GGO: 4,532 instruments, ~30 ms; a command naming actors only
        does not make it)."""
        if self._names_of_instruments is None:
            found: dict[str, str] = {}
            listed = list(kept.names(self.corpus.instruments))
            for pass_ in range(3):
                for iid, name, aliases in listed:
                    for n in [iid] if pass_ == 0 else [name] if pass_ == 1 else aliases:
                        found.setdefault(_key(n), iid)
            self._names_of_instruments = found
        return self._names_of_instruments

    def actor(self, name: str) -> Actor:
        """The actor with this id, name, alias or code; :class:`UnknownName` if none."""
        found = self._actors.get(_key(name))
        if found is None:
            raise UnknownName("actor", name, suggest(_key(name), self._actor_names))
        return found

    def instrument(self, name: str) -> Instrument:
        """The instrument with this id, name or alias; :class:`UnknownName` if none."""
        found = self._instrument_names.get(_key(name))
        if found is None:
            hints = suggest(_key(name), self._instrument_names)
            if not hints:  # a word of its name or alias ("Tartu": the Treaty of Tartu)
                words = set(_key(name).split())
                named = dict.fromkeys(
                    iid for n, iid in self._instrument_names.items() if words <= set(n.split())
                )
                hints = list(named) if words and len(named) <= 3 else []
            raise UnknownName("instrument", name, hints)
        return self._instruments[found]

    def event(self, name: str) -> Event:
        """The event with this id; :class:`UnknownName` if none."""
        found = self._events.get(str(name).strip().lower())
        if found is None:
            raise UnknownName("event", name, suggest(name, {k: k for k in self._events}))
        return found
