"""Control after an occupier's withdrawal (foedus:base's displaced_by and
control_regained_by_withdrawal, docs/rules.md "Control after a withdrawal"): a state whose
own control an occupier took controls itself again when that occupier withdraws; a power
that took the territory from another occupier gives it back to no one.

The case reported: `foedus status Estrava --on 1957-01-01 --corpus tests/corpora/gulf` said
"controlled by —" after "Troops of the Corvast Republic occupied Estrava at the end of 1952
and withdrew not after 1955"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from foedus.engine.narrative import Happening
from foedus.engine.reference import evaluate
from foedus.query import KnowledgeBase
from foedus.query.status import periods_in_words
from foedus.rules import load_rules
from foedus.rules.library import library_file
from small_corpora import sound_corpus

GULF = Path(__file__).parents[1] / "corpora" / "gulf"


def _program(*names: str):  # noqa: ANN202 - a foedus.rules Program
    return load_rules([str(library_file(n)) for n in names])


def _control(names: tuple[str, ...], happened: list[tuple[str, int, tuple[str, ...]]]) -> set:
    """Every (value, start, end) of controlled_by(a) on the narrative, under the library
    files ``names``."""
    hs = [Happening(e, args, t, t, f"{e}-{t}") for e, t, args in happened]
    out = evaluate(_program(*names), hs, {"state": {("a",), ("b",), ("c",)}})
    return {(i.value, i.start, i.end) for i in out if i.fluent == "controlled_by"}


VIEWS = [("foedus:base", "foedus:de-facto"), ("foedus:base", "foedus:non-recognition")]


@pytest.mark.parametrize("names", VIEWS)
def test_a_state_controls_itself_again_when_its_occupier_withdraws(names) -> None:
    got = _control(
        names,
        [
            ("comes_into_existence", 0, ("a",)),
            ("occupation", 10, ("b", "a")),
            ("withdrawal", 20, ("b", "a")),
        ],
    )
    assert got == {("a", 1, 11), ("b", 11, 21), ("a", 21, None)}


@pytest.mark.parametrize("names", VIEWS)
def test_a_power_that_took_it_from_another_occupier_gives_it_back_to_no_one(names) -> None:
    """b takes a's control from a, c takes it from b: c's withdrawal leaves nobody known to
    hold it, b's later withdrawal (once b holds it again) gives a its control back."""
    got = _control(
        names,
        [
            ("comes_into_existence", 0, ("a",)),
            ("occupation", 10, ("b", "a")),
            ("occupation", 20, ("c", "a")),
            ("withdrawal", 30, ("c", "a")),
            ("reoccupation", 40, ("b", "a")),
            ("withdrawal", 50, ("b", "a")),
        ],
    )
    assert got == {("a", 1, 11), ("b", 11, 21), ("c", 21, 31), ("b", 41, 51), ("a", 51, None)}


def test_a_withdrawal_after_the_state_regained_its_control_changes_nothing() -> None:
    """As Russia's withdrawals of 1993–1994 from the Baltic states, after their restorations
    of 1991: the withdrawing power does not hold the territory, and control stays the state's."""
    got = _control(
        VIEWS[0],
        [
            ("comes_into_existence", 0, ("a",)),
            ("occupation", 10, ("b", "a")),
            ("restoration_of_independence", 20, ("a",)),
            ("withdrawal", 30, ("b", "a")),
        ],
    )
    assert got == {("a", 1, 11), ("b", 11, 21), ("a", 21, None)}


@pytest.fixture(scope="module")
def gulf() -> KnowledgeBase:
    return KnowledgeBase(GULF)


def test_estrava_controls_itself_after_the_corvast_republic_withdraws(gulf: KnowledgeBase):
    for view in ("realist", "legalist", "ardenian"):
        st = gulf.with_perspective(view).status("Estrava", date(1957, 1, 1))
        assert [v["value"]["id"] for v in st["status"]["controlled_by"]] == ["estrava"], view
        assert st["status"]["certainty"] == "certain"


def test_a_successor_s_withdrawal_gives_the_state_its_control_back() -> None:
    """Under foedus:successor-states the successor holds what its predecessor took from the
    state (displacement_passes_to_successor), so its withdrawal is the occupier's."""
    names = ("foedus:base", "foedus:de-facto", "foedus:successor-states")
    got = _control(
        names,
        [
            ("comes_into_existence", 0, ("a",)),
            ("occupation", 10, ("b", "a")),
            ("ceases_to_exist", 20, ("b",)),
            ("succession", 20, ("b", "c")),
            ("withdrawal", 30, ("c", "a")),
        ],
    )
    assert got == {("a", 1, 11), ("b", 11, 21), ("c", 21, 31), ("a", 31, None)}


def test_a_period_ends_on_the_record_the_source_dates_that_day(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`foedus timeline Orsund --corpus tests/ask/sound-corpus`: "Valdmark withdrew its forces
    from Orsund in 1945" and "Orsund restored its independence in May 1945". Orsund's own
    control starts with the withdrawal in one scenario and with the restoration in the other;
    the change where both agree is dated by the restoration, "May 1945", not "1945"."""
    kb = KnowledgeBase(sound_corpus(tmp_path_factory.mktemp("sound")))
    words = periods_in_words(kb, kb.timeline("Orsund"))
    assert words[-2:] == [["1945", "May 1945"], ["May 1945", "…"]]
