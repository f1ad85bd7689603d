"""Incremental updates (foedus.build.incremental, docs/incremental.md): a database updated with
added events is the database a full rebuild of the combined corpus makes, table for table and
row for row (fluents, scenario_fluents, breaches, the kept state and every corpus table);
anything but added events falls back to a full rebuild.

Random worlds (foedus.generate, YAML) get randomly drawn events of the generator's episodes
(wars, conquests with annexations, independence, reoccupations, recognitions, ...; exact and
month-only dates); one world also has a perspective of unusual rule shapes; the bundled Baltic
corpus gets a few events in all three perspectives (non-recognition has a cycle through time).
"""

from __future__ import annotations

import datetime
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from databases import dump
from foedus import build
from foedus.build import index
from foedus.build.incremental import update as incremental
from foedus.corpus import bundled_path, load_corpus
from foedus.generate import EPISODES, WEIGHTS, generate_world, source_text


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))


def draw_events(
    states: list[str], n: int, seed: int, prefix: str, fuzzy: float = 0.3
) -> list[dict[str, Any]]:
    """``n`` events drawn as the generator draws them: episodes of its templates between two
    random states (and a third), from a random day; a share dated by the month only."""
    rng = random.Random(seed)
    names = list(WEIGHTS)
    quotes = {
        t: next(
            s
            for s in source_text().split("\n\n")
            if f"records every {t.replace('_', ' ')} among" in s
        )
        for steps in EPISODES.values()
        for t, *_ in steps
    }
    out: list[dict[str, Any]] = []
    while len(out) < n:
        template = rng.choices(names, [WEIGHTS[k] for k in names])[0]
        a = rng.randrange(len(states))
        b = (a + 1 + rng.randrange(len(states) - 1)) % len(states)
        c = (b + 1 + rng.randrange(max(len(states) - 2, 1))) % len(states)
        c = (c + 1) % len(states) if c == a else c
        d0 = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(34697))
        for typ, actor, target, offset in EPISODES[template][: n - len(out)]:
            role = {0: states[a], 1: states[b], 2: states[c]}
            day = d0 + datetime.timedelta(days=offset)
            rec: dict[str, Any] = {
                "id": f"{prefix}-{len(out):04d}",
                "type": typ,
                "date": f"{day:%Y-%m}" if rng.random() < fuzzy else day.isoformat(),
                "actors": [role[actor]],
            }
            if target is not None:
                rec["targets"] = [role[target]]
            rec.update(summary=f"{typ} (added)", sources=[quotes[typ]])
            out.append(rec)
    return out


def write_events(folder: Path, name: str, events: list[dict[str, Any]]) -> None:
    yaml = YAML()
    with (folder / name).open("w", encoding="utf-8") as f:
        yaml.dump({"events": events}, f)


def assert_same(updated: Path, full: Path) -> None:
    a, b = dump(updated), dump(full)
    assert sorted(a) == sorted(b)
    for table in a:
        if a[table] != b[table]:
            extra, missing = set(a[table]) - set(b[table]), set(b[table]) - set(a[table])
            pytest.fail(
                f"table {table}: {len(a[table])} rows after the update, "
                f"{len(b[table])} in a full rebuild; only in the update: "
                f"{sorted(extra)[:5]}; only in the rebuild: {sorted(missing)[:5]}"
            )


