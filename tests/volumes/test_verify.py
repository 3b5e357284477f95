"""dibao verify on a small workspace that needs no LibreOffice (households without events have no forms)."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from archive.volumes.build import build
from archive.fsutil import TMP_PREFIX
from archive.volumes.verify import verify
from archive.workspace import init_workspace, open_workspace
from tests.support.records import record, write


def jpeg(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (600, 800), color).save(buf, "JPEG", quality=80)
    return buf.getvalue()


@pytest.fixture()
def ws(tmp_path):
    w = init_workspace(tmp_path / "w", "fenxi")
    for case, village in (("FX-1", "城关村"), ("FX-2", "东庄村")):
        rec = record(case, village=village, events=[])
        rec["bank_account"] = {"bank": "汾西农商银行", "card_number": "6217000011112222333"}
        rec["payments"] = [{"month": "2024-01", "amount": "500.00"}]
        write(w.root / "households" / f"{case}.json", rec)
        write(w.root / "scans" / case / "户口簿.jpg", jpeg("white"))
        write(w.root / "scans" / case / "银行卡.jpg", jpeg("gray"))
    w = open_workspace(w.root)
    rep = build(w, jobs=1)
    assert len(rep.built) == 2 and not rep.failed and rep.converted == 0
    return w


def kinds(rep) -> set[tuple[str, str]]:
    return {(f.kind, f.path) for f in rep.findings}


def test_clean_archive_verifies(ws):
    rep = verify(ws)
    assert rep.ok and rep.households == 2
    # volumes; per village one box per 保管期限 (3 by default) and a spine sheet; the summary
    assert rep.outputs_checked == 2 * 3 + 2 * (3 + 1) + 1
    assert "全部与清单一致" in rep.summary()


def test_changed_missing_unknown_and_temp_outputs(ws):
    out = ws.output_dir
    vol = next(out.glob("城关村/FX-1_*/财务类.pdf"))
    data = bytearray(vol.read_bytes())
    data[100] ^= 0xFF
    vol.write_bytes(bytes(data))
    (next(out.glob("东庄村/FX-2_*")) / "审批类.pdf").unlink()
    (out / "城关村" / "笔记.txt").write_text("x", "utf-8")
    (out / "东庄村" / f"{TMP_PREFIX}abc.pdf").write_bytes(b"%PDF-")
    rep = verify(ws)
    got = kinds(rep)
    assert ("changed", vol.relative_to(out).as_posix()) in got
    assert any(k == "missing" and p.endswith("审批类.pdf") and p.startswith("东庄村/") for k, p in got)
    assert ("unknown", "城关村/笔记.txt") in got
    assert ("temp", f"东庄村/{TMP_PREFIX}abc.pdf") in got
    assert not rep.ok and "不一致" in rep.summary()


def test_changed_and_new_sources(ws):
    rec = ws.root / "households" / "FX-1.json"
    data = json.loads(rec.read_text("utf-8"))
    data["notes"] = "改了"
    rec.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    write(ws.root / "scans" / "FX-2" / "身份证_李建国.jpg", jpeg("black"))
    (ws.root / "scans" / "FX-2" / "户口簿.jpg").unlink()
    got = kinds(verify(ws))
    assert ("source_changed", "households/FX-1.json") in got
    assert ("source_new", "scans/FX-2/身份证_李建国.jpg") in got
    assert ("source_missing", "scans/FX-2/户口簿.jpg") in got
    # a rebuild brings the archive and its sources back in line
    build(ws, jobs=1)
    assert verify(ws).ok


def test_verify_without_archive_says_build_first(tmp_path):
    from archive.errors import ConfigError

    w = init_workspace(tmp_path / "w2", "fenxi")
    with pytest.raises(ConfigError, match="先运行 dibao build"):
        verify(w)
