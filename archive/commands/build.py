"""Archive volume commands: build, verify (archive/build, archive/verify).

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.commands.common import Progress, duration
from archive.errors import ProblemsFound


@click.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗输出目录（默认：工作区下的 archive/）")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="同时转换表单的 LibreOffice 进程数（默认：CPU 核数）")
@click.option("--village", help="只生成这个村（社区）的户")
@click.option("--household", "case_no", metavar="对象编号", help="只生成这一户")
@click.option("--prune", is_flag=True, help="删除已没有家庭记录的户的卷宗")
@click.option("--force", is_flag=True, help="不论有无改动，全部重新生成")
@click.option("--json", "as_json", is_flag=True, help="结束时以 JSON 输出统计")
@click.pass_obj
def build(state, out, jobs, village, case_no, prune, force, as_json):
    """生成卷宗：一村一盒、一户一档，每户审批类、日常管理类、财务类三卷 PDF。

    \b
    每卷依次为：案卷封面、卷内目录、文件（表单及其佐证扫描件）、备考表；
    有签字扫描件的表单用扫描件，没有的用系统生成的表单并标“未签字”。
    只重新生成有改动的户（记录、扫描件、模板或配置变了）；没有改动时几秒内结束。
    输出：archive/<村>/<对象编号>_<户主>/ 下三卷 PDF 和 manifest.json，
    每村一份 盒内目录.pdf，全镇一份 汇总.pdf。
    退出码：0 全部成功；1 有户生成失败（原因列在最后）；7 工作区正被另一个任务使用。

    \b
    例：dibao build
        dibao build --jobs 2
        dibao build --village 三和村
        dibao build --household HS-2021-001 --force
        dibao build --prune          删除已删记录的户的卷宗
    """
    from archive.volumes.build import build as run_build

    progress = Progress("生成卷宗")
    try:
        rep = run_build(state.ws, out=out, jobs=jobs, village=village, household=case_no, prune=prune,
                        force=force, progress=progress)
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"卷宗生成完毕，用时 {duration(rep.seconds)}：")
        click.echo(f"  新生成 {len(rep.built)} 户，未改动 {rep.unchanged} 户，失败 {len(rep.failed)} 户；"
                   f"新生成 {rep.pages} 页")
        if rep.converted or rep.cached:
            click.echo(f"  表单：转换 {rep.converted} 张，沿用已转换的 {rep.cached} 张")
        if rep.incomplete:
            click.echo(f"  材料不全 {len(rep.incomplete)} 户（缺件见各卷备考表，或运行 dibao audit）："
                       + "、".join(rep.incomplete[:10]) + ("等" if len(rep.incomplete) > 10 else ""))
        for p in rep.problems:
            click.echo(f"  扫描件无法归档 [{p['case_no']}] {p['path']}：{p['reason']}")
        for w in rep.warnings:
            click.echo(f"  注意：{w}")
        for n in rep.notes[:20]:
            click.echo(f"  未归档 [{n['case_no']}] {n['note']}")
        if len(rep.notes) > 20:
            click.echo(f"  ……另有 {len(rep.notes) - 20} 个文件未归档（见各户 manifest.json 的 notes）")
        from archive.inbox.unrecognised import find as unrecognised, report_lines

        # files inside a household folder are in the notes above; these lie where no household looks
        for line in report_lines([u for u in unrecognised(state.ws) if u.why not in ("文件名不符合命名规则", "不是扫描件格式")]):
            click.echo(f"  {line}")
        for f in rep.failed:
            click.echo(f"  失败 [{f.case_no}] {f.path}：{f.reason}")
        if rep.orphans:
            click.echo(f"  以下 {len(rep.orphans)} 户已没有家庭记录，卷宗仍保留（加 --prune 删除）：" + "、".join(rep.orphans[:10]))
        if rep.removed:
            click.echo(f"  已删除 {len(rep.removed)} 户已无记录的卷宗：" + "、".join(rep.removed[:10]))
        click.echo(f"  输出目录：{rep.out}")
    if rep.failed:
        raise ProblemsFound("")


@click.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗目录（默认：工作区下的 archive/）")
@click.option("--package", "package", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="核对一个收到的移交包（dibao handover 生成的目录），不需要工作区")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出核对结果")
@click.pass_obj
def verify(state, out, package, as_json):
    """核对卷宗（固定性检查）：重新计算每个输出文件和源文件的校验值，与清单比对。

    报告被改动、缺失的文件，以及输出目录中清单之外的文件。发现不一致时退出码为 1。
    加 --package 目录：核对移交包（BagIt 清单、根哈希、元数据与校验值），改动一个字节也会发现。

    \b
    例：dibao verify
        dibao verify --json > 核对结果.json
        dibao verify --package /media/U盘/黄沙街镇移交包
    """
    if package is not None:
        _verify_package(package, as_json)
        return
    from archive.volumes.verify import verify as run_verify

    rep = run_verify(state.ws, out)
    if as_json:
        click.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2))
    else:
        for f in rep.findings:
            click.echo(f.render())
        click.echo(rep.summary())
    if not rep.ok:
        raise ProblemsFound("")


def _verify_package(package: Path, as_json: bool) -> None:
    from archive.volumes.handover import verify_package

    rep = verify_package(package)
    if as_json:
        click.echo(json.dumps({"package": str(rep.package), "ok": rep.ok, "files": rep.files, "root_hash": rep.root_hash,
                               "problems": rep.problems}, ensure_ascii=False, indent=2))
    else:
        for p in rep.problems:
            click.echo(f"  {p}")
        click.echo(rep.summary())
    if not rep.ok:
        raise ProblemsFound("")


@click.command()
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--village", help="只移交这个村（社区）的卷宗")
@click.option("--since", metavar="日期", help="只移交有这一天（含）以后文件的案卷，如 2024-01-01")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗目录（默认：工作区下的 archive/）")
@click.pass_obj
def handover(state, dest, village, since, out):
    """生成档案移交包（BagIt）：卷宗、盒内目录、每户元数据 XML 及其模式、移交清单 PDF。

    \b
    移交包中：bag-info.txt 写明移交单位、接收单位和日期；manifest-sha256.txt 和
    tagmanifest-sha256.txt 记录每个文件的 SHA-256；移交清单.pdf 列出每个案卷的档号、
    题名、页数，印有根哈希（全文和二维码），打印后由双方签字。
    接收方用 dibao verify --package 目录 核对。

    \b
    例：dibao handover /media/U盘/2025移交
        dibao handover 三和村移交包 --village 三和村 --since 2024-01-01
    """
    from archive.volumes.handover import handover as run_handover, parse_since

    rep = run_handover(state.ws, dest, village=village, since=parse_since(since), out=out)
    click.echo(f"移交包已生成：{rep.package}")
    click.echo(f"  {rep.households} 户，{rep.volumes} 卷，{rep.pages} 页")
    click.echo(f"  根哈希：{rep.root_hash}")
    for s in rep.skipped:
        click.echo(f"  未移交：{s}")
    click.echo("  打印 移交清单.pdf，核对根哈希后双方签字。")


COMMANDS = (build, verify, handover)
