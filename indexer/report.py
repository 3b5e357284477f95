"""Plain-Chinese text for `dibao search` and `dibao index` output (the CLI only prints it)."""

from __future__ import annotations

from archive.ids import redact_ids
from indexer.engine import SearchResult


def total_text(total: int, exact: bool = True, at_most: int | None = None) -> str:
    """How many pages matched, truthfully: "12 页", or "至少 40 页（最多 121,300 页）" when not counted to the end."""
    if exact:
        return f"{total:,} 页"
    return f"至少 {total:,} 页" + (f"（最多 {at_most:,} 页）" if at_most else "")


def format_result(result: SearchResult) -> str:
    lines = []
    if result.total == 0:
        lines.append("没有找到符合条件的页。")
        lines.extend(f"  提示：{n}" for n in result.notes)
        if result.suggestion:
            lines.append(result.suggestion)
        return redact_ids("\n".join(lines))
    shown = len(result.hits)
    if result.total_exact:
        more = f"（显示前 {shown} 页，可用 --limit 显示更多）" if shown < result.total else ""
        lines.append(f"找到 {result.total:,} 页{more}：")
    else:   # a very common phrase: not counted to the end (see SearchResult.total_exact)
        lines.append(f"找到{total_text(result.total, False, result.total_max)}：符合的页很多，没有逐页数完，"
                     f"下面是核对过的前 {shown} 页。加上村、年度、类别等条件（如 --village、--year）可缩小范围：")
    for n, h in enumerate(result.hits, start=1):
        who = " ".join(x for x in (h.household, h.head, h.village) if x) or "（未对应到户）"
        what = " · ".join(x for x in (h.category, h.title, h.date or (str(h.year) if h.year else ""),
                                      f"第 {h.page} 页" if h.page else "") if x)
        lines.append(f"{n:>3}. {who} | {what}")
        if h.snippet:
            lines.append(f"     {h.snippet}")
        if h.pdf_path:
            lines.append(f"     打开：{h.pdf_path}" + (f"（第 {h.page} 页）" if h.page else ""))
    lines.extend(f"  提示：{n}" for n in result.notes)
    return redact_ids("\n".join(lines))


def format_stats(stats) -> str:
    s = stats
    text = (f"索引已更新（{s.backend}）：新增 {s.added} 户，更新 {s.updated} 户，移除 {s.removed} 户，未变 {s.unchanged} 户；"
            f"写入 {s.pages} 页；文字识别 {s.ocr_pages} 页，用缓存 {s.ocr_cached} 页；用时 {s.seconds} 秒")
    head = [f"原索引无法使用（{s.repaired}），已自动重建"] if getattr(s, "repaired", "") else []
    return redact_ids("\n".join(head + [text] + [f"  问题：{p['path']}：{p['reason']}" for p in s.problems]))


def format_historical(out: dict) -> str:
    lines = [f"历史档案：新加入 {out['added']} 个文件，未变 {out['unchanged']} 个，其中对应到户 {out['attached']} 个；"
             f"文字识别 {out['ocr_pages']} 页，用缓存 {out['ocr_cached']} 页；用时 {out['seconds']} 秒"]
    for f in out["files"]:
        if f["status"] == "added":
            lines.append(f"  {f['path']}：{f['pages']} 页，" + (f"对应 {f['household']}" if f["household"] else "未对应到户（仍可搜索）"))
    lines.extend(f"  问题：{p['path']}：{p['reason']}" for p in out["problems"])
    return redact_ids("\n".join(lines))
