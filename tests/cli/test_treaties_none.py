"""``foedus treaties --on`` that finds no instrument says why, when the engine's rows say it."""

from __future__ import annotations

from typer.testing import CliRunner

from foedus.cli import app


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, ["treaties", *args])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_an_empty_answer_says_the_party_was_not_sovereign_in_this_view() -> None:
    """De facto, Estonia was no party to any instrument on 1 March 1941: annexed in 1940, it was
    not sovereign, and the library makes a party only of a sovereign state."""
    out = _run("--between", "USSR", "Estonia", "--on", "1941-03-01")
    assert out.startswith("0 instruments")
    assert "Estonia had joined instruments in force on 1941-03-01 (Treaty of Tartu," in out
    assert "because it was not sovereign in that view" in out
    assert "annexes Estonia (1940)" in out
    assert "party_while_sovereign" in out


def test_no_reason_is_given_where_there_is_none() -> None:
    """Estonia and Germany had joined no instrument in force together on 1 March 1920:
    nothing to explain beyond the empty table."""
    out = _run("--between", "Estonia", "Germany", "--on", "1920-03-01")
    assert out.startswith("0 instruments")
    assert "sovereign" not in out
