"""Resolve what a user types to an actor, instrument or event of a corpus.

An actor answers to its id, name, aliases, ISO 3166 codes, Correlates of War codes and
Wikidata ids, case-insensitively and with or without a leading "the"::

    r = Resolver(corpus)
    r.actor("the Soviets").id   # 'ussr' (when "Soviets" is an alias)
    r.actor("Q15180").id        # 'ussr'
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import SequenceMatcher

from foedus.corpus import kept
from foedus.corpus.corpus import Corpus
from foedus.errors import UnknownName
from foedus.model import Actor, Event, Instrument


def _key(name: str) -> str:
    key = " ".join(str(name).split()).lower()
    return key.removeprefix("the ") if key.startswith("the ") else key


#: How alike (difflib's ratio, 0 to 1) a name typed must be to a name of the corpus, or to one
#: word of it, for "did you mean" to offer it: a misspelling ("Latvja": latvia, 0.83;
#: "Ostlnd": the Ostland of reichskommissariat-ostland, 0.92), not a name that shares a few
#: letters ("Skrunda": "SUN", 0.6; "Stalin": "Ostland" and "Britain", 0.62; "Riga":
#: "Russia", 0.6).
CLOSE = 0.75
#: Suggestions are those as close as the closest but this much: "Lituania" is lithuania
#: (0.94), not lithuanian-ssr (0.73 below it); "Nothland" northland (0.94) or southland (0.82).
NEAR_BEST = 0.15
#: Names shorter than this (codes: "SUN", "LVA", "FR") are suggested only when typed whole.
SHORTEST = 4


def nearest(name: str, table: Mapping[str, str], n: int = 2) -> list[str]:
    """Up to ``n`` ids whose names (``table``: lower-case name -> id) are plausibly what
    ``name`` meant, the closest first; an exact match is the only answer. A name is close
    when it is at least :data:`CLOSE` alike as a whole; where none is, when each word typed
    is that alike to a word of it ("Kellog pact": the Kellogg–Briand Pact; "Ostlnd":
    Reichskommissariat Ostland). A name cut short ("Esto") is as close as need be. Those
    within :data:`NEAR_BEST` of the closest are given.

    >>> nearest("latvja", {"latvia": "latvia", "lithuania": "lithuania"})
    ['latvia']
    >>> nearest("skrunda", {"sun": "ussr", "russia": "russia"})
    []
    """
    key = _key(name)
    if key in table:
        return [table[key]]
    matcher = SequenceMatcher()

    def alike(typed: str, known: str) -> float:
        if len(typed) >= SHORTEST and known.startswith(typed):
            return max(CLOSE, 2 * len(typed) / (len(typed) + len(known)))  # cut short: "Esto"
        matcher.set_seqs(known, typed)
        if matcher.real_quick_ratio() < CLOSE or matcher.quick_ratio() < CLOSE:
            return 0.0
        return matcher.ratio()

    typed_words = [w for w in _words(key) if len(w) >= 3] or [key]
    whole: dict[str, float] = {}
    by_words: dict[str, float] = {}
    for known, ident in table.items():
        if len(known) < SHORTEST:
            continue  # a code: only typed whole
        score = alike(key, known)
        if score >= CLOSE:
            whole[ident] = max(score, whole.get(ident, 0.0))
        elif not whole:
            words = _words(known)
            score = min(max((alike(t, w) for w in words), default=0.0) for t in typed_words)
            if score >= CLOSE:
                by_words[ident] = max(score, by_words.get(ident, 0.0))
    scored = whole or by_words
    if not scored:
        return []
    best = max(scored.values())
    near = [i for i, score in scored.items() if score >= best - NEAR_BEST]
    return sorted(near, key=lambda i: -scored[i])[:n]


def _words(name: str) -> list[str]:
    return name.replace("-", " ").replace("–", " ").split()


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
            raise UnknownName("actor", name, nearest(name, self._actor_names))
        return found

    def instrument(self, name: str) -> Instrument:
        """The instrument with this id, name or alias; :class:`UnknownName` if none."""
        found = self._instrument_names.get(_key(name))
        if found is None:
            hints = nearest(name, self._instrument_names)
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
            raise UnknownName("event", name, nearest(name, {k: k for k in self._events}))
        return found
