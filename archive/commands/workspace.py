"""Workspace commands: init, schema, validate, calc (archive/workspace, model, validate, calc).

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive import profiles as county_profiles
from archive.errors import ProblemsFound


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--profile", "-p", required=True, type=click.Choice(county_profiles.names()),
              help=f"地区配置：{county_profiles.help_text()}")
@click.option("--town", help="乡镇（街道）名称，写入表头")
def init(directory, profile, town):
    """建立工作区：配置文件 dibao.toml、家庭记录目录 households/、扫描件目录 scans/。

    \b
    例：dibao init 永安镇档案 --profile fenxi --town 永安镇
    """
    from archive.workspace import init_workspace

    ws = init_workspace(directory, profile, town)
    c = ws.config
    click.echo(f"已建立工作区：{ws.root}")
    click.echo(f"  地区：{c.locality.province}{c.locality.city}{c.county}{c.town}（{profile}）")
    click.echo(f"  配置：{ws.root / 'dibao.toml'}（低保标准、公示天数、归档类别可在此修改）")
    click.echo(f"  家庭记录放在 {ws.households_dir}，扫描件放在 {ws.scans_dir}/<对象编号>/")


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="写入文件（默认输出到屏幕）")
def schema(output):
    """输出家庭记录格式（JSON Schema），供编辑器在录入时检查。

    \b
    例：dibao schema -o household.schema.json
    """
    from archive.fsutil import atomic_write_text
    from archive.records.model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if output:
        atomic_write_text(output, text + "\n", mode=0o644)
        click.echo(f"已写出 {output}")
    else:
        click.echo(text)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题清单")
@click.option("--warnings/--no-warnings", default=True, help="是否显示提醒（不影响退出码）")
@click.pass_obj
def validate(state, paths, as_json, warnings):
    """检查家庭记录：身份证校验位、出生日期与性别、日期先后、金额、调查人数、重复编号、扫描件路径。

    不写 PATHS 时检查工作区 households/ 下的全部记录。发现错误时退出码为 1。

    \b
    例：dibao validate
        dibao validate households/FX-001.json households/FX-002.json
    """
    from archive.records.validate import validate_paths

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


@click.command()
@click.argument("record", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--year", type=int, help="核算年度（默认：记录中最近一年的收入）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（金额为字符串，精确到分）")
@click.pass_obj
def calc(state, record, year, as_json):
    """核算一户的家庭月人均收入、可扣减刚性支出、是否低于标准、月人均补差和家庭救助总额。

    \b
    例：dibao calc households/FX-001.json
        dibao calc households/FX-001.json --year 2024 --json
    """
    from archive.records import calc as calcmod
    from archive.records.validate import load_one

    hh = load_one(state, record)
    c = calcmod.compute(hh, state.ws.config, year)
    if as_json:
        click.echo(json.dumps({"case_no": hh.case_no, "head": hh.head.name, **c.as_dict()}, ensure_ascii=False, indent=2))
    else:
        click.echo(calcmod.render_text(hh, c))


COMMANDS = (init, schema, validate, calc)
