"""The record editor's rows: add a list item, add an event of a chosen type, delete an item; each
checked by validate's code and journaled as old -> new."""

from __future__ import annotations

import json
import re

from starlette.testclient import TestClient

from archive import journal
from archive.records.load import load_record
from archive.web.app import create_app
from archive.workspace import open_workspace


def _form(html: str) -> dict:
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', html).group(1),
            "loaded": re.search(r'name="loaded" value="([^"]+)"', html).group(1)}


def test_add_income_add_event_delete_item(ws_dir):
    ws = open_workspace(ws_dir)
    path = ws.record_paths()[0]
    data = json.loads(path.read_text("utf-8"))
    case, n_inc, n_ev = data["case_no"], len(data.get("incomes", [])), len(data.get("events", []))
    c = TestClient(create_app(ws, require_login=False, local_user="经办员"), base_url="http://127.0.0.1")
    url = f"/household/{case}/edit"

    page = c.get(url, params={"section": "incomes"})
    r = c.post(url + "?section=incomes", data={**_form(page.text), f"incomes[{n_inc}].year": "2025",
                                               f"incomes[{n_inc}].category": "其他收入",
                                               f"incomes[{n_inc}].item": "临时救助", f"incomes[{n_inc}].amount": "800.00"})
    assert "已保存" in r.text, r.text[-1500:]
    assert json.loads(path.read_text("utf-8"))["incomes"][-1] == {"year": 2025, "category": "其他收入",
                                                                  "item": "临时救助", "amount": "800.00"}

    page = c.get(url, params={"section": "events", "add": "定期核查"})
    assert f'name="events[{n_ev}].type" value="定期核查"' in page.text
    form = {**_form(page.text), f"events[{n_ev}].type": "定期核查", f"events[{n_ev}].date": "2025-06-01",
            f"events[{n_ev}].situation": "家庭情况无变化"}
    r = c.post(url + "?section=events", data=form)              # no investigators, no conclusion: refused
    assert r.status_code == 422 and "field-error" in r.text
    assert len(json.loads(path.read_text("utf-8"))["events"]) == n_ev
    form.update({f"events[{n_ev}].investigators": "周平、刘芳", f"events[{n_ev}].conclusion": "继续享受"})
    r = c.post(url + "?section=events", data=form)
    assert "已保存" in r.text, r.text[-1500:]
    ev = json.loads(path.read_text("utf-8"))["events"][-1]
    assert ev["type"] == "定期核查" and ev["investigators"] == ["周平", "刘芳"]
    assert load_record(path, ws.root).household is not None

    page = c.get(url, params={"section": "incomes"})
    r = c.post(url + "?section=incomes", data={**_form(page.text), f"delete:incomes[{n_inc}]": "on"})
    assert "已保存" in r.text
    assert len(json.loads(path.read_text("utf-8"))["incomes"]) == n_inc
    edits = [e for e in journal.read(ws.state_dir)[0] if e.action == "edit"]
    assert len(edits) == 3 and edits[-1].detail["changes"] == [
        {"field": f"incomes[{n_inc}]", "old": "临时救助 2025", "new": "（删除）"}]
    assert all(e.user == "经办员" for e in edits)


def test_nested_sections_edited(ws_dir):
    """Objects inside the record: a member's 残疾, 家庭财产 with its houses, 发放账户, an 义务人; a wrong
    bank card number refused at its field; a nested item deleted; an object emptied is removed."""
    ws = open_workspace(ws_dir)
    path = ws.record_paths()[0]
    data = json.loads(path.read_text("utf-8"))
    case = data["case_no"]
    c = TestClient(create_app(ws, require_login=False, local_user="经办员"), base_url="http://127.0.0.1")
    url = f"/household/{case}/edit"

    def save(section, fields, status=200):
        page = c.get(url, params={"section": section})
        assert page.status_code == 200
        r = c.post(f"{url}?section={section}", data={**_form(page.text), **fields})
        assert r.status_code == status, r.text[-1500:]
        return r, json.loads(path.read_text("utf-8"))

    page = c.get(url, params={"section": "members"})
    assert 'name="members[0].disability.category"' in page.text
    r, now = save("members", {"members[0].disability.category": "肢体", "members[0].disability.grade": "二级"})
    assert "已保存" in r.text and now["members"][0]["disability"] == {"category": "肢体", "grade": "二级"}
    n_houses = len(data.get("property", {}).get("houses", []))
    r, now = save("property", {"property.deposits": "1200.50", f"property.houses[{n_houses}].address": "城关镇幸福路1号",
                               f"property.houses[{n_houses}].area": "64"})
    assert now["property"]["deposits"] == "1200.50" and now["property"]["houses"][-1]["address"] == "城关镇幸福路1号"
    r, now = save("support", {"bank_account.bank": "农村信用社", "bank_account.card_number": "6228-48"}, status=422)
    assert "bank_account" not in now or now["bank_account"] == data.get("bank_account")
    assert re.search(r'id="f-bank_account.card_number"[^>]*>\s*<span class="field-error">', r.text), r.text[-2500:]
    r, now = save("support", {"bank_account.bank": "农村信用社", "bank_account.card_number": "6228480402564890018"})
    assert now["bank_account"]["card_number"] == "6228480402564890018"
    n_ob = len(data.get("obligors", []))
    r, now = save("obligors", {f"obligors[{n_ob}].name": "赵大山", f"obligors[{n_ob}].relation": "儿子",
                               f"obligors[{n_ob}].support_per_year": "2400", f"obligors[{n_ob}].support_years": "2024、2025"})
    assert now["obligors"][-1]["support_years"] == [2024, 2025]
    r, now = save("property", {f"delete:property.houses[{n_houses}]": "on"})
    assert len(now["property"].get("houses", [])) == n_houses
    r, now = save("members", {"members[0].disability.category": "", "members[0].disability.grade": ""})
    assert "disability" not in now["members"][0]
    assert load_record(path, ws.root).household is not None
    fields = [c["field"] for e in journal.read(ws.state_dir)[0] if e.action == "edit" for c in e.detail["changes"]]
    assert "members[0].disability.grade" in fields and f"property.houses[{n_houses}]" in fields