EXTRA_RULES = """
# Unusual shapes for the incremental update: unions with anonymous variables, complements
# with variables the base does not bind, values of events, negation, local variables.
fluent at_war(Actor, Actor).
initiated at_war(X, Y) when declaration_of_war(X, Y).
initiated at_war(X, Y) when invasion(X, Y), not at_war(Y, X).
terminated at_war(X, Y) when withdrawal(X, Y).
fluent belligerent(Actor).
belligerent(X) holds for at_war(X, _) or at_war(_, X).
fluent isolated(Actor).
isolated(X) holds for sovereign(X) except binds(_, X, _), at_war(_, X).
fluent recognised_by(Actor) = Actor.
initiated recognised_by(Y) = X when recognition(X, Y), sovereign(X).
terminated recognised_by(Y) = X when non_recognition(X, Y).
fluent partners(Actor, Actor).
initiated partners(X, Y) when recognition(X, Y), joined(X, T), joined(Y, T), not at_war(X, Y).
terminated partners(X, Y) when attack(X, Y).
fluent embattled(Actor, Actor).
embattled(X, Y) holds for (at_war(X, Y) and controlled_by(X) = Y)
    or (belligerent(X) and partners(Y, X)).
"""


def world(tmp: Path, seed: int, extra: bool = False, fuzzy: float = 0.1) -> Path:
    path = tmp / f"world-{seed}"
    generate_world(
        path, states=9, instruments=10, events=160, seed=seed, format="yaml", fuzzy=fuzzy
    )
    if extra:
        (path / "rules" / "extra.rules").write_text(EXTRA_RULES, encoding="utf-8")
        with (path / "perspectives.yaml").open("a", encoding="utf-8") as f:
            f.write(
                "  - id: extra\n    name: Extra\n    description: Unusual rule shapes.\n"
                "    rules: [rules/base.rules, rules/de-facto.rules, rules/extra.rules]\n"
            )
    return path


