"""The confusables table the validator reads (foedus.corpus.validate.confusables_table) is the
``confusable_homoglyphs`` package's own, read without importing its download helpers."""

from __future__ import annotations

from confusable_homoglyphs import confusables

from foedus.corpus.validate import confusables_table, name_key
from fresh_process import fresh_output


def test_the_table_is_the_packages() -> None:
    assert confusables_table() == confusables.confusables_data
    assert name_key("\u0415stonia") == "estonia"  # a Cyrillic capital Ie


def test_validating_the_bundled_corpus_imports_no_download_helper() -> None:
    code = (
        "import sys; from foedus.corpus import bundled_path, load_corpus; "
        "load_corpus(bundled_path()); "
        "print(sorted(m for m in ('confusable_homoglyphs.utils', 'urllib.request', 'ssl') "
        "if m in sys.modules))"
    )
    assert fresh_output(code) == "[]"
