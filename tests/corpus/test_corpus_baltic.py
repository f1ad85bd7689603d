"""The bundled corpus: it validates, covers its source, and every date of the source text
appears in the answers of ``foedus events --json`` or ``foedus treaty ... --json``."""

from __future__ import annotations

import json

from foedus.corpus import bundled_path, load_corpus
from foedus.corpus.coverage import coverage, find_dates
from foedus.corpus.quotes import found


def test_bundled_corpus_validates_and_quotes_are_verbatim():
    corpus = load_corpus(bundled_path())
    text = corpus.sources["baltic-soviet-relations"]
    quotes = [q.quote for _, rec in corpus.records() for q in rec.sources]
    quotes += [c.text for i in corpus.instruments for c in i.clauses]
    assert len(quotes) > 300
    assert all(found(q, text) for q in quotes)


def test_coverage_of_the_source():
    report = coverage(load_corpus(bundled_path()))["sources"][0]
    assert report["dated_or_named"]["percent"] == 100.0
    assert report["sentences"]["percent"] >= 90.0
    assert report["dates"]["percent"] == 100.0


def test_every_date_of_the_source_appears_in_an_answer(kb_factory):
    kb = kb_factory()
    answers = json.dumps(kb.events(), ensure_ascii=False)
    answers += "".join(
        json.dumps(kb.treaty(t["id"]), ensure_ascii=False) for t in kb.treaties()["treaties"]
    )
    text = kb.corpus.sources["baltic-soviet-relations"]
    dates = find_dates(text)
    assert len(dates) > 40
    missing = [shown for shown, _ in dates if shown not in answers]
    assert missing == []


def test_known_inaccuracies_are_recorded_as_given_with_a_note(kb_factory):
    kb = kb_factory()
    mr = kb.treaty("Molotov–Ribbentrop Pact")
    assert mr["signed"]["text"] == "August 24, 1939"
    assert "23 August" in (mr["notes"] or "")
    conv = kb.treaty("convention-for-the-definition-of-aggression")
    art3 = [c for c in conv["clauses"] if c["norm"] and c["norm"]["kind"] == "no_justification"]
    assert art3 and "Article III" in (art3[0].get("notes") or json.dumps(conv))
