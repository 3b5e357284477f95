"""The roster pages over archive/roster: export the 花名册, upload it changed, check (dry run), import."""

from __future__ import annotations

import io
import json
import re

import openpyxl
from starlette.testclient import TestClient

from archive import journal
from archive.web.app import create_app
from archive.workspace import open_workspace


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_roster_export_check_and_import(ws_dir):
    ws = open_workspace(ws_dir)
    c = TestClient(create_app(ws, require_login=False), base_url="http://127.0.0.1")
    r = c.get("/roster/export.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    sh = wb.active
    header = [cell.value for cell in sh[2]]
    col = {name: i + 1 for i, name in enumerate(header)}
    rows = list(range(3, sh.max_row + 1))
    cases = [sh.cell(r_, col["对象编号"]).value for r_ in rows]
    first, other = cases[0], next(x for x in cases if x != cases[0])
    for r_ in rows:
        if sh.cell(r_, col["对象编号"]).value == first:
            sh.cell(r_, col["联系电话"]).value = "13700001111"
    bad_row = next(r_ for r_ in rows if sh.cell(r_, col["对象编号"]).value == other)
    good_id = sh.cell(bad_row, col["身份证号"]).value
    sh.cell(bad_row, col["身份证号"]).value = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    buf = io.BytesIO()
    wb.save(buf)
    paths = {json.loads(p.read_text("utf-8"))["case_no"]: p for p in ws.record_paths()}
    before_other = paths[other].read_bytes()

    page = c.get("/roster")
    r = c.post("/roster/check", data={"csrf": _csrf(page.text)},
               files={"file": ("花名册.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code == 200 and "检查结果（尚未导入）" in r.text
    assert f"第{bad_row}行" in r.text and "将更新 1 户" in r.text
    assert "13700001111" not in paths[first].read_text("utf-8")            # a dry run writes nothing
    token = re.search(r'name="token" value="([0-9a-f]+)"', r.text).group(1)
    r = c.post("/roster/import", data={"csrf": _csrf(r.text), "token": token})
    assert r.status_code == 200 and "已更新 1 户" in r.text
    assert json.loads(paths[first].read_text("utf-8"))["phone"] == "13700001111"
    assert paths[other].read_bytes() == before_other                       # its row had a wrong ID
    check = c.get(f"/roster/result/{token}")
    assert check.status_code == 200 and check.content[:2] == b"PK"
    actions = [e.action for e in journal.read(ws.state_dir)[0]]
    assert actions.count("import") == 2                                    # the library's entry and the web's
    assert c.get("/roster/result/..%2F..").status_code == 404
