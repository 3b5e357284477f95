"""The dibao web UI: Starlette pages (Jinja2, htmx) over the archive/ and indexer/ libraries.

Access:
  * served on a loopback address (127.0.0.1) nobody logs in: the person at the machine is its
    管理员, as with the command line;
  * served to the network (`require_login`), every page but the login page needs an account
    (archive/web/accounts.py); sessions live in memory, in an HttpOnly SameSite=Strict cookie;
  * every POST carries the session's CSRF token (form field `csrf` or header X-CSRF-Token);
  * failed logins are rate-limited per client address and per account name;
  * every view of a household, print, export, search and edit goes into the workspace journal
    (who, what, client address), read by `dibao log`.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archive import journal
from archive.errors import DibaoError
from archive.web import accounts as acc_mod
from archive.web.accounts import Account
from archive.web.data import Audits, Catalog, Checked, Searcher, inside, preview_png, volumes_of

COOKIE = "dibao_session"
SESSION_IDLE = 8 * 3600
LOGIN_WINDOW = 600
LOGIN_MAX_FAILS = 5
STATIC = Path(__file__).with_name("static")


@dataclass
class Session:
    user: Account | None
    csrf: str
    last: float = field(default_factory=time.monotonic)


class AccountFile:
    """The accounts of .dibao/users.json, re-read when the file changes (a stat per request), so
    `dibao user remove` / `passwd` / a new role take effect on the running server at once."""

    def __init__(self, state_dir: Path):
        self.state_dir = Path(state_dir)
        self._key = None
        self._accounts: dict[str, Account] = {}
        self._lock = threading.Lock()

    def current(self) -> dict[str, Account]:
        try:
            st = acc_mod.users_path(self.state_dir).stat()
            key = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            key = None
        with self._lock:
            if key != self._key:
                self._accounts = acc_mod.load(self.state_dir) if key else {}
                self._key = key
            return self._accounts


class Denied(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class WebApp:
    def __init__(self, ws, *, require_login: bool, local_user: str | None = None):
        self.ws = ws
        self.require_login = require_login
        self.local = Account(name=local_user or _os_user() or "本机", role="管理员")
        self.catalog = Catalog(ws)
        self.audits = Audits(ws)
        self.checked = Checked(ws, self.audits, catalog=self.catalog)
        self.searcher = Searcher(ws)
        self.sessions: dict[str, Session] = {}
        self.accounts = AccountFile(ws.state_dir)
        self.fails: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()
        self._conv = None
        self._conv_lock = threading.Lock()
        from archive.web.jobs import Jobs

        self.jobs = Jobs(ws)
        self.history = EditHistory(ws.state_dir)
        self.env = Environment(loader=PackageLoader("archive.web", "templates"),
                               autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.env.filters["urlq"] = lambda s: quote(str(s), safe="")
        self.env.globals["town"] = ws.config.town

    # ------------------------------------------------------------------ sessions and access
    def session(self, request: Request) -> tuple[Session, str | None]:
        """The request's session; a new token (to set as cookie) when it had none."""
        token = request.cookies.get(COOKIE)
        now = time.monotonic()
        with self._lock:
            s = self.sessions.get(token) if token else None
            if s is not None and now - s.last > SESSION_IDLE:
                self.sessions.pop(token, None)
                s = None
            if s is not None:
                s.last = now
                if not self.require_login:
                    s.user = self.local
                elif s.user is not None:
                    # removed account or changed password: logged out; changed role or villages: applied
                    cur = self.accounts.current().get(s.user.name)
                    s.user = cur if cur is not None and cur.hash == s.user.hash else None
                return s, None
            token = secrets.token_urlsafe(32)
            s = Session(user=None if self.require_login else self.local, csrf=secrets.token_urlsafe(32))
            self.sessions[token] = s
            return s, token

    def client(self, request: Request) -> str:
        return request.client.host if request.client else ""

    def log(self, request: Request, user: Account | None, action: str, household: str | None = None, **detail):
        detail = {"client": self.client(request), "path": request.url.path, **detail}
        journal.append(self.ws.state_dir, action, user=user.name if user else "（未登录）", household=household,
                       detail=detail)

    def render(self, request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        s: Session = request.state.session
        html = self.env.get_template(template).render(
            request=request, user=s.user, csrf=s.csrf, login=self.require_login, path=request.url.path,
            jobs=self.jobs, **ctx)
        return HTMLResponse(html, status_code=status)

    def visible(self, user: Account):
        return [h for h in self.catalog.refresh() if user.sees(h.village)]

    def household(self, user: Account, case_no: str):
        h = self.catalog.find(case_no)
        if h is None or not user.sees(h.village):
            raise Denied(404, f"没有对象编号为“{case_no}”的家庭，或您的账号无权查看")
        return h

    def converter(self):
        if self._conv is None:
            from archive.external.libreoffice import Converter

            self._conv = Converter(workers=1, timeout=self.ws.config.convert_timeout,
                                   memory_mb=self.ws.config.convert_memory_mb)
        return self._conv

    def close(self):
        self.searcher.close()
        if self._conv is not None:
            self._conv.close()
            self._conv = None


class EditHistory:
    """Each household's saved edits from the journal, read incrementally (only the lines appended
    since the last page), so a household page does not re-read a journal of every view ever logged.
    The chain itself is checked by `dibao log` / `dibao verify`, not here."""

    def __init__(self, state_dir: Path):
        self.path = journal.journal_path(state_dir)
        self.offset = 0
        self.by_case: dict[str, list] = {}
        self._lock = threading.Lock()

    def edits(self, case_no: str) -> list:
        import json

        with self._lock:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size < self.offset:   # replaced: start again
                self.offset, self.by_case = 0, {}
            if size > self.offset:
                with open(self.path, "rb") as fh:
                    fh.seek(self.offset)
                    chunk = fh.read(size - self.offset)
                end = chunk.rfind(b"\n") + 1
                for line in chunk[:end].splitlines():
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        continue
                    if obj.get("action") == "edit" and obj.get("household"):
                        self.by_case.setdefault(obj["household"], []).append(
                            journal.Entry(**{k: obj.get(k) for k in ("seq", "time", "user", "action", "household",
                                                                      "detail", "prev", "hash")}))
                self.offset += end
            return list(self.by_case.get(case_no, []))


def _os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""


def page(role: str = "查阅", *, public: bool = False):
    """Wrap a handler: session, login, role, CSRF on POST, Chinese error pages, security headers."""

    def deco(fn):
        async def handler(request: Request):
            app: WebApp = request.app.state.web
            s, new_token = app.session(request)
            request.state.session = s
            try:
                if not app.require_login and not _loopback_host(request.headers.get("host", "")):
                    # a page of another site that rebinds its name to 127.0.0.1 must not read this one
                    raise Denied(421, "本机模式只接受用 http://127.0.0.1 或 http://localhost 打开。"
                                      "要让其他电脑访问，请建账号后用 dibao serve --host 0.0.0.0 启动。")
                if request.method == "POST":
                    form = await request.form(max_files=4, max_fields=5000)
                    request.state.form = form
                    token = request.headers.get("x-csrf-token") or form.get("csrf") or ""
                    if not secrets.compare_digest(str(token), s.csrf):
                        raise Denied(403, "请求缺少有效的安全令牌（CSRF），已拒绝。请刷新页面后重试。")
                if not public:
                    if s.user is None:
                        if request.method == "GET":
                            resp = RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)
                            return _finish(resp, new_token)
                        raise Denied(401, "请先登录。")
                    if not s.user.can(role):
                        raise Denied(403, f"您的账号（{s.user.role}）没有这项权限，需要“{role}”及以上角色。")
                resp = await run_in_threadpool(fn, app, request, s.user)
            except Denied as d:
                if d.status in (401, 403) and s.user is not None:
                    app.log(request, s.user, "denied", status=d.status, method=request.method)
                resp = app.render(request, "error.html", status=d.status, message=d.message)
            except DibaoError as e:
                resp = app.render(request, "error.html", status=400, message=e.user_message())
            return _finish(resp, new_token)

        handler.__name__ = fn.__name__
        handler.inner = fn
        return handler

    return deco


