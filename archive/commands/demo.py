"""Sample workspace command: demo (archive/demo), which then runs the other stages in turn.

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive import profiles as county_profiles
from archive.commands.common import duration


DEMO_STAGES = (("validate", "检查记录"), ("build", "生成卷宗"), ("index", "建立检索索引"), ("audit", "查缺补漏"))
DEMO_AUDIT_FILES = ("审计报告.xlsx", "审计报告.pdf")


def _demo_bar(label: str, total: int):
    return click.progressbar(length=total, label=label, show_pos=True, show_eta=True, file=sys.stderr)


@click.command()
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="样例工作区目录（新目录或空目录）")
@click.option("--households", "-n", default=60, show_default=True, type=click.IntRange(1, 1_000_000), help="户数")
@click.option("--seed", default=1, show_default=True, type=int, help="随机种子：同一种子生成完全相同的记录")
@click.option("--profile", "-p", default="yueyang", show_default=True, type=click.Choice(county_profiles.names()),
              help=f"地区配置：{county_profiles.help_text()}")
@click.option("--town", help=f"乡镇（街道）名称（默认：{county_profiles.towns_text()}）")
@click.option("--no-scans", is_flag=True, help="只生成家庭记录，不生成扫描件（快，用于性能测试）")
@click.option("--no-run", is_flag=True, help="只生成数据，不接着运行检查、卷宗、检索和审计")
def demo(out, households, seed, profile, town, no_scans, no_run):
    """生成样例工作区（若干村的家庭记录和扫描件），再依次运行检查、卷宗、检索、审计，列出结果位置。

    \b
    家庭记录含2021—2025年的申请、调查、公示、审核确认、年审、变更、退出和每月发放；
    扫描件有户口簿、身份证、残疾证、诊断证明、学籍证明、入户照片、核对报告等。

    \b
    约五分之一的户故意留有缺漏（缺扫描件、缺年审、缺数据、超时限、超标准、发放不符），
    清单在工作区的 demo-planted.json 中，可用来对照审计结果。
    身份证号按 GB 11643 生成、校验位正确，但人员和家庭都是虚构的。

    \b
    例：dibao demo --out 样例
        dibao demo --out 样例2 --households 20 --seed 7 --profile fenxi
        dibao demo --out 压力测试 --households 10000 --no-scans --no-run
    """
    import time

    from archive.sample import demo as demomod

    t0 = time.monotonic()
    click.echo(f"正在生成样例工作区（{households} 户，种子 {seed}，地区 {profile}）……")
    ws = demomod.generate(out, households=households, seed=seed, profile=profile, town=town,
                          scans=not no_scans, progress=_demo_bar)
    planted = demomod.planted(ws.root)
    n_scans = sum(1 for p in ws.scans_dir.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in ws.scans_dir.rglob("*") if p.is_file())
    click.echo(f"已生成，用时 {duration(time.monotonic() - t0)}：")
    click.echo(f"  工作区：{ws.root}（{ws.config.county}{ws.config.town}）")
    click.echo(f"  家庭记录：{ws.households_dir}（{households} 户）")
    click.echo(f"  扫描件：{ws.scans_dir}（{n_scans} 个文件，{size / 2**20:.1f} MB）")
    click.echo(f"  故意留下的缺漏：{ws.root / demomod.PLANTED_NAME}"
               f"（{len(planted['incomplete_households'])} 户，{len(planted['gaps'])} 处）")
    if no_run:
        return
    ctx = click.get_current_context()
    dibao = ctx.find_root().command  # the `dibao` group: run each stage as `dibao <stage>` would
    ran = []
    for name, title in DEMO_STAGES:
        if dibao.get_command(ctx, name) is None:
            click.echo(f"\n—— {title}：这个版本还没有 dibao {name}，跳过")
            continue
        click.echo(f"\n—— {title}（dibao {name}）")
        t = time.monotonic()
        args = ["--workspace", str(ws.root), name]
        if name == "audit":   # the full list is long: write it to files, print the headline
            args += ["--xlsx", str(ws.root / DEMO_AUDIT_FILES[0]), "--pdf", str(ws.root / DEMO_AUDIT_FILES[1])]
        code = dibao.main(args, prog_name="dibao", standalone_mode=False)
        code = code if isinstance(code, int) else 0
        ran.append((name, title, code, time.monotonic() - t))
    click.echo("\n结果：")
    for name, title, code, secs in ran:
        note = "完成" if code == 0 else ("发现问题（样例中故意留下的，对照 demo-planted.json）" if code == 1 else f"失败（退出码 {code}）")
        click.echo(f"  {title}：{note}，用时 {duration(secs)}")
    if any(n == "build" for n, *_ in ran):
        click.echo(f"  卷宗：{ws.output_dir}（每村一个目录，每户三卷 PDF；汇总.pdf）")
    if any(n == "index" for n, *_ in ran):
        click.echo(f"  检索索引：{ws.state_dir}（试试 dibao --workspace {ws.root} search 残疾证）")
    if any(n == "audit" for n, *_ in ran):
        click.echo(f"  审计报告：{ws.root / DEMO_AUDIT_FILES[0]}、{ws.root / DEMO_AUDIT_FILES[1]}")
        click.echo("  " + _demo_audit_check(ws, planted))
    click.echo(f"总用时 {duration(time.monotonic() - t0)}。")


def _demo_audit_check(ws, planted: dict) -> str:
    """Does the audit find exactly the planted gaps? One line for the demo's summary."""
    try:
        from archive.audit import audit_workspace
        from archive.sample.planted import compare
    except ImportError:
        return "（这个版本的审计不能与 demo-planted.json 对照）"
    c = compare(audit_workspace(ws), planted)
    n = len(planted["gaps"])
    if c.ok:
        return f"对照 demo-planted.json：审计找到了全部 {n} 处故意留下的缺漏，没有多报。"
    return (f"对照 demo-planted.json：{n} 处故意留下的缺漏中审计漏报 {len(c.not_found)} 处，"
            f"另多报 {len(c.unplanted)} 处（不含待签字归档和提醒）。")


COMMANDS = (demo,)
