"""One build of a workspace holding every bad scan (in one household), bad records and the
special-characters record next to good households, with real LibreOffice, then many checks:
the good households finish, each bad scan is named with its reason, the household holding
them is still built, bad records are reported, sources are byte-identical, nothing partial."""

from __future__ import annotations

import json
import subprocess

import pypdf
import pytest

from archive.errors import EXIT_PROBLEMS
from tests.support import corpus
from tests.support.checks import assert_clean_output, has_chinese, visible_partials

pytestmark = pytest.mark.slow

SCAN_CASES = [c for c, _ in corpus.scan_cases()]


def manifests(out):
    found = {}
    for m in sorted(out.glob("*/*/manifest.json")):
        data = json.loads(m.read_text("utf-8"))
        found[data["household"]["case_no"]] = (m.parent, data)
    return found


def test_build_exit_code_and_clean_output(built_ws):
    proc = built_ws["proc"]
    assert proc.returncode == EXIT_PROBLEMS, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert_clean_output(proc)
    assert built_ws["report"] is not None, proc.stdout[:2000]
    # stderr holds the progress bar only: no English library chatter
    for line in proc.stderr.replace("\r", "\n").splitlines():
        assert not line.strip() or has_chinese(line), line


def test_sources_byte_identical(built_ws):
    assert built_ws["before"] == built_ws["after"]


def test_good_households_finished(built_ws):
    found = manifests(built_ws["out"])
    for case in built_ws["good_cases"]:
        assert case in found, f"{case} not built"
        folder, m = found[case]
        for v in m["volumes"]:
            pdf = folder / v["file"]
            assert len(pypdf.PdfReader(pdf).pages) == v["pages"]
    assert set(built_ws["report"]["built_households"]) >= set(built_ws["good_cases"])
    assert not visible_partials(built_ws["out"])


def _problem_for(report, file: str) -> dict | None:
    for p in report["problems"]:
        if p["path"].endswith("/" + file):
            return p
    return None


@pytest.mark.parametrize("case", SCAN_CASES, ids=[c.name for c in SCAN_CASES])
def test_each_scan_case(built_ws, case):
    report = built_ws["report"]
    prob = _problem_for(report, case.file)
    folder, m = manifests(built_ws["out"])[built_ws["scan_case"]]
    filed = json.dumps(m, ensure_ascii=False)
    if case.accepted:
        assert prob is None, prob
        assert case.file in filed, f"{case.file} not in the manifest"
    else:
        assert prob is not None, f"{case.file} not reported: {report['problems']}"
        assert prob["case_no"] == built_ws["scan_case"]
        assert all(f in prob["reason"] for f in case.reason), prob["reason"]
        assert has_chinese(prob["reason"])
        # the message printed for the clerk names the file
        assert case.file in built_ws["proc"].stdout or case.file in json.dumps(report, ensure_ascii=False)


def test_household_with_bad_scans_is_built_and_incomplete(built_ws):
    case = built_ws["scan_case"]
    assert case in built_ws["report"]["built_households"]
    folder, m = manifests(built_ws["out"])[case]
    text = json.dumps(m, ensure_ascii=False)
    for c in SCAN_CASES:
        if not c.accepted:
            assert c.file in text, f"refused scan {c.file} not listed in the manifest"


def test_multipage_tiff_keeps_its_pages(built_ws):
    folder, m = manifests(built_ws["out"])[built_ws["scan_case"]]
    docs = [d for v in m["volumes"] for d in v["documents"] if "其他_12.tif" in json.dumps(d, ensure_ascii=False)]
    assert docs and docs[0]["last_page"] - docs[0]["first_page"] + 1 == 3


def test_bad_records_reported_not_built(built_ws):
    failed = {f["path"].rsplit("/", 1)[-1]: f for f in built_ws["report"]["failed"]}
    for name in ("not-json", "id-bad-check", "duplicate-case-no-a", "duplicate-case-no-b", "nesting-bomb"):
        assert f"{name}.json" in failed, (name, list(failed))
        assert has_chinese(failed[f"{name}.json"]["reason"])
    # one 对象编号 in two records: both refused, each naming the other
    assert "duplicate-case-no-b.json" in failed["duplicate-case-no-a.json"]["reason"]
    assert "duplicate-case-no-a.json" in failed["duplicate-case-no-b.json"]["reason"]
    assert "BAD-23" not in set(built_ws["report"]["built_households"])
    assert "BAD-11" not in set(built_ws["report"]["built_households"])


def test_attachment_outside_the_workspace_is_never_read(built_ws):
    """scans/../../etc/passwd: the household is refused, or built with that path listed as a problem;
    either way nothing outside the workspace is read into the archive."""
    rep = built_ws["report"]
    failed = [f for f in rep["failed"] if f["path"].endswith("attachment-dotdot.json")]
    probs = [p for p in rep["problems"] if p["case_no"] == "BAD-25"]
    assert failed or any("“..”" in p["reason"] for p in probs), (failed, probs)
    for pdf in built_ws["out"].rglob("*.pdf"):
        assert b"root:x:0:0" not in pdf.read_bytes()


def test_special_characters_reach_the_pdf(built_ws):
    """𠮷 〇 (Noto CJK) and 😀 (DejaVu Sans fallback, black and white) survive into the volume."""
    found = manifests(built_ws["out"])
    assert "BAD-21" in found, built_ws["report"]["failed"]
    folder, m = found["BAD-21"]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(folder / "审批类.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "𠮷〇明" in text and "吉𠮷祥〇村😀" in text
    assert "{{ 7*7 }}" in text and "<script>" in text
    fonts = subprocess.run(["pdffonts", str(folder / "审批类.pdf")], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts


def test_symlink_out_of_the_workspace_is_not_filed(built_ws):
    notes = [n["note"] for n in built_ws["report"].get("notes", []) if n["case_no"] == built_ws["scan_case"]]
    assert any("其他_21.jpg" in n and "工作区之外" in n for n in notes), notes
    folder, m = manifests(built_ws["out"])[built_ws["scan_case"]]
    filed = [d for v in m["volumes"] for d in v["documents"] if "其他_21.jpg" in json.dumps(d, ensure_ascii=False)]
    assert filed == []


@pytest.mark.parametrize("name, words", [("其他_22.jpg", "管道"), ("其他_23.jpg", "工作区之外"),
                                         ("户口簿_24.jpg", "另一户"), ("_25.jpg", "UTF-8")])
def test_special_files_in_a_scan_folder_are_not_read(built_ws, name, words):
    """A FIFO and a link to /dev/zero do not hang the build, a link to another household's scan is
    not filed here, a file name that is not UTF-8 does not crash it: each is named in a note."""
    notes = [n["note"] for n in built_ws["report"].get("notes", []) if n["case_no"] == built_ws["scan_case"]]
    assert any(name in n and words in n for n in notes), notes
    assert built_ws["scan_case"] in built_ws["report"]["built_households"]
    folder, m = manifests(built_ws["out"])[built_ws["scan_case"]]
    filed = [d for v in m["volumes"] for d in v["documents"] if name in json.dumps(d, ensure_ascii=False)]
    assert filed == []