def _loopback_host(host: str) -> bool:
    """Whether a Host header names this machine by a loopback name (127.x.x.x, localhost, [::1])."""
    import ipaddress

    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:name.find("]")] if "]" in name else name[1:]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _finish(resp: Response, new_token: str | None) -> Response:
    if new_token:
        resp.set_cookie(COOKIE, new_token, httponly=True, samesite="strict", path="/")
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' "
                                               "'unsafe-inline'; frame-ancestors 'none'")
    resp.headers.setdefault("Cache-Control", "no-store")
    return resp


# ---------------------------------------------------------------------- pages

@page(public=True)
def login(app: WebApp, request: Request, user):
    nxt = request.query_params.get("next", "/")
    if not nxt.startswith("/") or nxt.startswith("//"):
        nxt = "/"
    if request.method == "GET":
        if not app.require_login:
            return RedirectResponse("/", status_code=303)
        return app.render(request, "login.html", next=nxt)
    form = request.state.form
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    client = app.client(request)
    now = time.monotonic()
    for key in (f"ip:{client}", f"user:{name}"):
        q = app.fails[key]
        while q and now - q[0] > LOGIN_WINDOW:
            q.popleft()
        if len(q) >= LOGIN_MAX_FAILS:
            return app.render(request, "login.html", status=429, next=nxt,
                              error="登录失败次数过多，请 10 分钟后再试。")
    found = acc_mod.verify(app.accounts.current(), name, password)
    if found is None:
        app.fails[f"ip:{client}"].append(now)
        app.fails[f"user:{name}"].append(now)
        app.log(request, None, "login-failed", name=name)
        return app.render(request, "login.html", status=401, next=nxt, error="账号或密码不对。")
    # a fresh session on login (no fixation)
    token = secrets.token_urlsafe(32)
    with app._lock:
        old = request.cookies.get(COOKIE)
        app.sessions.pop(old, None)
        app.sessions[token] = Session(user=found, csrf=secrets.token_urlsafe(32))
    app.log(request, found, "login")
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
    return resp


