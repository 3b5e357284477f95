"""Roster commands: import (台账/花名册 -> records) and export (records -> 花名册, empty template)
(archive/roster).

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

from pathlib import Path

import click

from archive.errors import ProblemsFound

SHOW = 30   # rows of problems listed on screen (all of them are in the 检查结果 workbook)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--sheet", help="工作表名称或序号（默认第一张可见的工作表）")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="映射文件（TOML）：表头写法特殊的列对应到哪一列、全表统一的默认值")
@click.option("--dry-run", is_flag=True, help="只检查并列出将新增、更新哪些户，不写任何文件")
@click.pass_obj
def import_(state, file, sheet, mapping, dry_run):
    """导入台账（花名册）：.xlsx、.xls、.et 或 .csv，每户写成一份家庭记录。

    \b
    表头按常见叫法自动识别（身份证号/公民身份号码、保障类别/救助类别……），
    一行一人或一行一户、合并单元格、标题行、合计行都可以。
    有问题的行写在“<文件名>.检查结果.xlsx”的“检查结果”列，出错的单元格标红；
    没有问题的户照常导入；已有的户（对象编号或户主身份证号相同）更新而不重复。
    例：dibao import 低保台账.xlsx --dry-run
    """
    from archive import ids
    from archive.roster.columns import load_mapping
    from archive.roster.importer import run_import

    ws = state.ws
    out = run_import(ws, file, mapping=load_mapping(mapping), sheet=sheet, dry_run=dry_run)
    lay = out.layout
    kind = "一行一户" if lay.wide else "一行一人"
    skipped = "，".join(f"{n}行{w}" for w, n in (("隐藏", lay.skipped.get("hidden", 0)), ("空白", lay.skipped.get("blank", 0)),
                                                 ("合计", lay.skipped.get("total", 0)), ("说明", lay.skipped.get("note", 0))) if n)
    click.echo(f"读取 {file.name} 工作表“{out.grid.sheet}”：表头在第{'、'.join(str(r + 1) for r in lay.header_rows)}行，"
               f"{kind}，共 {len(out.parsed)} 户" + (f"（跳过{skipped}）" if skipped else ""))
    for note in lay.notes():
        click.echo("  " + note)
    verb = "将" if dry_run else "已"
    for case, name, path, *rest in out.added[:SHOW] if dry_run else []:
        click.echo(f"  新增 {case} {name}")
    for case, name, path, changes in out.updated[:SHOW] if dry_run else []:
        click.echo(f"  更新 {case} {name}：{'、'.join(changes)}")
    click.echo(f"{verb}新增 {len(out.added)} 户，{verb}更新 {len(out.updated)} 户，{len(out.unchanged)} 户没有变化。")
    probs = out.problems
    if probs:
        rows = sorted({p.row for p in probs})
        click.echo(f"有 {len(rows)} 行有问题，涉及 {len(out.bad)} 户，这些户{'不会' if dry_run else '没有'}导入：", err=True)
        by_row: dict[int, list] = {}
        for p in probs:
            by_row.setdefault(p.row, []).append(p.text())
        for r in rows[:SHOW]:
            click.echo(ids.redact_ids(f"  第{r + 1}行：{'；'.join(dict.fromkeys(by_row[r]))}"), err=True)
        if len(rows) > SHOW:
            click.echo(f"  ……另有 {len(rows) - SHOW} 行", err=True)
        if dry_run:
            click.echo("（试运行：没有写检查结果文件；去掉 --dry-run 运行时写出）", err=True)
        else:
            click.echo(f"每行的问题和改法已写在 {out.check_path}（“检查结果”列，出错的单元格标红）；"
                       "在原台账中改正后重新导入即可（已导入的户只会更新，不会重复）。", err=True)
        raise ProblemsFound("")


@click.command()
@click.argument("output", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--village", help="只导出这个村（社区）")
@click.option("--type", "types", multiple=True, help="只导出这个保障类别（可写多次），如 农村低保")
@click.option("--template", is_flag=True, help="导出空白台账模板（带下拉选项和填表说明），不含任何户")
@click.pass_obj
def export(state, output, village, types, template):
    """导出花名册（一行一人，可直接再导入），或 --template 导出空白台账模板。

    \b
    例：dibao export 花名册.xlsx --village 东关村
        dibao export --template 台账模板.xlsx
    """
    from archive.roster.export import export_roster, export_template

    if template:
        export_template(output, state.ws_or_none())
        click.echo(f"已写出空白台账模板：{output}")
        return
    ws = state.ws
    n_hh, n_rows, skipped = export_roster(ws, output, village=village, types=tuple(types))
    click.echo(f"已导出 {n_hh} 户、{n_rows} 人：{output}")
    if skipped:
        click.echo(f"有 {len(skipped)} 份记录有错误没有导出（先运行 dibao validate 查看）：" +
                   "、".join(p.name for p in skipped[:10]) + ("……" if len(skipped) > 10 else ""), err=True)


COMMANDS = (import_, export)
