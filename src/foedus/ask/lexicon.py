"""Find the names, dates, perspectives and acts that a question mentions.

Every word comes from the corpus, none from code: a question is cut into words and, at each
word, the longest mention that starts there wins, found in one table built from the corpus:

- every actor's id, name, aliases, demonyms ("Estonian", "Soviet") and capital, where the corpus
  gives them (ISO codes only when typed in capitals; Correlates of War numbers never, they read
  as numbers; an alias of initials with dots, "U.S.", also without them after "the": "the us",
  never the pronoun "us");
- the corpus's groups ("the Baltic states": ``groups`` in ``corpus.yaml``);
- every instrument's id, name and aliases ("Treaty of X" also as "X treaty"); every event id;
- every perspective by its id, name and ``words``: a phrase written in lower case ("de jure",
  "in law") names it anywhere; a name ("Soviet", "Moscow", "Western") or a one-word id only in
  a frame that marks a point of view: "according to Moscow", "in the eyes of the Soviet
  government", "in Soviet law", "from the Western point of view" (:data:`FRAMES`,
  :data:`VIEW_NOUNS`), so that "Soviet troops" stays the USSR;
- the verbs and nouns of event types (:data:`foedus.ask.vocabulary.ACTS`: "invaded" is
  ``invasion``), the one vocabulary of the event types themselves.

Dates are read where they stand (:func:`foedus.ask.dates.find_date`). Matching ignores case,
punctuation and a possessive "'s" ("Latvia's" is Latvia, marked as a possessive); a leading
"the" in a name is dropped, so "the Soviets" matches "Soviets". A word no table knows may be a
misspelt name: :mod:`foedus.ask.entities` matches it fuzzily.

>>> from foedus.query import KnowledgeBase
>>> lex = Lexicon.of(KnowledgeBase())
>>> [(m.kind, m.value) for m in lex.scan("Was Latvia's treaty with the Soviets in force in 1939?")
...  if isinstance(m, Mention)]
[('actor', 'latvia'), ('actor', 'ussr'), ('date', '1939')]
>>> [(m.kind, m.value) for m in lex.scan("In the eyes of Moscow, what did the Baltic states do?")
...  if isinstance(m, Mention)]
[('perspective', 'soviet'), ('group', 'baltic-states')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from foedus.ask.dates import find_date
from foedus.ask.vocabulary import ACTS, VOCABULARY
from foedus.corpus.kept import names
from foedus.model import EVENT_TYPES, FuzzyDate

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

Kind = Literal["actor", "group", "instrument", "event", "perspective", "act", "date", "phrase"]

#: Words before a perspective's name that mark a point of view ("according to Moscow").
FRAMES: tuple[str, ...] = (
    "according to",
    "in the eyes of",
    "in the view of",
    "in the opinion of",
    "from the point of view of",
    "from the perspective of",
    "from the standpoint of",
    "as seen by",
    "as seen from",
    "as far as",
    "for",
    "under",
    "in",
    "from",
    "by",
    "to",
)
#: Nouns after a perspective's name that mark a point of view ("in Soviet law").
VIEW_NOUNS: tuple[str, ...] = (
    "view",
    "views",
    "perspective",
    "perspectives",
    "point of view",
    "viewpoint",
    "eyes",
    "law",
    "reading",
    "interpretation",
    "position",
    "rules",
    "account",
    "opinion",
    "doctrine",
    "standpoint",
    "version",
    "narrative",
    "government",
    "governments",
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*['’]?")
_INITIALS = re.compile(r"(?:[^\W\d_]\.){2,}")  # an alias of initials with dots: "U.S."
_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*[a-z0-9]", re.IGNORECASE)  # what may be an event id


def norm_word(word: str) -> tuple[str, bool]:
    """A word lower-cased without a possessive ending, and whether it had one."""
    w = word.lower().replace("’", "'")
    for end in ("'s", "'"):
        if w.endswith(end) and len(w) > len(end):
            return w[: -len(end)], True
    return w, False


def words(text: str) -> tuple[str, ...]:
    """The normalised words of a name: ``"Litvinov's Pact"`` → ``("litvinov", "pact")``."""
    out = tuple(norm_word(m.group())[0] for m in _WORD.finditer(text))
    return out[1:] if len(out) > 1 and out[0] == "the" else out


@dataclass(frozen=True)
class Mention:
    """A name, date, perspective or act found in a question.

    ``value`` is an id (actor, instrument, event, perspective), an event type (act) or the
    date's text; ``date`` is the parsed date; ``possessive`` marks "Latvia's".
    """

    kind: Kind
    value: str
    text: str
    start: int
    end: int
    possessive: bool = False
    date: FuzzyDate | None = None


@dataclass(frozen=True)
class Word:
    """A word of a question that is not part of a mention."""

    text: str
    norm: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


Token = Mention | Word


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    value: str
    exact: str | None = None  # match only when typed exactly so (ISO codes)
    definite: bool = False  # match only after "the" (the tail of one instrument's name)


#: The nouns an instrument's name may end with: a tail of its name that ends with one of
#: them ("the non-aggression treaty") names it (:func:`instrument_tails`).
INSTRUMENT_NOUNS = frozenset(
    "treaty pact accord accords convention protocol charter agreement declaration "
    "resolution".split()
)
_TAIL_LEADS = frozenset("of the for on in and to a an with between".split())


def instrument_tails(
    names: Iterable[tuple[str, Iterable[str]]],
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each tail of two or more words of an instrument's name or alias that ends with a noun
    of :data:`INSTRUMENT_NOUNS` ("non aggression treaty" of "Valdmark–Skarvian Non-Aggression
    Treaty"), with the instruments whose names end so, in the corpus's order. A question that
    says "the non-aggression treaty" names the instrument when it is the only one.

    A name whose noun stands before "of" and its object ("Soviet–Latvian Pact of Mutual
    Assistance", "... Pact of Defence and Mutual Assistance") gives the noun with each tail
    of that object ("pact of mutual assistance"), so that "the Pact of Mutual Assistance"
    names such a pact as "the mutual assistance pact" does."""
    out: dict[tuple[str, ...], dict[str, None]] = {}
    for iid, all_names in names:
        for name in all_names:
            w = words(name)
            for j in range(1, len(w) - 2):
                if w[j] in INSTRUMENT_NOUNS and w[j + 1] == "of":
                    for k in range(j + 2, len(w)):
                        if w[k] not in _TAIL_LEADS:
                            out.setdefault((w[j], "of", *w[k:]), {})[iid] = None
            if not w or w[-1] not in INSTRUMENT_NOUNS:
                continue
            for k in range(1, len(w) - 1):
                if w[k] not in _TAIL_LEADS:
                    out.setdefault(w[k:], {})[iid] = None
    return {tail: tuple(ids) for tail, ids in out.items()}


