"""Writing the roster back out: `dibao export 花名册.xlsx` (one row per member, the columns the
import reads, so export -> import -> export gives the same cells) and the empty template.

XlsxWriter streams the rows in constant memory (10,000 households in a few seconds); IDs and card
numbers are written as text cells (and their columns formatted as text) so Excel never turns them
into numbers.
"""

from __future__ import annotations

import datetime as dt
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
    from pydantic import ValidationError

    from archive.errors import InputError

    hhs, skipped = [], []
    for p in ws.record_paths():     # the model only (no record checks): a record that parses is exported
        try:
            hhs.append(Household.model_validate_json(ws.read_record(p)))
        except (OSError, InputError, ValidationError, ValueError):
            skipped.append(p)
    hhs = [h for h in hhs if (not village or h.village == village) and (not types or h.type in types)]
    hhs.sort(key=lambda h: (h.village, h.group or "", h.case_no))
    what = f"{village or ''}{'、'.join(types) if types else '低保、特困、低保边缘'}对象花名册"
    n_rows = write_workbook(output, _title(ws, what), (row for i, h in enumerate(hhs, 1) for row in _rows(h, i)))
    return len(hhs), n_rows, skipped


def write_workbook(output: Path, title: str, rows, *, template: bool = False) -> int:
    """XlsxWriter in constant-memory mode: rows go to disk as they come (30,000 rows in a couple of
    seconds, where openpyxl's write-only mode takes several times longer)."""
    import xlsxwriter

    ncol = len(EXPORT_COLUMNS)
    with atomic_path(output) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
        ws = wb.add_worksheet("花名册")
        f_title = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        f_head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center",
                                "valign": "vcenter", "text_wrap": True})
        f_text = wb.add_format({"num_format": "@"})
        f_date = wb.add_format({"num_format": "yyyy-mm-dd"})
        f_money = wb.add_format({"num_format": "0.00"})
        for i, (_, width, kind) in enumerate(EXPORT_COLUMNS):
            ws.set_column(i, i, width, f_text if kind == "id" else None)
        ws.freeze_panes(2, 2)
        ws.repeat_rows(0, 1)
        ws.set_landscape()
        ws.set_paper(9)            # A4
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_row(0, 30)
        ws.merge_range(0, 0, 0, ncol - 1, title, f_title)
        for c, (name, _, _) in enumerate(EXPORT_COLUMNS):
            ws.write_string(1, c, name, f_head)
        kinds = [k for _, _, k in EXPORT_COLUMNS]
        r = 2
        for row in rows:
            for c, (v, kind) in enumerate(zip(row, kinds)):
                if v is None or v == "":
                    continue
                if kind == "id" or isinstance(v, str):
                    ws.write_string(r, c, str(v), f_text if kind == "id" else None)
                elif kind == "date":
                    ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), f_date)
                elif kind == "money":
                    ws.write_number(r, c, float(v), f_money)
                else:
                    ws.write_number(r, c, v)
            r += 1
        n = r - 2
        ws.autofilter(1, 0, max(r - 1, 2), ncol - 1)
        if template:
            _validations(ws)
            _instructions(wb)
        wb.close()
    return n


def _validations(ws) -> None:
    col = {name: i for i, (name, _, _) in enumerate(EXPORT_COLUMNS)}
    lists = {"保障类别": HOUSEHOLD_TYPES, "与户主关系": RELATIONS, "性别": ("男", "女"), "健康状况": HEALTH,
             "是否保障对象": ("是", "否"), "户籍性质": ("农业", "非农业", "居民")}
    for name, options in lists.items():
        ws.data_validation(2, col[name], 1999, col[name], {
            "validate": "list", "source": list(options), "ignore_blank": True,
            "error_title": "请从下拉列表中选择", "error_message": f"{name}只能是：{'、'.join(options)}"})


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
    ws = wb.add_worksheet("填表说明")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)
    bold = wb.add_format({"bold": True})
    big = wb.add_format({"bold": True, "font_size": 14})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for i, (a, b) in enumerate(INSTRUCTIONS):
        ws.write_string(i, 0, a, big if i == 0 else bold)
        if b:
            ws.write_string(i, 1, b, wrap)


def export_template(output: Path, ws=None) -> None:
    """An empty roster: drop-down lists, ID and card columns formatted as text, a sheet of instructions."""
    write_workbook(output, _title(ws, "低保、特困、低保边缘对象台账"), [], template=True)
