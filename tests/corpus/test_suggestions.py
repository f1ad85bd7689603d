""" "Did you mean" offers only names plausibly meant (foedus.corpus.resolve.nearest): a
misspelling, a name cut short, a word of a longer name, never a name sharing a few letters."""

from __future__ import annotations

import pytest

from foedus.errors import UnknownName
from foedus.query.base import KnowledgeBase


@pytest.fixture(scope="module")
def kb(kb_factory) -> KnowledgeBase:  # type: ignore[no-untyped-def]
    return kb_factory()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("kind", "typed", "meant"),
    [
        ("actor", "Latvja", ["latvia"]),
        ("actor", "Estonai", ["estonia"]),
        ("actor", "Lituania", ["lithuania"]),
        ("actor", "Russa", ["russia"]),
        ("actor", "Soviet Onion", ["ussr"]),
        ("actor", "Great Britian", ["united-kingdom"]),
        ("actor", "Ostlnd", ["reichskommissariat-ostland"]),
        ("actor", "Esto", ["estonia", "estonian-ssr"]),
        ("instrument", "Riga", ["treaty-of-riga"]),
        ("instrument", "Treaty of Riag", ["treaty-of-riga"]),
        ("instrument", "Kellog pact", ["kellogg-briand-pact"]),
        (
            "event",
            "ussr-anexes-estonia-1940",
            ["ussr-annexes-estonia-1940", "ussr-invades-estonia-1940"],
        ),
    ],
)
def test_a_misspelt_name_suggests_what_was_meant(
    kb: KnowledgeBase, kind: str, typed: str, meant: list[str]
) -> None:
    with pytest.raises(UnknownName) as info:
        getattr(kb.resolver, kind)(typed)
    assert info.value.suggestions == meant


@pytest.mark.parametrize("typed", ["Skrunda", "Stalin", "Riga", "Lat"])
def test_a_name_that_shares_a_few_letters_suggests_nothing(kb: KnowledgeBase, typed: str) -> None:
    """'Skrunda' is not 'SUN' (ussr), 'Stalin' neither 'Ostland' nor 'Britain', 'Riga' (a
    city) not 'Russia'; a two- or three-letter code is suggested only when typed whole."""
    with pytest.raises(UnknownName) as info:
        kb.resolver.actor(typed)
    assert info.value.suggestions == []
    assert str(info.value) == f"unknown actor {typed!r}"
