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
    if not debug:  # library chatter in English ("incorrect startxref pointer") is not for clerks
        import logging

        logging.getLogger("pypdf").setLevel(logging.ERROR)
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


def _forms_converter(out: Path, count: int = 1, ws=None):
    """One warm LibreOffice for the whole command, only when a PDF is asked for."""
    if out.suffix.lower() != ".pdf":
        return None
    from archive.office import Converter

    timeout = ws.config.convert_timeout if ws is not None else 120.0
    memory = ws.config.convert_memory_mb if ws is not None else None
    return Converter(workers=min(2, max(1, count)), timeout=timeout, memory_mb=memory)


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
@click.option("--village", help="村（社区）名称（公示单；在保对象汇总表只列该村）")
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
        with _forms_converter(out, 1, ws) as conv:
            formsmod.docx_bytes_to_pdf([(result.data, out)], conv)
    else:
        raise InputError(f"输出文件的扩展名“{out.suffix or '（无）'}”不支持", path=out, hint="写成 .docx 或 .pdf")
    click.echo(f"已写出 {out}")


# ---------------------------------------------------------------- build / verify (archive/build)

class _BuildProgress:
    """Progress bar on stderr: households done, total, ETA."""

    def __init__(self):
        self.bar = None

    def start(self, total: int) -> None:
        if total:
            self.bar = click.progressbar(length=total, label="生成卷宗", show_pos=True, show_eta=True,
                                         file=sys.stderr, item_show_func=lambda x: x or "")
            self.bar.__enter__()

    def __call__(self, label: str) -> None:
        if self.bar is not None:
            self.bar.update(1, label)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _duration(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}分{s}秒" if m else f"{seconds:.1f}秒"


@main.command(context_settings=CONTEXT)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗输出目录（默认：工作区下的 archive/）")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="同时转换表单的 LibreOffice 进程数（默认：CPU 核数）")
@click.option("--village", help="只生成这个村（社区）的户")
@click.option("--household", "case_no", metavar="对象编号", help="只生成这一户")
@click.option("--prune", is_flag=True, help="删除已没有家庭记录的户的卷宗")
@click.option("--force", is_flag=True, help="不论有无改动，全部重新生成")
@click.option("--json", "as_json", is_flag=True, help="结束时以 JSON 输出统计")
@click.pass_obj
@handle_errors
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
    from archive.build import build as run_build

    progress = _BuildProgress()
    try:
        rep = run_build(state.ws, out=out, jobs=jobs, village=village, household=case_no, prune=prune,
                        force=force, progress=progress)
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"卷宗生成完毕，用时 {_duration(rep.seconds)}：")
        click.echo(f"  新生成 {len(rep.built)} 户，未改动 {rep.unchanged} 户，失败 {len(rep.failed)} 户；"
                   f"新生成 {rep.pages} 页")
        if rep.converted or rep.cached:
            click.echo(f"  表单：转换 {rep.converted} 张，沿用已转换的 {rep.cached} 张")
        if rep.incomplete:
            click.echo(f"  材料不全 {len(rep.incomplete)} 户（缺件见各卷备考表，或运行 dibao audit）："
                       + "、".join(rep.incomplete[:10]) + ("等" if len(rep.incomplete) > 10 else ""))
        for p in rep.problems:
            click.echo(f"  扫描件无法归档 [{p['case_no']}] {p['path']}：{p['reason']}")
        for n in rep.notes[:20]:
            click.echo(f"  未归档 [{n['case_no']}] {n['note']}")
        if len(rep.notes) > 20:
            click.echo(f"  ……另有 {len(rep.notes) - 20} 个文件未归档（见各户 manifest.json 的 notes）")
        for f in rep.failed:
            click.echo(f"  失败 [{f.case_no}] {f.path}：{f.reason}")
        if rep.orphans:
            click.echo(f"  以下 {len(rep.orphans)} 户已没有家庭记录，卷宗仍保留（加 --prune 删除）：" + "、".join(rep.orphans[:10]))
        if rep.removed:
            click.echo(f"  已删除 {len(rep.removed)} 户已无记录的卷宗：" + "、".join(rep.removed[:10]))
        click.echo(f"  输出目录：{rep.out}")
    if rep.failed:
        raise ProblemsFound("")


