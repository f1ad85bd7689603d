"""Find the names, dates, perspectives and acts that a question mentions.

A question is cut into words; at each word the longest mention that starts there wins, found
in one table built from the corpus: every actor's id, name and aliases (ISO codes only when
typed in capitals; Correlates of War numbers never, they read as numbers), every instrument's
id, name and aliases ("Treaty of X" also as "X treaty"), every event id, every perspective (with
the phrasings of :data:`PERSPECTIVE_WORDS`), demonyms (:data:`DEMONYMS`: "Soviet" is the USSR)
and the verbs and nouns of event types (:data:`ACTS`: "invaded" is ``invasion``). Dates are
read where they stand by :data:`DATE_RE` and :func:`foedus.model.parse_date`.

Matching ignores case, punctuation and a possessive "'s" ("Latvia's" is Latvia, marked as a
possessive); a leading "the" in an alias is dropped, so "the Soviets" matches "Soviets".

>>> from foedus.query import KnowledgeBase
>>> lex = Lexicon.of(KnowledgeBase())
>>> [(m.kind, m.value) for m in lex.scan("Was Latvia's treaty with the Soviets in force in 1939?")
...  if isinstance(m, Mention)]
[('actor', 'latvia'), ('actor', 'ussr'), ('date', '1939')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from foedus.errors import DateError
from foedus.model import EVENT_TYPES, FuzzyDate, parse_date

if TYPE_CHECKING:
    from foedus.query import KnowledgeBase

Kind = Literal["actor", "instrument", "event", "perspective", "act", "date"]

#: Adjectives and plurals that name a state, each mapped to a name the corpus resolves (a
#: demonym is used only when its name resolves in the corpus).
DEMONYMS: dict[str, str] = {
    "soviet": "USSR",
    "soviets": "USSR",
    "estonian": "Estonia",
    "estonians": "Estonia",
    "latvian": "Latvia",
    "latvians": "Latvia",
    "lithuanian": "Lithuania",
    "lithuanians": "Lithuania",
    "russian": "Russia",
    "russians": "Russia",
    "german": "Germany",
    "germans": "Germany",
    "nazi": "Germany",
    "nazis": "Germany",
    "finnish": "Finland",
    "finns": "Finland",
    "polish": "Poland",
    "poles": "Poland",
    "romanian": "Romania",
    "american": "United States",
    "americans": "United States",
    "british": "United Kingdom",
    "french": "France",
    "italian": "Italy",
    "japanese": "Japan",
    "bolshevik": "Bolsheviks",
    "usa": "United States",
}

#: Words that name a perspective, by perspective id. A *strong* phrase is a perspective
#: wherever it stands ("de jure", "in law"); a *weak* key only with a prefix ("according to",
#: "under", "in", "from") and a suffix ("view", "law", "perspective", ...), or after "according
#: to": "in Soviet law" and "according to the Soviets" are the ``soviet`` perspective, "Soviet
#: troops" is the USSR. Ids and names of perspectives of more than one word are strong keys.
PERSPECTIVE_WORDS: dict[str, dict[str, list[str]]] = {
    "de-facto": {
        "strong": ["de facto", "in fact", "in practice", "in reality", "actually", "de-facto"],
        "weak": ["factual", "actual"],
    },
    "non-recognition": {
        "strong": [
            "in law",
            "de jure",
            "legally",
            "in international law",
            "under international law",
            "nonrecognition",
            "non-recognition",
        ],
        "weak": ["western", "baltic", "legal"],
    },
    "soviet": {"strong": [], "weak": ["soviet", "soviets", "ussr", "moscow", "kremlin"]},
}
_PREFIXES = [
    "according to the",
    "according to",
    "under the",
    "under",
    "in the",
    "in",
    "from the",
    "from",
    "by the",
    "by",
]
_SUFFIXES = [
    "view",
    "views",
    "perspective",
    "perspectives",
    "law",
    "reading",
    "interpretation",
    "position",
    "rules",
    "account",
    "opinion",
    "doctrine",
]


#: Event types and the words that name them: verbs in every tense, and nouns.
ACTS: dict[str, list[str]] = {
    "invasion": ["invade", "invades", "invaded", "invading", "invasion", "invasions"],
    "reoccupation": [
        "reoccupy",
        "reoccupies",
        "reoccupied",
        "reoccupation",
        "re-occupy",
        "re-occupied",
        "re-occupation",
    ],
    "occupation": ["occupy", "occupies", "occupied", "occupying", "occupation", "occupations"],
    "annexation": ["annex", "annexes", "annexed", "annexing", "annexation", "annexations"],
    "incorporation": [
        "incorporate",
        "incorporates",
        "incorporated",
        "incorporating",
        "incorporation",
    ],
    "attack": ["attack", "attacks", "attacked", "attacking"],
    "declaration_of_war": ["declare war", "declared war", "declares war", "declaration of war"],
    "naval_blockade": ["blockade", "blockaded", "naval blockade"],
    "withdrawal": [
        "withdraw",
        "withdraws",
        "withdrew",
        "withdrawn",
        "withdrawing",
        "withdrawal",
        "withdrawals",
        "pull out",
        "pulled out",
        "pull its troops out",
    ],
    "declaration_of_independence": [
        f"{verb} {pron}independence"
        for verb in ("declare", "declares", "declared", "proclaim", "proclaims", "proclaimed")
        for pron in ("", "its ", "their ")
    ]
    + [
        "declaration of independence",
        "proclamation of independence",
        "become independent",
        "became independent",
        "becomes independent",
    ],
    "restoration_of_independence": [
        f"{verb} {pron}independence"
        for verb in (
            "restore",
            "restores",
            "restored",
            "regain",
            "regains",
            "regained",
            "reclaim",
            "reclaimed",
            "restoring",
            "regaining",
        )
        for pron in ("", "its ", "their ")
    ]
    + ["restoration of independence", "independence restored"],
    "declaration_of_sovereignty": [
        f"{verb} {pron}sovereignty"
        for verb in ("declare", "declares", "declared")
        for pron in ("", "its ", "their ")
    ]
    + ["declaration of sovereignty"],
    "non_recognition": [
        "not recognise",
        "not recognize",
        "refuse to recognise",
        "refuse to recognize",
        "refused to recognise",
        "refused to recognize",
    ],
    "recognition": [
        "recognise",
        "recognize",
        "recognises",
        "recognizes",
        "recognised",
        "recognized",
        "recognition",
    ],
    "resumption_of_relations": [
        "resume relations",
        "resumed relations",
        "resumption of relations",
        "restore relations",
        "restored relations",
    ],
    "election": ["elections", "election", "elect", "elected", "hold elections", "held elections"],
    "deportation": ["deport", "deports", "deported", "deporting", "deportation", "deportations"],
    "decree": ["decree", "decrees", "decreed"],
    "condemnation": ["condemn", "condemns", "condemned", "condemnation"],
    "formation": ["formed", "founded", "formation", "created", "creation"],
    "dissolution": [
        "dissolve",
        "dissolves",
        "dissolved",
        "dissolution",
        "break up",
        "broke up",
        "breakup",
        "collapse",
        "collapsed",
    ],
    "coup_attempt": ["coup", "coups", "coup attempt", "attempted coup", "coup attempts"],
    "seizure_of_power": [
        "seize power",
        "seized power",
        "take power",
        "took power",
        "seizure of power",
    ],
    "liquidation_of_administration": [
        "liquidate",
        "liquidated",
        "liquidation",
        "liquidation of administration",
    ],
    "administration": ["administer", "administers", "administered"],
    "admission_request": [
        "request admission",
        "requested admission",
        "admission request",
        "ask to join",
        "asked to join",
    ],
    "reaffirmation": ["reaffirm", "reaffirms", "reaffirmed", "reaffirmation"],
    "sphere_assignment": ["sphere of influence", "spheres of influence", "assigned"],
    "secession": ["secede", "seceded", "secession"],
    "cession": ["cede", "ceded", "cession"],
    "unification": ["unify", "unified", "unification"],
    "threat_of_force": ["threaten", "threatened", "threat of force"],
    "clash": ["clash", "clashes", "clashed"],
}

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_PART = r"(?:(?:early|mid|late)[\s-]+|(?:the\s+)?(?:beginning|end)\s+of\s+)"
_D = r"\d{1,2}(?!\d)"
_ORD = r"(?:st|nd|rd|th)?"
_Y = r"\d{4}(?!\d)"
_DASH = r"\s*[-–—]\s*"
#: A date as people write it, anchored where a word starts; the text it matches goes to
#: :func:`foedus.model.parse_date`. Alternatives are tried longest first.
DATE_RE = re.compile(
    r"(?:"
    + "|".join(
        [
            r"\d{4}-\d{1,2}-\d{1,2}(?!\d)",
            r"\d{4}-\d{1,2}(?!\d)",
            _MONTH + r"\s+" + _D + _DASH + _D + r",?\s+" + _Y,
            _D + _DASH + _D + r"\s+" + _MONTH + r",?\s+" + _Y,
            _MONTH + r"\s+" + _D + _ORD + r",?\s+" + _Y,
            _D + _ORD + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _Y,
            _PART + _MONTH + r",?\s+" + _Y,
            _MONTH + r",?\s+" + _Y,
            _PART + r"\d{3}0'?s\b",
            r"\d{3}0'?s\b",
            _PART + _Y,
            _Y + _DASH + _Y,
            _Y,
        ]
    )
    + r")(?![\w])",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*['’]?")
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


@dataclass
class Lexicon:
    """Every phrase of a corpus that names something, as tuples of normalised words."""

    entries: dict[tuple[str, ...], list[_Entry]] = field(default_factory=dict)
    longest: int = 1
    find_events: Callable[[list[str]], Iterable[str]] | None = None
    """For a corpus whose events are not all made (a Parquet corpus): which of a question's
    id-like tokens are event ids, looked up in the database when the question is read."""

    def add(
        self, phrase: str | tuple[str, ...], kind: Kind, value: str, exact: str | None = None
    ) -> None:
        key = words(phrase) if isinstance(phrase, str) else phrase
        if not key:
            return
        found = self.entries.setdefault(key, [])
        if all(e.kind != kind for e in found) or exact:
            found.append(_Entry(kind, value, exact))
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
            spec = PERSPECTIVE_WORDS.get(p.id, {"strong": [], "weak": []})
            keys = {p.id, p.name, *spec["weak"]}
            strong = {k for k in keys if len(words(k)) > 1} | set(spec["strong"])
            for key in sorted(keys | strong):
                for suffix in _SUFFIXES:
                    for prefix in ["", "the", *_PREFIXES]:
                        lex.add(f"{prefix} {key} {suffix}".strip(), "perspective", p.id)
                lex.add(f"according to {key}", "perspective", p.id)
                lex.add(f"according to the {key}", "perspective", p.id)
            for key in sorted(strong):
                lex.add(key, "perspective", p.id)
                for prefix in _PREFIXES:
                    lex.add(f"{prefix} {key}", "perspective", p.id)
        for i in corpus.instruments:
            for name in [i.id, i.name, *i.aliases]:
                lex.add(name, "instrument", i.id)
                m = re.fullmatch(r"(?:the\s+)?(.+?)\s+of\s+(\w+)", name, re.IGNORECASE)
                if m and m.group(1).lower() in ("treaty", "peace treaty", "pact"):
                    lex.add(f"{m.group(2)} {m.group(1)}", "instrument", i.id)
        if kb.events_on_demand:
            lex.find_events = lambda ids: kb.events_by_id(ids).keys()
        else:
            for e in corpus.events:
                lex.add(e.id, "event", e.id)
        for a in corpus.actors:
            for name in [a.id, a.name, *a.aliases, *a.wikidata]:
                lex.add(name, "actor", a.id)
            for code in a.iso3166:
                lex.add(code, "actor", a.id, exact=code)
        for demonym, name in DEMONYMS.items():
            try:
                lex.add(demonym, "actor", kb.resolver.actor(name).id)
            except LookupError:
                continue
        for event_type, phrases in ACTS.items():
            if event_type in EVENT_TYPES:
                for phrase in phrases:
                    lex.add(phrase, "act", event_type)
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
            date_match = DATE_RE.match(text, start)
            if date_match:
                try:
                    parsed = parse_date(date_match.group())
                except DateError:
                    parsed = None
                if parsed is not None:
                    n = sum(1 for s in spans[i:] if s[0] < date_match.end())
                    best = Mention(
                        "date",
                        date_match.group(),
                        date_match.group(),
                        start,
                        date_match.end(),
                        date=parsed,
                    )
                    best_end, best_n = date_match.end(), n
            for n in range(min(longest, len(spans) - i), 0, -1):
                chunk = spans[i : i + n]
                key = tuple(norm_word(s[2])[0] for s in chunk)
                named = entries.get(key)
                if not named:
                    continue
                surface = text[start : chunk[-1][1]]
                usable = [e for e in named if e.exact is None or surface == e.exact]
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


_CACHE: dict[int, tuple[object, Lexicon]] = {}
