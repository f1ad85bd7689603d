"""Docs that drift fail here: every rule construct, perspective, norm kind and command (of the
table of commands, :data:`foedus.commands.COMMANDS`) is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.commands import COMMANDS, http_commands

DOCS = Path(__file__).parent.parent / "docs"
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "construct",
    [
        "fluent ",
        "fact ",
        "initiated",
        "terminated",
        "holds for",
        " and ",
        " or ",
        "except",
        "where",
        "not ",
        "!=",
        "= _",
        "{low, mid, high}",
    ],
)
def test_rule_language_doc_names_every_construct(construct):
    assert construct in (DOCS / "rule-language.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "kind",
    ["prohibition", "obligation", "renunciation", "guarantee", "definition", "no_justification"],
)
def test_norms_doc_names_every_norm_kind(kind):
    assert f"`{kind}`" in (DOCS / "norms.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_readme_names_every_contract_command(command):
    assert f"foedus {command}" in README


@pytest.mark.parametrize("command", [c.name for c in http_commands()])
def test_api_doc_names_every_route(command):
    assert f"/api/v1/{command}" in (DOCS / "api.md").read_text(encoding="utf-8")


def test_every_baltic_rule_file_is_in_the_worked_example():
    doc = (DOCS / "rule-language.md").read_text(encoding="utf-8")
    for name in ("base.rules", "de-facto.rules", "non-recognition.rules", "soviet.rules"):
        assert name in doc