@dataclass
class Lexicon:
    """Every phrase of a corpus that names something, as tuples of normalised words."""

    entries: dict[tuple[str, ...], list[_Entry]] = field(default_factory=dict)
    longest: int = 1
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each group's members (actor ids), by group id."""
    perspective_names: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Each perspective's names and words (as normalised words), by perspective id."""
    display: dict[tuple[str, str], str] = field(default_factory=dict)
    """The name to show for an actor, group or instrument: ``("actor", "ussr")`` → "Soviet
    Union"."""
    shared_tails: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    """Tails of instruments' names that several instruments share ("the non-aggression
    treaty" of three), with those instruments: :mod:`foedus.ask.forms` picks one by the
    actors a question names."""
    tails: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    """Every tail of an instrument's name (:func:`instrument_tails`), one instrument's or
    several's: "the non-aggression pact" of a question that names the parties of a
    non-aggression *treaty* is that treaty (:mod:`foedus.ask.forms`)."""
    last_year: Callable[[], int | None] | None = None
    """The corpus's last year (the latest of any event's), read once when a question first
    writes a decade in two digits ("the 80s": :func:`foedus.ask.dates.find_date`)."""
    find_events: Callable[[list[str]], Iterable[str]] | None = None
    """For a corpus whose events are not all made (a Parquet corpus): which of a question's
    id-like tokens are event ids, looked up in the database when the question is read."""

    def add(
        self,
        phrase: str | tuple[str, ...],
        kind: Kind,
        value: str,
        exact: str | None = None,
        definite: bool = False,
    ) -> None:
        key = words(phrase) if isinstance(phrase, str) else phrase
        if not key:
            return
        found = self.entries.setdefault(key, [])
        if all(e.kind != kind for e in found) or exact or definite:
            found.append(_Entry(kind, value, exact, definite))
        self.longest = max(self.longest, len(key))

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Lexicon:
        """The lexicon of a knowledge base's corpus (built once per corpus)."""
        cached = _CACHE.get(id(kb.corpus))
        if cached is not None and cached[0] is kb.corpus:
            return cached[1]
        lexicon = cls.build(kb)
        _CACHE[id(kb.corpus)] = (kb.corpus, lexicon)
        return lexicon

    @classmethod
    def build(cls, kb: KnowledgeBase) -> Lexicon:
        lex = cls()
        corpus = kb.corpus
        # perspectives first: "non-recognition" is a view before it is an act
        for p in corpus.perspectives:
            for key, strong in perspective_keys(p.id, p.name, p.words):
                lex.perspective_names.setdefault(words(key), p.id)
                for phrase in perspective_phrases(key, strong):
                    lex.add(phrase, "perspective", p.id)
        # the names without the records (a kept or a Parquet corpus makes none of them)
        instrument_names = []
        for iid, iname, ialiases in names(corpus.instruments):
            lex.display[("instrument", iid)] = iname
            instrument_names.append((iid, [iname, *ialiases]))
            for name in [iid, iname, *ialiases]:
                lex.add(name, "instrument", iid, exact=_as_written(name))
                m = re.fullmatch(r"(?:the\s+)?(.+?)\s+of\s+(\w+)", name, re.IGNORECASE)
                if m and m.group(1).lower() in ("treaty", "peace treaty", "pact"):
                    lex.add(f"{m.group(2)} {m.group(1)}", "instrument", iid)
        # "the non-aggression treaty": the tail of one instrument's name names it after "the"
        lex.tails = instrument_tails(instrument_names)
        for tail, ids in lex.tails.items():
            if len(ids) == 1:
                lex.add(tail, "instrument", ids[0], definite=True)
            else:
                lex.shared_tails[tail] = ids
        lex.last_year = _last_year(kb)
        if kb.events_on_demand:
            lex.find_events = lambda ids: kb.events_by_id(ids).keys()
        else:
            for e in corpus.events:
                lex.add(e.id, "event", e.id)
        for a in corpus.actors:
            lex.display[("actor", a.id)] = a.name
            for name in [a.id, a.name, *a.aliases, *a.wikidata, *a.demonyms]:
                lex.add(name, "actor", a.id, exact=_as_written(name))
            if a.capital:
                lex.add(a.capital, "actor", a.id, exact=_as_written(a.capital))
            for code in a.iso3166:
                lex.add(code, "actor", a.id, exact=code)
            for alias in a.aliases:
                if _INITIALS.fullmatch(alias):
                    # "U.S.": also "the us", its letters run together in any case after "the"
                    # (never the pronoun "us" alone)
                    lex.add((alias.replace(".", "").lower(),), "actor", a.id, definite=True)
        actor_ids = {a.id for a in corpus.actors}
        for g in corpus.metadata.groups:
            members = tuple(m for m in g.members if m in actor_ids)
            if len(members) < 2:
                continue
            lex.groups[g.id] = members
            lex.display[("group", g.id)] = g.name
            for group_name in [g.id, g.name, *g.aliases]:
                lex.add(group_name, "group", g.id, exact=_as_written(group_name))
        _plural_groups(lex, corpus, actor_ids)
        for event_type, phrases in ACTS.items():
            if event_type in EVENT_TYPES:
                for act_phrase in phrases:
                    lex.add(act_phrase, "act", event_type)
        return lex

    def scan(self, text: str) -> list[Token]:
        """The question as words and mentions, left to right, the longest mention first."""
        entries, longest = self.entries, self.longest
        if self.find_events is not None:
            found = self.find_events(list(dict.fromkeys(_ID.findall(text))))
            if found:
                entries = dict(entries)
                for event_id in found:
                    key = words(event_id)
                    entries[key] = [*entries.get(key, []), _Entry("event", event_id)]
                    longest = max(longest, len(key))
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        out: list[Token] = []
        i = 0
        while i < len(spans):
            start = spans[i][0]
            best: Token | None = None
            best_end, best_n = -1, 0
            found_date = find_date(text, start, self.last_year)
            if found_date is not None:
                parsed, date_end = found_date
                n = sum(1 for s in spans[i:] if s[0] < date_end)
                shown = text[start:date_end]
                best = Mention("date", shown, shown, start, date_end, date=parsed)
                best_end, best_n = date_end, n
            for n in range(min(longest, len(spans) - i), 0, -1):
                chunk = spans[i : i + n]
                key = tuple(norm_word(s[2])[0] for s in chunk)
                named = entries.get(key)
                if not named:
                    continue
                surface = text[start : chunk[-1][1]]
                after_the = bool(out) and isinstance(out[-1], Word) and out[-1].norm == "the"
                usable = [
                    e
                    for e in named
                    if (e.exact is None or surface == e.exact) and (after_the or not e.definite)
                ]
                if not usable or chunk[-1][1] <= best_end:
                    continue
                entry = usable[0]
                possessive = norm_word(chunk[-1][2])[1]
                best = Mention(
                    entry.kind, entry.value, surface, start, chunk[-1][1], possessive=possessive
                )
                best_end, best_n = chunk[-1][1], n
                break
            if best is None:
                s, e, w = spans[i]
                out.append(Word(w, norm_word(w)[0], s, e))
                i += 1
            else:
                out.append(best)
                i += best_n
        return out


