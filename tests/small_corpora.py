"""Small corpora made by tests in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from foedus.rules.library import LIBRARY

#: ../shared/data beside the project, where the real datasets are (a worktree's project sits
#: one folder deeper); tests that read it skip when it is not there
SHARED_DATA = next(
    (
        p / "shared" / "data"
        for p in Path(__file__).resolve().parents[2:]
        if (p / "shared").is_dir()
    ),
    Path(__file__).parents[1].parent / "shared" / "data",
)


def _library_rule(name: str) -> Path:
    return LIBRARY / name


def de_facto_skeleton(root: Path) -> None:
    """What every generated test corpus shares: tests/corpora/good's source, corpus.yaml and
    categories, and one perspective, de facto, of the library's base and de-facto rules
    (copied into the corpus); its actors, instruments and events are the caller's."""
    good = Path(__file__).parent / "corpora" / "good"
    shutil.copytree(good / "sources", root / "sources")
    shutil.copy(good / "corpus.yaml", root / "corpus.yaml")
    shutil.copy(good / "categories.yaml", root / "categories.yaml")
    (root / "rules").mkdir()
    for f in ("base.rules", "de-facto.rules"):
        shutil.copy(_library_rule(f), root / "rules" / f)
    (root / "perspectives.yaml").write_text(
        "perspectives:\n  - id: de-facto\n    name: De facto\n    description: In fact.\n"
        "    rules: [rules/base.rules, rules/de-facto.rules]\n",
        encoding="utf-8",
    )


def n_party_corpus(root: Path, n: int, norm: bool = False) -> Path:
    """A corpus of ``n`` states, one instrument that all of them joined, and no events;
    ``norm``: the instrument has a clause by which every party renounces aggression against
    every other (a norm that names no bearers or beneficiaries: every party)."""
    de_facto_skeleton(root)
    states = [f"s{i:04d}" for i in range(n)]
    (root / "actors.yaml").write_text(
        "actors:\n"
        + "".join(
            f"  - id: {s}\n    name: State {s}\n    kind: state\n    existed_from: 1900\n"
            for s in states
        ),
        encoding="utf-8",
    )
    (root / "instruments.yaml").write_text(
        "instruments:\n  - id: big-convention\n    name: Big Convention\n    kind: treaty\n"
        "    signed: March 3, 1921\n    in_force: mid-April 1921\n    parties:\n"
        + "".join(
            f"      - actor: {s}\n        how: signature\n        date: March 3, 1921\n"
            for s in states
        )
        + (
            "    clauses:\n      - id: art-1\n        article: Article 1\n"
            "        text: to refrain from acts of aggression against one another\n"
            "        norm:\n          kind: prohibition\n          categories: [aggression]\n"
            if norm
            else ""
        )
        + "    sources:\n      - quote: signed the Treaty of Harbour on March 3, 1921\n"
        "        source: mini\n",
        encoding="utf-8",
    )
    (root / "events.yaml").write_text("events: []\n", encoding="utf-8")
    return root


#: A fictional corpus of the Sound (six states, four instruments, 25 events, three
#: perspectives), written from docs/corpus-format.md alone: successor states, an annexed and
#: restored state, a denounced treaty, fuzzy dates. Tests copy it (:func:`sound_corpus`).
SOUND = Path(__file__).parent / "ask" / "sound-corpus"


def sound_corpus(root: Path) -> Path:
    """A copy of :data:`SOUND` in ``root`` (a test's own folder): its cache and any overlay
    stay there."""
    target = root / "sound"
    shutil.copytree(SOUND, target)
    return target


def tc_corpus(root: Path, *rows: str) -> Path:
    """The corpus ``foedus import territorial-change`` makes in ``root`` of ``rows`` (lines of
    COW's tc2018.csv, under the header of tests/fixtures/data/tc.csv)."""
    from foedus.interop.importers import run_import

    head = (Path(__file__).parent / "fixtures" / "data" / "tc.csv").read_text().splitlines()[0]
    tc = root / "tc.csv"
    tc.write_text("\n".join([head, *rows]) + "\n")
    run_import("territorial-change", [tc], root / "c")
    return root / "c"


def june_1941(root: Path) -> Path:
    """An overlay (written in ``root``) that restates Germany's invasions of the Baltic states
    in the bundled corpus as of "June 1941", a what-if: at its earliest day Estonia may already
    be Ostland's, at its latest it is still the Soviet Union's, so Germany is only possibly
    the aggressor against the Soviet Union (one scenario only)."""
    overlay = root / "june.yaml"
    overlay.write_text(
        "events:\n"
        + "".join(
            f"  - id: germany-invades-{s}-1941\n    type: invasion\n    date: June 1941\n"
            f"    actors: [germany]\n    targets: [{s}]\n    summary: Germany invades {s}.\n"
            for s in ("estonia", "latvia", "lithuania")
        ),
        encoding="utf-8",
    )
    return overlay


#: The 1933 Convention's definition (Article II's five acts), as a what-if overlay for an
#: imported corpus, which has no definition of aggression of its own (docs/data.md).
DEFINITION_1933 = """instruments:
  - id: definition-1933
    name: Convention for the Definition of Aggression (assumed)
    kind: convention
    parties: []
    clauses:
      - id: art-2
        text: The acts of Article II, assumed for the question.
        norm:
          kind: definition
          categories: [declaration-of-war, invasion, attack, naval-blockade,
                       support-for-armed-bands]
"""


def non_aggression_pact(a: str, b: str, day: str) -> str:
    """A non-aggression pact of ``a`` and ``b`` signed on ``day``, assumed for a question: one
    item of an ``instruments:`` list, its clause forbidding what ATOP's non-aggression clause
    does (``use-of-force``, importers/atop.py)."""
    return f"""  - id: pact
    name: Non-aggression pact (assumed)
    kind: pact
    signed: {day}
    parties:
      - {{actor: {a}, how: signature, date: {day}}}
      - {{actor: {b}, how: signature, date: {day}}}
    clauses:
      - id: non-aggression
        text: not to use force against the other party, assumed for the question.
        norm: {{kind: prohibition, categories: [use-of-force]}}
"""


#: COW MID rows (MIDA, MIDB layouts) of one made-up dispute, 9401: Russia blockades Estonia
#: (action 13) from March to 18 October 1939.
MID_BLOCKADE = (
    "DispNum3,DispNum4,StDay,StMon,StYear,EndDay,EndMon,EndYear,Outcome,Settle,Fatality,"
    "FatalPre,MaxDur,MinDur,HiAct,HostLev,Recip,NumA,NumB,Link1,Link2,Link3,Ongo2010,Version\n"
    "9401,-9,-9,3,1939,18,10,1939,4,1,0,0,232,202,13,4,0,1,1,0,0,0,0,4.01\n",
    "DispNum3,DispNum4,StAbb,ccode,StDay,StMon,StYear,EndDay,EndMon,EndYear,SideA,RevState,"
    "RevType1,RevType2,Fatality,FataPre,HiAct,HostLev,Orig,Version\n"
    "9401,-9,RUS,365,-9,3,1939,18,10,1939,1,1,2,-9,0,0,13,4,1,4.01\n"
    "9401,-9,EST,366,-9,3,1939,18,10,1939,0,0,0,-9,0,0,0,1,1,4.01\n",
)
