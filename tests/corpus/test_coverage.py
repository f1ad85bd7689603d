"""Coverage: sentence splitting, date finding, and the report per source."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import bundled_path, load_corpus
from foedus.corpus.coverage import coverage, find_dates, sentences

GOOD = Path(__file__).parents[1] / "corpora" / "good"


def texts(source: str) -> list[str]:
    return [s.text for s in sentences(source)]


def test_headings_are_not_sentences_and_list_items_are() -> None:
    src = "= Title =\n\n==Part==\nOne thing. Another.\n- first item\n- second item.\n"
    assert texts(src) == ["One thing.", "Another.", "first item", "second item."]


def test_abbreviations_do_not_end_sentences() -> None:
    assert texts("The U.S. Congress met. Then Mr. Smith spoke.") == [
        "The U.S. Congress met.",
        "Then Mr. Smith spoke.",
    ]


def test_quoted_text_stays_in_its_sentence() -> None:
    src = (
        'Izvestia wrote that "Estonia is a wall. ... This wall has to be destroyed." '
        "Russia, however, did not gain control."
    )
    assert texts(src) == [
        'Izvestia wrote that "Estonia is a wall. ... This wall has to be destroyed."',
        "Russia, however, did not gain control.",
    ]


def test_sentence_spans_point_into_the_source() -> None:
    src = "= T =\nAlpha went. Beta came.\n"
    for s in sentences(src):
        assert src[s.start : s.end] == s.text


def test_dates_are_found_in_every_form() -> None:
    found = [
        t
        for t, _ in find_dates(
            "On 2 February 1920, and on February 4–11, 1945, in mid-June 1940, in the late 1920s, "
            "in September 1939, by the end of 1918 and in 1991, Article 3 aside."
        )
    ]
    assert found == [
        "2 February 1920",
        "February 4–11, 1945",
        "mid-June 1940",
        "late 1920s",
        "September 1939",
        "by the end of 1918",  # a date open at its start, as the sources write it
        "1991",
    ]


def test_coverage_of_the_good_corpus() -> None:
    report = coverage(load_corpus(GOOD))
    [mini] = report["sources"]
    assert mini["source"] == "mini"
    assert mini["sentences"] == {"total": 10, "covered": 7, "percent": 70.0}
    assert mini["dated_or_named"] == {"total": 7, "covered": 6, "percent": 85.7}
    assert mini["dates"] == {"total": 7, "covered": 6, "percent": 85.7}
    assert mini["uncovered"] == [
        "Article 3: disputes go to a joint committee.",
        "Some sentences name nothing at all.",
        "Others mention the 1930s only in passing.",
    ]
    assert mini["unrepresented_dates"] == ["1930s"]


def test_bundled_source_splits_sensibly() -> None:
    text = (bundled_path() / "sources" / "baltic-soviet-relations.txt").read_text()
    got = texts(text)
    assert "Estonia, Treaty of Tartu on 2 February 1920" in got
    assert not any(t.startswith("=") for t in got)
    assert 80 <= len(got) <= 110


def test_coverage_of_the_bundled_corpus() -> None:
    if not (bundled_path() / "events.yaml").exists():
        pytest.skip("the bundled corpus is still being written")
    [report] = coverage(load_corpus(bundled_path()))["sources"]
    assert report["sentences"]["total"] > 0
