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
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
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


def test_files_other_than_pdf_and_images_are_downloaded_not_shown(ws_dir):
    """A page planted among the scans (.html, .svg) must not run as a page of the site: it is sent
    as bytes to save (attachment, octet-stream) with a sandbox policy; scans in PDF/JPEG open inline."""
    ws = open_workspace(ws_dir)
    case = json.loads(ws.record_paths()[0].read_text("utf-8"))["case_no"]
    folder = ws.scans_dir / case
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{case}_其他_说明.html").write_text("<script>alert(1)</script>", "utf-8")
    (folder / f"{case}_其他_图.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
                                               "utf-8")
    _pdf(folder / f"{case}_户口簿.pdf", 1)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    for name in (f"{case}_其他_说明.html", f"{case}_其他_图.svg"):
        r = c.get("/file", params={"household": case, "file": f"scans/{case}/{name}"})
        assert r.status_code == 200, name
        assert r.headers["content-type"] == "application/octet-stream"
        assert r.headers["content-disposition"].startswith("attachment;")
        assert "sandbox" in r.headers["content-security-policy"]
    r = c.get("/file", params={"household": case, "file": f"scans/{case}/{case}_户口簿.pdf"})
    assert r.headers["content-type"] == "application/pdf" and r.headers["content-disposition"].startswith("inline;")