@page(public=True)
def logout(app: WebApp, request: Request, user):
    if user is not None and app.require_login:
        app.log(request, user, "logout")
    with app._lock:
        app.sessions.pop(request.cookies.get(COOKIE), None)
    resp = RedirectResponse("/login" if app.require_login else "/", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


def _bars(counts: dict[str, int], top: int | None = None) -> list[tuple[str, int, float]]:
    top = top or max(counts.values(), default=0) or 1
    return [(k, v, v / top) for k, v in counts.items()]


@page()
def overview(app: WebApp, request: Request, user):
    hhs = app.visible(user)
    villages: dict[str, dict] = {}
    for h in hhs:
        v = villages.setdefault(h.village, {"households": 0, "invalid": 0, "missing": 0, "complete": 0})
        v["households"] += 1
        v["invalid"] += 0 if h.valid else 1
    kinds: dict[str, int] = {}
    result = app.audits.town(app.catalog.signature)
    for a in result.households:
        if a.village not in villages:
            continue
        miss = a.missing
        villages[a.village]["missing"] += len(miss)
        villages[a.village]["complete"] += 0 if miss else 1
        for g in miss:
            kinds[g.kind] = kinds.get(g.kind, 0) + 1
    rows = [(name, v, (v["complete"] / v["households"]) if v["households"] else 0) for name, v in sorted(villages.items())]
    return app.render(request, "overview.html", villages=rows, kinds=_bars(kinds),
                      completeness=_bars({n: round(p * 100) for n, _v, p in rows}, top=100), total=len(hhs))


@page()
def village(app: WebApp, request: Request, user):
    name = request.path_params["name"]
    if not user.sees(name):
        raise Denied(403, "您的账号无权查看这个村（社区）。")
    hh_type = request.query_params.get("type", "")
    kind = request.query_params.get("kind", "")
    result = app.audits.town(app.catalog.signature)
    by_case = {a.case_no: a for a in result.households}
    rows = []
    for h in app.visible(user):
        if h.village != name or (hh_type and h.type != hh_type):
            continue
        a = by_case.get(h.case_no)
        miss = a.missing if a else []
        if kind and not any(g.kind == kind for g in miss):
            continue
        rows.append((h, miss))
    kinds = sorted({g.kind for a in result.households if a.village == name for g in a.missing})
    return app.render(request, "village.html", name=name, rows=rows, hh_type=hh_type, kind=kind, kinds=kinds,
                      types=("城市低保", "农村低保", "特困", "低保边缘"))


def _forms_for(ws, *, household: bool):
    from archive.forms import load_catalog

    prof = ws.config.profile
    specs = [s for s in load_catalog() if s.id.startswith(prof + "-")] or load_catalog()
    return [s for s in specs if (not s.is_list) == household] if household is not None else specs


@page()
def household(app: WebApp, request: Request, user):
    from archive.records.calc import compute, default_year

    h = app.household(user, request.path_params["case"])
    rec, audit = app.checked.get(h)
    hh = rec.household
    calc, calc_error, gaps, flags, scans = None, "", [], [], []
    if hh is not None:
        if default_year(hh) is not None:
            try:
                calc = compute(hh, app.ws.config)
            except DibaoError as e:
                calc_error = e.user_message()
        gaps, flags = audit.gaps, audit.flags
        from archive.audit.scanlist import list_scans

        scans = list_scans(hh, app.ws.root)
    events = sorted(hh.events, key=lambda e: e.date) if hh else []
    history = app.history.edits(h.case_no)
    app.log(request, user, "view", h.case_no)
    from archive.ids import mask

    return app.render(request, "household.html", h=h, hh=hh, problems=rec.problems, calc=calc, calc_error=calc_error,
                      gaps=gaps, flags=flags, events=events, volumes=volumes_of(app.ws, h.case_no), scans=scans,
                      forms=_forms_for(app.ws, household=True), history=history[::-1], mask=mask)


@page()
def print_form(app: WebApp, request: Request, user):
    """One form as PDF: prefilled from the household's record, or blank (?blank=1)."""
    from archive import forms as formsmod

    form_id = request.path_params["form"]
    blank = request.query_params.get("blank") == "1"
    case = request.query_params.get("household")
    h = app.household(user, case) if case else None
    if not blank and h is None:
        raise Denied(400, "按记录填表需要指定家庭。")
    spec = formsmod.get(form_id)
    if blank:
        data = formsmod.render(form_id, app.ws, blank=True).data
    else:
        data = formsmod.render(form_id, app.ws, household=h.path).data
    with tempfile.TemporaryDirectory(prefix="dibao-web-") as tmp:
        out = Path(tmp) / "form.pdf"
        with app._conv_lock:
            formsmod.docx_bytes_to_pdf([(data, out)], app.converter())
        pdf = out.read_bytes()
    app.log(request, user, "print", h.case_no if h else None, form=form_id, blank=blank)
    name = f"{h.case_no}-{spec.title}.pdf" if h else f"空白-{spec.title}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"})


@page()
def preview(app: WebApp, request: Request, user):
    """A page of a volume or scan as PNG (pdftoppm), for files of a household the account sees."""
    h = app.household(user, request.query_params.get("household", ""))
    rel = request.query_params.get("file", "")
    try:
        pg = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        pg = 1
    path = inside(app.ws.root, rel)
    if path is None or not _belongs(app, h, path):
        raise Denied(404, "没有这个文件。")
    png = preview_png(app.ws, path, pg)
    if png is None:
        raise Denied(404, "这一页无法预览。")
    return FileResponse(png, media_type="image/png" if png.suffix == ".png" else "image/jpeg",
                        headers={"Cache-Control": "private, max-age=300"})


