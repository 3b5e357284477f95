"""Tamper-evident fixity: manifests and `index add` files are chained into the workspace journal;
verify reports a deleted household folder, a record edited together with its manifest, a broken
or deleted chain and a changed historical file, prints the root hash, and never advises a rebuild
for an unexplained change."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from archive.errors import EXIT_OK, EXIT_PROBLEMS
from tests.support.checks import assert_clean_output
from tests.support.cli import dibao
from tests.support.workspaces import copy_ws

pytestmark = pytest.mark.slow


@pytest.fixture
def ws(built_ws, tmp_path):
    return copy_ws(built_ws["root"], tmp_path / "ws")


def good_folder(ws, built_ws):
    case = built_ws["good_cases"][1]
    return next((ws / "archive").glob(f"*/{case}_*")), case


def verify(ws):
    proc = dibao(["verify"], cwd=ws)
    assert_clean_output(proc)
    return proc


def test_clean_verify_prints_the_root_hash(ws, built_ws):
    proc = dibao(["verify", "--json"], cwd=ws)
    data = json.loads(proc.stdout)
    root = data["root_hash"]
    assert re.fullmatch(r"[0-9a-f]{64}", root)
    assert not [f for f in data["findings"] if f["kind"].startswith(("chain", "manifest", "household"))], data
    text = verify(ws).stdout
    assert root in text and "根校验值" in text


def test_deleted_household_folder_is_reported(ws, built_ws):
    folder, case = good_folder(ws, built_ws)
    shutil.rmtree(folder)
    proc = verify(ws)
    assert proc.returncode == EXIT_PROBLEMS
    assert "整户卷宗目录不见了" in proc.stdout and case in proc.stdout


def edit_record(ws, built_ws, change):
    """Change the record of a good household in place; returns (its folder, case, manifest, path)."""
    folder, case = good_folder(ws, built_ws)
    m = json.loads((folder / "manifest.json").read_text("utf-8"))
    rec_path = ws / m["inputs"]["record"]["path"]
    rec = json.loads(rec_path.read_text("utf-8"))
    change(rec)
    rec_path.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    return folder, case, m, rec_path


def test_record_edited_with_its_manifest_is_reported(ws, built_ws):
    folder, case, m, rec_path = edit_record(ws, built_ws, lambda r: r["members"][0].update(name="改名"))
    m["inputs"]["record"]["sha256"] = hashlib.sha256(rec_path.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=1) + "\n", "utf-8")
    proc = verify(ws)
    assert proc.returncode == EXIT_PROBLEMS
    assert "清单 manifest.json 与固定性链中记录的不一致" in proc.stdout and case in proc.stdout


def test_changed_source_is_explained_not_rebuilt(ws, built_ws):
    edit_record(ws, built_ws, lambda r: r.update(village="别的村"))
    proc = verify(ws)
    assert proc.returncode == EXIT_PROBLEMS
    assert "源文件在上次生成之后被改动" in proc.stdout and "文件修改于" in proc.stdout
    assert "村（社区）：" in proc.stdout and "别的村" in proc.stdout
    line = next(x for x in proc.stdout.splitlines() if "源文件在上次生成之后被改动" in x)
    assert "不要用重新生成来掩盖" in line


@pytest.mark.parametrize("how", ["edit-line", "delete"])
def test_broken_or_missing_chain_is_reported(ws, how):
    journal = ws / ".dibao" / "journal.jsonl"
    if how == "delete":
        journal.unlink()
        words = "没有找到这些卷宗的固定性链"
    else:
        lines = journal.read_text("utf-8").splitlines()
        lines[0] = lines[0].replace('"fixity"', '"fixitY"')
        journal.write_text("\n".join(lines) + "\n", "utf-8")
        words = "固定性链）被改动"
    proc = verify(ws)
    assert proc.returncode == EXIT_PROBLEMS
    assert words in proc.stdout


def test_index_add_files_are_covered(ws, tmp_path):
    import docx

    old = tmp_path / "旧档案"
    old.mkdir()
    d = docx.Document()
    d.add_paragraph("2019年度复查登记表")
    d.save(old / "复查.docx")
    proc = dibao(["index", "add", str(old)], cwd=ws, timeout=600)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    assert "历史档案" not in verify(ws).stdout
    d.add_paragraph("事后加上的一句")
    d.save(old / "复查.docx")
    proc = verify(ws)
    assert proc.returncode == EXIT_PROBLEMS
    assert "用 dibao index add 加入的历史档案文件已被改动" in proc.stdout