def _plural_groups(lex: Lexicon, corpus: object, actor_ids: set[str]) -> None:
    """ "the Supreme Soviets": the plural of a name several actors share before "of" ("Supreme
    Soviet of Estonia", "... of Latvia"), as a group of them, where a record of the corpus
    quotes that plural (the source's "the Supreme Soviets of the Baltic countries")."""
    heads: dict[tuple[str, ...], dict[str, None]] = {}
    for a in corpus.actors:  # type: ignore[attr-defined]
        for name in (a.name, *a.aliases):
            m = re.fullmatch(r"(?:the\s+)?(.+?)\s+of\s+.+", name, re.IGNORECASE)
            if m:
                heads.setdefault(words(m.group(1)), {})[a.id] = None
    shared = {h: tuple(ids) for h, ids in heads.items() if len(ids) > 1 and h[-1][-1:] != "s"}
    if not shared:
        return
    quotes = " ".join(
        " ".join(words(q.quote))
        for records in (corpus.actors, corpus.events)  # type: ignore[attr-defined]
        for r in records
        for q in r.sources
    )
    for head, ids in shared.items():
        plural = (*head[:-1], head[-1] + "s")
        gid = "-".join(plural)
        if f" {' '.join(plural)} " not in f" {quotes} " or gid in actor_ids or gid in lex.groups:
            continue
        lex.groups[gid] = ids
        lex.display[("group", gid)] = "the " + " ".join(w.capitalize() for w in plural)
        lex.add(plural, "group", gid)


