"""Misspelt names and words: fuzzy matching of what the lexicon did not find (rapidfuzz).

After :meth:`~foedus.ask.lexicon.Lexicon.scan`, a word that is neither a mention nor a word the
forms know may be a misspelt name ("Estnia", "lativa", "the Tarty treaty") or a misspelt word
("tratties", "agressor"). :func:`correct` tries, at each such word, the names of the corpus's
actors, groups and instruments over one to three words starting there (rapidfuzz's
normalised Indel similarity, at least :data:`NAME_CUTOFF` out of 100, the longest window
first), then the words the forms know (:data:`WORD_CUTOFF`). Words shorter than
:data:`MIN_LENGTH` letters are left alone: they are too short to tell a typo from another word.
Each correction is reported as a note ("read 'Estnia' as Estonia").

>>> from foedus.query import KnowledgeBase
>>> from foedus.ask.lexicon import Lexicon, Mention
>>> kb = KnowledgeBase()
>>> lex = Lexicon.of(kb)
>>> tokens, notes = correct(lex.scan("tratties of Estnia"), lex, {"treaties", "of"})
>>> [(t.kind, t.value) if isinstance(t, Mention) else t.norm for t in tokens]
['treaties', 'of', ('actor', 'estonia')]
>>> notes
["read 'tratties' as treaties", "read 'Estnia' as Estonia"]
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from foedus.ask.lexicon import Lexicon, Mention, Token, Word, norm_word

NAME_CUTOFF = 80.0
WORD_CUTOFF = 80.0
MIN_LENGTH = 5
_KINDS = ("actor", "group", "instrument")


@dataclass(frozen=True)
class _Names:
    """The corpus's names as strings of normalised words, each with its kind and id."""

    keys: list[str]
    entries: list[tuple[str, str]]
    shown: dict[tuple[str, str], str]


_NAMES: dict[int, tuple[Lexicon, _Names]] = {}


def _names(lex: Lexicon) -> _Names:
    cached = _NAMES.get(id(lex))
    if cached is not None and cached[0] is lex:
        return cached[1]
    keys: list[str] = []
    entries: list[tuple[str, str]] = []
    shown: dict[tuple[str, str], str] = {}
    for key, found in lex.entries.items():
        if len(key) > 4:
            continue
        for e in found:
            if e.kind in _KINDS and e.exact is None and not e.definite:
                keys.append(" ".join(key))
                entries.append((e.kind, e.value))
                shown.setdefault((e.kind, e.value), lex.display.get((e.kind, e.value), e.value))
                break
    made = _Names(keys, entries, shown)
    _NAMES[id(lex)] = (lex, made)
    return made


def correct(
    tokens: list[Token], lex: Lexicon, known: Collection[str]
) -> tuple[list[Token], list[str]]:
    """The tokens with misspelt names and words corrected, and a note for each correction.

    ``known`` are the words the forms know: a word among them is never corrected, a word
    outside them may be corrected to one of them."""
    names = _names(lex)
    vocabulary = list(known)
    out: list[Token] = []
    notes: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if not isinstance(t, Word) or t.norm in known or len(t.norm) < MIN_LENGTH:
            out.append(t)
            i += 1
            continue
        match = _name_at(tokens, out, i, names)
        if match is not None:
            mention, back, n = match
            notes.append(f"read {mention.text!r} as {names.shown[(mention.kind, mention.value)]}")
            del out[len(out) - back :]
            out.append(mention)
            i += n
            continue
        if not t.norm.isdigit():
            found = process.extractOne(
                t.norm, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF
            )
            if found is not None:
                notes.append(f"read {t.text!r} as {found[0]}")
                out.append(replace(t, norm=found[0]))
                i += 1
                continue
        out.append(t)
        i += 1
    return _rejoined(out, lex), notes


def _rejoined(tokens: list[Token], lex: Lexicon) -> list[Token]:
    """The tokens with each run of words that a correction made into a phrase of the lexicon
    ("declare independance" → "declare independence", an act) made that mention, as the
    scan would have made it had the words been written so."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        found = None
        for n in range(min(lex.longest, len(tokens) - i), 1, -1):
            window = tokens[i : i + n]
            if not all(isinstance(w, Word) for w in window):
                continue
            ws = [w for w in window if isinstance(w, Word)]
            if all(w.norm == norm_word(w.text)[0] for w in ws):
                continue  # no word of it corrected: the scan saw it as written
            entries = [
                e
                for e in lex.entries.get(tuple(w.norm for w in ws), [])
                if e.exact is None and not e.definite
            ]
            if entries:
                e = entries[0]
                text = " ".join(w.text for w in ws)
                found = (Mention(e.kind, e.value, text, ws[0].start, ws[-1].end), n)
                break
        if found is None:
            out.append(tokens[i])
            i += 1
        else:
            out.append(found[0])
            i += found[1]
    return out


def _name_at(
    tokens: list[Token], out: list[Token], i: int, names: _Names
) -> tuple[Mention, int, int] | None:
    """The name written (misspelt) over one to three words that take in ``tokens[i]``: the
    mention, how many of the words before ``i`` it takes in, and how many from ``i`` on."""
    best: tuple[float, int, Mention, int, int] | None = None
    for n in (3, 2, 1):
        for back in range(n - 1, -1, -1):
            lo, hi = i - back, i - back + n
            if lo < 0 or back > len(out) or hi > len(tokens):
                continue
            window = [*out[len(out) - back :], *tokens[i:hi]] if back else tokens[i:hi]
            if not all(isinstance(w, Word) for w in window):
                continue
            text = " ".join(w.norm for w in window if isinstance(w, Word))
            found = process.extractOne(
                text, names.keys, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF
            )
            if found is None:
                continue
            kind, value = names.entries[found[2]]
            first, last = window[0], window[-1]
            surface = " ".join(w.text for w in window if isinstance(w, Word))
            mention = Mention(kind, value, surface, first.start, last.end)  # type: ignore[arg-type]
            score = (found[1], n)
            if best is None or score > best[:2]:
                best = (found[1], n, mention, back, hi - i)
    if best is None:
        return None
    return best[2], best[3], best[4]