def states_of(path: Path) -> list[str]:
    return sorted(
        a.id for a in load_corpus(path).actors if a.kind == "state" and not a.id.endswith("-b")
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_added_events_update_equals_a_full_rebuild(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seed 1 has a perspective of unusual rule shapes; seed 2 is updated twice; seed 3 has
    exact dates only until the update adds month-dated events (one scenario becomes two).
    The query index is updated in place too (and equals the rebuilt one)."""
    index_updates: list[int] = []

    def update_index(con: Any, corpus: Any, changes: Any) -> None:
        index_updates.append(1)
        index.update_index(con, corpus, changes)

    monkeypatch.setattr(index.store_index, "incremental", update_index)
    path = world(tmp_path, seed, extra=seed == 1, fuzzy=0.0 if seed == 3 else 0.1)
    key, steps = build.default_steps()
    base = build.ensure_built(load_corpus(path), key, steps)
    write_events(path, "added-events.yaml", draw_events(states_of(path), 24, seed, "added"))
    said: list[str] = []
    corpus = load_corpus(path)
    updated = build.ensure_built(corpus, key, steps, said.append)  # from the cached base
    assert updated != base and base.exists()
    assert any(s.startswith("incremental: perspective") for s in said), said
    full = build.build_database(corpus, tmp_path / "full.duckdb", steps)
    assert_same(updated, full)
    assert index_updates == [1]
    if seed == 2:  # a second update of the updated database, in place (foedus build -o DB)
        write_events(path, "more-events.yaml", draw_events(states_of(path), 16, 99, "more"))
        corpus = load_corpus(path)
        result = build.build(corpus, updated, steps, previous=updated)
        assert result.update is not None, result.full_reason
        assert result.update.added_events == 16
        assert_same(updated, build.build_database(corpus, tmp_path / "full2.duckdb", steps))


@pytest.mark.slow
def test_baltic_update_in_every_perspective(tmp_path: Path) -> None:
    path = tmp_path / "baltic"
    shutil.copytree(bundled_path(), path)
    key, steps = build.default_steps()
    db = build.build_database(load_corpus(path), tmp_path / "baltic.duckdb", steps)
    quote = (
        "After the Baltic states proclaimed independence following the signing of the "
        "Armistice, Bolshevist Russia invaded at the end of 1918."
    )
    added = [
        ("germany", "annexation", "lithuania", "1941-08"),
        ("ussr", "occupation", "finland", "1940-03-13"),
        ("ussr", "invasion", "latvia", "1939-10"),
        ("poland", "declaration_of_independence", None, "1918-11-11"),
        ("ussr", "annexation", "finland", "1940-04-02"),
        ("estonia", "restoration_of_independence", None, "1991-08"),
    ]
    events = []
    for k, (actor, typ, target, date) in enumerate(added):
        rec: dict[str, Any] = {
            "id": f"added-{k}",
            "type": typ,
            "date": date,
            "actors": [actor],
            "summary": "An added event.",
            "sources": [quote],
        }
        if target:
            rec["targets"] = [target]
        events.append(rec)
    # an instrument act (a bilateral treaty ends, so later breaches of it go) and an admission
    # request (the Soviet view's consent: docs/decisions/0009-consent-in-a-perspective.md)
    events.append(
        {
            "id": "added-denunciation",
            "type": "denunciation",
            "date": "1939-10",
            "actors": ["ussr"],
            "instrument": "soviet-latvian-non-aggression-treaty",
            "summary": "An added event.",
            "sources": [quote],
        }
    )
    events.append(
        {
            "id": "added-admission-request",
            "type": "admission_request",
            "date": "1939-10",
            "actors": ["latvian-peoples-assembly"],
            "targets": ["ussr"],
            "summary": "An added event.",
            "sources": [quote],
        }
    )
    write_events(path, "added-events.yaml", events)
    corpus = load_corpus(path)
    result = build.build(corpus, db, steps, previous=db)
    assert result.update is not None, result.full_reason
    report = result.update
    assert report.added_events == len(added) + 2
    assert set(report.keys) == {"de-facto", "non-recognition", "soviet"}
    assert 0 < report.recomputed < len(dump(db)["main.state_fluents"])
    assert "keys recomputed" in report.summary()
    assert_same(db, build.build_database(corpus, tmp_path / "full.duckdb", steps))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small world and its database."""
    tmp = tmp_path_factory.mktemp("small")
    path = world(tmp, 7)
    _, steps = build.default_steps()
    return path, build.build_database(load_corpus(path), tmp / "small.duckdb", steps)


def edited(small: tuple[Path, Path], tmp: Path, edit: Any) -> Path:
    path = tmp / "edited"
    shutil.copytree(small[0], path)
    yaml = YAML()
    data = yaml.load((path / "events.yaml").read_text(encoding="utf-8"))
    edit(data["events"])
    with (path / "events.yaml").open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    return path


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda evs: evs[3].update(date="1950-01-01"), "edited or removed"),
        (lambda evs: evs.pop(5), "edited or removed"),
        (lambda evs: evs[0].update(summary="Another summary."), "edited or removed"),
    ],
)
def test_a_non_additive_change_is_not_incremental(
    small: tuple[Path, Path], tmp_path: Path, change: Any, why: str
) -> None:
    corpus = load_corpus(edited(small, tmp_path, change))
    _, steps = build.default_steps()
    with pytest.raises(incremental.NotIncremental, match=why):
        incremental.prepare(small[1], corpus, steps)


