"""Reading a roster file into a plain grid: .xlsx (calamine, hidden rows from the sheet XML),
.xls and .et (calamine: WPS's .et is the same compound-file format as .xls), .csv (UTF-8 with or
without BOM, else GB18030, which covers GBK).

python-calamine (Rust calamine) reads both .xlsx and .xls, gives formulas' cached values and the
merged ranges, and reads a 30,000-row roster several times faster than openpyxl.  Hidden rows
come from the sheet XML (.xlsx) or from xlrd's row formatting (.xls).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import InputError

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".csv")


@dataclass
class Grid:
    path: Path
    sheet: str
    rows: list[list]                                    # row 0 is Excel row 1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)   # r0, c0, r1, c1 (inclusive, 0-based)
    hidden: set[int] = field(default_factory=set)       # 0-based rows hidden in Excel
    sheets: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    path = Path(path)
    if not path.is_file():
        raise InputError("台账文件不存在", path=path, hint="检查文件名和路径是否写对")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix not in SUFFIXES:
        raise InputError(f"不认识的文件类型“{path.suffix}”", path=path,
                         hint="请用 Excel 或 WPS 另存为 .xlsx（也可以是 .xls、.et 或 .csv）后再导入")
    return _read_calamine(path, sheet)


def _read_calamine(path: Path, sheet: str | None) -> Grid:
    import python_calamine as pc

    try:
        if path.suffix.lower() == ".et":
            with open(path, "rb") as fh:
                wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
        else:
            wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise InputError("工作簿设有打开密码，无法读取", path=path, hint="在 Excel/WPS 中取消密码后另存，再导入") from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for a damaged file
        raise InputError(f"无法读取这个表格文件（{type(exc).__name__}）", path=path,
                         hint="用 Excel 或 WPS 打开后另存为 .xlsx 再导入；文件可能已损坏或不是表格") from exc
    visible = [m.name for m in wb.sheets_metadata if str(m.visible).endswith("Visible") and "WorkSheet" in str(m.typ)]
    names = list(wb.sheet_names)
    if sheet is None:
        chosen = visible[0] if visible else names[0]
    elif sheet in names:
        chosen = sheet
    elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
        chosen = names[int(sheet) - 1]
    else:
        raise InputError(f"工作簿里没有名为“{sheet}”的工作表", path=path,
                         hint=f"--sheet 写以下之一：{'、'.join(names)}（也可以写序号 1、2…）")
    ws = wb.get_sheet_by_name(chosen)
    data = ws.to_python(skip_empty_area=False)
    rows = [list(r) for r in data]   # skip_empty_area=False: row 0 is Excel's row 1
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (ws.merged_cell_ranges or [])]
    hidden = _hidden_rows(path, names.index(chosen), chosen) if path.suffix.lower() in (".xlsx", ".xlsm") \
        else _hidden_rows_xls(path, chosen)
    wb.close()
    return Grid(path, chosen, rows, merged, hidden, names)


_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ATTR_R = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')


def _hidden_rows(path: Path, index: int, name: str) -> set[int]:
    """0-based rows marked hidden in an .xlsx sheet (calamine does not report them)."""
    try:
        with zipfile.ZipFile(path) as z:
            target = _sheet_part(z, name) or f"xl/worksheets/sheet{index + 1}.xml"
            data = z.read(target)
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    out: set[int] = set()
    if b"hidden=" not in data:
        return out
    n = 0
    for m in _ROW.finditer(data):
        attrs = m.group(1)
        r = _ATTR_R.search(attrs)
        n = int(r.group(1)) if r else n + 1
        if _HIDDEN.search(attrs):
            out.add(n - 1)
    return out


def _hidden_rows_xls(path: Path, name: str) -> set[int]:
    """0-based hidden rows of an .xls/.et sheet.  calamine does not report row formatting; xlrd
    (maintained, reads BIFF with formatting_info) does.  Unreadable formatting: no rows hidden."""
    try:
        import xlrd

        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        try:
            sheet = book.sheet_by_name(name)
            return {r for r, info in sheet.rowinfo_map.items() if info.hidden}
        finally:
            book.release_resources()
    except Exception:  # noqa: BLE001 - an .et or unusual .xls xlrd cannot read: calamine's cells still stand
        return set()


def _sheet_part(z: zipfile.ZipFile, name: str) -> str | None:
    from xml.etree import ElementTree as ET

    try:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    rid = None
    for el in wb.iter():
        if el.tag.endswith("}sheet") and el.get("name") == name:
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
    for el in rels.iter():
        if el.get("Id") == rid and rid:
            t = el.get("Target", "")
            return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return None


def _read_csv(path: Path) -> Grid:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            textdata = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("CSV 文件既不是 UTF-8 也不是 GBK 编码", path=path,
                         hint="用 Excel 或 WPS 打开后另存为 .xlsx，或另存为“CSV UTF-8”再导入")
    sample = textdata[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(textdata), dialect)]
    return Grid(path, path.stem, rows, sheets=[path.stem])
