"""Counts in words: ``1 instrument``, ``2 instruments``, ``1 breach``, ``0 breaches``.

One home for every message and table title that counts something, so that none says
"1 events added".

>>> counted(1, "event"), counted(2, "breach"), counted(0, "instrument"), counted(3, "fluent key")
('1 event', '2 breaches', '0 instruments', '3 fluent keys')
"""

from __future__ import annotations

__all__ = ["counted"]


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (English: ``-es`` after a
    sibilant, else ``-s``; the nouns foedus counts have no other plural)."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun}es" if noun.endswith(("ch", "sh", "s", "x")) else f"{n} {noun}s"