@pytest.mark.slow
def test_other_rules_steps_or_tables_are_not_incremental(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    _, steps = build.default_steps()
    path = tmp_path / "rules"
    shutil.copytree(small[0], path)
    with (path / "rules" / "de-facto.rules").open("a", encoding="utf-8") as f:
        f.write("\n# a comment changes the rules' hash\n")
    with pytest.raises(incremental.NotIncremental, match="rules differ"):
        incremental.prepare(small[1], load_corpus(path), steps)
    with pytest.raises(incremental.NotIncremental, match="registered steps"):
        incremental.prepare(small[1], load_corpus(small[0]), steps[:1])
    path = tmp_path / "actors"
    shutil.copytree(small[0], path)
    text = (path / "actors.yaml").read_text(encoding="utf-8")
    (path / "actors.yaml").write_text(text.replace("State 1\n", "State One\n"), "utf-8")
    with pytest.raises(incremental.NotIncremental, match="table actors differs"):
        incremental.prepare(small[1], load_corpus(path), steps)
    bare = build.build_database(load_corpus(small[0]), tmp_path / "bare.duckdb")
    with pytest.raises(incremental.NotIncremental, match="no state"):
        incremental.prepare(bare, load_corpus(small[0]), steps)


def test_a_rule_whose_key_comes_from_a_value_is_not_incremental() -> None:
    from foedus.rules import parse_rules

    program = parse_rules("""
    fluent controlled_by(Actor) = Actor.
    fluent protector(Actor).
    initiated controlled_by(X) = Y when occupation(Y, X).
    initiated protector(Y) when guarantee(X), controlled_by(X) = Y.
    """)
    with pytest.raises(incremental.NotIncremental, match="bound only by a fluent's value"):
        incremental.derivations(program)


@pytest.mark.slow
def test_fallback_builds_from_scratch_and_says_why(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus = load_corpus(edited(small, tmp_path, lambda evs: evs.pop(0)))
    _, steps = build.default_steps()
    db = tmp_path / "db.duckdb"
    shutil.copyfile(small[1], db)
    said: list[str] = []
    result = build.build(corpus, db, steps, said.append, previous=db)
    assert result.update is None and result.full_reason == "an event was edited or removed"
    assert "full build: an event was edited or removed" in said
    con = build.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM events").fetchone() == (len(corpus.events),)
    finally:
        con.close()


@pytest.mark.slow
def test_an_update_killed_at_any_point_leaves_the_old_database(
    small: tuple[Path, Path], tmp_path: Path
) -> None:
    path = tmp_path / "w"
    shutil.copytree(small[0], path)
    db = tmp_path / "db.duckdb"
    shutil.copyfile(small[1], db)
    old = load_corpus(path).content_hash
    write_events(path, "added-events.yaml", draw_events(states_of(path), 12, 5, "added"))
    new = load_corpus(path).content_hash
    script = (
        "import sys; from foedus import build; "
        "from foedus.corpus import load_corpus; "
        "c = load_corpus(sys.argv[1]); _, steps = build.default_steps(); "
        "r = build.build(c, sys.argv[2], steps, previous=sys.argv[2]); "
        "assert r.update is not None, r.full_reason"
    )

    def run() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def content() -> str:
        con = build.connect(db)
        try:
            for t in ("fluents", "breaches", "state_fluents", "events"):
                con.execute(f"SELECT count(*) FROM {t}").fetchall()
            row = con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
            assert row is not None
            return str(row[0])
        finally:
            con.close()

    start = time.perf_counter()
    proc = run()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode(errors="replace")
    took = time.perf_counter() - start
    assert content() == new
    shutil.copyfile(small[1], db)
    killed = 0
    for fraction in (0.35, 0.7, 0.9):
        proc = run()
        time.sleep(took * fraction)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=300)
        assert content() in (old, new)
    assert killed


def test_a_corpus_without_perspectives_is_updated_too(tmp_path: Path) -> None:
    path = tmp_path / "good"
    shutil.copytree(Path(__file__).parents[1] / "corpora" / "good", path)
    _, steps = build.default_steps()
    db = build.build_database(load_corpus(path), tmp_path / "good.duckdb", steps)
    write_events(
        path,
        "added-events.yaml",
        [
            {
                "id": "southland-invades-again",
                "type": "invasion",
                "date": "1941-07",
                "actors": ["southland"],
                "targets": ["northland"],
                "summary": "Again.",
                "sources": ["In mid-June 1940, Southland invaded Northland."],
            }
        ],
    )
    corpus = load_corpus(path)
    result = build.build(corpus, db, steps, previous=db)
    assert result.update is not None and result.update.added_events == 1, result.full_reason
    assert_same(db, build.build_database(corpus, tmp_path / "full.duckdb", steps))
