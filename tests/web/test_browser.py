"""The web UI walked in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium).

Selenium is given /usr/bin/chromedriver and /usr/bin/chromium, so Selenium Manager never
downloads anything.  Screenshots of the main pages go to $DIBAO_WEB_SCREENSHOTS when set (the
README's docs/web/*.png are made this way), else to the test's temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from archive import journal
from archive.web import accounts
from archive.web.app import create_app
from archive.workspace import open_workspace

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "mima-2026-ok"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn serving the app in a thread of the test process."""

    def __init__(self, app, host="127.0.0.1"):
        import uvicorn

        self.port = _free_port()
        self.url = f"http://{host}:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=self.port, log_level="warning",
                                                    access_log=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def browser(tmp_path, monkeypatch):
    from selenium import webdriver
    from selenium.common.exceptions import SessionNotCreatedException
    from selenium.webdriver.chrome.service import Service

    assert os.path.exists(CHROMEDRIVER), "chromium-driver missing: run make setup (tools/setup-system.sh)"
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--lang=zh-CN", "--disable-gpu", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        opts.add_argument(arg)
    # A short TMPDIR of its own: Chromium puts its SingletonSocket there and dies ("Socket path too long")
    # when the path passes the 108-byte limit of a Unix socket, as with pytest's tmp_path or the TMPDIR an
    # in-process dibao run leaves inside a workspace (archive/tmpdir.py).  And a working folder that exists.
    short = Path(tempfile.mkdtemp(prefix="dbc-", dir="/tmp"))
    env = {**os.environ, "TMPDIR": str(short)}
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "chromedriver.log"

    def start():
        return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER, env=env, log_output=str(log),
                                                service_args=["--verbose"]), options=opts)

    try:
        driver = start()
    except SessionNotCreatedException:   # Chromium that exited at start on a loaded machine: once more
        time.sleep(2)
        try:
            driver = start()
        except SessionNotCreatedException as exc:
            tail = log.read_text("utf-8", "replace")[-3000:] if log.exists() else ""
            raise AssertionError(f"Chromium did not start: {exc.msg}\n{tail}") from None
    driver.set_page_load_timeout(120)
    driver.implicitly_wait(10)   # elements of a page still loading after a click are waited for
    yield driver
    driver.quit()
    shutil.rmtree(short, ignore_errors=True)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("DIBAO_WEB_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _first_record(ws):
    path = ws.record_paths()[0]
    data = json.loads(path.read_text("utf-8"))
    head = next(m for m in data["members"] if m["relation"] == "本人")
    return path, data, head


def _click_and_wait(driver, element) -> None:
    """Click a submit button or link and wait until the browser has left the page (no stale reads)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def gone(_driver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:   # stale, or "node does not belong to the document" mid-navigation
            return True
        return False

    WebDriverWait(driver, 120).until(gone)


def _fetch(driver, url: str) -> tuple[int, bytes]:
    """GET with the browser's session cookie (for a PDF, which headless Chromium would download)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    req = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.status, r.read()


def test_clerk_walk_search_print_edit(ws_dir, browser, shots):
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    ws = open_workspace(ws_dir)
    path, data, head = _first_record(ws)
    case = data["case_no"]
    with Server(create_app(ws, require_login=False, local_user="测试员")) as srv:
        b = browser
        b.get(srv.url + "/")
        assert "全镇概况" in b.page_source and b.find_elements(By.CSS_SELECTOR, "svg.chart")
        b.save_screenshot(str(shots / "overview.png"))
        # search -> household
        b.get(srv.url + "/search")
        b.find_element(By.ID, "q").send_keys(head["name"])
        _click_and_wait(b, b.find_element(By.ID, "search-go"))
        hits = b.find_elements(By.CSS_SELECTOR, "a.hh-hit")
        assert hits and case in hits[0].text
        b.save_screenshot(str(shots / "search.png"))
        _click_and_wait(b, hits[0])
        assert b.find_element(By.ID, "household-title").text.startswith(case)
        assert head["name"] in b.find_element(By.ID, "members").text
        assert head["id_number"] not in b.page_source            # IDs shown masked
        b.save_screenshot(str(shots / "household.png"))
        # print a form prefilled from the record: a real PDF from LibreOffice, with the head's name
        link = b.find_elements(By.CSS_SELECTOR, "a.print")[0]
        status, pdf = _fetch(b, link.get_attribute("href"))
        assert status == 200 and pdf.startswith(b"%PDF")
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
        assert head["name"] in text.replace(" ", "")
        # edit a phone number: saved
        _click_and_wait(b, b.find_element(By.ID, "edit-link"))
        _click_and_wait(b, b.find_element(By.LINK_TEXT, "家庭成员"))
        phone = b.find_element(By.NAME, "members[0].phone")
        phone.clear()
        phone.send_keys("13912345678")
        _click_and_wait(b, b.find_element(By.ID, "save"))
        assert "已保存" in b.find_element(By.ID, "message").text
        saved = path.read_bytes()
        assert json.loads(saved)["members"][0]["phone"] == "13912345678"
        # a wrong ID number: refused at the field with validate's Chinese message, record unchanged
        wrong = head["id_number"][:17] + ("0" if head["id_number"][17] != "0" else "1")
        field = b.find_element(By.NAME, "members[0].id_number")
        field.clear()
        field.send_keys(wrong)
        _click_and_wait(b, b.find_element(By.ID, "save"))
        assert "未保存" in b.find_element(By.ID, "message").text
        err = b.find_element(By.CSS_SELECTOR, ".has-error .field-error").text
        assert "身份证" in err or "校验" in err
        b.save_screenshot(str(shots / "edit-refused.png"))
        assert path.read_bytes() == saved
        # a stale edit: another clerk saves after this page was opened -> refused, nothing overwritten
        b.get(srv.url + f"/household/{case}/edit?section=household")
        other = json.loads(saved)
        other["notes"] = "另一位经办人刚改过"
        path.write_text(json.dumps(other, ensure_ascii=False, indent=2), "utf-8")
        changed = path.read_bytes()
        box = b.find_element(By.NAME, "phone")
        box.clear()
        box.send_keys("0351-1234567")
        _click_and_wait(b, b.find_element(By.ID, "save"))
        assert "已被别人" in b.find_element(By.ID, "message").text
        assert path.read_bytes() == changed
        # the household page lists the saved change
        b.get(srv.url + f"/household/{case}")
        assert "13912345678" in b.find_element(By.ID, "history").text
    prints = [e for e in journal.read(ws.state_dir)[0] if e.action == "print"]
    assert prints and prints[0].household == case


def test_network_walk_login_roles_csrf_log(ws_dir, browser, shots):
    from selenium.webdriver.common.by import By

    ws = open_workspace(ws_dir)
    accounts.add(ws.state_dir, "李强", "查阅", PASSWORD)
    path, data, head = _first_record(ws)
    case = data["case_no"]
    before = path.read_bytes()
    with Server(create_app(ws, require_login=True)) as srv:
        b = browser
        # no data without login
        b.get(srv.url + f"/household/{case}")
        assert "/login" in b.current_url and head["name"] not in b.page_source
        b.save_screenshot(str(shots / "login.png"))
        b.find_element(By.NAME, "name").send_keys("李强")
        b.find_element(By.NAME, "password").send_keys(PASSWORD)
        _click_and_wait(b, b.find_element(By.ID, "login"))
        assert b.find_element(By.ID, "household-title").text.startswith(case)   # back where it was going
        assert not b.find_elements(By.ID, "edit-link")
        # 查阅 cannot edit
        b.get(srv.url + f"/household/{case}/edit")
        assert "没有这项权限" in b.find_element(By.ID, "message").text
        # a POST without the CSRF token is refused (sent from the page, with the session cookie)
        status = b.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/household/" + case + "/edit?section=household', {method: 'POST', credentials: 'same-origin',"
            " headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'phone=1'})"
            ".then(r => done(r.status)).catch(e => done(String(e)));")
        assert status == 403
        b.get(srv.url + "/")
        b.get(srv.url + f"/household/{case}")
    assert path.read_bytes() == before
    views = [e for e in journal.read(ws.state_dir)[0] if e.action == "view" and e.household == case]
    assert len(views) == 2 and all(e.user == "李强" and e.detail["client"] == "127.0.0.1" for e in views)
