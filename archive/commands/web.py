"""Web commands: serve (archive/web), user accounts, and log (the workspace journal).

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import sys

import click

from archive.errors import InputError

ROLES = ("管理员", "经办", "查阅")


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；127.0.0.1 只供本机使用（免登录），0.0.0.0 或本机局域网地址供办公室其他电脑访问（须先建账号）")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.pass_obj
def serve(state, host, port):
    """启动网页界面：在浏览器里查看、检索、打印、编辑档案。

    \b
    本机使用：dibao serve            然后在浏览器打开 http://127.0.0.1:8080/
    局域网共享：先 dibao user add 张敏 --role 经办，再 dibao serve --host 0.0.0.0
    其他电脑在浏览器打开 http://本机IP:8080/ 登录。每次查看、打印、导出、修改都记入工作区日志（dibao log）。
    """
    from archive.web import accounts

    ws = state.ws
    local = is_loopback(host)
    if not local and not accounts.load(ws.state_dir):
        raise InputError(f"还没有任何账号，不能向网络（{host}）开放", field="--host",
                         hint="先用 dibao user add 姓名 --role 管理员 建立账号；只在本机使用请不加 --host")
    import uvicorn

    from archive.web.app import create_app

    app = create_app(ws, require_login=not local)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"档案网页已启动：http://{shown}:{port}/ （{'本机使用，免登录' if local else '网络共享，须登录'}）；按 Ctrl+C 停止。")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _password(from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次" if confirm else False)


@click.group()
def user():
    """网页账号：添加、列出、改密码、删除（保存在工作区 .dibao/users.json，密码以 argon2 散列保存）。

    \b
    角色：查阅（看、检索、打印、导出）  经办（另可修改记录、运行生成卷宗等任务）  管理员（另可管理账号、看日志）
    例：dibao user add 张敏 --role 经办 --village 城关村
        echo 密码 | dibao user add 李强 --role 查阅 --password-stdin
        dibao user list
    """


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色")
@click.option("--village", "villages", multiple=True, help="只能看这个村（可写多次）；不写则能看全部")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="从标准输入读密码（一行）")
@click.pass_obj
def user_add(state, name, role, villages, from_stdin):
    """添加账号。"""
    from archive import journal
    from archive.web import accounts

    ws = state.ws
    accounts.add(ws.state_dir, name, role, _password(from_stdin), list(villages))
    journal.append(ws.state_dir, "user-add", detail={"name": name, "role": role, "villages": list(villages)})
    click.echo(f"已添加账号 {name}（{role}{'，限 ' + '、'.join(villages) if villages else ''}）")


@user.command("list")
@click.pass_obj
def user_list(state):
    """列出账号。"""
    from archive.web import accounts

    found = accounts.load(state.ws.state_dir)
    if not found:
        click.echo("还没有账号。用 dibao user add 姓名 --role 管理员 添加。")
    for a in found.values():
        click.echo(f"{a.name}\t{a.role}\t{'、'.join(a.villages) or '全部村'}")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="从标准输入读密码（一行）")
@click.pass_obj
def user_passwd(state, name, from_stdin):
    """修改账号的密码。"""
    from archive import journal
    from archive.web import accounts

    ws = state.ws
    accounts.passwd(ws.state_dir, name, _password(from_stdin))
    journal.append(ws.state_dir, "user-passwd", detail={"name": name})
    click.echo(f"已修改 {name} 的密码")


@user.command("remove")
@click.argument("name")
@click.pass_obj
def user_remove(state, name):
    """删除账号。"""
    from archive import journal
    from archive.web import accounts

    ws = state.ws
    accounts.remove(ws.state_dir, name)
    journal.append(ws.state_dir, "user-remove", detail={"name": name})
    click.echo(f"已删除账号 {name}")


ACTIONS = {"view": "查看", "print": "打印", "export": "导出", "edit": "修改", "search": "检索", "login": "登录",
           "login-failed": "登录失败", "logout": "退出", "job": "后台任务", "denied": "拒绝",
           "search-export": "导出检索结果", "import": "导入台账", "user-add": "添加账号", "user-update": "修改账号",
           "user-passwd": "修改密码", "user-remove": "删除账号",
           "inbox-confirm": "确认扫描件"}


@click.command("log")
@click.option("--user", "who", help="只看这个账号")
@click.option("--household", "case_no", metavar="对象编号", help="只看这一户")
@click.option("--since", help="从这一天起（年-月-日）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_obj
def log(state, who, case_no, since, as_json):
    """工作区日志：谁、何时、从哪台电脑、查看/打印/导出/修改了什么（只追加、逐条校验）。

    \b
    例：dibao log
        dibao log --household FX-2024-001
        dibao log --user 张敏 --since 2026-12-01
    """
    import json

    from archive import journal
    from archive.errors import ProblemsFound

    start = None
    if since:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            raise InputError(f"日期“{since}”格式不对", field="--since", hint="写成 年-月-日，如 2026-12-01") from None
    entries, broken = journal.read(state.ws.state_dir)
    sel = [e for e in entries if (not who or e.user == who) and (not case_no or e.household == case_no)
           and (start is None or dt.date.fromisoformat(e.time[:10]) >= start)]
    if as_json:
        click.echo(json.dumps([{**e.body(), "hash": e.hash} for e in sel], ensure_ascii=False, indent=2))
    else:
        for e in sel:
            d = e.detail
            what = d.get("path") or d.get("what") or d.get("file") or ""
            extra = "、".join(f"{c['field']}：{c['old'] or '（空）'} → {c['new'] or '（空）'}" for c in d.get("changes", []))
            click.echo(f"{e.seq:>6} {e.time} {e.user or '-'} {ACTIONS.get(e.action, e.action)}"
                       f"{' ' + e.household if e.household else ''}{' ' + what if what else ''}"
                       f"{' 来自 ' + d['client'] if d.get('client') else ''}{'  ' + extra if extra else ''}")
        if not sel:
            click.echo("没有符合条件的日志记录。")
    if broken:
        click.echo(f"日志第 {broken.line} 行起不完整：{broken.reason}", err=True)
        raise ProblemsFound("")


COMMANDS = (serve, user, log)
