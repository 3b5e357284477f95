"""The inbox command: scanner output filed into the workspace (archive/inbox)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--apply", "do_apply", is_flag=True, help="按 待确认.xlsx 中“确认”一栏写了“是”的行归档")
@click.option("--no-ocr", is_flag=True, help="没有页码的页面不做文字识别（只列出，不给建议）")
@click.pass_obj
def inbox(state, folder, do_apply, no_ocr):
    """整理扫描件：按表上的页码自动归档签字表，其余页面列入 待确认.xlsx。

    \b
    把扫描仪输出的文件（PDF、JPG、PNG、多页 TIF）放进工作区的 inbox/ 文件夹后运行。
    印有 dibao 页码（二维码和旁边一行小字）的表：自动转正、去掉空白背面、按份合并，
      存为 scans/<对象编号>/签字表_<表单>_<事件>.pdf；同一份表的第二份签字件另存为 …_副本2.pdf。
    没有页码的页面（身份证、户口簿、证明等）：识别文字，按身份证号、姓名和关键词
      建议所属家庭和材料类型，写入 inbox/待确认.xlsx；在“确认”一栏写“是”（或先改正）后
      运行 dibao inbox --apply 归档。
    处理完的原文件原样移到 inbox/已处理/<日期>/，不会丢失。

    \b
    例：dibao inbox
        dibao inbox D:/扫描仪输出
        dibao inbox --apply
    """
    from archive.errors import ProblemsFound
    from archive.inbox import run as ib

    ws = state.ws
    with ws.lock("inbox"):
        if do_apply:
            res = ib.apply(ws)
            for f in res.filed:
                click.echo(f"已归档 {f}")
            for p in res.problems:
                click.echo(f"未归档：{p}", err=True)
            click.echo(f"确认归档 {len(res.filed)} 页；待确认表中还有 {res.left} 行。")
            if res.problems:
                raise ProblemsFound("")
            return
        rep = ib.run(ws, folder, ocr=not no_ocr)
    for f in rep.filed:
        click.echo(f"已归档 {f}")
    for f in rep.copies:
        click.echo(f"第二份签字件，另存（未覆盖原件）：{f}")
    for f in rep.already:
        click.echo(f"上次已归档，未重复：{f}")
    for dup, first in rep.duplicates:
        click.echo(f"重复文件，未重复归档：{dup}（与 {first} 内容完全相同；原文件一并移到 已处理/）")
    for r in rep.listed:
        click.echo(f"待确认：{r.file} 第{r.page}页 —— {r.why}")
    for p in rep.problems:
        click.echo(f"未处理：{p}", err=True)
    click.echo(f"共 {rep.files} 个文件 {rep.pages_in} 页：归档 {rep.filed_pages} 页，"
               f"列入待确认 {rep.listed_pages} 页，空白背面 {rep.blank_pages} 页"
               + (f"，重复文件 {rep.duplicate_pages} 页" if rep.duplicate_pages else "")
               + (f"（其中 {rep.text_line_reads} 页二维码损坏，按页码文字识别）" if rep.text_line_reads else "") + "。")
    if rep.listed:
        click.echo(f"请打开 {ws.root / 'inbox' / '待确认.xlsx'}，在“确认”一栏写“是”（或改正建议）后运行 dibao inbox --apply。")
    if rep.moved:
        click.echo(f"原文件已移到 收件箱/已处理/（{len(rep.moved)} 个）。")
    if not rep.balanced:
        raise ProblemsFound("页数对不上：请保留 inbox/已处理/ 中的原文件并报告此问题")
    if rep.problems:
        raise ProblemsFound("")


COMMANDS = (inbox,)
