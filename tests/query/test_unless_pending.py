"""Under non-recognition, an annexation dated only "1940" (mid-June to the end of 1940 in the
corpus) may not have happened yet on 10 August 1940: the status does not say it "did not end
its sovereignty" as of a thing done, only that it did not if it had; once its date has
surely passed, it says so plainly."""

from __future__ import annotations

from typing import Any


def test_an_annexation_not_yet_surely_done_is_not_said_done(kb_factory: Any) -> None:
    st = kb_factory("non-recognition").status("Latvia", "1940-08-10")
    text = st["summary"]["text"]
    assert (
        "annexes Latvia (1940), which may not have happened yet on that day, did not end its "
        in text
    )
    assert "sovereignty if it had, because it breached " in text
    assert "(1940) did not end its sovereignty" not in text
    unless = [
        p["conclusion"] for p in st["explanation"]["premises"] if "sovereignty" in p["conclusion"]
    ]
    assert unless and all("which may not have happened yet then" in c for c in unless)
    assert all("did not end sovereignty if it had: it breached" in c for c in unless)


def test_an_annexation_surely_done_is_said_done(kb_factory: Any) -> None:
    for day in ("1940-12-31", "1960-01-01"):
        st = kb_factory("non-recognition").status("Latvia", day)
        assert (
            "annexes Latvia (1940) did not end its sovereignty, because it breached "
            in (st["summary"]["text"])
        )
        unless = [
            p["conclusion"]
            for p in st["explanation"]["premises"]
            if "sovereignty" in p["conclusion"]
        ]
        assert unless and not any("may not have happened" in c for c in unless)
