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