def _last_year(kb: KnowledgeBase) -> Callable[[], int | None]:
    """The corpus's last year, computed when first asked for, then kept."""
    kept: list[int | None] = []

    def last_year() -> int | None:
        if not kept:
            days = [e["date"]["latest"] for e in kb.events()["events"]]
            kept.append(int(max(days)[:4]) if days else None)
        return kept[0]

    return last_year


def _as_written(name: str) -> str | None:
    """``name`` itself when it names only as written: one word that is also a word of the
    questions (:data:`VOCABULARY`), such as the Correlates of War codes "AND" (Andorra),
    "CAN" (Canada) and "NOR" (Norway) that an import keeps as aliases; else None (any case)."""
    key = words(name)
    return name if len(key) == 1 and key[0] in VOCABULARY else None


_CACHE: dict[int, tuple[object, Lexicon]] = {}

_LONG_FRAMES = tuple(f for f in FRAMES if " " in f)
_SHORT_FRAMES = tuple(f for f in FRAMES if " " not in f)


def perspective_keys(pid: str, name: str, given: Iterable[str]) -> list[tuple[str, bool]]:
    """A perspective's names, each with whether it is *strong* (a perspective wherever it
    stands: a phrase of its ``words`` in lower case, or an id or name of several words) or
    *weak* (only in a frame: a name such as "Soviet", "Moscow", or a one-word id)."""
    out: dict[str, bool] = {}
    for key in (pid, name):
        out[key] = out.get(key, False) or len(words(key)) > 1
    for key in given:
        out[key] = out.get(key, False) or key == key.lower()
    return list(out.items())


def perspective_phrases(key: str, strong: bool) -> list[tuple[str, ...]]:
    """Every phrase (as normalised words) that names a perspective by ``key``: the key in a
    frame of point of view ("according to KEY", "in the eyes of the KEY", "in KEY law", "the
    KEY view"), and the key alone when it is strong."""
    k = words(key)
    if not k:
        return []
    out = [k] if strong else []
    for frame in _LONG:
        out += [frame + k, frame + ("the",) + k]
    for noun in _NOUNS:
        for lead in _LEADS:
            out.append(lead + k + noun)
        for frame in _LONG:
            out.append(frame + ("the",) + k + noun)
    if strong:
        out += [frame + k for frame in _SHORT]
    return out


_LONG = tuple(tuple(f.split()) for f in _LONG_FRAMES)
_SHORT = tuple(tuple(f.split()) for f in _SHORT_FRAMES)
_NOUNS = tuple(tuple(n.split()) for n in VIEW_NOUNS)
_LEADS: tuple[tuple[str, ...], ...] = ((), ("the",), *_SHORT, *(f + ("the",) for f in _SHORT))
