"""Sharing safely: login, roles, village limits, CSRF, rate limit, the access log (Starlette TestClient)."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from archive import journal
from archive.web import accounts
from archive.web.app import create_app
from archive.workspace import open_workspace

from tests.support.cli import dibao

PASSWORD = "mima-2026-ok"


@pytest.fixture
def shared(ws_dir):
    ws = open_workspace(ws_dir)
    accounts.add(ws.state_dir, "张敏", "经办", PASSWORD)
    accounts.add(ws.state_dir, "李强", "查阅", PASSWORD)
    records = {}
    for p in ws.record_paths():
        d = json.loads(p.read_text("utf-8"))
        records[d["case_no"]] = (p, d)
    villages = sorted({d["village"] for _p, d in records.values()})
    accounts.add(ws.state_dir, "王村", "查阅", PASSWORD, [villages[0]])
    app = create_app(ws, require_login=True)
    return ws, app, records, villages


def login(client: TestClient, name: str, password: str = PASSWORD):
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"csrf": csrf, "name": name, "password": password}, follow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_no_household_data_before_login(shared):
    ws, app, records, _v = shared
    case, (path, data) = next(iter(records.items()))
    head = next(m["name"] for m in data["members"] if m["relation"] == "本人")
    c = TestClient(app)
    for url in ("/", f"/household/{case}", f"/search?q={head}", "/audit", f"/village/{data['village']}",
                "/log", "/search/export.xlsx?q=" + head, f"/form/yueyang-01.pdf?household={case}"):
        r = c.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
        assert head not in r.text
    r = c.get(f"/household/{case}")                 # followed: the login page, no data
    assert "登录" in r.text and head not in r.text


def test_cookie_flags_and_wrong_password_rate_limited(shared):
    _ws, app, _r, _v = shared
    c = TestClient(app)
    first = c.get("/login")
    assert "httponly" in first.headers["set-cookie"].lower() and "samesite=strict" in first.headers["set-cookie"].lower()
    for _ in range(5):
        assert login(c, "张敏", "wrong-password").status_code == 401
    r = login(c, "张敏", PASSWORD)                   # right password, but too many failures just now
    assert r.status_code == 429 and "次数过多" in r.text


def test_reader_cannot_edit_and_post_without_csrf_refused(shared):
    ws, app, records, _v = shared
    case, (path, data) = next(iter(records.items()))
    before = path.read_bytes()
    c = TestClient(app)
    assert login(c, "李强").status_code == 303
    r = c.get(f"/household/{case}")
    assert r.status_code == 200 and case in r.text and "编辑记录" not in r.text
    r = c.get(f"/household/{case}/edit")
    assert r.status_code == 403 and "没有这项权限" in r.text
    r = c.post(f"/household/{case}/edit", data={"csrf": csrf_of(c.get('/packs').text), "phone": "13900000000"})
    assert r.status_code == 403
    # an editor, but without the CSRF token
    c2 = TestClient(app)
    assert login(c2, "张敏").status_code == 303
    page = c2.get(f"/household/{case}/edit?section=household")
    loaded = re.search(r'name="loaded" value="([^"]+)"', page.text).group(1)
    r = c2.post(f"/household/{case}/edit?section=household", data={"loaded": loaded, "phone": "13900000000"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = c2.post(f"/household/{case}/edit?section=household",
                data={"loaded": loaded, "phone": "13900000000", "csrf": "not-the-token"})
    assert r.status_code == 403
    assert path.read_bytes() == before


def test_editor_saves_refuses_bad_id_and_stale_edit(shared):
    ws, app, records, _v = shared
    case, (path, data) = next(iter(records.items()))
    c = TestClient(app)
    assert login(c, "张敏").status_code == 303
    page = c.get(f"/household/{case}/edit?section=members")
    csrf, loaded = csrf_of(page.text), re.search(r'name="loaded" value="([^"]+)"', page.text).group(1)
    r = c.post(f"/household/{case}/edit?section=members",
               data={"csrf": csrf, "loaded": loaded, "members[0].phone": "13912345678"})
    assert r.status_code == 200 and "已保存" in r.text
    assert json.loads(path.read_text("utf-8"))["members"][0]["phone"] == "13912345678"
    saved = path.read_bytes()
    # a wrong ID number: refused at the field with validate's Chinese message, file unchanged
    page = c.get(f"/household/{case}/edit?section=members")
    loaded2 = re.search(r'name="loaded" value="([^"]+)"', page.text).group(1)
    bad = data["members"][0]["id_number"][:17] + ("0" if data["members"][0]["id_number"][17] != "0" else "1")
    r = c.post(f"/household/{case}/edit?section=members",
               data={"csrf": csrf, "loaded": loaded2, "members[0].id_number": bad})
    assert r.status_code == 422 and "未保存" in r.text
    assert re.search(r'class="field-error">[^<]*校验', r.text), r.text[-2000:]
    assert path.read_bytes() == saved
    # stale: the page was loaded before the save above
    r = c.post(f"/household/{case}/edit?section=members",
               data={"csrf": csrf, "loaded": loaded, "members[0].phone": "13800000000"})
    assert r.status_code == 409 and "已被别人" in r.text
    assert path.read_bytes() == saved
    # the change history: journal entry and household page
    edits = [e for e in journal.read(ws.state_dir)[0] if e.action == "edit"]
    assert len(edits) == 1 and edits[0].user == "张敏" and edits[0].household == case
    assert edits[0].detail["changes"] == [{"field": "members[0].phone", "old": data["members"][0].get("phone", "") or "",
                                           "new": "13912345678"}]
    assert "13912345678" in c.get(f"/household/{case}").text


def test_village_limited_account_sees_only_its_village(shared):
    _ws, app, records, villages = shared
    c = TestClient(app)
    assert login(c, "王村").status_code == 303
    for case, (_p, d) in records.items():
        r = c.get(f"/household/{case}")
        assert r.status_code == (200 if d["village"] == villages[0] else 404)
    assert villages[-1] not in c.get("/").text


def test_log_shows_each_view_with_client(shared):
    ws, app, records, _v = shared
    c = TestClient(app)
    login(c, "李强")
    cases = list(records)
    for case in cases:
        c.get(f"/household/{case}")
    views = [e for e in journal.read(ws.state_dir)[0] if e.action == "view"]
    assert [e.household for e in views] == cases
    assert all(e.user == "李强" and e.detail["client"] == "testclient" for e in views)
    done = dibao(["--workspace", str(ws.root), "log", "--household", cases[0]])
    assert done.returncode == 0 and "李强 查看 " + cases[0] in done.stdout and "来自 testclient" in done.stdout
    done = dibao(["--workspace", str(ws.root), "log", "--user", "张敏"])
    assert done.returncode == 0 and "查看" not in done.stdout


def test_serve_to_network_refused_without_accounts_and_user_commands(ws_dir):
    done = dibao(["--workspace", str(ws_dir), "serve", "--host", "0.0.0.0", "--port", "8099"], timeout=60)
    assert done.returncode != 0 and "还没有任何账号" in done.stderr
    done = dibao(["--workspace", str(ws_dir), "user", "add", "赵管", "--role", "管理员", "--password-stdin"],
                 input="short\n")
    assert done.returncode != 0 and "密码太短" in done.stderr
    done = dibao(["--workspace", str(ws_dir), "user", "add", "赵管", "--role", "管理员", "--password-stdin"],
                 input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    stored = (ws_dir / ".dibao" / "users.json").read_text("utf-8")
    assert PASSWORD not in stored and "$argon2id$" in stored
    assert "赵管\t管理员" in dibao(["--workspace", str(ws_dir), "user", "list"]).stdout
    assert dibao(["--workspace", str(ws_dir), "user", "passwd", "赵管", "--password-stdin"],
                 input="another-pass-1\n").returncode == 0
    assert accounts.verify(accounts.load(ws_dir / ".dibao"), "赵管", "another-pass-1") is not None
    assert dibao(["--workspace", str(ws_dir), "user", "remove", "赵管"]).returncode == 0
    assert dibao(["--workspace", str(ws_dir), "user", "list"]).stdout.startswith("还没有账号")


def test_local_mode_needs_no_login(ws_dir):
    ws = open_workspace(ws_dir)
    c = TestClient(create_app(ws, require_login=False, local_user="本机管理员"), base_url="http://127.0.0.1")
    case = json.loads(ws.record_paths()[0].read_text("utf-8"))["case_no"]
    assert c.get(f"/household/{case}").status_code == 200
    assert c.get("/log").status_code == 200


def test_serve_on_all_addresses_with_an_account_asks_for_login(ws_dir):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.support import ROOT

    ws = open_workspace(ws_dir)
    accounts.add(ws.state_dir, "赵管", "管理员", PASSWORD)
    case = json.loads(ws.record_paths()[0].read_text("utf-8"))["case_no"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--workspace", str(ws_dir), "serve", "--host", "0.0.0.0",
                             "--port", str(port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"http://127.0.0.1:{port}/household/{case}", timeout=10)
                raise AssertionError("household page served without login")
            except urllib.error.HTTPError as e:
                assert e.code == 303 and e.headers["location"].startswith("/login")
                break
            except urllib.error.URLError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode() if proc.poll() is not None else "timeout"
                time.sleep(0.2)
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=30)
    assert "须登录" in out.decode()


def test_account_changes_apply_to_open_sessions(shared):
    """`dibao user remove` / `passwd` end that account's open sessions; a new role applies at once."""
    ws, app, records, _v = shared
    case = next(iter(records))
    removed, changed, promoted = TestClient(app), TestClient(app), TestClient(app)
    accounts.add(ws.state_dir, "临时", "查阅", PASSWORD)
    for c, name in ((removed, "临时"), (changed, "李强"), (promoted, "张敏")):
        assert login(c, name).status_code == 303
        assert c.get(f"/household/{case}").status_code == 200
    assert dibao(["--workspace", str(ws.root), "user", "remove", "临时"]).returncode == 0
    accounts.passwd(ws.state_dir, "李强", "a-new-password-1")
    r = removed.get(f"/household/{case}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = changed.get(f"/household/{case}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert promoted.get("/log").status_code == 403
    users = accounts.load(ws.state_dir)
    users["张敏"].role = "管理员"
    accounts.save(ws.state_dir, users)
    assert promoted.get("/log").status_code == 200


def test_local_mode_answers_loopback_names_only(ws_dir):
    """Served on 127.0.0.1 without login: a page of another site whose name is made to point at
    127.0.0.1 (DNS rebinding) gets nothing."""
    ws = open_workspace(ws_dir)
    app = create_app(ws, require_login=False)
    case = json.loads(ws.record_paths()[0].read_text("utf-8"))["case_no"]
    for base in ("http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"):
        assert TestClient(app, base_url=base).get(f"/household/{case}").status_code == 200, base
    r = TestClient(app, base_url="http://evil.example:8080").get(f"/household/{case}")
    assert r.status_code == 421 and case not in r.text and "127.0.0.1" in r.text


def test_reader_role_limits_and_denials_logged(shared):
    """查阅 reads, searches and prints; no edit, no jobs, no 花名册 export (full ID and card numbers),
    no accounts, no log; each refusal is in the log with the account and address."""
    ws, app, records, _v = shared
    case = next(iter(records))
    c = TestClient(app)
    login(c, "李强")
    page = c.get(f"/household/{case}")
    assert page.status_code == 200
    data = records[case][1]
    for m in data["members"]:
        if m.get("id_number"):
            assert m["id_number"] not in page.text and m["id_number"][-4:] in page.text
    for url in (f"/household/{case}/edit", "/jobs", "/roster", "/roster/export.xlsx", "/inbox/pending.xlsx",
                "/log", "/users"):
        assert c.get(url).status_code == 403, url
    denied = [e for e in journal.read(ws.state_dir)[0] if e.action == "denied"]
    assert len(denied) == 7 and all(e.user == "李强" and e.detail["client"] == "testclient" for e in denied)
    done = dibao(["--workspace", str(ws.root), "log", "--user", "李强"])
    assert "拒绝" in done.stdout and "/roster/export.xlsx" in done.stdout


def test_admin_manages_accounts_in_the_browser(shared):
    ws, app, records, villages = shared
    accounts.add(ws.state_dir, "管理甲", "管理员", PASSWORD)
    admin = TestClient(app)
    assert login(admin, "管理甲").status_code == 303
    page = admin.get("/users")
    assert page.status_code == 200 and "李强" in page.text and "$argon2" not in page.text
    csrf = csrf_of(page.text)
    r = admin.post("/users", data={"csrf": csrf, "action": "add", "name": "新人", "role": "查阅",
                                   "villages": villages[0], "password": "short"})
    assert r.status_code == 400 and "密码太短" in r.text and "新人" not in accounts.load(ws.state_dir)
    r = admin.post("/users", data={"csrf": csrf, "action": "add", "name": "新人", "role": "查阅",
                                   "villages": villages[0], "password": PASSWORD})
    assert r.status_code == 200 and accounts.load(ws.state_dir)["新人"].villages == [villages[0]]
    newcomer = TestClient(app)
    assert login(newcomer, "新人").status_code == 303
    r = admin.post("/users", data={"csrf": csrf, "action": "update", "name": "新人", "role": "经办", "villages": ""})
    assert r.status_code == 200
    assert accounts.load(ws.state_dir)["新人"].role == "经办"
    assert newcomer.get(f"/household/{next(iter(records))}/edit").status_code == 200   # applied at once
    r = admin.post("/users", data={"csrf": csrf, "action": "remove", "name": "管理甲"})
    assert r.status_code == 400 and "管理甲" in accounts.load(ws.state_dir)
    r = admin.post("/users", data={"csrf": csrf, "action": "remove", "name": "新人"})
    assert r.status_code == 200 and "新人" not in accounts.load(ws.state_dir)
    assert newcomer.get("/", follow_redirects=False).status_code == 303
    actions = [e.action for e in journal.read(ws.state_dir)[0] if e.user == "管理甲"]
    assert actions.count("user-add") == 1 and "user-update" in actions and "user-remove" in actions
    # without the CSRF token nothing changes
    assert admin.post("/users", data={"action": "remove", "name": "李强"}).status_code == 403
    assert "李强" in accounts.load(ws.state_dir)


def test_own_password_change_ends_other_sessions(shared):
    ws, app, _records, _v = shared
    here, elsewhere = TestClient(app), TestClient(app)
    login(here, "李强")
    login(elsewhere, "李强")
    csrf = csrf_of(here.get("/password").text)
    r = here.post("/password", data={"csrf": csrf, "old": "wrong-one-x", "new": "new-pass-2026", "again": "new-pass-2026"})
    assert r.status_code == 400 and "原密码不对" in r.text
    r = here.post("/password", data={"csrf": csrf, "old": PASSWORD, "new": "new-pass-2026", "again": "new-pass-2026"})
    assert r.status_code == 200 and "密码已修改" in r.text
    assert here.get("/").status_code == 200
    assert elsewhere.get("/", follow_redirects=False).status_code == 303
    assert accounts.verify(accounts.load(ws.state_dir), "李强", "new-pass-2026") is not None
