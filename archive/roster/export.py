"""Writing the roster back out: `dibao export 花名册.xlsx` (one row per member, the columns the
import reads, so export -> import -> export gives the same cells) and the empty template.

openpyxl's write-only mode streams the rows (10,000 households in a few seconds); IDs and card
numbers are written as text cells so Excel never turns them into numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from archive.fsutil import atomic_path
from archive.records.model import HOUSEHOLD_TYPES, Household

# (header, width, kind)  kind: text | id | date | money | int
EXPORT_COLUMNS = (
    ("序号", 6, "int"), ("对象编号", 16, "text"), ("乡镇（街道）", 12, "text"), ("村（社区）", 12, "text"),
    ("组", 6, "text"), ("保障类别", 10, "text"), ("户主姓名", 10, "text"), ("户主身份证号", 21, "id"),
    ("姓名", 10, "text"), ("性别", 6, "text"), ("民族", 7, "text"), ("与户主关系", 10, "text"),
    ("身份证号", 21, "id"), ("出生日期", 12, "date"), ("健康状况", 9, "text"), ("是否保障对象", 8, "text"),
    ("保障人数", 8, "int"), ("月保障金", 10, "money"), ("享受时间", 12, "date"), ("户籍性质", 9, "text"),
    ("致贫原因", 14, "text"), ("开户银行", 18, "text"), ("银行卡号", 22, "id"), ("户名", 10, "text"),
    ("联系电话", 14, "text"), ("家庭住址", 28, "text"), ("备注", 20, "text"),
)
RELATIONS = ("本人", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "儿媳", "女婿", "兄弟", "姐妹", "祖父", "祖母", "其他")
HEALTH = ("健康", "慢性病", "重病", "残疾", "体弱")


def _rows(hh: Household, seq: int):
    head = hh.head
    covered = sum(1 for m in hh.members if m.covered)
    acct = hh.bank_account
    for m in hh.members:
        yield [seq, hh.case_no, hh.town, hh.village, hh.group, hh.type, head.name, head.id_number,
               m.name, m.sex, m.ethnicity, m.relation, m.id_number, m.birth_date, m.health,
               "是" if m.covered else "否", covered, hh.monthly_amount, hh.since, hh.hukou_type, hh.reason,
               acct.bank if acct else None, acct.card_number if acct else None, acct.holder if acct else None,
               hh.phone, hh.address.residence, hh.notes]


def _title(ws_or_none, what: str) -> str:
    town = ws_or_none.config.town if ws_or_none is not None else ""
    return f"{town}{what}"


def export_roster(ws, output: Path, *, village: str | None = None, types: tuple[str, ...] = ()):
    """Returns (households, rows, records left out because they have errors)."""
    from archive.records.load import load_households

    hhs, skipped = load_households(ws.record_paths(), ws.root, strict=False)
    hhs = [h for h in hhs if (not village or h.village == village) and (not types or h.type in types)]
    hhs.sort(key=lambda h: (h.village, h.group or "", h.case_no))
    what = f"{village or ''}{'、'.join(types) if types else '低保、特困、低保边缘'}对象花名册"
    n_rows = write_workbook(output, _title(ws, what), (row for i, h in enumerate(hhs, 1) for row in _rows(h, i)))
    return len(hhs), n_rows, skipped


def write_workbook(output: Path, title: str, rows, *, template: bool = False) -> int:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ncol = len(EXPORT_COLUMNS)
    last = get_column_letter(ncol)
    for i, (_, width, _) in enumerate(EXPORT_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"   # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True

    tcell = WriteOnlyCell(ws, value=title)
    tcell.font = Font(size=16, bold=True)
    # "centre across selection" instead of a merged cell: write-only sheets cannot merge, and
    # the title still sits centred over the table on screen and on every printed page
    tcell.alignment = Alignment(horizontal="centerContinuous", vertical="center")
    rest = []
    for _ in range(ncol - 1):
        c = WriteOnlyCell(ws, value=None)
        c.alignment = Alignment(horizontal="centerContinuous")
        rest.append(c)
    ws.row_dimensions[1].height = 30
    ws.append([tcell, *rest])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    hfill = PatternFill("solid", fgColor="FFD9E1F2")
    header = []
    for name, _, _ in EXPORT_COLUMNS:
        c = WriteOnlyCell(ws, value=name)
        c.font = Font(bold=True)
        c.fill = hfill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(c)
    ws.append(header)
    kinds = [k for _, _, k in EXPORT_COLUMNS]
    n = 0
    text_cell = WriteOnlyCell(ws)
    text_cell.number_format = "@"
    for row in rows:
        out = []
        for v, kind in zip(row, kinds):
            if v is None:
                out.append(None)
            elif kind == "id":
                c = WriteOnlyCell(ws, value=str(v))
                c.number_format = "@"
                out.append(c)
            elif kind == "date" and isinstance(v, dt.date):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = "yyyy-mm-dd"
                out.append(c)
            elif kind == "money" and isinstance(v, Decimal):
                c = WriteOnlyCell(ws, value=float(v))
                c.number_format = "0.00"
                out.append(c)
            else:
                out.append(v)
        ws.append(out)
        n += 1
    ws.auto_filter.ref = f"A2:{last}{max(n + 2, 3)}"
    if template:
        _validations(ws, DataValidation)
    if template:
        _instructions(wb)
    with atomic_path(output) as tmp:
        wb.save(tmp)
    return n


def _validations(ws, DataValidation) -> None:
    from openpyxl.utils import get_column_letter

    col = {name: get_column_letter(i) for i, (name, _, _) in enumerate(EXPORT_COLUMNS, 1)}
    lists = {"保障类别": HOUSEHOLD_TYPES, "与户主关系": RELATIONS, "性别": ("男", "女"), "健康状况": HEALTH,
             "是否保障对象": ("是", "否"), "户籍性质": ("农业", "非农业", "居民")}
    for name, options in lists.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="请从下拉列表中选择",
                            error=f"{name}只能是：{'、'.join(options)}")
        dv.add(f"{col[name]}3:{col[name]}2000")
        ws.data_validations.append(dv)


INSTRUCTIONS = (
    ("填表说明", ""),
    ("一行一人", "每户先写户主（与户主关系填“本人”），其后逐行写家庭成员；户的信息（对象编号、村、保障类别、月保障金等）每行都填或只在户主行填均可。"),
    ("身份证号、银行卡号", "这几列已设为“文本”格式，请勿改成数字格式：Excel 只保留15位有效数字，18位身份证号的后几位会变成0且无法恢复。"),
    ("对象编号", "已有编号照填；新户可以空着，导入时按本县编号规则自动生成。"),
    ("保障类别", "从下拉列表选择：" + "、".join(HOUSEHOLD_TYPES) + "。"),
    ("与户主关系、性别、健康状况", "从下拉列表选择；性别可以空着（按身份证号自动判断）。"),
    ("日期", "出生日期、享受时间写成 2023-03-01、2023.3.1 或 2023年3月1日 均可；出生日期有身份证号时可以空着。"),
    ("金额", "月保障金填数字（元），如 650 或 650.50。"),
    ("保障人数、是否保障对象", "只有部分成员享受保障时，在“是否保障对象”列逐人写“是”或“否”，保障人数写享受保障的人数。"),
    ("导入", "填好后运行 dibao import 台账.xlsx；有问题的行会写在“台账.检查结果.xlsx”的“检查结果”列并标红，改正后重新导入即可，不会重复。"),
)


def _instructions(wb) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("填表说明")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    for i, (a, b) in enumerate(INSTRUCTIONS):
        ca = WriteOnlyCell(ws, value=a)
        ca.font = Font(bold=True, size=14 if i == 0 else 11)
        cb = WriteOnlyCell(ws, value=b)
        cb.alignment = Alignment(wrap_text=True, vertical="top")
        ws.append([ca, cb])


def export_template(output: Path, ws=None) -> None:
    rows = []
    write_workbook(output, _title(ws, "低保、特困、低保边缘对象台账"), rows, template=True)
    _format_text_columns(output)


def _format_text_columns(output: Path) -> None:
    """Text format on the empty ID and card cells of the template (write-only mode cannot style empty rows)."""
    import openpyxl

    wb = openpyxl.load_workbook(output)
    ws = wb["花名册"]
    for i, (_, _, kind) in enumerate(EXPORT_COLUMNS, 1):
        if kind == "id":
            for r in range(3, 1003):
                ws.cell(row=r, column=i).number_format = "@"
    with atomic_path(output) as tmp:
        wb.save(tmp)
