"""Corpora valid by docs/corpus-format.md but unusual, each built in a temporary folder from
tests/corpora/gulf with one thing changed, on which a query crashed."""

from __future__ import annotations

import shutil
from pathlib import Path

from foedus.query import KnowledgeBase

GULF = Path(__file__).parent / "corpora" / "gulf"


def gulf_with(root: Path, actors: str = "", events: str = "", source: str = "") -> Path:
    """tests/corpora/gulf copied to ``root``, with YAML ``actors`` and ``events`` appended to
    its lists and ``source`` to its chronicle."""
    shutil.copytree(GULF, root)
    for name, extra in (("actors.yaml", actors), ("events.yaml", events)):
        with (root / name).open("a", encoding="utf-8") as f:
            f.write(extra)
    with (root / "sources" / "chronicle.txt").open("a", encoding="utf-8") as f:
        f.write("\n" + source + "\n")
    return root


def test_timeline_of_an_actor_that_ends_on_the_last_day_of_9999(tmp_path: Path) -> None:
    """A period ending on 9999-12-31 asked for the date of the record that ended it on the day
    after, which is no date (OverflowError: date value out of range)."""
    root = gulf_with(
        tmp_path / "gulf",
        actors="  - id: eternal\n    name: Eternal\n    existed_from: 0001-01-01\n"
        "    existed_to: 9999-12-31\n    sources: [Eternal lasted for ever.]\n",
        source="Eternal lasted for ever.",
    )
    kb = KnowledgeBase(root)
    periods = kb.timeline("eternal")["periods"]
    assert [(p["from"]["earliest"], p["to"]["latest"], p["label"]) for p in periods] == [
        ("0001-01-01", "9999-12-30", "independent")
    ]


def test_a_withdrawal_open_at_the_end_of_9999(tmp_path: Path) -> None:
    """An occupation on 9999-12-31 and a withdrawal "not before" that day: Belmora's timeline
    and a question about it crashed the same way."""
    root = gulf_with(
        tmp_path / "gulf",
        events="  - id: last-occupation\n    type: occupation\n    date: 9999-12-31\n"
        "    actors: [ardenia]\n    targets: [belmora]\n    summary: Ardenia occupies Belmora.\n"
        "    sources: [Ardenia occupied Belmora at the end of time.]\n"
        "  - id: last-withdrawal\n    type: withdrawal\n    date: not before 9999-12-31\n"
        "    actors: [ardenia]\n    targets: [belmora]\n    summary: Ardenia withdraws.\n"
        "    sources: [Ardenia occupied Belmora at the end of time.]\n",
        source="Ardenia occupied Belmora at the end of time.",
    )
    kb = KnowledgeBase(root)
    periods = kb.timeline("belmora")["periods"]
    assert periods[-1]["to"] is None or periods[-1]["to"]["latest"] <= "9999-12-31"
    assert any(p["label"] == "independent" for p in periods)


def test_the_vis_export_of_a_date_on_the_last_day_of_9999(tmp_path: Path) -> None:
    """vis-timeline's ends are the day after: for a range ending 9999-12-31 there is none
    (OverflowError: date value out of range); the end is that day itself."""
    import json

    from foedus.interop.exports import export

    root = gulf_with(
        tmp_path / "gulf",
        events="  - id: last-occupation\n    type: occupation\n    date: December 9999\n"
        "    actors: [ardenia]\n    targets: [belmora]\n    summary: Ardenia occupies Belmora.\n"
        "    sources: [Ardenia occupied Belmora at the end of time.]\n",
        source="Ardenia occupied Belmora at the end of time.",
    )
    out = tmp_path / "vis.json"
    export(KnowledgeBase(root), "vis", out)
    items = json.loads(out.read_text(encoding="utf-8"))["items"]
    assert any(i.get("start") == "9999-12-01" and i.get("end") == "9999-12-31" for i in items)


def test_an_undated_beginning_before_an_end_before_1800(tmp_path: Path) -> None:
    """An actor with no `existed_from` exists from the engine's first day, 1800-01-01; one
    that ended before it (`existed_to: 1795`) was revived there, and was "independent" in
    1850 and "not sovereign" in 1790. It exists from the first day of the calendar instead,
    until its end, in the build and in the reference interpreter alike."""
    from foedus.build.fluents import evaluate
    from foedus.corpus import load_corpus

    root = gulf_with(
        tmp_path / "gulf",
        actors="  - id: old-duchy\n    name: Old Duchy\n    existed_to: 1795\n"
        "    sources: [The Old Duchy ended in 1795.]\n",
        source="The Old Duchy ended in 1795.",
    )
    kb = KnowledgeBase(root)
    assert kb.status("old-duchy", "1790-06-01")["status"]["label"] == "independent"
    assert kb.status("old-duchy", "1850-06-01")["status"]["label"] != "independent"
    after = kb.status("old-duchy", "1850-06-01")["status"]
    assert after["sovereign"] == [{"certainty": "certain", "value": False}]
    corpus = load_corpus(root)
    for scenario in ("early", "late"):
        spans = [
            (iv.start, iv.end)
            for engine in ("duckdb", "reference")
            for iv in evaluate(corpus, kb.perspective, engine, scenario)
            if iv.fluent == "exists" and iv.args == ("old-duchy",)
        ]
        assert spans[0] == spans[1] and len(spans) == 2, spans  # one interval, both engines
        assert spans[0][1] is not None and spans[0][1] < 1800 * 366
