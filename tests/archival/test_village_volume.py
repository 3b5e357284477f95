"""The village publicity volume: notices and their photos, cross-referenced (互见号) with the households."""

from __future__ import annotations

import json
import subprocess

import pytest

from archive import pdfa
from tests.support.build import manifests, squash

pytestmark = pytest.mark.slow


def text(path, first=1, last=999) -> str:
    return squash(subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(path), "-"],
                                 capture_output=True, text=True, check=True).stdout)


def villages(out) -> dict:
    return json.loads((out / "build-summary.json").read_text("utf-8"))["villages"]


def test_demo_writes_village_notice_photos(built):
    photos = sorted((built["ws"] / "scans" / "村级").rglob("公示照片_*.jpg"))
    assert photos
    found = manifests(built["out"])
    assert {p.parent.name for p in photos} <= {m["household"]["village"] for _, m in found.values()}


def test_village_volume_holds_notices_and_photos(built):
    out = built["out"]
    state = villages(out)
    found = manifests(out)
    on_notice = {m["household"]["village"] for _, m in found.values() if m["household"]["publicity_years"]}
    assert on_notice and on_notice <= set(state)
    for name, st in state.items():
        assert st["volumes"]
        for vol in st["volumes"]:
            path = out / vol["file"]
            assert path.parent.name == "公示材料" and pdfa.check(path) == []
            kinds = [d["title"] for d in vol["documents"]]
            assert any("审核公示单" in t for t in kinds) and any("确认公示单" in t for t in kinds)
            assert any(d["attachment_type"] == "公示照片" and d["photo_page"] for d in vol["documents"])
            cover = text(path, 1, 1)
            assert squash(vol["number"]) in cover and "案卷封面" not in cover and "公示材料" in cover
            remarks = next(d for d in vol["documents"] if d["kind"] == "remarks")
            back = text(path, remarks["first_page"], remarks["last_page"])
            assert f"本卷共有文件{vol['items']}件，共{vol['document_pages']}页" in back
            for ref in vol["cross_refs"]:
                assert squash(ref) in back


def test_households_and_village_volume_name_each_other(built):
    out = built["out"]
    state = villages(out)
    numbers = {vol["number"]: vol for st in state.values() for vol in st["volumes"]}
    pairs = 0
    for case, (folder, m) in manifests(out).items():
        first = m["volumes"][0]
        for ref in first["cross_refs"]:
            assert ref in numbers, ref                       # the 互见号 names a volume that exists
            assert first["number"] in numbers[ref]["cross_refs"]  # and that volume names this household back
            remarks = next(d for d in first["documents"] if d["kind"] == "remarks")
            assert squash(ref) in text(folder / first["file"], remarks["first_page"], remarks["last_page"])
            pairs += 1
    assert pairs


def test_village_volume_is_in_its_village_box(built):
    out = built["out"]
    for name, st in villages(out).items():
        boxes = " ".join(text(p) for p in (out / name).glob("盒内目录_*.pdf"))
        for vol in st["volumes"]:
            assert squash(vol["number"]) in boxes


def test_village_volumes_are_made_from_an_env_and_report_failures_as_notes(built, tmp_path):
    """refresh_villages needs no Builder: it takes a VillageEnv and returns its rows, files, state and
    notes; a village whose notice cannot be converted becomes a note and the other villages go on."""
    import datetime as dt
    import shutil
    from concurrent.futures import Future

    from archive.volumes.manifest import HashCache, find_manifests
    from archive.volumes.village import VillageEnv, refresh_villages
    from archive.workspace import open_workspace

    out = tmp_path / "archive"
    shutil.copytree(built["out"], out)
    (out / "build-summary.json").unlink()              # no earlier village state: every village is made again
    ws = open_workspace(built["ws"])
    calls = []

    def convert(key, data):
        calls.append(key)
        fut = Future()
        fut.set_exception(RuntimeError("LibreOffice 不可用"))
        return fut

    env = VillageEnv(ws, ws.config, out, HashCache(tmp_path / "hashes.json"), dt.date.today(), find_manifests(out),
                     set(), tmp_path / "forms", tmp_path / "fonts", ws.config.scan_limits(), convert)
    res = refresh_villages(env)
    expected = set(villages(built["out"]))
    assert calls and res.state == {} and res.rows == {} and res.files == {}
    assert {n["case_no"] for n in res.notes} == expected
    assert all("公示材料卷未能生成" in n["note"] and "LibreOffice 不可用" in n["note"] for n in res.notes)
