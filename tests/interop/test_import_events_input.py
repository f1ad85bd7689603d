"""``foedus import events`` on a researcher's own ICEWS-shaped file: a line without four
fields is refused naming its line (its date would be read as the object), lines that differ
only in white space are one event, an empty file is named as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.interop.importers import run_import
from foedus.interop.importers.base import DatasetError

LINE = "Military (Russia)\tUse conventional military force\tEstonia\t2014-03-02\n"


def test_a_line_without_four_fields_is_refused_and_nothing_written(tmp_path: Path) -> None:
    data = tmp_path / "ev.tsv"
    data.write_text(LINE + "Russia\tOccupy territory\t2014-04-01\n", encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        run_import("events", [data], tmp_path / "c")
    assert str(err.value) == (
        f"{data}:2:35: expected 4 fields (subject, relation, object, date) separated by tabs, "
        "found 3: 'Russia\\tOccupy territory\\t2014-04-01'"
    )
    assert not (tmp_path / "c").exists()
    data.write_text(LINE + "Russia\tOccupy territory\tEstonia\t2014-04-01\tx\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"ev\.tsv:2:44: expected 4 fields .* found 5"):
        run_import("events", [data], tmp_path / "c")


def test_lines_differing_only_in_white_space_are_one_event(tmp_path: Path) -> None:
    data = tmp_path / "ev.tsv"
    data.write_text(
        LINE
        + "Military  (Russia) \tUse conventional military force\tEstonia\t2014-03-02 \n"
        + "Military (Russia)\tuse conventional  military force\t Estonia\t2014-03-02\r\n",
        encoding="utf-8",
    )
    report = run_import("events", [data], tmp_path / "c")["report"]
    assert report.mapped["events"] == 1
    assert report.skipped["duplicate of an earlier line"] == 2


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff\r\n"])
def test_an_empty_file_is_named_empty(tmp_path: Path, text: str) -> None:
    data = tmp_path / "ev.tsv"
    data.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=r"ev\.tsv: empty file"):
        run_import("events", [data], tmp_path / "c")
