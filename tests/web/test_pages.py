"""Overview, village, audit pages and exports, the log page's role, print packs (LibreOffice)."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from archive import journal
from archive.web import accounts
from archive.web.app import create_app
from archive.workspace import open_workspace

PASSWORD = "mima-2026-ok"


def _recs(ws):
    return [json.loads(p.read_text("utf-8")) for p in ws.record_paths()]


def test_overview_village_audit_and_exports(ws_dir):
    ws = open_workspace(ws_dir)
    recs = _recs(ws)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    home = c.get("/")
    assert home.status_code == 200 and home.text.count("<svg") == 2
    for r in recs:
        assert r["village"] in home.text
    v = recs[0]["village"]
    page = c.get(f"/village/{v}")
    assert recs[0]["case_no"] in page.text
    other = next(t for t in ("城市低保", "农村低保", "特困", "低保边缘") if t != recs[0]["type"])
    assert recs[0]["case_no"] not in c.get(f"/village/{v}", params={"type": other}).text
    audit = c.get("/audit", params={"village": v})
    assert recs[0]["case_no"] in audit.text
    assert all(r["case_no"] not in audit.text for r in recs if r["village"] != v)
    xlsx = c.get("/audit/export.xlsx", params={"village": v})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = c.get("/audit/export.pdf")
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    exports = [e.detail for e in journal.read(ws.state_dir)[0] if e.action == "export"]
    assert [(d["what"], d["format"]) for d in exports] == [("audit", "xlsx"), ("audit", "pdf")]


def test_log_page_for_administrators_only(ws_dir):
    ws = open_workspace(ws_dir)
    accounts.add(ws.state_dir, "李强", "查阅", PASSWORD)
    accounts.add(ws.state_dir, "赵管", "管理员", PASSWORD)
    app = create_app(ws, require_login=True)
    for name, status in (("李强", 403), ("赵管", 200)):
        c = TestClient(app)
        csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"csrf": csrf, "name": name, "password": PASSWORD})
        r = c.get("/log")
        assert r.status_code == status
    assert "李强" in r.text and "login" in r.text


@pytest.mark.slow
def test_blank_pack_copies_and_village_pack(ws_dir):
    ws = open_workspace(ws_dir)
    recs = _recs(ws)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    page = c.get("/packs")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    ids = re.findall(r'name="n-([^"]+)"', page.text)
    assert ids and all(i.startswith(ws.config.profile + "-") for i in ids)   # this county's forms only
    one = c.post("/packs/blank", data={"csrf": csrf, f"n-{ids[0]}": "1"})
    three = c.post("/packs/blank", data={"csrf": csrf, f"n-{ids[0]}": "3"})
    n1 = len(PdfReader(io.BytesIO(one.content)).pages)
    assert one.status_code == 200 and len(PdfReader(io.BytesIO(three.content)).pages) == 3 * n1
    v = recs[0]["village"]
    pack = c.post("/packs/village", data={"csrf": csrf, "village": v})
    assert pack.status_code == 200 and pack.content[:4] == b"%PDF"
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pack.content)).pages).replace(" ", "")
    heads = [next(m["name"] for m in r["members"] if m["relation"] == "本人") for r in recs if r["village"] == v]
    assert all(h in text for h in heads)
    from archive import pdfa

    assert pdfa.check(one.content) == [] and pdfa.check(pack.content) == []    # print packs are PDF/A-2b too


def test_household_page_reuses_the_town_audit_until_its_scans_change(ws_dir):
    """After the town page has audited every record, a household page takes its gaps from that audit
    (no second audit of the record); a scan filed since is seen at once (its folder changed)."""
    from fpdf import FPDF

    ws = open_workspace(ws_dir)
    case = json.loads(ws.record_paths()[0].read_text("utf-8"))["case_no"]
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    web = c.app.state.web
    assert c.get("/").status_code == 200
    calls = []
    original = web.audits.household
    web.audits.household = lambda *a, **k: calls.append(a) or original(*a, **k)
    gap = re.compile(r"<td>缺扫描件</td><td>户口簿复印件")
    assert gap.search(c.get(f"/household/{case}").text) and calls == []
    folder = ws.scans_dir / case
    folder.mkdir(parents=True, exist_ok=True)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=20)
    pdf.cell(0, 20, "hukou")
    pdf.output(str(folder / "户口簿.pdf"))
    page = c.get(f"/household/{case}").text
    assert not gap.search(page) and len(calls) == 1
