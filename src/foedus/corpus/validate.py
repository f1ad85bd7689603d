"""Cross-record checks of a corpus: references, duplicates, dates, existence and quotes.

:func:`validate_corpus` returns every problem at once, each at the ``file:line:col`` of the
value that is wrong (the perspectives' rule programs are checked too: :mod:`.rulecheck`); a
record that failed its schema is checked too, as far as its well-typed fields go
(:class:`~.corpus.Salvaged`, made by :mod:`.salvage`), so that its schema error does not hide
its unknown actor until it is fixed. docs/corpus-format.md lists the messages with an example of
each.
"""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from importlib.resources import files
from pathlib import Path
from typing import Any

from foedus.corpus.corpus import Corpus, Salvaged
from foedus.corpus.folder import Loc, display
from foedus.corpus.perspectives import naming_problems
from foedus.corpus.quotes import found, nearest, normalise
from foedus.corpus.rulecheck import rule_problems
from foedus.corpus.yamlread import event_type_hint
from foedus.errors import Problem, did_you_mean, suggest
from foedus.model import EVENT_TYPES, Actor, FuzzyDate, Quote
from foedus.model.vocabulary import INSTRUMENT_ACTS
from foedus.rules.library import is_library_name, library_file, library_names

__all__ = ["did_you_mean", "event_type_hint", "suggest", "validate_corpus"]


def _invisible(ch: str) -> bool:
    """A character that shows nothing: a format character (zero-width space, joiners,
    direction marks) or a control character."""
    return unicodedata.category(ch) in ("Cf", "Cc")


@functools.cache
def confusables_table() -> dict[str, list[dict[str, str]]]:
    """The Unicode confusables table (UTS #39) as the ``confusable_homoglyphs`` package ships
    it: the JSON file its ``confusables`` module loads (``utils.load("confusables.json")``,
    from the folder ``$CONFUSABLE_DATA`` names, else the package's own), read here without
    importing that module, whose download helpers import ``urllib.request`` and ``ssl`` (some
    40 ms of a first answer after install)."""
    folder = os.environ.get("CONFUSABLE_DATA", str(files("confusable_homoglyphs")))
    with open(os.path.join(folder, "confusables.json"), encoding="utf-8") as f:
        table: dict[str, list[dict[str, str]]] = json.load(f)
    return table


@functools.cache
def _latin_twin(ch: str) -> str:
    """The ASCII letter or digit a non-ASCII character cannot be told apart from (Cyrillic
    "Е" → "E", Greek "ο" → "o"), after the Unicode confusables table (UTS #39) as the
    ``confusable_homoglyphs`` package ships it; else the character itself."""
    if ch.isascii():
        return ch
    twins = sorted(
        h["c"]
        for h in confusables_table().get(ch, [])
        if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()
    )
    return twins[0] if twins else ch


def name_key(name: str) -> str:
    """A name as the resolver matches it, with what the eye cannot tell apart set aside:
    Unicode compatibility forms (NFKC), homoglyphs of Latin letters and digits (a Cyrillic
    "Е" in "Еstonia"), case, invisible characters, runs of white space and a leading "the".

    >>> name_key("\u0415sto\u200bnia") == name_key("ＥＳＴＯＮＩＡ") == "estonia"
    True
    """
    text = "".join(
        _latin_twin(ch) for ch in unicodedata.normalize("NFKC", str(name)) if not _invisible(ch)
    )
    key = " ".join(text.split()).casefold()
    return key.removeprefix("the ")


def _before(a: FuzzyDate | None, b: FuzzyDate | None) -> bool:
    """``a`` is certainly before ``b``: every day of ``a`` precedes every day of ``b`` (never,
    when one is not known: a date with a schema error, in a salvaged record)."""
    return a is not None and b is not None and a.latest < b.earliest


