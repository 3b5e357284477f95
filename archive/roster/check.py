"""`<name>.检查结果.xlsx`: a copy of the roster with a 检查结果 column and the bad cells filled red."""

from __future__ import annotations

from pathlib import Path

from archive.fsutil import atomic_path

RED = "FFFF9999"
COLUMN_TITLE = "检查结果"


def check_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.检查结果.xlsx")


def write_check_workbook(source: Path, sheet: str, grid_rows: list[list], header_row: int,
                         problems, dest: Path | None = None) -> Path:
    """problems: RowProblem items (0-based row and column).  .xlsx sources are copied with their
    formatting; other files (.xls, .et, .csv) become a new .xlsx holding their cells."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    dest = dest or check_path(source)
    by_row: dict[int, list] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        wb = openpyxl.load_workbook(source)
        ws = wb[sheet]
        width = max(ws.max_column, max((len(r) for r in grid_rows), default=0))
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet[:31] or "Sheet1"
        for r in grid_rows:
            ws.append([None if v == "" else v for v in r])
        width = max((len(r) for r in grid_rows), default=0)
    col = width + 1
    fill = PatternFill("solid", fgColor=RED)
    head = ws.cell(row=header_row + 1, column=col, value=COLUMN_TITLE)
    head.font = Font(bold=True, color="FFC00000")
    ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = 60
    for r, probs in sorted(by_row.items()):
        texts = list(dict.fromkeys(p.text() for p in probs))
        c = ws.cell(row=r + 1, column=col, value="；".join(texts))
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.font = Font(color="FFC00000")
        for p in probs:
            if p.col is not None:
                _fill(ws, r + 1, p.col + 1, fill)
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return dest


def _fill(ws, row: int, col: int, fill) -> None:
    from openpyxl.cell.cell import MergedCell

    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):   # a household cell merged down: colour the merged block
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                cell = ws.cell(row=rng.min_row, column=rng.min_col)
                break
    cell.fill = fill