def _belongs(app: WebApp, h, path: Path) -> bool:
    from archive.volumes.manifest import safe_prefix

    rel_parts = path.relative_to(app.ws.root.resolve()).parts
    return any(part.startswith(safe_prefix(h.case_no)) for part in rel_parts[:-1]) or h.case_no in path.name


@page()
def open_file(app: WebApp, request: Request, user):
    h = app.household(user, request.query_params.get("household", ""))
    path = inside(app.ws.root, request.query_params.get("file", ""))
    if path is None or not _belongs(app, h, path):
        raise Denied(404, "没有这个文件。")
    app.log(request, user, "view", h.case_no, file=path.relative_to(app.ws.root.resolve()).as_posix())
    return safe_file(path)


# files the browser may show itself; anything else (a .html or .svg among the scans, a .docx…)
# is only ever downloaded, as bytes, so no file of the workspace runs as a page of this site
INLINE_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp"}


def safe_file(path: Path, *, attachment: bool = False) -> FileResponse:
    media = INLINE_TYPES.get(path.suffix.lower())
    how = "inline" if media and not attachment else "attachment"
    headers = {"Content-Disposition": f"{how}; filename*=UTF-8''{quote(path.name)}"}
    if media != "application/pdf":
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return FileResponse(path, media_type=media if how == "inline" else "application/octet-stream",
                        headers=headers)


@page()
def search(app: WebApp, request: Request, user):
    q = request.query_params.get("q", "").strip()
    groups, record_hits, note, total = _search(app, user, q)
    if q:
        app.log(request, user, "search", query=q, hits=total)
    return app.render(request, "search.html", q=q, groups=groups, record_hits=record_hits, note=note, total=total)


def _search(app: WebApp, user, q: str, limit: int = 20):
    """Records whose name, 对象编号, phone or ID tail match; and index hits grouped by household and file."""
    if not q:
        return [], [], "", 0
    words = q.split()
    record_hits = []
    for h in app.visible(user):
        if all(w in h.hay for w in words):
            record_hits.append(h)
    groups: dict[str, dict] = {}
    note = ""
    total = len(record_hits)
    try:
        result = app.searcher.search(q, limit=limit)
    except DibaoError as e:
        note = e.user_message()
    else:
        for hit in result.hits:
            if not _sees_hit(user, hit):
                continue
            level = not hit.household and hit.source == "archive" and bool(hit.village)   # village volume, box list
            g = groups.setdefault(hit.household or (f"村级:{hit.village}" if level else "（未对应到户）"),
                                  {"case": hit.household, "head": hit.head, "village": hit.village, "files": {},
                                   "village_level": level})
            rel = ""
            try:
                rel = Path(hit.pdf_path).resolve().relative_to(app.ws.root.resolve()).as_posix()
            except ValueError:
                pass
            g["files"].setdefault((hit.title, rel), []).append(hit)
            total += 1
        if not result.hits and result.suggestion:
            note = result.suggestion
        elif result.approximate:   # no exact page; these differ by one character (indexer.near)
            note = result.notes[-1]
    return list(groups.values()), record_hits, note, total


def _sees_hit(user, hit) -> bool:
    """An index hit the account may see: of its villages; a file not matched to any household (an
    old archive of unknown village) only for accounts not limited to villages."""
    return user.sees(hit.village) if hit.village else not user.villages


@page()
def search_export(app: WebApp, request: Request, user):
    """The inspector's export of the index hits (indexer.dossier, as `dibao search --export / --pdf`):
    the list as Excel, or the hit pages gathered into one PDF with bookmarks."""
    from indexer import dossier
    from indexer.pipeline import workspace_paths

    fmt = request.path_params["fmt"]
    if fmt not in ("xlsx", "pdf"):
        raise Denied(404, "不支持的导出格式。")
    q = request.query_params.get("q", "").strip()
    if not q:
        raise Denied(400, "请先输入检索内容。")
    result = app.searcher.search(q, limit=500)
    result.hits = [h for h in result.hits if _sees_hit(user, h)]
    if not result.hits:
        raise Denied(404, "没有命中的页，没有可导出的内容。")
    with tempfile.TemporaryDirectory(prefix="dibao-web-") as tmp:
        out = Path(tmp) / f"export.{fmt}"
        if fmt == "xlsx":
            dossier.export_xlsx(result, out)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            out, _problems = dossier.export_pdf(result, out, workspace_paths(app.ws.root)["word_pdf"])
            media = "application/pdf"
        data = Path(out).read_bytes()
    app.log(request, user, "search-export", query=result.query, pages=len(result.hits), format=fmt)
    name = f"检索结果.{fmt}"
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@page()
def audit_page(app: WebApp, request: Request, user):
    village_f = request.query_params.get("village", "")
    kind = request.query_params.get("kind", "")
    result = app.audits.town(app.catalog.signature)
    rows = []
    for a in result.households:
        if not user.sees(a.village) or (village_f and a.village != village_f):
            continue
        miss = [g for g in a.missing if not kind or g.kind == kind]
        if miss or a.flags:
            rows.append((a, miss))
    villages = sorted({a.village for a in result.households if user.sees(a.village)})
    from archive.audit.gaps import GAP_KINDS

    return app.render(request, "audit.html", rows=rows, villages=villages, kinds=GAP_KINDS, village=village_f,
                      kind=kind, as_of=result.as_of)


