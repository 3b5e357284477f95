"""Audit command: audit (archive/audit).

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.errors import ProblemsFound


AUDIT_KINDS = ("缺表", "待签字归档", "缺扫描件", "缺照片", "缺数据", "超时限", "提醒")


@click.command()
@click.option("--village", help="只看这个村（社区）")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(AUDIT_KINDS),
              help="只看这些缺件种类（可写多次）；核查提示总是列出")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出完整结果（给其他程序用）")
@click.option("--xlsx", type=click.Path(path_type=Path, dir_okay=False), help="写出 Excel：汇总表 + 每村一张工作表")
@click.option("--pdf", type=click.Path(path_type=Path, dir_okay=False), help="写出可打印的 PDF 报告")
@click.option("--prepare", type=click.Path(path_type=Path, file_okay=False),
              help="在此目录按村写出：待打印表单.pdf（缺的表，按记录预填）和 补件清单（扫描件、数据）")
@click.option("--detail", is_flag=True, help="屏幕上每项都列出原因、依据和怎么补")
@click.option("--all", "show_all", is_flag=True, help="户数很多（超过2000户）时也在屏幕上逐户列出")
@click.option("--date", "as_of", help="审计日期 年-月-日（默认今天）：按这一天判断该有哪些年审、是否超时")
@click.option("--rules", type=click.Path(path_type=Path, dir_okay=False),
              help="审计规则文件（默认：工作区的 audit-rules.toml，否则本地区自带的规则）")
@click.pass_obj
def audit(state, village, kinds, as_json, xlsx, pdf, prepare, detail, show_all, as_of, rules):
    """查缺补漏（缺什么补什么）：逐户列出缺件清单，按村、按镇统计完成率，并给出核查提示。

    \b
    缺件种类：缺表（记录里没有该事件，表无法生成）、待签字归档（表可打印，缺签字扫描件）、
              缺扫描件、缺照片、缺数据、超时限（按法定工作日）；提醒不算缺件。
    核查提示：应退尽退（收入超标仍在保）、身份证重复、死亡未减员、发放金额不符。
    清单按 村、组、对象编号 排列，便于逐户走访。发现缺件或核查提示时退出码为 1。

    \b
    例：dibao audit
        dibao audit --village 黄沙村 --detail
        dibao audit --xlsx 审计.xlsx --pdf 审计.pdf
        dibao audit --kind 缺扫描件 --kind 缺数据
        dibao audit --prepare 补件包
    """
    import datetime as dt

    from archive.audit import audit_workspace
    from archive.audit.report import as_json as audit_json, headline, render_text
    from archive.errors import InputError

    date = None
    if as_of:
        try:
            date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InputError(f"日期“{as_of}”格式不对", field="--date", hint="写成 年-月-日，如 2026-01-15") from None
    ws = state.ws
    result = audit_workspace(ws, village=village, kinds=tuple(kinds) or None, as_of=date, rules_path=rules)
    if village and not result.households:
        raise InputError(f"工作区里没有“{village}”的家庭记录", field="--village",
                         hint=f"村（社区）名要与记录中的 village 一致；现有：{'、'.join(result.villages) or '（无）'}")
    if as_json:
        click.echo(json.dumps(audit_json(result), ensure_ascii=False, indent=2))
    elif not (xlsx or pdf or prepare):
        click.echo(render_text(result, verbose=detail, full=True if show_all else None))
    else:
        click.echo(headline(result))
    from archive.inbox.unrecognised import find as unrecognised, report_lines

    strays = unrecognised(ws)
    for line in report_lines(strays):
        click.echo(line, err=as_json)
    if xlsx:
        from archive.audit.xlsx import write_xlsx

        write_xlsx(result, xlsx)
        click.echo(f"已写出 Excel：{xlsx}", err=as_json)
    if pdf:
        from archive.audit.pdf import write_report_pdf

        write_report_pdf(result, pdf)
        click.echo(f"已写出 PDF：{pdf}", err=as_json)
    if prepare:
        from archive.audit.prepare import prepare as prepare_fix

        def told(vo):
            click.echo(f"  {vo.village}：{vo.forms} 张表（其中空白 {vo.blank_forms} 张），补件清单 {vo.checklist_items} 项"
                       f" → {vo.folder}", err=as_json)

        click.echo(f"正在准备补件材料到 {prepare} ……", err=as_json)
        prepare_fix(result, ws, prepare, progress=told)
    if not result.clean or strays:
        raise ProblemsFound("")


COMMANDS = (audit,)
