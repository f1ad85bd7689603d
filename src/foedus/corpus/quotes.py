"""Quotes: finding a quote in its source verbatim, and the nearest passage when it is not there.

A quote is found when it occurs in the source exactly, runs of white space aside:

>>> found("refrain  from acts", "to refrain from\\nacts of aggression")
True
>>> nearest("refrain from acts of agression", "they undertook to refrain from acts of "
...         "aggression against one another")
'refrain from acts of aggression'
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

_WORD = re.compile(r"\S+")


def normalise(text: str) -> str:
    """Collapse every run of white space to one space and strip the ends."""
    return " ".join(text.split())


def found(quote: str, source: str) -> bool:
    """True when ``quote`` occurs in ``source`` verbatim, runs of white space aside."""
    return normalise(quote) in _normalised(source)


@lru_cache(maxsize=32)
def _normalised(source: str) -> str:
    return normalise(source)


def _key(word: str) -> str:
    return word.strip(".,;:!?\"'()[]“”‘’—–-").lower()


@lru_cache(maxsize=32)
def _index(source: str) -> tuple[list[str], Counter[str], dict[str, list[int]]]:
    words = _normalised(source).split(" ")
    keys = [_key(w) for w in words]
    where: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        where.setdefault(k, []).append(i)
    return words, Counter(keys), where


def nearest(quote: str, source: str, *, rare: int = 4) -> str:
    """The passage of ``source`` most like ``quote`` (difflib ratio), about as long as it.

    Candidate windows start where the quote's rarest words occur in the source, so the search
    stays fast on long sources; without any shared word every window is tried.
    """
    q = normalise(quote)
    qwords = q.split(" ")
    words, freq, where = _index(source)
    if not words or words == [""]:
        return ""
    n = len(qwords)
    qkeys = [_key(w) for w in qwords]
    shared = sorted({k for k in qkeys if k and freq[k]}, key=lambda k: (freq[k], k))[:rare]
    starts: set[int] = set()
    for k in shared:
        for j, qk in enumerate(qkeys):
            if qk == k:
                for i in where[k]:
                    starts.update(range(max(0, i - j - 2), max(0, i - j + 3)))
    if not starts:
        starts = set(range(0, max(1, len(words) - n + 1), max(1, n // 2)))
    best, best_score = "", -1.0
    for start in sorted(starts):
        for length in (n - 1, n, n + 1, n + 2):
            if length < 1 or start >= len(words):
                continue
            window = " ".join(words[start : start + length])
            score = SequenceMatcher(None, q, window, autojunk=False).ratio()
            if score > best_score:
                best, best_score = window, score
    return best
