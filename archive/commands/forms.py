"""Form commands: forms list / blank / fill (archive/forms).

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.errors import DibaoError


@click.group()
def forms():
    """表单：18 张附件表，打印空白表或按记录填好的表（.docx 或 .pdf）。

    \b
    例：dibao forms list
        dibao forms blank fenxi-04 -o 入户调查表.docx
        dibao forms blank all -o 全部空白表.pdf
        dibao forms fill fenxi-09 --household households/FX-001.json -o 审核确认表.pdf
        dibao forms fill fenxi-07 --village 城关村 -o 审核公示单.pdf
    """


@forms.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（给其他程序用）")
@click.pass_obj
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


def _forms_converter(out: Path, count: int = 1, ws=None):
    """One warm LibreOffice for the whole command, only when a PDF is asked for."""
    if out.suffix.lower() != ".pdf":
        return None
    from archive.external.libreoffice import Converter

    timeout = ws.config.convert_timeout if ws is not None else 120.0
    memory = ws.config.convert_memory_mb if ws is not None else None
    return Converter(workers=min(2, max(1, count)), timeout=timeout, memory_mb=memory)


@forms.command("blank")
@click.argument("form_id", metavar="表单编号|all")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件：.docx（Word，可再修改）或 .pdf；all 只能输出 .pdf（全部空白表合成一个打印包）")
@click.pass_obj
def forms_blank(state, form_id, out):
    """打印空白表（留出手写的空行），或用 all 生成全部空白表的打印包。

    \b
    例：dibao forms blank fenxi-01 -o 社会救助申请书.docx
        dibao forms blank yueyang-03 -o 收入计算评估表.pdf
        dibao forms blank all -o 空白表打印包.pdf
    """
    from archive import forms as formsmod
    from archive.errors import InputError

    ws = state.ws_or_none()
    if form_id == "all":
        if out.suffix.lower() != ".pdf":
            raise InputError("all 会把全部空白表合成一个 PDF，请把输出文件写成 .pdf", path=out, hint="例：-o 空白表打印包.pdf")
        specs = formsmod.load_catalog()
        with _forms_converter(out, len(specs), ws) as conv:
            formsmod.write_blank_pack(ws, out, converter=conv)
        click.echo(f"已写出 {out}（{len(specs)} 张空白表）")
        return
    conv = _forms_converter(out, 1, ws)
    try:
        formsmod.write_form(form_id, ws, out, converter=conv, blank=True)
    finally:
        if conv is not None:
            conv.close()
    click.echo(f"已写出 {out}")


@forms.command("fill")
@click.argument("form_id", metavar="表单编号")
@click.option("--household", "record", type=click.Path(path_type=Path, dir_okay=False), help="家庭记录文件（一户一表的表单）")
@click.option("--event", help="事件编号、日期（2024-03-15）或年审年度（2024）；默认最近一次")
@click.option("--village", help="村（社区）名称（公示单；在保对象汇总表只列该村）")
@click.option("--town", help="乡镇（街道）名称（汇总表、时间安排；默认配置中的乡镇）")
@click.option("--date", "date_", help="公示开始日期，选择哪一批公示（默认最近一批）")
@click.option("--month", help="汇总月份，如 2024-06（在保对象汇总表；默认最近有发放记录的月份）")
@click.option("--year", type=int, help="年审年度（镇复核到村时间安排）")
@click.option("--program", type=click.Choice(["低保", "特困", "低保边缘"]),
              help="公示单的对象类别（低保、特困、低保边缘分别公示；默认有低保家庭时为低保）")
@click.option("--unsigned", is_flag=True, help="页眉加“未签字”标记")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件：.docx 或 .pdf")
@click.pass_obj
def forms_fill(state, form_id, record, event, village, town, date_, month, year, program, unsigned, out):
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
                  date=date_, month=month, year=year, program=program)
    result = formsmod.render(form_id, ws, **kwargs)
    for w in result.warnings:
        click.echo(f"提醒：{w}", err=True)
    from archive.fsutil import atomic_write_bytes

    if out.suffix.lower() == ".docx":
        atomic_write_bytes(out, result.data)
    elif out.suffix.lower() == ".pdf":
        with _forms_converter(out, 1, ws) as conv:
            formsmod.docx_bytes_to_pdf([(result.data, out)], conv)
        formsmod.code_household_pdf(form_id, ws, out, household=record, event=event)
    else:
        raise InputError(f"输出文件的扩展名“{out.suffix or '（无）'}”不支持", path=out, hint="写成 .docx 或 .pdf")
    click.echo(f"已写出 {out}")


COMMANDS = (forms,)
