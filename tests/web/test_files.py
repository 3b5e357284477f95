"""Volumes on the household page: page previews (pdftoppm) and file opening, limited to the household."""

from __future__ import annotations

import json

from fpdf import FPDF
from starlette.testclient import TestClient

from archive.volumes.manifest import MANIFEST_NAME, MANIFEST_VERSION, safe_prefix
from archive.web.app import create_app
from archive.workspace import open_workspace


def _pdf(path, pages: int):
    pdf = FPDF()
    for i in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=40)
        pdf.cell(0, 40, f"page {i + 1}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def test_volume_preview_and_file_limited_to_household(ws_dir):
    ws = open_workspace(ws_dir)
    recs = [json.loads(p.read_text("utf-8")) for p in ws.record_paths()]
    a, b = recs[0], recs[1]
    folder = ws.output_dir / a["village"] / (safe_prefix(a["case_no"]) + "卷")
    _pdf(folder / "审批类.pdf", 2)
    (folder / MANIFEST_NAME).write_text(json.dumps({
        "manifest_version": MANIFEST_VERSION, "household": {"case_no": a["case_no"]},
        "volumes": [{"category": "审批类", "file": "审批类.pdf", "pages": 2}]}, ensure_ascii=False), "utf-8")
    c = TestClient(create_app(ws, require_login=False))
    page = c.get(f"/household/{a['case_no']}")
    assert "审批类卷" in page.text and "/preview?" in page.text
    rel = (folder / "审批类.pdf").relative_to(ws.root).as_posix()
    png = c.get("/preview", params={"household": a["case_no"], "file": rel, "page": "2"})
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert c.get("/file", params={"household": a["case_no"], "file": rel}).content[:4] == b"%PDF"
    # another household's name on the URL, a file outside the workspace, the configuration: refused
    assert c.get("/preview", params={"household": b["case_no"], "file": rel}).status_code == 404
    assert c.get("/file", params={"household": a["case_no"], "file": "../../../etc/passwd"}).status_code == 404
    assert c.get("/file", params={"household": a["case_no"], "file": "dibao.toml"}).status_code == 404