@page()
def audit_export(app: WebApp, request: Request, user):
    from archive.audit import audit_workspace

    fmt = request.path_params["fmt"]
    village_f = request.query_params.get("village") or None
    if village_f and not user.sees(village_f):
        raise Denied(403, "您的账号无权查看这个村（社区）。")
    if user.villages and not village_f:
        if len(user.villages) != 1:
            raise Denied(400, "您的账号限于几个村，请先选一个村再导出。")
        village_f = user.villages[0]
    result = audit_workspace(app.ws, village=village_f, jobs=1)
    with tempfile.TemporaryDirectory(prefix="dibao-web-") as tmp:
        out = Path(tmp) / f"audit.{fmt}"
        if fmt == "xlsx":
            from archive.audit.xlsx import write_xlsx

            write_xlsx(result, out)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "pdf":
            from archive.audit.pdf import write_report_pdf

            write_report_pdf(result, out)
            media = "application/pdf"
        else:
            raise Denied(404, "不支持的导出格式。")
        data = out.read_bytes()
    app.log(request, user, "export", what="audit", format=fmt, village=village_f or "")
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('审计.' + fmt)}"})


@page(role="经办")
def edit(app: WebApp, request: Request, user):
    from archive.web import editor

    h = app.household(user, request.path_params["case"])
    section = request.query_params.get("section") or "household"
    if section not in editor.SECTIONS:
        section = "household"
    outcome = None
    import json

    if request.method == "POST":
        form = {k: str(v) for k, v in request.state.form.items() if k not in ("csrf", "loaded")}
        outcome = editor.save(app.ws, h.path, section, form, str(request.state.form.get("loaded", "")),
                              user=user.name, case_no=h.case_no, client=app.client(request))
        if not outcome.saved and (outcome.errors or outcome.other_errors):
            data = json.loads(h.path.read_bytes().decode("utf-8-sig"))
            n_events = len(data.get("events") or [])
            rows = editor.section_rows(data, section, add_event=form.get(f"events[{n_events}].type"))
            for r in rows:
                for inp in r.inputs:
                    if inp.name in form:
                        inp.value = form[inp.name]
                    if inp.name in outcome.errors:
                        inp.error, inp.hint = outcome.errors[inp.name]
            from archive.records.model import EVENT_TYPES

            return app.render(request, "edit.html", status=422, h=h, section=section, sections=editor.SECTIONS,
                              rows=rows, event_types=EVENT_TYPES, loaded=str(request.state.form.get("loaded", "")), outcome=outcome)
        if outcome.stale:
            status = 409
        else:
            status = 200
    else:
        status = 200
    raw = h.path.read_bytes()
    data = json.loads(raw.decode("utf-8-sig"))
    rows = editor.section_rows(data, section, add_event=request.query_params.get("add"))
    import hashlib

    from archive.records.model import EVENT_TYPES

    return app.render(request, "edit.html", status=status, h=h, section=section, sections=editor.SECTIONS,
                      rows=rows, loaded=hashlib.sha256(raw).hexdigest(), outcome=outcome, event_types=EVENT_TYPES)


@page(role="管理员")
def log_page(app: WebApp, request: Request, user):
    entries, broken = journal.read(app.ws.state_dir)
    who = request.query_params.get("user", "")
    case = request.query_params.get("household", "")
    sel = [e for e in entries if (not who or e.user == who) and (not case or e.household == case)]
    return app.render(request, "log.html", entries=sel[::-1][:500], broken=broken, who=who, case=case)


def _villages_field(text: str) -> list[str]:
    import re

    return [v for v in re.split(r"[、，,；;\s]+", text.strip()) if v]


@page(role="管理员")
def users_page(app: WebApp, request: Request, user):
    """Accounts (管理员 only): add, change role and villages, set a new password, remove. The same
    .dibao/users.json and rules as `dibao user`; each change is in the workspace log."""
    message, error = "", ""
    if request.method == "POST":
        form = request.state.form
        act = str(form.get("action", ""))
        name = str(form.get("name", "")).strip()
        role = str(form.get("role", ""))
        villages = _villages_field(str(form.get("villages", "")))
        password = str(form.get("password", ""))
        try:
            if act == "add":
                acc_mod.add(app.ws.state_dir, name, role, password, villages)
                message = f"已添加账号 {name}（{role}）。"
                app.log(request, user, "user-add", name=name, role=role, villages=villages)
            elif act == "update":
                acc_mod.update(app.ws.state_dir, name, role, villages)
                message = f"已修改 {name} 的角色和可看的村。"
                app.log(request, user, "user-update", name=name, role=role, villages=villages)
            elif act == "passwd":
                acc_mod.passwd(app.ws.state_dir, name, password)
                message = f"已为 {name} 设置新密码（其已登录的浏览器须重新登录）。"
                app.log(request, user, "user-passwd", name=name)
            elif act == "remove":
                current = app.accounts.current()
                if name == user.name and app.require_login:
                    raise Denied(400, "不能删除自己正在使用的账号。")
                if current.get(name) and current[name].role == "管理员" and acc_mod._admins(current) == [name]:
                    raise Denied(400, f"“{name}”是唯一的管理员，不能删除。先把另一个账号设为管理员。")
                acc_mod.remove(app.ws.state_dir, name)
                message = f"已删除账号 {name}。"
                app.log(request, user, "user-remove", name=name)
            else:
                raise Denied(400, "不认识的操作。")
        except DibaoError as e:
            error = e.user_message()
        except Denied as d:
            error = d.message
    villages = sorted({h.village for h in app.catalog.refresh()})
    return app.render(request, "users.html", status=400 if error else 200, accounts=app.accounts.current(),
                      roles=acc_mod.ROLES, villages=villages, message=message, error=error)


