"""dibao build on the sample workspace: volume structure, incremental rebuilds, interruption, locking.

One workspace (archive.sample.demo, 4 households of the 汾西 profile, with scans) is built once
with real LibreOffice by the module fixture; tests that change anything work on a copy
(shutil.copytree keeps mtimes, and the copy's form cache spares LibreOffice).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pypdf
import pytest

from archive.volumes.scans import convert_scan
from archive.workspace import open_workspace
from tests.support.build import CATS, manifests, outline_titles, output_mtimes, squash, stamped_numbers
from tests.support.cli import dibao, start

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from archive.sample.demo import generate

    base = tmp_path_factory.mktemp("build")
    ws_dir = base / "ws"
    generate(ws_dir, households=4, seed=3, profile="fenxi")
    # one household has the signed scan of its home-visit form (入户调查表): it replaces the generated form
    first = sorted((ws_dir / "scans").iterdir())[0]
    shutil.copy(next(first.glob("户口簿*.jpg")), first / "签字表_fenxi-04.jpg")
    t0 = time.monotonic()
    done = dibao(["build", "--jobs", "2"], ws_dir)
    took = time.monotonic() - t0
    assert done.returncode == 0, done.stdout + done.stderr
    return {"ws": ws_dir, "out": ws_dir / "archive", "first_seconds": took, "stdout": done.stdout,
            "signed_case": first.name}


def copy_ws(built, tmp_path) -> Path:
    dest = tmp_path / "ws"
    shutil.copytree(built["ws"], dest, symlinks=True)
    return dest


# ---------------------------------------------------------------- structure of the volumes

def test_every_household_has_three_volumes_and_boxes(built):
    ws = open_workspace(built["ws"])
    out = built["out"]
    found = manifests(out)
    assert len(found) == len(ws.record_paths()) == 4
    for case, (folder, m) in found.items():
        assert folder.name == f"{case}_{m['household']['head']}"
        assert folder.parent.name == m["household"]["village"]
        assert [v["file"] for v in m["volumes"]] == [f"{c}.pdf" for c in CATS]
        for c in CATS:
            assert (folder / f"{c}.pdf").is_file()
        assert list(folder.parent.glob("盒内目录_*.pdf")) and (folder.parent / "案卷脊背.pdf").is_file()
    assert (out / "汇总.pdf").is_file()
    assert "卷宗生成完毕" in built["stdout"] and "新生成 4 户" in built["stdout"]


def test_volume_pages_bookmarks_stamps_and_contents(built):
    for case, (folder, m) in manifests(built["out"]).items():
        for v in m["volumes"]:
            reader = pypdf.PdfReader(folder / v["file"])
            docs = v["documents"]
            kinds = [d["kind"] for d in docs]
            assert kinds[0] == "cover" and kinds[1] == "contents" and kinds[-1] == "remarks"
            # page count is the sum of the parts, and the parts tile the volume
            assert len(reader.pages) == v["pages"] == sum(d["last_page"] - d["first_page"] + 1 for d in docs)
            for a, b in zip(docs, docs[1:]):
                assert b["first_page"] == a["last_page"] + 1
            # one bookmark per document, pointing at its first page
            marks = outline_titles(reader)
            assert marks == [(d["title"], d["first_page"] - 1) for d in docs]
            # metadata
            meta = reader.metadata
            assert meta["/DibaoCaseNo"] == case and meta["/DibaoCategory"] == v["category"]
            assert v["category"] in meta.title and m["household"]["head"] in meta.title
            # every document page carries its archive page number; cover, contents, remarks none
            numbered = [d for d in docs if d["seq"] is not None]
            n = 0
            for d in numbered:
                assert d["archive_pages"] == [n + 1, n + d["last_page"] - d["first_page"] + 1]
                for k, page_no in enumerate(range(d["first_page"], d["last_page"] + 1)):
                    assert stamped_numbers(reader.pages[page_no - 1]) == [str(n + 1 + k)], (case, d["title"])
                n += d["last_page"] - d["first_page"] + 1
            for d in docs:
                if d["seq"] is None and d["kind"] != "contents":
                    assert stamped_numbers(reader.pages[d["first_page"] - 1]) == []
            # the contents list names every document with its page numbers, in order
            contents = next(d for d in docs if d["kind"] == "contents")
            text = squash("".join(reader.pages[i - 1].extract_text() for i in range(contents["first_page"], contents["last_page"] + 1)))
            pos = 0
            for d in numbered:
                a, b = d["archive_pages"]
                row = squash(d["title"])
                at = text.find(row, pos)
                assert at >= 0, (case, v["category"], d["title"])
                pages = str(a) if a == b else f"{a}-{b}"
                assert pages in text[at:at + len(row) + 40]
                pos = at + len(row)
            # the cover states items and pages
            cover = squash(reader.pages[0].extract_text())
            assert f"{len(numbered)}件" in cover and f"{n}页" in cover and case in cover


def test_scans_filed_with_all_their_pages(built):
    ws = open_workspace(built["ws"])
    for case, (folder, m) in manifests(built["out"]).items():
        filed = {}
        for v in m["volumes"]:
            for d in v["documents"]:
                for src in d.get("sources") or ([d["source"]] if d.get("source") else []):
                    filed[src] = (v["category"], d)
        scan_dir = ws.scans_dir / case
        on_disk = sorted(p for p in scan_dir.rglob("*") if p.is_file())
        assert on_disk, case
        for p in on_disk:
            rel = p.relative_to(ws.root).as_posix()
            assert rel in filed, f"{rel} not filed"
            cat, d = filed[rel]
            if not d.get("sources"):
                assert d["last_page"] - d["first_page"] + 1 == convert_scan(p).pages
            kind = rel.rsplit("/", 1)[1].split("_")[0].split(".")[0]
            if kind in ("户口簿", "身份证", "残疾证"):
                assert cat == "审批类"
            if kind in ("银行卡",):
                assert cat == "财务类"
            if kind == "签字表":
                assert d["kind"] == "signed_scan" and not d["unsigned"]
        # generated forms without a signed scan are marked and listed as missing (待签字)
        for v in m["volumes"]:
            for d in v["documents"]:
                if d["kind"] == "form":
                    assert d["unsigned"] is True
        visit = [d for d in m["volumes"][0]["documents"] if d.get("form_id") == "fenxi-04"]
        if case == built["signed_case"]:
            assert [d["kind"] for d in visit] == ["signed_scan"] and visit[0]["title"].endswith("（签字件）")
            assert visit[0]["source"].endswith("签字表_fenxi-04.jpg") and visit[0]["unsigned"] is False
        else:
            assert all(d["kind"] == "form" for d in visit)


def test_noop_rebuild_touches_nothing_and_is_fast(built):
    before = output_mtimes(built["out"])
    t0 = time.monotonic()
    done = dibao(["build", "--json"], built["ws"])
    took = time.monotonic() - t0
    assert done.returncode == 0, done.stderr
    rep = json.loads(done.stdout)
    assert rep["built"] == 0 and rep["unchanged"] == 4
    assert output_mtimes(built["out"]) == before
    assert took < built["first_seconds"] * 0.3, (took, built["first_seconds"])


def test_verify_clean_then_flags_changed_output_and_source(built, tmp_path):
    ws = copy_ws(built, tmp_path)
    ok = dibao(["verify"], ws)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "全部与清单一致" in ok.stdout
    folder, m = next(iter(manifests(ws / "archive").values()))
    vol = folder / "财务类.pdf"
    data = bytearray(vol.read_bytes())
    data[len(data) // 2] ^= 0x01
    vol.write_bytes(bytes(data))
    scan = ws / m["inputs"]["files"][0]["path"]
    sdata = bytearray(scan.read_bytes())
    sdata[-10] ^= 0x01
    scan.write_bytes(bytes(sdata))
    (ws / "archive" / "stray.txt").write_text("x")
    bad = dibao(["verify", "--json"], ws)
    assert bad.returncode == 1
    rep = json.loads(bad.stdout)
    kinds = {(f["kind"], f["path"]) for f in rep["findings"]}
    assert ("changed", vol.relative_to(ws / "archive").as_posix()) in kinds
    assert ("source_changed", m["inputs"]["files"][0]["path"]) in kinds
    assert ("unknown", "stray.txt") in kinds


def test_change_one_record_rebuilds_only_that_household(built, tmp_path):
    ws = copy_ws(built, tmp_path)
    out = ws / "archive"
    rec_path = sorted((ws / "households").rglob("*.json"))[0]
    rec = json.loads(rec_path.read_text("utf-8"))
    rec["notes"] = "测试：改动一户"
    rec_path.write_text(json.dumps(rec, ensure_ascii=False, indent=1), "utf-8")
    before = output_mtimes(out)
    done = dibao(["build", "--json"], ws)
    assert done.returncode == 0, done.stderr
    rep = json.loads(done.stdout)
    assert rep["built_households"] == [rec["case_no"]] and rep["unchanged"] == 3
    after = output_mtimes(out)
    changed = {k for k in after if before.get(k) != after[k]}
    # the household's own files, and its village's publicity volume (made from the village's records)
    assert changed and all(k.split("/")[1].startswith(rec["case_no"] + "_") or k.startswith(f"{rec['village']}/公示材料/")
                           for k in changed if k.count("/") == 2)
    # an unchanged household: every file untouched
    other = next(c for c in manifests(out) if c != rec["case_no"])
    assert not [k for k in changed if f"/{other}_" in k]


def test_unreadable_scan_reported_household_still_built(built, tmp_path):
    ws = copy_ws(built, tmp_path)
    case = sorted(manifests(ws / "archive"))[0]
    good = next((ws / "scans" / case).glob("户口簿*.jpg"))
    broken = good.with_name("户口簿_2.jpg")
    broken.write_bytes(good.read_bytes()[:400])  # truncated JPEG
    rec_path = next(p for p in (ws / "households").rglob("*.json") if json.loads(p.read_text("utf-8"))["case_no"] == case)
    rec = json.loads(rec_path.read_text("utf-8"))
    gone = f"scans/{case}/残疾证_遗失.jpg"  # listed in the record, file missing
    rec.setdefault("attachments", []).append({"type": "残疾证", "path": gone})
    rec_path.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    done = dibao(["build"], ws)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "户口簿_2.jpg" in done.stdout and "残疾证_遗失.jpg" in done.stdout
    folder, m = manifests(ws / "archive")[case]
    assert m["complete"] is False
    assert sorted(p["path"] for p in m["problems"]) == sorted([broken.relative_to(ws).as_posix(), gone])
    assert {p["category"] for p in m["problems"]} == {"审批类"}
    reader = pypdf.PdfReader(folder / "审批类.pdf")
    assert "户口簿_2.jpg" in squash(reader.pages[-1].extract_text())


def test_prune_removes_households_without_record(built, tmp_path):
    ws = copy_ws(built, tmp_path)
    out = ws / "archive"
    rec_path = sorted((ws / "households").rglob("*.json"))[-1]
    case = json.loads(rec_path.read_text("utf-8"))["case_no"]
    rec_path.unlink()
    done = dibao(["build", "--json"], ws)
    rep = json.loads(done.stdout)
    assert any(o.split("/")[1].startswith(case + "_") for o in rep["orphans"])
    assert case in manifests(out)
    done = dibao(["build", "--prune", "--json"], ws)
    rep = json.loads(done.stdout)
    assert rep["removed"] and case not in manifests(out)
    assert dibao(["verify"], ws).returncode == 0


def test_killed_build_leaves_no_partial_pdf_and_rerun_completes(built, tmp_path):
    ws = copy_ws(built, tmp_path)
    out = ws / "archive"
    shutil.rmtree(out)
    proc = start(["build", "--jobs", "1"], ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(out.glob("*/*/manifest.json")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(out.glob("*/*/manifest.json")), "no household finished before the deadline"
    assert len(manifests(out)) < 4, "the build finished before it could be interrupted"
    for pdf in out.rglob("*.pdf"):
        assert not pdf.name.startswith(".")
        assert len(pypdf.PdfReader(pdf).pages) > 0  # a visible PDF is always a whole one
    for folder, m in manifests(out).values():
        for v in m["volumes"]:
            assert (folder / v["file"]).is_file()
    done = dibao(["build"], ws)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(manifests(out)) == 4
    assert not [p for p in out.rglob(".dibao-tmp-*")]
    assert dibao(["verify"], ws).returncode == 0


def test_second_build_at_once_is_refused(built, tmp_path):
    ws = open_workspace(copy_ws(built, tmp_path))
    with ws.lock("build"):
        done = dibao(["build"], ws.root, timeout=120)
    assert done.returncode == 7
    assert "工作区正被另一个 dibao 使用" in done.stderr
