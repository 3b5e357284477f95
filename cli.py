"""dibao command line: thin click commands over the archive/ and indexer/ libraries.

Every command prints plain Chinese and exits with a documented code (archive/errors.py);
a traceback appears only with --debug.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from archive import __version__
from archive.errors import EXIT_INTERRUPTED, EXIT_OUTPUT, DibaoError, ProblemsFound

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    def __init__(self, workspace: Path | None, debug: bool):
        self.workspace_path = workspace
        self.debug = debug
        self._ws = None

    @property
    def ws(self):
        if self._ws is None:
            from archive.workspace import find_workspace

            self._ws = find_workspace(self.workspace_path)
        return self._ws


def handle_errors(fn):
    """Turn domain errors into a Chinese message and a stable exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = bool(ctx.find_object(State) and ctx.find_object(State).debug)
        try:
            return fn(*args, **kwargs)
        except ProblemsFound as exc:
            if exc.message:
                click.echo(exc.user_message(), err=True)
            ctx.exit(exc.exit_code)
        except DibaoError as exc:
            if debug:
                raise
            click.echo(f"出错了：{exc.user_message()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("\n已中断。已完成的文件保留；未完成的没有写出，重新运行即可继续。", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if debug:
                raise
            from archive.fsutil import output_error

            err = output_error(exc, exc.filename or "")
            click.echo(f"出错了：{err.user_message()}", err=True)
            ctx.exit(EXIT_OUTPUT)

    return wrapper


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="dibao %(version)s")
@click.option("--workspace", "-w", type=click.Path(path_type=Path, file_okay=False),
              help="工作区目录（默认：当前目录或其上级中含 dibao.toml 的目录）")
@click.option("--debug", is_flag=True, help="出错时显示程序内部的详细信息（给技术人员看）")
@click.pass_context
def main(ctx, workspace, debug):
    """dibao：低保档案“一户一档、一村一盒”整理工具。

    \b
    常用流程：
      dibao init 永安镇档案 --profile fenxi    建立工作区
      dibao validate                           检查全部家庭记录
      dibao calc households/FX-001.json        核算一户收入与补差
      dibao forms fill fenxi-09 --household households/FX-001.json -o 审核确认表.pdf
      dibao build                              生成每户的审批类、日常管理类、财务类卷宗
      dibao search 张三                        全文检索
      dibao audit                              查缺补漏
    """
    os.umask(0o077)  # everything dibao creates is readable by the owner only
    ctx.obj = State(workspace, debug)


# ---------------------------------------------------------------- foundation

@main.command(context_settings=CONTEXT)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--profile", "-p", required=True, type=click.Choice(["fenxi", "ezhou", "yueyang"]),
              help="地区配置：fenxi 山西汾西县，ezhou 湖北鄂州市鄂城区，yueyang 湖南岳阳县")
@click.option("--town", help="乡镇（街道）名称，写入表头")
@handle_errors
def init(directory, profile, town):
    """建立工作区：配置文件 dibao.toml、家庭记录目录 households/、扫描件目录 scans/。

    \b
    例：dibao init 永安镇档案 --profile fenxi --town 永安镇
    """
    from archive.workspace import init_workspace

    ws = init_workspace(directory, profile, town)
    c = ws.config
    click.echo(f"已建立工作区：{ws.root}")
    click.echo(f"  地区：{c.locality.get('province', '')}{c.locality.get('city', '')}{c.county}{c.town}（{profile}）")
    click.echo(f"  配置：{ws.root / 'dibao.toml'}（低保标准、公示天数、归档类别可在此修改）")
    click.echo(f"  家庭记录放在 {ws.households_dir}，扫描件放在 {ws.scans_dir}/<对象编号>/")


@main.command(context_settings=CONTEXT)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="写入文件（默认输出到屏幕）")
@handle_errors
def schema(output):
    """输出家庭记录格式（JSON Schema），供编辑器在录入时检查。

    \b
    例：dibao schema -o household.schema.json
    """
    from archive.fsutil import atomic_write_text
    from archive.model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if output:
        atomic_write_text(output, text + "\n", mode=0o644)
        click.echo(f"已写出 {output}")
    else:
        click.echo(text)


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题清单")
@click.option("--warnings/--no-warnings", default=True, help="是否显示提醒（不影响退出码）")
@click.pass_obj
@handle_errors
def validate(state, paths, as_json, warnings):
    """检查家庭记录：身份证校验位、出生日期与性别、日期先后、金额、调查人数、重复编号、扫描件路径。

    不写 PATHS 时检查工作区 households/ 下的全部记录。发现错误时退出码为 1。

    \b
    例：dibao validate
        dibao validate households/FX-001.json households/FX-002.json
    """
    from archive.validate import validate_paths

    report = validate_paths(state, list(paths))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for p in report.problems:
            if p.severity == "error" or warnings:
                click.echo(p.render())
        click.echo(report.summary())
    if report.errors:
        raise ProblemsFound("")


