"""Corpora: load a folder of YAML into typed records, validate it, resolve names, measure coverage.

>>> from foedus.corpus import bundled_path, load_corpus
>>> corpus = load_corpus(bundled_path())          # doctest: +SKIP
>>> Resolver(corpus).actor("Soviet Union").id      # doctest: +SKIP
'ussr'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from foedus import lazy

if TYPE_CHECKING:
    from foedus.corpus.load import Corpus, CorpusMeta, load_corpus, load_overlay, read_corpus
    from foedus.corpus.resolve import Resolver
    from foedus.corpus.validate import validate_corpus

BUNDLED = "baltic-soviet"


def bundled_path() -> Path:
    """The folder of the bundled Baltic–Soviet corpus."""
    return Path(str(files("foedus") / "corpora" / BUNDLED))


__all__ = [
    "BUNDLED",
    "Corpus",
    "CorpusMeta",
    "Resolver",
    "bundled_path",
    "load_corpus",
    "load_overlay",
    "read_corpus",
    "validate_corpus",
]

# imported when first read: reading one module of the package (a cached corpus's records)
# does not import the YAML reader and the validator
__getattr__ = lazy.attributes(
    __name__,
    {
        **dict.fromkeys(
            ("Corpus", "CorpusMeta", "load_corpus", "load_overlay", "read_corpus"),
            "foedus.corpus.load",
        ),
        "Resolver": "foedus.corpus.resolve",
        "validate_corpus": "foedus.corpus.validate",
    },
)