@main.command(context_settings=CONTEXT)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗目录（默认：工作区下的 archive/）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出核对结果")
@click.pass_obj
@handle_errors
def verify(state, out, as_json):
    """核对卷宗（固定性检查）：重新计算每个输出文件和源文件的校验值，与清单比对。

    报告被改动、缺失的文件，以及输出目录中清单之外的文件。发现不一致时退出码为 1。

    \b
    例：dibao verify
        dibao verify --json > 核对结果.json
    """
    from archive.verify import verify as run_verify

    rep = run_verify(state.ws, out)
    if as_json:
        click.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2))
    else:
        for f in rep.findings:
            click.echo(f.render())
        click.echo(rep.summary())
    if not rep.ok:
        raise ProblemsFound("")


# ---------------------------------------------------------------- index / search (indexer)

class _CountProgress:
    """Progress bar on stderr for callbacks of the form progress(done, total, label)."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int, item: str) -> None:
        if self.bar is None and total:
            self.bar = click.progressbar(length=total, label=self.label, show_pos=True, show_eta=True,
                                         file=sys.stderr, item_show_func=lambda x: x or "")
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.done, item)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _workspace_households(ws) -> list:
    """Valid household records of the workspace (for attaching historical files to households)."""
    from archive.records import load_record

    out = []
    for p in ws.record_paths():
        rec = load_record(p, None)
        if rec.household is not None:
            out.append(rec.household)
    return out


@main.group(context_settings=CONTEXT, invoke_without_command=True)
@click.option("--rebuild", is_flag=True, help="删除旧索引，从头重建（索引格式升级后需要）")
@click.option("--backend", type=click.Choice(["auto", "tantivy", "whoosh"]),
              help="检索引擎（默认按 dibao.toml [search] backend；auto 优先 tantivy）")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗目录（默认：工作区下的 archive/）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出统计")
@click.pass_context
@handle_errors
def index(ctx, rebuild, backend, out, as_json):
    """建立或更新全文检索索引：逐页编入卷宗里的每份文件，扫描件先做文字识别（有缓存，不重复识别）。

    只处理有改动的户；已删除的户从索引中移除。索引是派生数据，可随时用 --rebuild 重建。

    \b
    例：dibao index
        dibao index --rebuild
        dibao index add 旧档案/2019年/          加入历史档案（扫描 PDF、Word、图片）
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj.index_backend = backend
        return
    from indexer.pipeline import index_archive
    from indexer.report import format_stats

    state = ctx.obj
    ws = state.ws
    progress = _CountProgress("编入索引")
    with ws.lock("index"):
        try:
            stats = index_archive(ws.root, archive_dir=out, backend=backend or ws.config.search_backend,
                                  progress=progress, rebuild=rebuild,
                                  lookup=_households_lookup(ws) if rebuild else None,
                                  ocr_photos=bool(ws.config.raw.get("search", {}).get("ocr_photos", False)),
                                  ocr_timeout=ws.config.ocr_timeout)
        finally:
            progress.close()
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(stats))


def _households_lookup(ws):
    from indexer.historical import households_for_matching

    return households_for_matching(_workspace_households(ws))