class _Validator:
    def __init__(self, corpus: Corpus, failed: dict[str, set[str]]) -> None:
        self.c = corpus
        self.problems: list[Problem] = []
        self.actors: dict[str, Actor] = {a.id: a for a in corpus.actors}
        self.parties: dict[str, set[str]] | None = None  # instrument -> its parties
        self.known: dict[str, set[str]] = {
            "actor": set(self.actors),
            "instrument": {i.id for i in corpus.instruments},
            "category": {c.id for c in corpus.categories},
            "source": set(corpus.sources),
        }
        for kind, ids in failed.items():
            self.known.setdefault(kind, set()).update(ids)
        self.names: dict[str, dict[str, str]] = {
            "actor": {n.lower(): a.id for a in corpus.actors for n in a.names()},
            "instrument": {
                n.lower(): i.id for i in corpus.instruments for n in (i.id, i.name, *i.aliases)
            },
            "category": {n.lower(): c.id for c in corpus.categories for n in (c.id, c.name)},
            "source": {s.lower(): s for s in corpus.sources},
        }

    current: Salvaged | None = None
    """The record that failed its schema being checked (:meth:`salvaged`), if any."""

    def where(self, kind: str, rid: str, *fields: str | None) -> Loc:
        """Where a value of a record is written (:meth:`Corpus.where`; of the salvaged
        record being checked, by its own positions)."""
        s = self.current
        if s is not None and kind == s.kind and rid == s.record.id:
            for f in (*fields, None):
                if f in s.positions:
                    return s.positions[f]
        return self.c.where(kind, rid, *fields)

    def in_overlay(self, kind: str, rid: str) -> bool:
        """Whether a record is an overlay's (hypothetical; it needs no source)."""
        s = self.current
        if s is not None and kind == s.kind and rid == s.record.id:
            return s.overlay
        return (kind, rid) in self.c.hypothetical_ids

    def add(self, loc: Loc, message: str) -> None:
        self.problems.append(Problem(loc[0], loc[1], loc[2], message))

    def ref(self, kind: str, name: str | None, at: Loc, owner: str) -> bool:
        """Check a reference; report it when unknown. True when it is known."""
        if name is None or name in self.known[kind]:
            return True
        hint = did_you_mean(suggest(name, self.names[kind]))
        self.add(at, f"{owner}: unknown {kind} {name!r}{hint}")
        return False

    # ----------------------------------------------------------------------- the checks

    def run(self) -> list[Problem]:
        meta = self.c.metadata
        named = meta.default_source
        if named and named not in self.c.sources and named not in self.known["source"]:
            hint = did_you_mean(suggest(named, self.names["source"]))
            self.add(  # once: the quotes that name no source are not reported again
                self.where("corpus", "", "default_source"),
                f"corpus.yaml default_source: unknown source {named!r} (there is no "
                f"sources/{named}.txt){hint}",
            )
        named = meta.default_perspective
        if named and named.lower() not in {
            n.lower()
            for n in (
                *(n for p in self.c.perspectives for n in (p.id, p.name)),
                *self.known.get("perspective", ()),  # in a file or record that failed
            )
        }:
            ids = {p.id: p.id for p in self.c.perspectives}
            self.add(
                self.where("corpus", "", "default_perspective"),
                f"corpus.yaml default_perspective: unknown perspective {named!r}"
                + (did_you_mean(suggest(named, ids)) if ids else " (the corpus has none)"),
            )
        for j, g in enumerate(meta.groups):  # groups of actors (corpus.yaml), for foedus ask
            for k, m in enumerate(g.members):
                at = self.where("corpus", "", f"groups[{j}].members[{k}]", "groups")
                self.ref("actor", m, at, f"group {g.id!r}")
        for a in self.c.actors:
            self.actor(a)
        self.actor_names()
        for f in ("part_of", "predecessor"):
            self.cycles(f)
        for i in self.c.instruments:
            self.instrument(i)
        for e in self.c.events:
            self.event(e)
        for cat in self.c.categories:
            self.category(cat)
        for p in self.c.perspectives:
            self.perspective(p)
        for s in self.c.salvaged:
            self.salvaged(s)
        return self.problems

    def salvaged(self, s: Salvaged) -> None:
        """The checks of a record that failed its schema, on what is left of it (its fields
        with an error are empty: nothing is checked of them), so that its unknown actor is
        reported in the same run as its wrong type."""
        check = {
            "actor": self.actor,
            "instrument": self.instrument,
            "event": self.event,
            "category": self.category,
            "perspective": self.perspective,
        }[s.kind]
        self.current = s
        try:
            check(s.record)
        finally:
            self.current = None

    def category(self, cat: Any) -> None:
        for k, t in enumerate(cat.event_types):
            if t not in EVENT_TYPES:
                self.add(
                    self.where("category", cat.id, f"event_types[{k}]"),
                    f"category {cat.id!r}: unknown event type {t!r}" + event_type_hint(t),
                )
        self.quotes("category", cat.id, cat.sources, f"category {cat.id!r}")

    def actor(self, a: Actor) -> None:
        for f in ("predecessor", "successor", "part_of"):
            self.ref("actor", getattr(a, f), self.where("actor", a.id, f), f"actor {a.id!r}")
        if a.existed_from and a.existed_to and _before(a.existed_to, a.existed_from):
            self.add(
                self.where("actor", a.id, "existed_to"),
                f"actor {a.id!r} ceases to exist on {a.existed_to} before it existed "
                f"(from {a.existed_from})",
            )
        self.quotes("actor", a.id, a.sources, f"actor {a.id!r}")

    def actor_names(self) -> None:
        """Every word name leads to one actor: no id, name or alias is shared by two actors,
        or the same as another's once case, width and invisible characters are set aside
        (the resolver would answer one of them silently); no name holds an invisible
        character. Codes (ISO 3166, COW, Wikidata) may be shared: a state and its
        predecessor often have one COW code."""
        seen: dict[str, tuple[str, str, Loc]] = {}
        for a in self.c.actors:
            words = [("id", a.id), ("name", a.name)]
            words += [(f"aliases[{k}]", n) for k, n in enumerate(a.aliases)]
            codes = [(f"iso3166[{k}]", n) for k, n in enumerate(a.iso3166)]
            codes += [(f"wikidata[{k}]", n) for k, n in enumerate(a.wikidata)]
            for f, name in words + codes:
                at = self.where("actor", a.id, f)
                hidden = sorted({f"U+{ord(ch):04X}" for ch in name if _invisible(ch)})
                if hidden:
                    self.add(
                        at,
                        f"actor {a.id!r}: name {name!r} holds an invisible character "
                        f"({', '.join(hidden)}); remove it",
                    )
            for f, name in words:
                at = self.where("actor", a.id, f)
                first = seen.setdefault(name_key(name), (a.id, name, at))
                if first[0] == a.id:
                    continue
                same = "the same as" if first[1] == name else f"confusable with {first[1]!r},"
                nfkc = unicodedata.normalize("NFKC", name)
                twins = sorted({ch for ch in nfkc if _latin_twin(ch) != ch})
                if twins and first[1] != name:
                    shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in twins)
                    same = f"confusable with {first[1]!r} (it holds {shown}),"
                self.add(
                    at,
                    f"actor {a.id!r}: name {name!r} is {same} a name of actor {first[0]!r} "
                    f"(at {first[2][0]}:{first[2][1]}:{first[2][2]}); a name must lead to "
                    "one actor",
                )

    def cycles(self, field_name: str) -> None:
        """``part_of`` and ``predecessor`` never lead back to the actor they start from."""
        reported: set[str] = set()
        for a in self.c.actors:
            chain = [a.id]
            nxt = getattr(a, field_name)
            while nxt is not None and nxt in self.actors and nxt not in chain:
                chain.append(nxt)
                nxt = getattr(self.actors[nxt], field_name)
            if nxt != a.id or a.id in reported:
                continue
            reported.update(chain)
            path = " -> ".join(repr(x) for x in [*chain, a.id])
            self.add(
                self.where("actor", a.id, field_name),
                f"actor {a.id!r}: {field_name} leads back to itself ({path})",
            )

    def existence(self, actor_id: str, when: FuzzyDate | None, at: Loc, what: str) -> None:
        a = self.actors.get(actor_id)
        if a is None or when is None:
            return
        if a.existed_from and _before(when, a.existed_from):
            self.add(at, f"{what} before it existed (from {a.existed_from})")
        if a.existed_to and _before(a.existed_to, when):
            self.add(at, f"{what} after it ceased to exist (to {a.existed_to})")

    def instrument(self, i: Any) -> None:
        where = self.where
        owner = f"instrument {i.id!r}"
        if i.amends == i.id:
            self.add(where("instrument", i.id, "amends"), f"{owner} amends itself")
        else:
            self.ref("instrument", i.amends, where("instrument", i.id, "amends"), owner)
        for k, old in enumerate(i.supersedes or ()):
            at = where("instrument", i.id, f"supersedes[{k}]", "supersedes")
            if old == i.id:
                self.add(at, f"{owner} supersedes itself")
            else:
                self.ref("instrument", old, at, owner)
        if i.signed and i.in_force and _before(i.in_force, i.signed):
            self.add(
                where("instrument", i.id, "in_force"),
                f"{owner} enters into force on {i.in_force} before it was signed ({i.signed})",
            )
        if i.signed and i.ended and _before(i.ended, i.signed):
            self.add(
                where("instrument", i.id, "ended"),
                f"{owner} ends on {i.ended} before it was signed ({i.signed})",
            )
        elif i.in_force and i.ended and _before(i.ended, i.in_force):
            self.add(
                where("instrument", i.id, "ended"),
                f"{owner} ends on {i.ended} before it entered into force ({i.in_force})",
            )
        for j, p in enumerate(i.parties):
            self.party(i, j, p)
        self.repeated_parties(i)
        seen: dict[str, Loc] = {}
        for j, cl in enumerate(i.clauses):
            at = where("instrument", i.id, f"clauses[{j}].id", f"clauses[{j}]")
            if cl.id is None:  # a clause id with a schema error, in a salvaged record
                pass
            elif cl.id in seen:
                first = seen[cl.id]
                self.add(
                    at,
                    f"duplicate clause id {cl.id!r} in {owner} "
                    f"(first defined at {first[0]}:{first[1]}:{first[2]})",
                )
            seen.setdefault(cl.id, at)
            if not self.in_overlay("instrument", i.id):  # an overlay's is assumed
                self.quote(
                    "instrument",
                    i.id,
                    f"clauses[{j}]",
                    "text",
                    cl.source,
                    cl.text,
                    f"clause {cl.id!r}",
                )
            if cl.norm is not None:
                base = f"clauses[{j}].norm"
                for k, cat in enumerate(cl.norm.categories):
                    self.ref(
                        "category",
                        cat,
                        where("instrument", i.id, f"{base}.categories[{k}]"),
                        f"clause {cl.id!r}",
                    )
                for role in ("bearers", "beneficiaries"):
                    for k, a in enumerate(getattr(cl.norm, role) or []):
                        self.ref(
                            "actor",
                            a,
                            where("instrument", i.id, f"{base}.{role}[{k}]"),
                            f"clause {cl.id!r}",
                        )
        self.quotes("instrument", i.id, i.sources, owner)
        self.flags("instrument", i.id, i.hypothetical, bool(i.sources or i.clauses))

    def repeated_parties(self, i: Any) -> None:
        """An actor listed twice in one instrument with membership spells that may overlap
        (a party that left and rejoined, one spell after the other, is not repeated)."""
        spells: dict[str, list[tuple[int, Any]]] = {}
        for j, p in enumerate(i.parties):
            for k, q in spells.get(p.actor, []) if p.date is not None else []:
                apart = (q.until is not None and _before(q.until, p.date)) or (
                    p.until is not None and _before(p.until, q.date)
                )
                if not apart:
                    first = self.where("instrument", i.id, f"parties[{k}].actor")
                    self.add(
                        self.where("instrument", i.id, f"parties[{j}].actor", f"parties[{j}]"),
                        f"instrument {i.id!r}: party {p.actor!r} is listed twice "
                        f"(first at {first[0]}:{first[1]}:{first[2]}), with spells that overlap",
                    )
                    break
            if p.date is not None:  # (not known in a salvaged record)
                spells.setdefault(p.actor, []).append((j, p))

    def party(self, i: Any, j: int, p: Any) -> None:
        where = self.where
        base = f"parties[{j}]"
        owner = f"instrument {i.id!r}"
        known = self.ref("actor", p.actor, where("instrument", i.id, f"{base}.actor", base), owner)
        date_at = where("instrument", i.id, f"{base}.date", base)
        if known:
            self.existence(p.actor, p.date, date_at, f"party {p.actor!r} joins on {p.date}")
        if p.until and _before(p.until, p.date):
            self.add(
                where("instrument", i.id, f"{base}.until", base),
                f"party {p.actor!r} leaves on {p.until} before it joined ({p.date})",
            )
        if p.via is not None:
            via_at = where("instrument", i.id, f"{base}.via", base)
            if self.ref("actor", p.via, via_at, owner) and known:
                actor = self.actors.get(p.actor)
                pred = actor.predecessor if actor else None
                via = self.actors.get(p.via)
                # (either may be known only as a record that failed: then it is not checked)
                if actor and via and pred != p.via and via.successor != p.actor:
                    tail = f" (its predecessor is {pred!r})" if pred else ""
                    self.add(
                        via_at,
                        f"party {p.actor!r} joins via {p.via!r}, which is not its "
                        f"predecessor{tail}",
                    )
        self.quotes(
            "instrument", i.id, p.sources, f"party {p.actor!r} of {owner}", prefix=f"{base}."
        )

    def event(self, e: Any) -> None:
        where = self.where
        owner = f"event {e.id!r}"
        for role in ("actors", "targets"):
            for k, a in enumerate(getattr(e, role)):
                if self.ref("actor", a, where("event", e.id, f"{role}[{k}]"), owner):
                    self.existence(
                        a,
                        e.date,
                        where("event", e.id, f"{role}[{k}]"),
                        f"event {e.id!r} on {e.date} involves {a!r}",
                    )
        self.ref("instrument", e.instrument, where("event", e.id, "instrument"), owner)
        if self.current is not None and "instrument" in self.current.bad:
            pass  # not known of a salvaged record
        elif e.type in INSTRUMENT_ACTS and not e.instrument:
            self.add(
                where("event", e.id, "type"),
                f"{owner} of type {e.type!r} names no instrument (give `instrument:`)",
            )
        elif e.type in INSTRUMENT_ACTS and e.instrument in self.known["instrument"]:
            self.instrument_act(e, owner)
        self.quotes("event", e.id, e.sources, owner)
        self.flags("event", e.id, e.hypothetical, bool(e.sources))

    def instrument_act(self, e: Any, owner: str) -> None:
        """An event that denounces or withdraws from an instrument is by its parties: the
        rules end a bilateral instrument on any denunciation of it, so one by a state that
        never was a party would end the others' treaty."""
        if self.parties is None:  # made on the first such event
            self.parties = {i.id: {p.actor for p in i.parties} for i in self.c.instruments}
        parties = self.parties.get(e.instrument)
        if parties is None:  # an instrument whose own record failed to validate
            return
        for k, a in enumerate(e.actors):
            if a in self.actors and a not in parties:
                listed = ", ".join(sorted(parties)) or "none"
                self.add(
                    self.where("event", e.id, f"actors[{k}]"),
                    f"{owner}: {a!r} is not a party of {e.instrument!r} (its parties: "
                    f"{listed}), so it cannot {INSTRUMENT_ACTS[e.type]} it",
                )

    def perspective(self, p: Any) -> None:
        for field_name, problem in naming_problems(p):
            self.add(self.where("perspective", p.id, field_name), problem)
        forms = [  # each file by its name, stem and path (the unreadable are reported)
            (f.name, f.stem, f.relative_to(self.c.path).as_posix())
            for f in [*self.c.rule_files, *self.c.unreadable]
        ]
        names = {n for form in forms for n in form}
        for k, r in enumerate(p.rules):  # `replaces` names rule labels: checked with the rules
            field_name = f"rules[{k}]"
            if is_library_name(r):
                if library_file(r) is None:
                    known = library_names()
                    hint = did_you_mean(suggest(r, {n.lower(): n for n in known}))
                    self.add(
                        self.where("perspective", p.id, field_name),
                        f"perspective {p.id!r}: unknown rule file {r!r} of the rule library"
                        f"{hint or ' (it has ' + ', '.join(known) + ')'}",
                    )
                continue
            if r not in names:
                way = 2 if "/" in r else 0 if r.endswith(".rules") else 1  # as r is written
                hint = did_you_mean(suggest(r, {n.lower(): f[way] for f in forms for n in f}))
                if not (self.c.path / r).resolve().is_relative_to(self.c.path.resolve()):
                    hint = (
                        " (it leads out of the corpus folder: a corpus reads its own rule files"
                        " from its rules/ only; the rule library's are named foedus:NAME, e.g."
                        " foedus:base)"
                    )
                self.add(
                    self.where("perspective", p.id, field_name),
                    f"perspective {p.id!r}: unknown rule file {r!r}{hint}",
                )
        self.quotes("perspective", p.id, p.sources, f"perspective {p.id!r}")

    def flags(self, kind: str, rid: str, hypothetical: bool, cited: bool) -> None:
        if self.current is not None and self.current.bad & {"sources", "clauses", "hypothetical"}:
            return  # not known of a salvaged record
        in_overlay = self.in_overlay(kind, rid)
        if hypothetical and not in_overlay:
            self.add(
                self.where(kind, rid, "hypothetical"),
                f"{kind} {rid!r} is marked hypothetical; hypothetical facts belong in an "
                "overlay (--assume FILE)",
            )
        if not cited and not in_overlay:
            self.add(self.where(kind, rid, "id"), f"{kind} {rid!r} cites no source")

    # ----------------------------------------------------------------------- quotes

    def quotes(
        self, kind: str, rid: str, quotes: list[Quote], owner: str, prefix: str = ""
    ) -> None:
        for k, q in enumerate(quotes):
            self.quote(kind, rid, f"{prefix}sources[{k}]", "quote", q.source, q.quote, owner)

    def quote(
        self, kind: str, rid: str, base: str, text_field: str, source: str, text: str, owner: str
    ) -> None:
        at = self.where(kind, rid, f"{base}.{text_field}", base, base.rsplit("[", 1)[0])
        src = self.c.source_of(source)
        if src is None:
            self.add(
                at, f"{owner} quotes without naming a source, and the corpus has no default_source"
            )
            return
        if src not in self.c.sources:
            if not source:  # the default source, reported once at corpus.yaml's line
                return
            self.ref("source", src, self.where(kind, rid, f"{base}.source", base), owner)
            return
        if text is None:  # a text with a schema error, in a salvaged record
            return
        if not text.strip():
            self.add(at, f"{owner} quotes no text (the quote is empty or white space only)")
            return
        if found(text, self.c.sources[src]):
            return
        quote, near = normalise(text), nearest(text, self.c.sources[src])
        self.add(
            at,
            f"{owner} quotes text not in source {src!r}\n"
            f'  quote:   "{quote}"\n'
            f'  nearest: "{near}"' + first_difference(quote, near),
        )


