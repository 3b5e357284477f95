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
    if result.approximate:   # no exact page: near ones (indexer.near); the note says so
        lines.append(f"没有完全符合的页。与查询只差一个字的有 {result.total:,} 页（多半是扫描件把字认错了），请核对原件：")
        lines.extend(_grouped(result.hits))
        lines.extend(f"  提示：{n}" for n in result.notes if not n.startswith("没有完全符合的页"))
        return redact_ids("\n".join(lines))
    if result.total_exact:
        more = f"（显示前 {shown} 页，可用 --limit 显示更多）" if shown < result.total else ""
        lines.append(f"找到 {result.total:,} 页{more}：")
    else:   # a very common phrase: not counted to the end (see SearchResult.total_exact)
        lines.append(f"找到{total_text(result.total, False, result.total_max)}：符合的页很多，没有逐页数完，"
                     f"下面是核对过的前 {shown} 页。加上村、年度、类别等条件（如 --village、--year）可缩小范围：")
    lines.extend(_grouped(result.hits))
    lines.extend(f"  提示：{n}" for n in result.notes)
    return redact_ids("\n".join(lines))


def group_hits(hits) -> list[tuple[str, list[tuple[str, list]]]]:
    """Hits grouped by household, then by file, in the order of their best hit:
    [(household label, [(file path, [hits on its pages, best first])])]."""
    households: dict[str, dict[str, list]] = {}
    for h in hits:
        who = " ".join(x for x in (h.household, h.head, h.village) if x) or "（未对应到户）"
        households.setdefault(who, {}).setdefault(h.pdf_path or h.title, []).append(h)
    return [(who, list(files.items())) for who, files in households.items()]


def _grouped(hits) -> list[str]:
    lines, n = [], 0
    for who, files in group_hits(hits):
        lines.append(f"■ {who}")
        for path, page_hits in files:
            first = page_hits[0]
            kind = first.category or ("历史档案" if first.source == "historical" else "")
            across = "（查询词分在这份文件的不同页上）" if any(h.across_pages for h in page_hits) else ""
            lines.append(f"  {kind} · {path or first.title}{across}" if kind else f"  {path or first.title}{across}")
            for h in page_hits:
                n += 1
                what = " · ".join(x for x in (h.title, h.date or (str(h.year) if h.year else "")) if x)
                lines.append(f"  {n:>3}. 第 {h.page} 页 | {what}" if h.page else f"  {n:>3}. {what}")
                if h.snippet:
                    lines.append(f"       {h.snippet}")
    return lines


def format_stats(stats) -> str:
    s = stats
    text = (f"索引已更新（{s.backend}）：新增 {s.added} 户，更新 {s.updated} 户，移除 {s.removed} 户，未变 {s.unchanged} 户；"
            f"写入 {s.pages} 页；文字识别 {s.ocr_pages} 页，用缓存 {s.ocr_cached} 页"
            + (f"；村级公示材料、盒内目录等 {s.files} 个文件重新编入" if getattr(s, "files", 0) else "")
            + (f"；按工作区词表纠正识别错字 {s.corrected} 处" if getattr(s, "corrected", 0) else "")
            + f"；用时 {s.seconds} 秒")
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