@index.command("add", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--household", "case_no", metavar="对象编号", help="这些文件都属于这一户（不写则按路径和内容自动对应）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.pass_obj
@handle_errors
def index_add(state, paths, case_no, as_json):
    """加入历史档案：以前的扫描 PDF、Word 文件、图片（jpg/png/tif），没有文字层的先做文字识别。

    文件路径或内容中出现对象编号、身份证号或户主姓名时自动对应到户；对应不上的也能搜索到。
    原文件不会被改动或复制，索引里只记下位置。

    \b
    例：dibao index add 旧档案/
        dibao index add 2019年审批表.pdf 张三户口簿.jpg --household HS-2019-003
    """
    from indexer.historical import add_historical
    from indexer.report import format_historical

    ws = state.ws
    backend = getattr(state, "index_backend", None) or ws.config.search_backend
    progress = _CountProgress("加入历史档案")
    with ws.lock("index"):
        try:
            out = add_historical(list(paths), ws.root, backend=backend, lookup=_households_lookup(ws),
                                 progress=progress, household=case_no, ocr_timeout=ws.config.ocr_timeout)
        finally:
            progress.close()
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(format_historical(out))
    if out["problems"]:
        raise ProblemsFound("")


@main.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1, required=True)
@click.option("--village", help="只查这个村（社区）")
@click.option("--town", help="只查这个乡镇（街道）")
@click.option("--type", "hh_type", help="只查这类户：城市低保、农村低保、特困、低保边缘")
@click.option("--category", type=click.Choice(["审批类", "日常管理类", "财务类"]), help="只查这一类卷宗")
@click.option("--year", help="只查这一年，或年份范围如 2022-2024")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="最多显示多少条")
@click.option("--backend", type=click.Choice(["auto", "tantivy", "whoosh"]), help="检索引擎（默认：已建索引的引擎）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（身份证号已遮蔽）")
@click.pass_obj
@handle_errors
def search(state, query, village, town, hh_type, category, year, limit, backend, as_json):
    """全文检索档案：姓名、身份证号（或后4位、后6位）、对象编号、任意词句，查到户、到文件、到页。

    \b
    例：dibao search 张三
        dibao search 014315
        dibao search "家庭综合困难情况" --village 黄沙村 --year 2024
        dibao search 审核 NOT 特困 category:审批类
        dibao search 李 OR 王 --json

    \b
    查询语法：
      张三 审核            两个词都要出现（也可写 AND）
      张三 OR 李四         任一词出现即可
      低保 NOT 特困        排除（也可写 -特困）
      "入户调查"           连续短语
      village:黄沙村 year:2024 type:特困 category:审批类 household:编号 head:户主 title:表名 id:4315
    （完整说明见 README“检索语法”。繁体与简体、全角与半角视为相同。）
    """
    from indexer.pipeline import search_workspace
    from indexer.report import format_result

    ws = state.ws
    filters = {k: v for k, v in (("village", village), ("town", town), ("type", hh_type),
                                 ("category", category), ("year", year)) if v}
    result = search_workspace(ws.root, " ".join(query), filters=filters, limit=limit,
                              backend=backend or "auto")
    if as_json:
        from archive.ids import redact_ids

        click.echo(redact_ids(json.dumps(result.to_dict(), ensure_ascii=False, indent=2)))
    else:
        click.echo(format_result(result))


# ---------------------------------------------------------------- audit (archive/audit)

AUDIT_KINDS = ("缺表", "待签字归档", "缺扫描件", "缺照片", "缺数据", "超时限", "提醒")


@main.command(context_settings=CONTEXT)
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
@handle_errors
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
    if not result.clean:
        raise ProblemsFound("")


# ---------------------------------------------------------------- demo

DEMO_STAGES = (("validate", "检查记录"), ("build", "生成卷宗"), ("index", "建立检索索引"), ("audit", "查缺补漏"))
DEMO_AUDIT_FILES = ("审计报告.xlsx", "审计报告.pdf")


def _demo_bar(label: str, total: int):
    return click.progressbar(length=total, label=label, show_pos=True, show_eta=True, file=sys.stderr)


@main.command(context_settings=CONTEXT)
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="样例工作区目录（新目录或空目录）")
@click.option("--households", "-n", default=60, show_default=True, type=click.IntRange(1, 1_000_000), help="户数")
@click.option("--seed", default=1, show_default=True, type=int, help="随机种子：同一种子生成完全相同的记录")
@click.option("--profile", "-p", default="yueyang", show_default=True, type=click.Choice(["fenxi", "ezhou", "yueyang"]),
              help="地区配置：fenxi 山西汾西县，ezhou 湖北鄂州市鄂城区，yueyang 湖南岳阳县")