def _char(c: str) -> str:
    """A character as a reader can tell it from its look-alikes: ``'r'``, or ``'–' (U+2013 EN
    DASH)`` for anything but an ASCII letter or digit."""
    if c.isascii() and c.isalnum():
        return repr(c)
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"


def first_difference(quote: str, near: str) -> str:
    """A line that marks, under the nearest passage, the first character where it differs from
    the quote (a hyphen for an en dash looks the same): empty when they do not differ.

    >>> print(first_difference("1920-1940", "1920–1940"))
    <BLANKLINE>
                    ^ '-' (U+002D HYPHEN-MINUS) in the quote, '–' (U+2013 EN DASH) in the source
    """
    i = next((k for k, (a, b) in enumerate(zip(quote, near, strict=False)) if a != b), None)
    if i is None:
        if len(quote) == len(near):
            return ""
        i = min(len(quote), len(near))
    if i >= len(quote):
        what = "the quote ends here"
    elif i >= len(near):
        what = "the passage ends here"
    else:
        what = f"{_char(quote[i])} in the quote, {_char(near[i])} in the source"
    return "\n" + " " * (12 + i) + "^ " + what


def validate_corpus(
    corpus: Corpus, failed: dict[str, set[str]] | None = None, only: Path | None = None
) -> list[Problem]:
    """Every cross-record problem of ``corpus``, and every problem of its perspectives' rules.

    ``failed`` holds ids of records that could not be read (references to them are not
    reported again); ``only`` keeps the problems of one file (an overlay's).
    """
    problems = _Validator(corpus, failed or {}).run()
    if only is None:
        problems += rule_problems(corpus)
    if only is not None:
        shown = display(only)
        problems = [p for p in problems if p.file == shown]
    return problems
