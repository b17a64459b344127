"""Wrong output paths (issue 15): --out, --work, evidence --dest and export never delete what graphfraud did not write.

An output directory is replaced only when it is absent, empty, or an earlier
output of the same command (its marker file: run.json, partition.json,
manifest.json, or only CSV-export files).  The input directory, a directory
holding it, the working directory and its parents are refused, and a failed
swap leaves neither a traceback nor a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphfraud.cli import main
from graphfraud.errors import ContractError
from graphfraud.io.write import atomic_dir, check_replaceable, owned_by, read_text_csv, write_csv
from graphfraud.synth import write_world
from graphfraud.synth.toy import tiny


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def world(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    write_world(*tiny(), data_dir)
    return data_dir


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_out_equal_to_the_input_is_refused_and_the_input_kept(world: Path) -> None:
    before = snapshot(world)
    result = invoke("detect", str(world), "--out", str(world), "-q")
    assert result.exit_code == 1
    assert "is an input directory" in result.output and str(world) in result.output
    assert snapshot(world) == before and leftovers(world.parent) == []


def test_out_holding_the_input_is_refused(world: Path) -> None:
    before = snapshot(world.parent)
    result = invoke("detect", str(world), "--out", str(world.parent), "-q")
    assert result.exit_code == 1 and "is an input directory (or holds one)" in result.output
    assert snapshot(world.parent) == before


def test_out_with_unrelated_files_is_refused_naming_them(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    (out / "budget.xlsx").write_bytes(b"keep me")
    result = invoke("detect", str(world), "--out", str(out), "-q")
    assert result.exit_code == 1
    assert "holds files that graphfraud did not write (budget.xlsx)" in result.output and str(out) in result.output
    assert (out / "budget.xlsx").read_bytes() == b"keep me" and leftovers(tmp_path) == []


@pytest.mark.parametrize("by_region", [False, True])
def test_force_replaces_an_unrelated_folder(world: Path, tmp_path: Path, by_region: bool) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    (out / "budget.xlsx").write_bytes(b"old")
    result = invoke("detect", str(world), "--out", str(out), "--force", "-q", *(["--by-region"] if by_region else []))
    assert result.exit_code == 0, result.output
    assert not (out / "budget.xlsx").exists() and (out / "run.json").is_file() and (out / "rings.csv").is_file()
    assert leftovers(tmp_path) == []


def test_force_never_replaces_the_input_its_parent_or_the_working_directory(
        world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    before = snapshot(tmp_path)
    for out, why in ((world, "is an input directory"), (world.parent, "is an input directory (or holds one)")):
        result = invoke("detect", str(world), "--out", str(out), "--force", "-q")
        assert result.exit_code == 1 and why in result.output, out
    here = tmp_path / "here"
    here.mkdir()
    (here / "notes.txt").write_text("mine")
    monkeypatch.chdir(here)
    for out in (".", str(here)):
        result = invoke("detect", str(world), "--out", out, "--force", "-q")
        assert result.exit_code == 1 and "working directory" in result.output, out
    assert (here / "notes.txt").read_text() == "mine"
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("here/")} == before


def test_out_dot_is_refused_without_traceback_or_temp_folder(world: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    work = tmp_path / "here"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    for out in (".", "..", str(work)):
        result = invoke("detect", str(world), "--out", out, "-q")
        assert result.exit_code == 1, out
        assert "working directory" in result.output or ("input directory" in result.output and out == "..")
        assert "Traceback" not in result.output
    assert (work / "notes.txt").read_text() == "mine" and leftovers(tmp_path) == [] and leftovers(work) == []


def test_a_previous_output_and_an_empty_folder_are_replaced(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert invoke("detect", str(world), "--out", str(out), "-q").exit_code == 0
    assert invoke("export", str(out), "-q").exit_code == 0  # OUT/rings.xlsx: derived from the output, replaced with it
    assert invoke("detect", str(world), "--out", str(out), "-q").exit_code == 0
    assert (out / "run.json").is_file() and not (out / "rings.xlsx").exists() and leftovers(tmp_path) == []


def test_a_previous_output_with_files_added_to_it_is_refused(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("detect", str(world), "--out", str(out), "-q").exit_code == 0
    (out / "R1").mkdir()
    (out / "R1" / "report.pdf").write_bytes(b"a pack kept next to the rings")
    (out / "notes.txt").write_text("mine")
    result = invoke("detect", str(world), "--out", str(out), "-q")
    assert result.exit_code == 1 and "holds files that graphfraud did not write (R1, notes.txt)" in result.output
    assert (out / "notes.txt").read_text() == "mine" and (out / "R1" / "report.pdf").is_file()


def test_a_forged_marker_is_not_enough(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("mine")
    (out / "run.json").write_text('["not ours"]')
    with pytest.raises(ContractError, match="did not write"):
        check_replaceable(out, owned=owned_by("run.json"))
    (out / "run.json").unlink()
    (out / "run.json").symlink_to(tmp_path / "elsewhere.json")
    (tmp_path / "elsewhere.json").write_text('{"outputs": {}}')
    with pytest.raises(ContractError, match="did not write"):
        check_replaceable(out, owned=owned_by("run.json"))


def test_work_equal_to_the_input_or_the_output_is_refused(world: Path, tmp_path: Path) -> None:
    before = snapshot(world)
    for work in (str(world), str(tmp_path / "out")):
        result = invoke("detect", str(world), "--out", str(tmp_path / "out"), "--by-region", "--work", work, "-q")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert snapshot(world) == before


def test_evidence_pack_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    from graphfraud.evidence.pack import make_pack  # noqa: F401  (the pack's own marker is manifest.json)

    pack = tmp_path / "R1"
    pack.mkdir()
    (pack / "statement.pdf").write_bytes(b"witness")
    with pytest.raises(ContractError, match="statement.pdf"):
        check_replaceable(pack, owned=owned_by("manifest.json"), what="evidence pack folder")
    (pack / "manifest.json").write_text('{"files": {}}')
    with pytest.raises(ContractError, match=r"did not write \(statement.pdf\)"):  # the marker alone is not enough
        check_replaceable(pack, owned=owned_by("manifest.json"), what="evidence pack folder")
    (pack / "statement.pdf").unlink()
    check_replaceable(pack, owned=owned_by("manifest.json"), what="evidence pack folder")


def test_a_failed_swap_is_a_clear_error_and_leaves_no_temp_folder(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    out = tmp_path / "out"
    with atomic_dir(out) as tmp:
        (tmp / "run.json").write_text('{"outputs": {}}')
    real_replace = os.replace

    def busy(src, dst):
        if Path(src) == out:
            raise OSError(16, "Device or resource busy")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", busy)
    with pytest.raises(ContractError, match="cannot be replaced \\(Device or resource busy\\)"):
        with atomic_dir(out, owned=owned_by("run.json")) as tmp:
            (tmp / "run.json").write_text('{"outputs": {"x": 1}}')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "run.json").read_text() == '{"outputs": {}}'


def test_export_csv_into_the_detect_output_is_refused(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("detect", str(world), "--out", str(out), "-q").exit_code == 0
    before = snapshot(out)
    result = invoke("export", str(out), "--format", "csv", "--dest", str(out))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert snapshot(out) == before


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"click\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                   "'quoted", "P001"])  # fmt: skip
def test_text_cells_are_formula_escaped_and_read_back_exactly(value: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({"entity_id": [value], "score": [-0.5], "fund_amount": [-12.5]})
    path = write_csv(frame, tmp_path / "ring_members.csv")
    cell, score, money = path.read_text(encoding="utf-8").splitlines()[1].rsplit(",", 2) if "\r" not in value \
        else (None, "-0.5", "-12.50")  # fmt: skip
    assert score == "-0.5" and money == "-12.50"  # numbers stay numbers
    if cell is not None:
        assert cell.lstrip('"').startswith("'") == (value != "P001")
    assert read_text_csv(path)["entity_id"].tolist() == [value]


def test_escaped_ids_in_a_detect_output_read_back_as_they_were(tmp_path: Path) -> None:
    """ring_members.csv holds `'=HYPERLINK(..)` for Excel; load --rings, views and evidence see the real id."""
    from graphfraud.io.rings import read_rings
    from graphfraud.outputs.views import read_output

    hostile = ['=HYPERLINK("http://x","click")', "-1", "@A1", "'quoted", "P0001"]
    members = pd.DataFrame({"ring_id": ["R1"] * len(hostile), "entity_type": ["person"] * len(hostile),
                            "entity_id": hostile, "role": ["recruit"] * len(hostile), "score": [0.5] * len(hostile)})  # fmt: skip
    rings = pd.DataFrame({"rank": [1], "ring_id": ["R1"], "score": [90.0], "alert": ["red"], "typology": ["kickback"],
                          "persons": [5], "doctors": [0], "facilities": [0], "pharmacies": [0], "claims": [9],
                          "fund_amount": [10.0], "reasons": ["=1+1 shared phone"]})  # fmt: skip
    write_csv(members, tmp_path / "ring_members.csv")
    write_csv(rings, tmp_path / "rings.csv")
    text = (tmp_path / "ring_members.csv").read_text(encoding="utf-8")
    assert "\nR1,person,'-1," in text and "\nR1,person,'@A1," in text and "\nR1,person,P0001," in text
    assert read_rings(tmp_path).members["entity_id"].tolist() == hostile
    assert read_output(tmp_path).members["entity_id"].tolist() == hostile
    assert read_rings(tmp_path).rings.loc[0, "reasons"] == "=1+1 shared phone"
