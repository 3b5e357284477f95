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
