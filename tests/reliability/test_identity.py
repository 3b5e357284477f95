"""A household is its record file plus its 对象编号: duplicates are refused (both), no archive is
replaced by another's or pruned while its record cannot be read, --prune never runs without
records, special files never hang a run, a mistyped --household/--village is an error.

The archive folders here are real dibao folder layouts with manifests written by hand (no
LibreOffice needed: every record in these workspaces is refused before conversion)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archive.errors import EXIT_CONFIG, EXIT_INPUT, EXIT_PROBLEMS, EXIT_USAGE
from archive.volumes.manifest import MANIFEST_VERSION
from tests.support import corpus
from tests.support.checks import assert_clean_output, has_chinese
from tests.support.cli import dibao


@pytest.fixture
def ws(tmp_path):
    from archive.workspace import init_workspace

    root = tmp_path / "ws"
    init_workspace(root, "yueyang")
    (root / "households").mkdir(exist_ok=True)
    return root


def archive_folder(root: Path, case_no: str, head: str, record_rel: str) -> Path:
    """An archive folder as dibao build leaves it (manifest naming its record, one volume)."""
    folder = root / "archive" / "黄沙村" / f"{case_no}_{head}"
    folder.mkdir(parents=True)
    (root / "archive" / ".dibao-archive").write_text("dibao archive output folder\n")
    (folder / "审批类.pdf").write_bytes(b"%PDF-1.7\n% volume of " + case_no.encode() + b"\n%%EOF\n")
    manifest = {"manifest_version": MANIFEST_VERSION, "household": {"case_no": case_no, "head": head, "village": "黄沙村"},
                "inputs": {"record": {"path": record_rel, "sha256": "0" * 64}}, "volumes": []}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return folder


def bad_record(case_no: str, n: int) -> dict:
    """A record that parses (its 对象编号 is known) but fails validation: refused before conversion."""
    rec = corpus.good_record(case_no, n, village="黄沙村")
    rec["members"][0]["id_number"] = rec["members"][0]["id_number"][:17] + (
        "0" if rec["members"][0]["id_number"][17] != "0" else "1")
    return rec


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_duplicate_case_no_refuses_both_and_keeps_the_archive(ws):
    genuine = write(ws / "households" / "HS-7.json", corpus.good_record("HS-7", 7, village="黄沙村"))
    rec = corpus.good_record("HS-7", 8, village="黄沙村")   # another family saved over HS-7's number
    rec["members"][0]["name"] = "冒名"
    write(ws / "households" / "HS-7 - 副本.json", rec)
    folder = archive_folder(ws, "HS-7", json.loads(genuine.read_text("utf-8"))["members"][0]["name"],
                            "households/HS-7.json")
    before = snapshot(folder)
    proc = dibao(["build", "--json"], cwd=ws)
    assert proc.returncode == EXIT_PROBLEMS, proc.stderr
    assert_clean_output(proc)
    rep = json.loads(proc.stdout)
    failed = {f["path"]: f["reason"] for f in rep["failed"]}
    assert set(failed) == {"households/HS-7.json", "households/HS-7 - 副本.json"}
    assert "HS-7 - 副本.json" in failed["households/HS-7.json"]
    assert "households/HS-7.json" in failed["households/HS-7 - 副本.json"]
    assert rep["built_households"] == []
    assert snapshot(folder) == before


def test_duplicate_in_full_width_digits_is_a_duplicate(ws):
    write(ws / "households" / "a.json", bad_record("HS-9", 9))
    write(ws / "households" / "b.json", bad_record("HS-９", 10))
    proc = dibao(["build", "--json"], cwd=ws)
    rep = json.loads(proc.stdout)
    reasons = [f["reason"] for f in rep["failed"]]
    assert len(reasons) == 2 and all("重复" in r for r in reasons), reasons


def test_prune_keeps_the_archive_of_an_unreadable_record(ws):
    write(ws / "households" / "HS-1.json", "{ 这不是 JSON")                 # unreadable now
    write(ws / "households" / "HS-2.json", bad_record("HS-2", 2))          # something to build
    kept = archive_folder(ws, "HS-1", "张一", "households/HS-1.json")
    gone = archive_folder(ws, "HS-3", "张三", "households/HS-3.json")       # its record was deleted
    proc = dibao(["build", "--prune", "--json"], cwd=ws)
    assert proc.returncode == EXIT_PROBLEMS, proc.stderr
    rep = json.loads(proc.stdout)
    assert kept.is_dir() and (kept / "审批类.pdf").is_file()
    assert not gone.exists()
    assert rep["removed"] == ["黄沙村/HS-3_张三"]
    assert "黄沙村/HS-1_张一" in rep["orphans"]


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_prune_without_records_deletes_nothing(ws, how):
    folder = archive_folder(ws, "HS-1", "张一", "households/HS-1.json")
    if how == "missing":
        os.rmdir(ws / "households")
    proc = dibao(["build", "--prune"], cwd=ws)
    assert proc.returncode == EXIT_CONFIG, proc.stdout + proc.stderr
    assert_clean_output(proc)
    assert "households" in proc.stderr and "没有清理" in proc.stderr
    assert folder.is_dir() and (folder / "审批类.pdf").is_file()


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "outside-link", "directory"])
def test_special_record_files_are_refused_without_hanging(ws, tmp_path, kind):
    target = ws / "households" / "HS-5.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "outside-link":
        outside = write(tmp_path / "elsewhere.json", bad_record("HS-5", 5))
        target.symlink_to(outside)
    else:
        target.mkdir()
        write(target / "x.txt", "x")
    write(ws / "households" / "HS-6.json", bad_record("HS-6", 6))
    for args in (["build", "--json"], ["validate"]):
        proc = dibao(args, cwd=ws, timeout=60)
        assert proc.returncode == EXIT_PROBLEMS, (args, proc.stdout, proc.stderr)
        assert_clean_output(proc)
        both = proc.stdout + proc.stderr
        assert "HS-5.json" in both or kind == "directory", both
        assert "HS-6" in both      # the other household is still looked at
    if kind != "directory":
        words = {"fifo": "管道", "dev-zero": "工作区之外", "outside-link": "工作区之外"}[kind]
        assert words in both, both


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_special_record_files_do_not_hang_audit_export_or_verify(ws, tmp_path, kind):
    target = ws / "households" / "HS-5.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    write(ws / "households" / "HS-6.json", corpus.good_record("HS-6", 6, village="黄沙村"))
    proc = dibao(["audit"], cwd=ws, timeout=60)
    assert proc.returncode == EXIT_PROBLEMS, proc.stdout + proc.stderr
    assert_clean_output(proc)
    assert "HS-5.json" in proc.stdout and ("管道" if kind == "fifo" else "工作区之外") in proc.stdout, proc.stdout
    assert "HS-6" in proc.stdout                       # the other household is audited
    proc = dibao(["export", str(tmp_path / "花名册.xlsx")], cwd=ws, timeout=60)
    assert proc.returncode == 0 and "HS-5.json" in proc.stderr, proc.stdout + proc.stderr
    assert (tmp_path / "花名册.xlsx").is_file()
    proc = dibao(["verify"], cwd=ws, timeout=60)       # nothing built: it must answer, not hang
    assert_clean_output(proc)


@pytest.mark.parametrize("option", [["--household", "HS-404"], ["--village", "不存在村"]])
def test_mistyped_household_or_village_is_an_error(ws, option):
    write(ws / "households" / "HS-6.json", bad_record("HS-6", 6))
    proc = dibao(["build", *option], cwd=ws)
    assert proc.returncode == EXIT_USAGE, proc.stdout + proc.stderr
    assert option[1] in proc.stderr and has_chinese(proc.stderr)
    assert "0 户" not in proc.stdout


@pytest.mark.parametrize("odd, words", [("²", "特殊字符"), ("３", "全角数字")])
def test_one_odd_character_in_one_id_is_that_households_problem(ws, odd, words):
    bad = corpus.good_record("HS-1", 1, village="黄沙村")
    idn = bad["members"][1]["id_number"]
    bad["members"][1]["id_number"] = idn[:10] + odd + idn[11:]
    bad_path = write(ws / "households" / "HS-1.json", bad)
    good_path = write(ws / "households" / "HS-2.json", corpus.good_record("HS-2", 2, village="黄沙村"))
    proc = dibao(["validate"], cwd=ws)
    assert proc.returncode == EXIT_PROBLEMS, proc.stdout + proc.stderr
    assert_clean_output(proc)
    assert "HS-1.json" in proc.stdout and "members[1].id_number" in proc.stdout and words in proc.stdout
    assert "HS-2.json" not in proc.stdout
    for args, path, code in ((["calc"], bad_path, EXIT_INPUT), (["calc"], good_path, 0),
                             (["forms", "fill", "yueyang-01", "--household"], bad_path, EXIT_INPUT)):
        proc = dibao([*args, str(path), *(["-o", str(ws.parent / "x.docx")] if "forms" in args else [])], cwd=ws)
        assert proc.returncode == code, (args, path, proc.stdout, proc.stderr)
        assert_clean_output(proc)
    proc = dibao(["build", "--json"], cwd=ws, timeout=900)
    assert_clean_output(proc)
    failed = {f["path"]: f["reason"] for f in json.loads(proc.stdout)["failed"]}
    assert "households/HS-1.json" in failed and words in failed["households/HS-1.json"]


def test_full_width_digits_do_not_hide_one_id_in_two_households(ws):
    a = corpus.good_record("HS-1", 1, village="黄沙村")
    b = corpus.good_record("HS-2", 2, village="黄沙村")
    b["members"][1]["id_number"] = a["members"][1]["id_number"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    write(ws / "households" / "HS-1.json", a)
    write(ws / "households" / "HS-2.json", b)
    proc = dibao(["validate"], cwd=ws)
    assert proc.returncode == EXIT_PROBLEMS
    assert_clean_output(proc)
    assert "也出现在" in proc.stdout, proc.stdout
