"""The aggressor reads an act against a territory per scenario, as breaches do.

Decision 0002: every event at the earliest day of its range, then every event at the latest;
decision 0006: a breach's act is read against ``part_of`` at its own time in each scenario.
The aggressor's "act against the other side through a territory" is read the same way: it
demanded ``part_of`` certain over the act's whole range, so Germany's invasion of Estonia
("1941") was a certain breach against the Soviet Union yet only possibly Germany's act against
it."""

from __future__ import annotations

from pathlib import Path

from foedus.query import KnowledgeBase
from small_corpora import june_1941


def test_germany_against_the_ussr_as_breaches_read_it(kb_factory) -> None:  # type: ignore[no-untyped-def]
    """ "In 1941, as part of Operation Barbarossa, Germany invaded the Baltic countries,
    subsequently administered under Germany's Ostland": in both scenarios the invasion comes
    while Estonia is (de facto) part of the Soviet Union, which the breaches call certain; so
    is Germany's being the aggressor."""
    kb = kb_factory()
    breach = {
        b["certainty"]
        for b in kb.breaches(by="Germany")["breaches"]
        if b["event"]["id"] == "germany-invades-estonia-1941"
    }
    assert breach == {"certain"}
    got = kb.aggressor("Germany", "USSR")
    assert (got["aggressor"]["id"], got["certainty"]) == ("germany", "certain")
    assert got["act"]["id"] == "germany-invades-estonia-1941"
    assert got["explanation"]["conclusion"] == (
        "Germany is the aggressor: first to commit invasion (1941)"
    )
    assert "(Estonia, then part of Soviet Union)" in str(got["explanation"])


def test_no_act_against_what_the_territory_became_only_after_it(kb_factory) -> None:  # type: ignore[no-untyped-def]
    """Estonia became part of Ostland by the German administration that followed the invasion
    ("subsequently administered under Germany's Ostland"): in neither scenario was it part of
    Ostland when Germany invaded it, so Germany committed no act against Ostland (it was
    "possibly" the aggressor against its own Reichskommissariat)."""
    got = kb_factory().aggressor("Germany", "Reichskommissariat Ostland")
    assert got["aggressor"] is None


def test_part_of_in_one_scenario_only_stays_possible(tmp_path: Path) -> None:
    """The invasions restated as of "June 1941" (a what-if) against the administrations of
    "1941": at its earliest day Estonia may already be Ostland's, at its latest it is still
    the Soviet Union's: one scenario only, so possibly."""
    overlay = june_1941(tmp_path)
    got = KnowledgeBase(assume=overlay).aggressor("Germany", "USSR")
    assert (got["aggressor"]["id"], got["certainty"]) == ("germany", "possible")
    assert got["explanation"]["conclusion"].startswith(
        "possibly Germany: Estonia may not have been part of Soviet Union at the time of "
        "Germany's first act (June 1941)"
    )