@click.option("--town", help="乡镇（街道）名称（默认：黄沙街镇、永安镇或西山街道）")
@click.option("--no-scans", is_flag=True, help="只生成家庭记录，不生成扫描件（快，用于性能测试）")
@click.option("--no-run", is_flag=True, help="只生成数据，不接着运行检查、卷宗、检索和审计")
@handle_errors
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

    from archive import demo as demomod

    t0 = time.monotonic()
    click.echo(f"正在生成样例工作区（{households} 户，种子 {seed}，地区 {profile}）……")
    ws = demomod.generate(out, households=households, seed=seed, profile=profile, town=town,
                          scans=not no_scans, progress=_demo_bar)
    planted = demomod.planted(ws.root)
    n_scans = sum(1 for p in ws.scans_dir.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in ws.scans_dir.rglob("*") if p.is_file())
    click.echo(f"已生成，用时 {_duration(time.monotonic() - t0)}：")
    click.echo(f"  工作区：{ws.root}（{ws.config.county}{ws.config.town}）")
    click.echo(f"  家庭记录：{ws.households_dir}（{households} 户）")
    click.echo(f"  扫描件：{ws.scans_dir}（{n_scans} 个文件，{size / 2**20:.1f} MB）")
    click.echo(f"  故意留下的缺漏：{ws.root / demomod.PLANTED_NAME}"
               f"（{len(planted['incomplete_households'])} 户，{len(planted['gaps'])} 处）")
    if no_run:
        return
    ran = []
    for name, title in DEMO_STAGES:
        if main.get_command(click.get_current_context(), name) is None:
            click.echo(f"\n—— {title}：这个版本还没有 dibao {name}，跳过")
            continue
        click.echo(f"\n—— {title}（dibao {name}）")
        t = time.monotonic()
        args = ["--workspace", str(ws.root), name]
        if name == "audit":   # the full list is long: write it to files, print the headline
            args += ["--xlsx", str(ws.root / DEMO_AUDIT_FILES[0]), "--pdf", str(ws.root / DEMO_AUDIT_FILES[1])]
        code = main.main(args, prog_name="dibao", standalone_mode=False)
        code = code if isinstance(code, int) else 0
        ran.append((name, title, code, time.monotonic() - t))
    click.echo("\n结果：")
    for name, title, code, secs in ran:
        note = "完成" if code == 0 else ("发现问题（样例中故意留下的，对照 demo-planted.json）" if code == 1 else f"失败（退出码 {code}）")
        click.echo(f"  {title}：{note}，用时 {_duration(secs)}")
    if any(n == "build" for n, *_ in ran):
        click.echo(f"  卷宗：{ws.output_dir}（每村一个目录，每户三卷 PDF；汇总.pdf）")
    if any(n == "index" for n, *_ in ran):
        click.echo(f"  检索索引：{ws.state_dir}（试试 dibao --workspace {ws.root} search 残疾证）")
    if any(n == "audit" for n, *_ in ran):
        click.echo(f"  审计报告：{ws.root / DEMO_AUDIT_FILES[0]}、{ws.root / DEMO_AUDIT_FILES[1]}")
        click.echo("  " + _demo_audit_check(ws, planted))
    click.echo(f"总用时 {_duration(time.monotonic() - t0)}。")


def _demo_audit_check(ws, planted: dict) -> str:
    """Does the audit find exactly the planted gaps? One line for the demo's summary."""
    try:
        from archive.audit import audit_workspace
        from archive.audit.planted import compare
    except ImportError:
        return "（这个版本的审计不能与 demo-planted.json 对照）"
    c = compare(audit_workspace(ws), planted)
    n = len(planted["gaps"])
    if c.ok:
        return f"对照 demo-planted.json：审计找到了全部 {n} 处故意留下的缺漏，没有多报。"
    return (f"对照 demo-planted.json：{n} 处故意留下的缺漏中审计漏报 {len(c.not_found)} 处，"
            f"另多报 {len(c.unplanted)} 处（不含待签字归档和提醒）。")


def run():
    """Entry point: exit codes as documented, no traceback for Ctrl-C."""
    try:
        main(prog_name="dibao")
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