@page()
def password_page(app: WebApp, request: Request, user):
    """Any account changes its own password (the old one asked again)."""
    message, error = "", ""
    if not app.require_login:
        raise Denied(400, "本机模式不用登录，没有密码可改；共享到网络时的账号由管理员在“账号”页管理。")
    if request.method == "POST":
        form = request.state.form
        old, new, again = (str(form.get(k, "")) for k in ("old", "new", "again"))
        if acc_mod.verify(app.accounts.current(), user.name, old) is None:
            error = "原密码不对。"
        elif new != again:
            error = "两次输入的新密码不一样。"
        else:
            try:
                acc_mod.passwd(app.ws.state_dir, user.name, new)
            except DibaoError as e:
                error = e.user_message()
            else:
                # this session stays (the one that changed it); the account's other sessions end
                fresh = app.accounts.current().get(user.name)
                with app._lock:
                    for tok, sess in list(app.sessions.items()):
                        if sess.user is not None and sess.user.name == user.name:
                            if sess is request.state.session:
                                sess.user = fresh
                            else:
                                app.sessions.pop(tok, None)
                app.log(request, user, "user-passwd", name=user.name)
                message = "密码已修改。"
    return app.render(request, "password.html", status=400 if error else 200, message=message, error=error)


@page()
def packs(app: WebApp, request: Request, user):
    villages = sorted({h.village for h in app.visible(user)})
    return app.render(request, "packs.html", forms=_forms_for(app.ws, household=None), villages=villages)


@page()
def blank_pack(app: WebApp, request: Request, user):
    """This profile's blank forms, each as many copies as asked, in one PDF."""
    from archive import forms as formsmod

    form = request.state.form
    counts = []
    for s in _forms_for(app.ws, household=None):
        try:
            n = int(str(form.get(f"n-{s.id}", "0")) or 0)
        except ValueError:
            n = 0
        if n > 0:
            counts.append((s.id, min(n, 200)))
    if not counts:
        raise Denied(400, "请至少给一张表填写份数。")
    from pypdf import PdfReader, PdfWriter

    with tempfile.TemporaryDirectory(prefix="dibao-web-") as tmp:
        out = Path(tmp) / "pack.pdf"
        with app._conv_lock:
            formsmod.write_blank_pack(app.ws, out, converter=app.converter(), form_ids=[f for f, _ in counts])
        reader = PdfReader(str(out))
        writer = PdfWriter()
        # the pack has one outline item per form, in order; copy each form's pages n times
        starts = [reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)]
        starts.append(len(reader.pages))
        for (fid, n), a, b in zip(counts, starts, starts[1:]):
            for _ in range(n):
                for i in range(a, b):
                    writer.add_page(reader.pages[i])
        buf = io.BytesIO()
        writer.write(buf)
    from archive.pdfa import finalize_merged

    data = finalize_merged(buf.getvalue(), title="空白表打印包")
    app.log(request, user, "print", what="blank-pack", forms={f: n for f, n in counts})
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote('空白表打印包.pdf')}"})


@page()
def village_pack(app: WebApp, request: Request, user):
    """A village's annual-review pack: the annual-review form of every household, prefilled."""
    from archive import forms as formsmod
    from pypdf import PdfWriter

    name = str(request.state.form.get("village", ""))
    if not user.sees(name):
        raise Denied(403, "您的账号无权查看这个村（社区）。")
    hhs = [h for h in app.visible(user) if h.village == name and h.household is not None]
    if not hhs:
        raise Denied(404, f"“{name}”没有可用的家庭记录。")
    cfg = app.ws.config
    items, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="dibao-web-") as tmp:
        for i, h in enumerate(hhs):
            fid = cfg.annual_review_form_tekun if h.type == "特困" else cfg.annual_review_form
            try:
                items.append((formsmod.render(fid, app.ws, household=h.path).data, Path(tmp) / f"{i:04d}.pdf"))
            except DibaoError as e:
                skipped.append(f"{h.case_no}：{e.user_message()}")
        with app._conv_lock:
            pdfs = formsmod.docx_bytes_to_pdf(items, app.converter())
        writer = PdfWriter()
        for p in pdfs:
            writer.append(str(p))
        buf = io.BytesIO()
        writer.write(buf)
    from archive.pdfa import finalize_merged

    data = finalize_merged(buf.getvalue(), title=f"{name}年审打印包")
    app.log(request, user, "print", what="annual-review-pack", village=name, households=len(items),
            skipped=len(skipped))
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name + '-年审打印包.pdf')}"})


