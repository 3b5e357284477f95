"""The Excel report: a summary sheet (汇总) and one worklist sheet per village.

Village sheets list, in worklist order (组, then 对象编号), one row per gap, one per
inspector flag, and one "资料齐全" row for a complete household, so a clerk can walk
the village with the printout and tick the last column.  Written with openpyxl in
write-only mode (a county of 100,000 households stays fast) and saved atomically.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from archive.audit.gaps import FLAG_KINDS, GAP_KINDS, REMINDER
from archive.audit.report import summarize
from archive.fsutil import atomic_path

SUMMARY_SHEET = "汇总"
UNREADABLE_SHEET = "无法读取的记录"
VILLAGE_HEADERS = ("序号", "组", "对象编号", "户主", "对象类型", "缺件种类", "缺什么", "归档类别", "原因", "依据",
                   "怎么补", "已补（打勾）")
VILLAGE_WIDTHS = (6, 8, 16, 10, 10, 12, 36, 11, 44, 30, 50, 10)
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(name: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name (31 characters at most, no []:*?/\\)."""
    base = _BAD_SHEET.sub("_", name).strip("'") or "未命名"
    base = base[:31]
    title, n = base, 2
    while title in used or title in (SUMMARY_SHEET, UNREADABLE_SHEET):
        suffix = f"({n})"
        title = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _head(ws, values) -> list:
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=v)
        c.font = _BOLD
        c.fill = _HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cells.append(c)
    return cells


def _row(ws, values, fill=None) -> list:
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=v)
        c.alignment = _WRAP
        if fill is not None:
            c.fill = fill
        cells.append(c)
    return cells


def _widths(ws, widths) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def write_xlsx(result, dest: Path) -> Path:
    with atomic_path(dest) as tmp:          # fails before any sheet is opened when dest is not writable
        # the workbook is made in memory and written in one go: a full disk is then one clean
        # error (exit 8), not openpyxl's streaming writers failing one after another as they are freed
        buf = io.BytesIO()
        _workbook(result).save(buf)
        tmp.write_bytes(buf.getvalue())
    return Path(dest)


def _workbook(result) -> Workbook:
    s = summarize(result)
    wb = Workbook(write_only=True)
    _summary_sheet(wb, result, s)
    used: set[str] = set()
    by_village: dict[tuple[str, str], list] = {}
    for h in result.households:
        by_village.setdefault((h.town, h.village), []).append(h)
    for (town, village), hs in by_village.items():
        _village_sheet(wb, sheet_title(village, used), hs)
    if result.unreadable:
        ws = wb.create_sheet(UNREADABLE_SHEET)
        _widths(ws, (50, 80))
        ws.append(_head(ws, ("记录文件", "问题（先用 dibao validate 改正）")))
        for h in result.unreadable:
            ws.append(_row(ws, (h.record, h.flags[0].detail)))
    return wb


def _summary_sheet(wb, result, s) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    kinds = list(GAP_KINDS) + [REMINDER]
    headers = ["乡镇（街道）", "村（社区）", "户数", "资料齐全户数", "缺件户数", "完成率", "缺件项数"] + kinds + \
              [f"核查提示：{k}" for k in FLAG_KINDS] + ["只差签字归档的户数"]
    _widths(ws, [14, 14, 8, 12, 10, 9, 10] + [10] * len(kinds) + [12] * len(FLAG_KINDS) + [12])
    ws.freeze_panes = "C4"
    ws.append([WriteOnlyCell(ws, value=f"低保档案审计汇总（缺什么补什么）  审计日期 {result.as_of.isoformat()}")])
    ws.append([f"规则：{result.rules.title}（{result.rules.path}）" + (f"；只看 {result.village}" if result.village else "")
               + (f"；只看缺件种类 {'、'.join(result.kinds)}" if result.kinds else "")])
    ws.append(_head(ws, headers))

    def line(town, name, t, bold=False):
        vals = [town, name, t.households, t.complete, t.households - t.complete, t.rate, t.missing] + \
               [t.gaps.get(k, 0) for k in kinds] + [t.flags.get(k, 0) for k in FLAG_KINDS] + [t.only_unsigned]
        cells = _row(ws, vals)
        cells[5].number_format = "0.0%"
        if bold:
            for c in cells:
                c.font = _BOLD
        return cells

    for town, t in s.villages:
        ws.append(line(town, t.name, t))
    for t in s.towns:
        ws.append(line(t.name, "合计", t, bold=True))
    if len(s.towns) > 1:
        ws.append(line("全部", "合计", s.total, bold=True))
    for note in result.notes:
        ws.append([note])


def _village_sheet(wb, title: str, households) -> None:
    ws = wb.create_sheet(title)
    _widths(ws, VILLAGE_WIDTHS)
    ws.freeze_panes = "A2"
    ws.append(_head(ws, VILLAGE_HEADERS))
    n = 0
    for h in households:
        base = (h.group, h.case_no, h.head, h.type)
        if not h.gaps and not h.flags:
            n += 1
            ws.append(_row(ws, (n, *base, "—", "资料齐全", "", "", "", "", "")))
            continue
        for g in h.gaps:
            n += 1
            ws.append(_row(ws, (n, *base, g.kind, g.what, g.category, g.why, g.source, g.fix, "")))
        for f in h.flags:
            n += 1
            ws.append(_row(ws, (n, *base, f"核查提示：{f.kind}", f.detail, "", "", f.source, f.fix, ""), _FLAG_FILL))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(VILLAGE_HEADERS))}{max(n + 1, 2)}"
