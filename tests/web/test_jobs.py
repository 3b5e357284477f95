"""Background jobs from the web: the dibao command itself, one at a time, its output in the page."""

from __future__ import annotations

import re
import time

from starlette.testclient import TestClient

from archive.web.app import create_app
from archive.workspace import open_workspace


def test_audit_job_runs_in_background_one_at_a_time(ws_dir):
    ws = open_workspace(ws_dir)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    page = c.get("/jobs")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = c.post("/jobs", data={"csrf": csrf, "kind": "audit"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "查缺补漏" in r.text and "<html" not in r.text   # htmx gets the fragment
    jobs = c.app.state.web.jobs
    if jobs.current.running:          # a second job while one runs is refused, not queued beside it
        second = c.post("/jobs", data={"csrf": csrf, "kind": "build"})
        assert "已有任务在进行" in second.text and len(jobs.history) == 1
    deadline = time.monotonic() + 300
    while jobs.history[-1].running:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    audit = jobs.history[-1]
    assert audit.kind == "audit" and audit.code in (0, 1)       # 1: gaps found, as the command says
    text = c.get("/jobs").text
    assert "户" in "\n".join(audit.lines) and audit.state in text
    # a job refused while the workspace is busy (a clerk's dibao build) says so: the command's own lock
    with ws.lock("build"):
        assert "已开始" in c.post("/jobs", data={"csrf": csrf, "kind": "build"}).text
        while jobs.current.running:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert jobs.current.code == 7 and jobs.current.state == "工作区正忙，未运行"


def test_inbox_job_runs_the_inbox_command(ws_dir):
    ws = open_workspace(ws_dir)
    (ws.root / "inbox").mkdir(exist_ok=True)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/jobs").text).group(1)
    assert "已开始" in c.post("/jobs", data={"csrf": csrf, "kind": "inbox"}).text
    jobs = c.app.state.web.jobs
    deadline = time.monotonic() + 300
    while jobs.current.running:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert jobs.current.code == 0 and any("共 0 个文件" in x for x in jobs.current.lines), list(jobs.current.lines)
    assert c.get("/inbox/pending.xlsx").status_code == 404      # nothing proposed yet


def test_inbox_pages_confirmed_row_by_row_and_filed(ws_dir):
    """The 待确认 page: each page's picture, its proposal corrected in the page, confirmed, then
    filed by `dibao inbox --apply` in the background; unconfirmed rows stay; a stale sheet is refused."""
    import json

    from fpdf import FPDF

    from archive import journal
    from archive.inbox import proposals as pp
    from archive.inbox.run import XLSX, inbox_dir

    ws = open_workspace(ws_dir)
    case = json.loads(ws.record_paths()[0].read_text("utf-8"))["case_no"]
    box = inbox_dir(ws)
    box.mkdir(exist_ok=True)
    pdf = FPDF()
    for i in range(2):
        pdf.add_page()
        pdf.set_font("helvetica", size=30)
        pdf.cell(0, 30, f"scan page {i + 1}")
    pdf.output(str(box / "scan001.pdf"))
    pp.write_rows(box / XLSX, [pp.Row("scan001.pdf", 1, "NO-SUCH", "户口本", "", "姓名", "", "fp1", 0),
                               pp.Row("scan001.pdf", 2, case, "身份证", "", "身份证号", "", "fp2", 0)])
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    page = c.get("/inbox")
    assert page.status_code == 200 and page.text.count('data-row="') == 2
    img = re.search(r'src="(/inbox/preview\?[^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert c.get(img).content[:4] == b"\x89PNG"
    assert c.get("/inbox/preview", params={"file": "../dibao.toml"}).status_code == 404
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    loaded = re.search(r'name="loaded" value="([^"]+)"', page.text).group(1)
    form = {"csrf": csrf, "loaded": loaded, "fp-0": "fp1", "household-0": case, "material-0": "户口簿",
            "member-0": "", "rotate-0": "0", "confirm-0": "on", "fp-1": "fp2", "household-1": case,
            "material-1": "身份证", "member-1": "", "rotate-1": "0", "apply": "1"}
    r = c.post("/inbox", data=form)
    assert r.status_code == 200 and "已开始" in r.text, r.text[-1500:]
    jobs = c.app.state.web.jobs
    deadline = time.monotonic() + 300
    while jobs.current.running:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert jobs.current.code == 0, list(jobs.current.lines)
    filed = sorted(p.name for p in (ws.scans_dir / case).iterdir())
    assert filed == ["户口簿.pdf"], filed
    left = pp.read_rows(box / XLSX)
    assert [(r.page, r.confirmed) for r in left] == [(2, False)]
    assert any(e.action == "inbox-confirm" for e in journal.read(ws.state_dir)[0])
    # the page opened before the filing is stale now: refused, the sheet unchanged
    before = (box / XLSX).read_bytes()
    r = c.post("/inbox", data={**form, "confirm-1": "on"})
    assert r.status_code == 409 and "已经变了" in r.text and (box / XLSX).read_bytes() == before