@page(role="经办")
def jobs_page(app: WebApp, request: Request, user):
    msg = ""
    if request.method == "POST":
        kind = str(request.state.form.get("kind", ""))
        msg = app.jobs.start(kind, user.name)
        app.log(request, user, "job", what=kind, result=msg)
    partial = request.headers.get("hx-request") == "true"
    return app.render(request, "jobs_part.html" if partial else "jobs.html", message=msg)


# ---------------------------------------------------------------------- roster import / export (archive/roster)

def _whole_town(user, why: str) -> None:
    if user.villages:
        raise Denied(403, f"限定村的账号不能做这项操作（{why}），请由不限村的经办人来做。")


MAX_UPLOAD = 50 * 1024 * 1024


def _upload_dir(app: WebApp, token: str) -> Path:
    if not token.isalnum() or len(token) > 64:
        raise Denied(404, "没有这次上传（可能已过期），请重新上传。")
    return app.ws.state_dir / "uploads" / token


@page(role="经办")
def roster_page(app: WebApp, request: Request, user):
    villages = sorted({h.village for h in app.visible(user)})
    return app.render(request, "roster.html", villages=villages, out=None)


@page(role="经办")
def roster_check(app: WebApp, request: Request, user):
    """Upload a 台账 and check it (dry run): what would be added, updated, and each row's problems."""
    from archive.records.model import safe_filename
    from archive.roster.columns import load_mapping
    from archive.roster.importer import run_import

    _whole_town(user, "台账可能含其他村的户")
    form = request.state.form
    token = str(form.get("token", ""))
    if token:
        folder = _upload_dir(app, token)
        files = [p for p in folder.iterdir() if p.is_file() and ".检查结果" not in p.name] if folder.is_dir() else []
        if not files:
            raise Denied(404, "没有这次上传（可能已过期），请重新上传。")
        path = files[0]
    else:
        upload = form.get("file")
        if upload is None or not getattr(upload, "filename", ""):
            raise Denied(400, "请选择要导入的台账文件（.xlsx、.xls、.et 或 .csv）。")
        name = safe_filename(Path(upload.filename).name) or "台账.xlsx"
        if Path(name).suffix.lower() not in (".xlsx", ".xls", ".et", ".csv"):
            raise Denied(400, f"文件“{name}”不是台账（.xlsx、.xls、.et 或 .csv）。")
        if (getattr(upload, "size", None) or 0) > MAX_UPLOAD:
            raise Denied(413, f"文件“{name}”太大（超过 {MAX_UPLOAD // 1024 // 1024} MB），不像是台账。")
        token = secrets.token_hex(16)
        folder = _upload_dir(app, token)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(upload.file.read())
    confirm = request.url.path.endswith("/import")
    out = run_import(app.ws, path, mapping=load_mapping(None), dry_run=not confirm)
    if confirm:
        app.log(request, user, "import", file=path.name, added=len(out.added), updated=len(out.updated))
    from archive.ids import redact_ids

    problems = [(p.row + 1, redact_ids(p.text())) for p in out.problems]
    return app.render(request, "roster.html", out=out, token=token, file=path.name, confirm=confirm,
                      problems=problems, has_check=bool(out.check_path and out.check_path.is_file()),
                      villages=sorted({h.village for h in app.visible(user)}))


@page(role="经办")
def roster_result(app: WebApp, request: Request, user):
    folder = _upload_dir(app, request.path_params["token"])
    found = sorted(folder.glob("*.检查结果.xlsx")) if folder.is_dir() else []
    if not found:
        raise Denied(404, "没有检查结果文件。")
    app.log(request, user, "export", what="roster-check", file=found[0].name)
    return safe_file(found[0], attachment=True)


@page(role="经办")
def roster_export(app: WebApp, request: Request, user):
    """花名册 (one row a person, importable again), or the empty 台账 template (?template=1)."""
    from archive.roster.export import export_roster, export_template

    village_f = request.query_params.get("village") or None
    if village_f and not user.sees(village_f):
        raise Denied(403, "您的账号无权查看这个村（社区）。")
    if user.villages and not village_f:
        if len(user.villages) != 1:
            raise Denied(400, "您的账号限于几个村，请先选一个村再导出。")
        village_f = user.villages[0]
    template = request.query_params.get("template") == "1"
    with tempfile.TemporaryDirectory(prefix="dibao-web-") as tmp:
        out = Path(tmp) / "roster.xlsx"
        if template:
            export_template(out, app.ws)
        else:
            export_roster(app.ws, out, village=village_f)
        data = out.read_bytes()
    name = "台账模板.xlsx" if template else f"{village_f or '全部'}-花名册.xlsx"
    app.log(request, user, "export", what="roster-template" if template else "roster", village=village_f or "")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@page(role="经办")
def inbox_pending(app: WebApp, request: Request, user):
    """The scan inbox's proposals (inbox/待确认.xlsx, written by dibao inbox) to confirm."""
    from archive.inbox.run import inbox_dir

    _whole_town(user, "扫描件收件箱含全镇各村的扫描件")
    path = inbox_dir(app.ws) / "待确认.xlsx"
    if not path.is_file():
        raise Denied(404, "还没有待确认表：先在后台任务中点“整理扫描件”。")
    app.log(request, user, "export", what="inbox-pending")
    return safe_file(path, attachment=True)