@main.command(context_settings=CONTEXT)
@click.argument("record", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--year", type=int, help="核算年度（默认：记录中最近一年的收入）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（金额为字符串，精确到分）")
@click.pass_obj
@handle_errors
def calc(state, record, year, as_json):
    """核算一户的家庭月人均收入、可扣减刚性支出、是否低于标准、月人均补差和家庭救助总额。

    \b
    例：dibao calc households/FX-001.json
        dibao calc households/FX-001.json --year 2024 --json
    """
    from archive import calc as calcmod
    from archive.validate import load_one

    hh = load_one(state, record)
    c = calcmod.compute(hh, state.ws.config, year)
    if as_json:
        click.echo(json.dumps({"case_no": hh.case_no, "head": hh.head.name, **c.as_dict()}, ensure_ascii=False, indent=2))
    else:
        click.echo(calcmod.render_text(hh, c))


# ---------------------------------------------------------------- forms (archive/forms)

@main.group(context_settings=CONTEXT)
def forms():
    """表单：18 张附件表，打印空白表或按记录填好的表（.docx 或 .pdf）。

    \b
    例：dibao forms list
        dibao forms blank fenxi-04 -o 入户调查表.docx
        dibao forms blank all -o 全部空白表.pdf
        dibao forms fill fenxi-09 --household households/FX-001.json -o 审核确认表.pdf
        dibao forms fill fenxi-07 --village 城关村 -o 审核公示单.pdf
    """


@forms.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（给其他程序用）")
@click.pass_obj
@handle_errors
def forms_list(state, as_json):
    """列出全部表单：编号、表名、出处、归档类别、填写范围。

    \b
    例：dibao forms list
        dibao forms list --json
    """
    from archive.forms import load_catalog

    config = None
    try:
        config = state.ws.config
    except DibaoError:
        config = None  # outside a workspace: the catalog's default categories
    specs = load_catalog()
    scope_cn = {"household": "一户一表", "village": "一村一表", "town": "一镇一表"}
    if as_json:
        click.echo(json.dumps([{
            "id": s.id, "title": s.title, "seed": s.seed, "seed_ref": s.seed_ref, "scope": s.scope,
            "list_scope": s.list_scope, "category": s.category_for(config), "event": s.event, "public": s.public,
            "condition": s.condition, "file": s.file} for s in specs], ensure_ascii=False, indent=2))
        return
    for s in specs:
        scope = scope_cn[s.list_scope if s.is_list else s.scope]
        mark = "（公示）" if s.public else ""
        click.echo(f"{s.id:<11} {s.title}{mark}")
        click.echo(f"{'':<11} 出处：{s.seed.split(' ')[0]} {s.seed_ref}　类别：{s.category_for(config)}　范围：{scope}"
                   f"{'　事件：' + s.event if s.event else ''}")


def _forms_converter(out: Path, count: int = 1):
    """One warm LibreOffice for the whole command, only when a PDF is asked for."""
    if out.suffix.lower() != ".pdf":
        return None
    from archive.office import Converter

    return Converter(workers=min(2, max(1, count)))


@forms.command("blank", context_settings=CONTEXT)
@click.argument("form_id", metavar="表单编号|all")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件：.docx（Word，可再修改）或 .pdf；all 只能输出 .pdf（全部空白表合成一个打印包）")
@click.pass_obj
@handle_errors
def forms_blank(state, form_id, out):
    """打印空白表（留出手写的空行），或用 all 生成全部空白表的打印包。

    \b
    例：dibao forms blank fenxi-01 -o 社会救助申请书.docx
        dibao forms blank yueyang-03 -o 收入计算评估表.pdf
        dibao forms blank all -o 空白表打印包.pdf
    """
    from archive import forms as formsmod
    from archive.errors import InputError

    ws = _ws_or_none(state)
    if form_id == "all":
        if out.suffix.lower() != ".pdf":
            raise InputError("all 会把全部空白表合成一个 PDF，请把输出文件写成 .pdf", path=out, hint="例：-o 空白表打印包.pdf")
        specs = formsmod.load_catalog()
        with _forms_converter(out, len(specs)) as conv:
            formsmod.write_blank_pack(ws, out, converter=conv)
        click.echo(f"已写出 {out}（{len(specs)} 张空白表）")
        return
    conv = _forms_converter(out)
    try:
        formsmod.write_form(form_id, ws, out, converter=conv, blank=True)
    finally:
        if conv is not None:
            conv.close()
    click.echo(f"已写出 {out}")


def _ws_or_none(state):
    try:
        return state.ws
    except DibaoError:
        if state.workspace_path is not None:
            raise
        return None


@forms.command("fill", context_settings=CONTEXT)
@click.argument("form_id", metavar="表单编号")
@click.option("--household", "record", type=click.Path(path_type=Path, dir_okay=False), help="家庭记录文件（一户一表的表单）")
@click.option("--event", help="事件编号、日期（2024-03-15）或年审年度（2024）；默认最近一次")
@click.option("--village", help="村（社区）名称（公示单）")
@click.option("--town", help="乡镇（街道）名称（汇总表、时间安排；默认配置中的乡镇）")
@click.option("--date", "date_", help="公示开始日期，选择哪一批公示（默认最近一批）")
@click.option("--month", help="汇总月份，如 2024-06（在保对象汇总表；默认最近有发放记录的月份）")
@click.option("--year", type=int, help="年审年度（镇复核到村时间安排）")
@click.option("--unsigned", is_flag=True, help="页眉加“未签字”标记")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件：.docx 或 .pdf")
@click.pass_obj
@handle_errors
def forms_fill(state, form_id, record, event, village, town, date_, month, year, unsigned, out):
    """按记录填表：姓名、身份证号、日期、金额（到分）、年龄、勾选项、成员和赡养人行都从记录和核算结果填入。

    \b
    例：dibao forms fill fenxi-04 --household households/FX-001.json -o 入户调查表.docx
        dibao forms fill yueyang-01 --household households/HS-001.json --event 2025 -o 年审登记表.pdf
        dibao forms fill fenxi-07 --village 城关村 -o 审核公示单.pdf
        dibao forms fill fenxi-11 --month 2024-06 -o 在保对象汇总表.pdf
    """
    from archive import forms as formsmod
    from archive.errors import InputError

    spec = formsmod.get(form_id)
    if spec.is_list and record:
        raise InputError(f"{form_id}（{spec.title}）按{'村' if spec.list_scope == 'village' else '乡镇'}汇总，不用 --household",
                         hint=f"改用 {'--village 村名' if spec.list_scope == 'village' else '--town 乡镇名（可省略）'}")
    if not spec.is_list and not record:
        raise InputError(f"{form_id}（{spec.title}）是一户一表，请用 --household 指定家庭记录",
                         hint=f"例：dibao forms fill {form_id} --household households/FX-001.json -o 表.pdf")
    ws = state.ws
    kwargs = dict(household=record, event=event, village=village, town=town, mark_unsigned=unsigned,
                  date=date_, month=month, year=year)
    result = formsmod.render(form_id, ws, **kwargs)
    for w in result.warnings:
        click.echo(f"提醒：{w}", err=True)
    from archive.fsutil import atomic_write_bytes

    if out.suffix.lower() == ".docx":
        atomic_write_bytes(out, result.data)
    elif out.suffix.lower() == ".pdf":
        with _forms_converter(out) as conv:
            formsmod.docx_bytes_to_pdf([(result.data, out)], conv)
    else:
        raise InputError(f"输出文件的扩展名“{out.suffix or '（无）'}”不支持", path=out, hint="写成 .docx 或 .pdf")
    click.echo(f"已写出 {out}")


# ---------------------------------------------------------------- build / verify (archive/build)

# ---------------------------------------------------------------- index / search (indexer)

# ---------------------------------------------------------------- audit (archive/audit)

# ---------------------------------------------------------------- demo


def run():
    """Entry point: exit codes as documented, no traceback for Ctrl-C."""
    try:
        main(prog_name="dibao")
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
