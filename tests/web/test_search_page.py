"""The search page over the workspace index: hits grouped by household and file, page previews, the
inspector's export (indexer.dossier), and village limits on hits and exports."""

from __future__ import annotations

import io
import json
import re

from fpdf import FPDF
from pypdf import PdfReader
from starlette.testclient import TestClient

from archive import journal
from archive.web import accounts
from archive.web.app import create_app
from archive.workspace import open_workspace
from indexer.engine import Doc
from indexer.index import open_index
from indexer.pipeline import workspace_paths

PASSWORD = "mima-2026-ok"


def _index(ws, recs):
    """One two-page PDF volume per household, indexed page by page (as dibao index would)."""
    paths = workspace_paths(ws.root)
    ix = open_index(paths["index"], "auto", key=paths["key"], root=ws.root)
    for r in recs:
        rel = f"archive/{r['village']}/{r['case_no']}_卷/审批类.pdf"
        pdf = FPDF()
        for i in range(2):
            pdf.add_page()
            pdf.set_font("helvetica", size=30)
            pdf.cell(0, 30, f"{r['case_no']} page {i + 1}")
        (ws.root / rel).parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(ws.root / rel))
        head = next(m["name"] for m in r["members"] if m["relation"] == "本人")
        docs = [Doc(id=f"{r['case_no']}/{p}", group=f"a/{r['case_no']}", household=r["case_no"], head=head,
                    village=r["village"], town=r["town"], type=r["type"], category="审批类", title="入户调查表",
                    year=2025, path=rel, page=p, text=f"{head} 入户调查 家庭综合困难情况 第{p}页")
                for p in (1, 2)]
        ix.replace(f"a/{r['case_no']}", docs)
    ix.commit()
    ix.close()


def test_search_groups_previews_and_exports(ws_dir):
    ws = open_workspace(ws_dir)
    recs = [json.loads(p.read_text("utf-8")) for p in ws.record_paths()]
    _index(ws, recs)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    r = c.get("/search", params={"q": "入户调查"})
    assert r.status_code == 200
    for rec in recs:
        assert f'/household/{rec["case_no"]}' in r.text
    previews = re.findall(r'src="(/preview\?[^"]+)"', r.text)
    assert len(previews) == 2 * len(recs)
    png = c.get(previews[0].replace("&amp;", "&"))
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    xlsx = c.get("/search/export.xlsx", params={"q": "入户调查"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = c.get("/search/export.pdf", params={"q": "入户调查"})
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.content)).pages) == 2 * len(recs)
    assert [e.detail["format"] for e in journal.read(ws.state_dir)[0] if e.action == "search-export"] == ["xlsx", "pdf"]

    # an account limited to one village sees and exports that village's hits only
    accounts.add(ws.state_dir, "村干部", "查阅", PASSWORD, [recs[0]["village"]])
    shared = TestClient(create_app(ws, require_login=True))
    page = shared.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    shared.post("/login", data={"csrf": csrf, "name": "村干部", "password": PASSWORD})
    r = shared.get("/search", params={"q": "入户调查"})
    assert recs[0]["case_no"] in r.text
    assert all(rec["case_no"] not in r.text for rec in recs if rec["village"] != recs[0]["village"])
    pdf = shared.get("/search/export.pdf", params={"q": "入户调查"})
    own = sum(1 for rec in recs if rec["village"] == recs[0]["village"])
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 2 * own


def test_village_volume_hits_are_grouped_under_their_village(ws_dir):
    """A village publicity volume's page (indexer.archive_files: no household, its village) is listed
    under the village, not as an unattached historical file."""
    ws = open_workspace(ws_dir)
    village = json.loads(ws.record_paths()[0].read_text("utf-8"))["village"]
    paths = workspace_paths(ws.root)
    ix = open_index(paths["index"], "auto", key=paths["key"], root=ws.root)
    rel = f"archive/{village}/公示材料/2025年公示材料.pdf"
    ix.replace(f"f/{rel}", [Doc(id=f"f/{rel}/p3", group=f"f/{rel}", village=village, category="审批类",
                                title="最低生活保障对象确认公示单（2025-03-08）", year=2025, path=rel, page=3,
                                text="最低生活保障对象确认公示单 经确认以下家庭纳入最低生活保障范围")])
    ix.commit()
    ix.close()
    r = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1").get("/search", params={"q": "确认公示单"})
    assert r.status_code == 200
    assert f"{village}村级档案（公示材料、盒内目录）" in r.text and "未对应到户的历史档案" not in r.text


def test_unmatched_old_files_hidden_from_village_limited_accounts(ws_dir):
    """A historical file not matched to any household may belong to any village: an account limited
    to villages does not see it in hits or exports; an account for the whole town does."""
    ws = open_workspace(ws_dir)
    recs = [json.loads(p.read_text("utf-8")) for p in ws.record_paths()]
    _index(ws, recs[:1])
    paths = workspace_paths(ws.root)
    ix = open_index(paths["index"], "auto", key=paths["key"], root=ws.root)
    ix.replace("h/oldfile", [Doc(id="h/oldfile/1", group="h/oldfile", text="入户调查 旧档案 无名户 第1页",
                                 title="旧档案.docx", path="historical/旧档案.docx", page=1, source="historical")])
    ix.commit()
    ix.close()
    accounts.add(ws.state_dir, "村干部", "查阅", PASSWORD, [recs[0]["village"]])
    accounts.add(ws.state_dir, "县督查", "查阅", PASSWORD)
    app = create_app(ws, require_login=True)

    def client(name):
        c = TestClient(app)
        csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        assert c.post("/login", data={"csrf": csrf, "name": name, "password": PASSWORD},
                      follow_redirects=False).status_code == 303
        return c

    village, county = client("村干部"), client("县督查")
    assert "旧档案" in county.get("/search", params={"q": "入户调查"}).text
    r = village.get("/search", params={"q": "入户调查"})
    assert recs[0]["case_no"] in r.text and "旧档案" not in r.text and "未对应到户" not in r.text
    r = village.get("/search/export.xlsx", params={"q": "旧档案"})
    assert r.status_code == 404
