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