@page(role="经办")
def inbox_page(app: WebApp, request: Request, user):
    """The scan inbox's 待确认 pages one by one: the page's picture, the proposed household, material,
    member and turn (each correctable), a box to confirm. Saving writes the same inbox/待确认.xlsx the
    command reads (under the inbox command's lock), and 归档 runs `dibao inbox --apply` in the background."""
    import hashlib

    from archive.inbox import proposals as pp
    from archive.inbox.run import XLSX, inbox_dir
    from archive.records.model import ATTACHMENT_TYPES

    _whole_town(user, "扫描件收件箱含全镇各村的扫描件")
    xlsx = inbox_dir(app.ws) / XLSX
    message, error, status = "", "", 200
    if request.method == "POST":
        form = request.state.form
        running = app.jobs.current is not None and app.jobs.current.running
        if running:
            error, status = f"后台任务“{app.jobs.current.title}”正在进行，请等它结束后再保存。", 409
        else:
            try:
                with app.ws.lock("inbox"):
                    raw = xlsx.read_bytes() if xlsx.is_file() else b""
                    if hashlib.sha256(raw).hexdigest() != str(form.get("loaded", "")):
                        error, status = ("待确认表在您打开页面之后已经变了（可能有人运行了整理扫描件或在 Excel 里改过），"
                                         "本次没有保存。请重新打开本页再确认。"), 409
                    else:
                        rows = pp.read_rows(xlsx)
                        changed = 0
                        for i, r in enumerate(rows):
                            if str(form.get(f"fp-{i}", "")) != r.fingerprint:
                                continue
                            new = (str(form.get(f"household-{i}", r.household)).strip(),
                                   str(form.get(f"material-{i}", r.material)).strip(),
                                   str(form.get(f"member-{i}", r.member)).strip(),
                                   "是" if form.get(f"confirm-{i}") else "",
                                   pp._degrees(form.get(f"rotate-{i}")) if form.get(f"rotate-{i}") else r.rotate)
                            if new != (r.household, r.material, r.member, "是" if r.confirmed else "", r.rotate):
                                r.household, r.material, r.member, r.confirm, r.rotate = new
                                changed += 1
                        pp.write_rows(xlsx, rows)
                        confirmed = sum(1 for r in rows if r.confirmed)
                        app.log(request, user, "inbox-confirm", changed=changed, confirmed=confirmed)
                        message = f"已保存（{changed} 行有改动，共 {confirmed} 页已确认）。"
                        if form.get("apply") and confirmed:
                            message += app.jobs.start("inbox-apply", user.name) + "（进度见“后台任务”）。"
            except DibaoError as e:
                error, status = e.user_message(), 409
    raw = xlsx.read_bytes() if xlsx.is_file() else b""
    from archive.ids import redact_ids

    rows = [(i, r, redact_ids(r.why)) for i, r in enumerate(pp.read_rows(xlsx))] if raw else []
    cases = [(h.case_no, f"{h.head}（{h.village}）") for h in app.visible(user)]
    return app.render(request, "inbox.html", status=status, rows=rows, loaded=hashlib.sha256(raw).hexdigest(),
                      materials=ATTACHMENT_TYPES, cases=cases, message=message, error=error, has_sheet=bool(raw))


@page(role="经办")
def inbox_preview(app: WebApp, request: Request, user):
    """A page of a file in the scan inbox, as PNG."""
    from archive.inbox.run import inbox_dir

    _whole_town(user, "扫描件收件箱含全镇各村的扫描件")
    box = inbox_dir(app.ws)
    path = inside(box, request.query_params.get("file", ""))
    try:
        pg = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        pg = 1
    png = preview_png(app.ws, path, pg) if path is not None else None
    if png is None:
        raise Denied(404, "这一页无法预览。")
    return FileResponse(png, media_type="image/png" if png.suffix == ".png" else "image/jpeg",
                        headers={"Cache-Control": "private, max-age=300"})


def create_app(ws, *, require_login: bool, local_user: str | None = None) -> Starlette:
    web = WebApp(ws, require_login=require_login, local_user=local_user)
    routes = [
        Route("/", overview),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/village/{name}", village),
        Route("/household/{case}", household),
        Route("/household/{case}/edit", edit, methods=["GET", "POST"]),
        Route("/form/{form}.pdf", print_form),
        Route("/preview", preview),
        Route("/file", open_file),
        Route("/search", search),
        Route("/search/export.{fmt}", search_export),
        Route("/audit", audit_page),
        Route("/audit/export.{fmt}", audit_export),
        Route("/packs", packs),
        Route("/packs/blank", blank_pack, methods=["POST"]),
        Route("/packs/village", village_pack, methods=["POST"]),
        Route("/jobs", jobs_page, methods=["GET", "POST"]),
        Route("/log", log_page),
        Route("/users", users_page, methods=["GET", "POST"]),
        Route("/password", password_page, methods=["GET", "POST"]),
        Route("/inbox/pending.xlsx", inbox_pending),
        Route("/inbox", inbox_page, methods=["GET", "POST"]),
        Route("/inbox/preview", inbox_preview),
        Route("/roster", roster_page),
        Route("/roster/check", roster_check, methods=["POST"]),
        Route("/roster/import", roster_check, methods=["POST"]),
        Route("/roster/result/{token}", roster_result),
        Route("/roster/export.xlsx", roster_export),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app):
        try:
            yield
        finally:
            web.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.web = web
    return app
