"""Index and search commands: index, index add, search (indexer/).

They live here rather than in indexer/ because importing any indexer module first runs
indexer/__init__.py, which loads the engine, analysis and query modules: that would slow
every `dibao` start, `dibao --help` included.  The indexer itself is imported inside the
command functions.

Registered and wrapped in the error handler by cli.py (see archive/commands/__init__.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.commands.common import Progress
from archive.errors import ProblemsFound


def _workspace_households(ws) -> list:
    """Household records of the workspace that parse (for attaching historical files to households:
    a wrong check digit elsewhere in a record does not stop its old files from being matched)."""
    from archive.records.load import load_households

    return load_households(ws.record_paths(), None, strict=False)[0]


@click.group(invoke_without_command=True)
@click.option("--rebuild", is_flag=True, help="删除旧索引，从头重建（索引格式升级后需要）")
@click.option("--backend", type=click.Choice(["auto", "tantivy", "whoosh"]),
              help="检索引擎（默认按 dibao.toml [search] backend；auto 优先 tantivy）")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="卷宗目录（默认：工作区下的 archive/）")
@click.option("--reocr", is_flag=True,
              help="扫描件全部重新做文字识别（换了 [search] ocr_engine 之后用；平时识别结果有缓存），并重建索引")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出统计")
@click.pass_context
def index(ctx, rebuild, backend, out, reocr, as_json):
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
    from indexer.historical import households_for_matching
    from indexer.pipeline import index_archive
    from indexer.report import format_stats
    from indexer.vocab import workspace_words

    state = ctx.obj
    ws = state.ws
    progress = Progress("编入索引")
    with ws.lock("index"):
        try:
            households = _workspace_households(ws)
            stats = index_archive(ws.root, archive_dir=out, backend=backend or ws.config.search_backend,
                                  progress=progress, rebuild=rebuild,
                                  lookup=households_for_matching(households) if rebuild else None,
                                  extra_words=workspace_words(households=households),
                                  ocr_photos=ws.config.search.ocr_photos,
                                  ocr_timeout=ws.config.ocr_timeout, ocr_engine=_ocr_engine(ws), reocr=reocr,
                                  ocr_engine_photos=ws.config.search.ocr_engine_photos)
        finally:
            progress.close()
    if as_json:
        click.echo(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(stats))


def _ocr_engine(ws) -> str | None:
    """[search] ocr_engine of dibao.toml: "tesseract" (default) or "rapidocr"."""
    return ws.config.search.ocr_engine


def _households_lookup(ws):
    from indexer.historical import households_for_matching

    return households_for_matching(_workspace_households(ws))


@index.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--household", "case_no", metavar="对象编号", help="这些文件都属于这一户（不写则按路径和内容自动对应）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.pass_obj
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
    progress = Progress("加入历史档案")
    with ws.lock("index"):
        try:
            out = add_historical(list(paths), ws.root, backend=backend, lookup=_households_lookup(ws),
                                 progress=progress, household=case_no, ocr_timeout=ws.config.ocr_timeout,
                                 ocr_engine=_ocr_engine(ws),
                                 ocr_engine_photos=ws.config.search.ocr_engine_photos)
        finally:
            progress.close()
    if as_json:
        from archive.ids import redact_ids

        click.echo(redact_ids(json.dumps(out, ensure_ascii=False, indent=2)))
    else:
        click.echo(format_historical(out))
    if out["problems"]:
        raise ProblemsFound("")


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--village", help="只查这个村（社区）")
@click.option("--town", help="只查这个乡镇（街道）")
@click.option("--type", "hh_type", help="只查这类户：城市低保、农村低保、特困、低保边缘")
@click.option("--category", type=click.Choice(["审批类", "日常管理类", "财务类"]), help="只查这一类卷宗")
@click.option("--year", help="只查这一年，或年份范围如 2022-2024")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="最多显示多少条")
@click.option("--backend", type=click.Choice(["auto", "tantivy", "whoosh"]), help="检索引擎（默认：已建索引的引擎）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（身份证号已遮蔽）")
@click.option("--export", "export_xlsx", type=click.Path(path_type=Path, dir_okay=False), metavar="目录.xlsx",
              help="把结果清单（户、文件、页码、摘要）另存为 Excel 表")
@click.option("--pdf", "export_pdf", type=click.Path(path_type=Path, dir_okay=False), metavar="卷.pdf",
              help="把命中的页汇成一个带书签（户→文件→页）的 PDF")
@click.pass_obj
def search(state, query, village, town, hh_type, category, year, limit, backend, as_json, export_xlsx, export_pdf):
    """全文检索档案：姓名、身份证号（或后4位、后6位）、对象编号、任意词句，查到户、到文件、到页。

    \b
    例：dibao search 张三
        dibao search 014315
        dibao search "家庭综合困难情况" --village 黄沙村 --year 2024
        dibao search 审核 NOT 特困 category:审批类
        dibao search 李 OR 王 --json
        dibao search 周秀英 --export 周秀英目录.xlsx --pdf 周秀英.pdf     检查用：清单和汇总页

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

        click.echo(redact_ids(json.dumps(result.as_dict(), ensure_ascii=False, indent=2)))
    else:
        click.echo(format_result(result))
    if export_xlsx or export_pdf:
        _export(ws, result, export_xlsx, export_pdf)


def _export(ws, result, xlsx, pdf) -> None:
    """--export / --pdf: the inspector's dossier (indexer.dossier), logged in the journal."""
    from archive import journal
    from indexer import dossier
    from indexer.pipeline import workspace_paths

    if not result.hits:
        click.echo("没有命中的页，没有导出文件。", err=True)
        return
    if xlsx:
        if xlsx.suffix.lower() != ".xlsx":
            xlsx = xlsx.with_suffix(".xlsx")
        dossier.export_xlsx(result, xlsx)
        click.echo(f"结果清单已保存：{xlsx}（{len(result.hits)} 页）", err=True)
    if pdf:
        out, problems = dossier.export_pdf(result, pdf, workspace_paths(ws.root)["word_pdf"])
        for p in problems:
            click.echo(f"  问题：{p}", err=True)
        click.echo(f"命中页已汇成 PDF：{out}（{len(result.hits) - len(problems)} 页，带书签）", err=True)
    journal.append(ws.state_dir, "search-export", detail={"query": result.query, "pages": len(result.hits),
                                                          "xlsx": str(xlsx or ""), "pdf": str(pdf or "")})


COMMANDS = (index, search)
