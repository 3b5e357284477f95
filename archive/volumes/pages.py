"""Archive pages dibao draws itself (no LibreOffice): covers, contents lists, remarks sheets,
payment record sheets, village box lists and the town summary.

All pages are drawn with fpdf2 in Noto Serif CJK SC (the SC face of the system's
NotoSerifCJK-Regular.ttc), embedded as a subset (archive/pdffont.py: the font is
prepared once and its metrics kept).  Subsetting it still costs ~0.15 s per PDF, so the
generated pages of several households go into one `Book` (one subset); the volume
assembler then picks each section's page range out of it.

Archive page numbers (页号) count the pages of the documents only, from 1: the
cover, the contents list and the remarks sheet are not numbered (common practice
for 卷内文件), so the contents list can be drawn before its own length is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from archive.pdffont import FONT_FILE, font_face  # noqa: F401 - FONT_FILE, font_face: used by others

FAMILY = "serif"
PAGE_W, PAGE_H = 210.0, 297.0  # A4 in mm
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 25.0, 20.0, 20.0, 20.0
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R


def ymd(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def iso(d) -> str:
    return d.isoformat() if d else ""


def money(v) -> str:
    return f"{Decimal(v):,.2f}"


@dataclass
class CoverInfo:
    head: str
    case_no: str
    village: str
    town: str
    county: str
    category: str
    household_type: str
    first_date: dt.date | None
    last_date: dt.date | None
    items: int
    pages: int
    retention: str
    built: dt.date


@dataclass
class ContentsRow:
    seq: int
    title: str
    date: dt.date | None
    first: int   # archive page number (1-based, documents only)
    last: int
    note: str = ""


@dataclass
class RemarksInfo:
    items: int
    pages: int
    missing: list[str]
    problems: list[str]
    filer: str
    checker: str
    built: dt.date


@dataclass
class BoxRow:
    case_no: str
    head: str
    household_type: str
    volumes: dict[str, int]  # category -> pages of the volume
    complete: bool
    note: str = ""


@dataclass
class Section:
    first: int  # 0-based page index in the book
    last: int   # inclusive

    @property
    def count(self) -> int:
        return self.last - self.first + 1


# fpdf2 is imported with the first Book (a build with nothing to draw needs none of it)
XPos = YPos = HEADINGS = _Doc = None


def _load_fpdf() -> None:
    global XPos, YPos, HEADINGS, _Doc
    if _Doc is not None:
        return
    from fpdf import FPDF
    from fpdf.enums import XPos as xpos, YPos as ypos
    from fpdf.fonts import FontFace

    from archive.pdffont import add_font

    class Doc(FPDF):
        def __init__(self, font_cache: Path | None = None):
            super().__init__(orientation="P", unit="mm", format="A4")
            add_font(self, FAMILY, font_cache)
            self.set_margins(MARGIN_L, MARGIN_T, MARGIN_R)
            self.set_auto_page_break(True, MARGIN_B)
            self.set_font(FAMILY, size=11)
            self.set_creator("dibao")
            self.set_producer("dibao (fpdf2)")
            self.c_margin = 1.5

    XPos, YPos, HEADINGS = xpos, ypos, FontFace(emphasis="", fill_color=(232, 232, 232))
    _Doc = Doc


class Book:
    """All generated pages of one household (or one box list / summary) in one PDF.

    font_cache: folder for the prepared CJK font (archive/pdffont.py); None: the user's cache.
    """

    def __init__(self, font_cache: Path | None = None):
        _load_fpdf()
        self.pdf = _Doc(font_cache)

    def _begin(self) -> int:
        self.pdf.add_page()
        return self.pdf.page - 1

    def _end(self, first: int) -> Section:
        return Section(first, self.pdf.page - 1)

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    # -------------------------------------------------------------- title helpers
    def _title(self, text: str, size: float = 20, gap: float = 8) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=size)
        pdf.cell(TEXT_W, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)
        pdf.set_font(FAMILY, size=11)

    def _heading(self, title: str, subtitle: str, size: float = 20) -> None:
        """Title, a centred line under it, a little space: the top of a list page."""
        pdf = self.pdf
        self._title(title, size=size, gap=3)
        pdf.set_font(FAMILY, size=10.5)
        pdf.cell(TEXT_W, 6, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)

    def _kv_table(self, rows: list[tuple[str, str]], key_w: float = 40, height: float = 13, size: float = 13) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=size)
        with pdf.table(col_widths=(key_w, TEXT_W - key_w), text_align=("CENTER", "LEFT"),
                       line_height=height * 0.55, padding=(height * 0.2, 2), first_row_as_headings=False) as t:
            for k, v in rows:
                r = t.row()
                r.cell(k)
                r.cell(v)
        pdf.set_font(FAMILY, size=11)

    # -------------------------------------------------------------- cover
    def cover(self, c: CoverInfo) -> Section:
        first = self._begin()
        pdf = self.pdf
        pdf.set_y(30)
        pdf.set_font(FAMILY, size=14)
        pdf.cell(TEXT_W, 8, f"{c.county}{c.town}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        self._title("最低生活保障档案", size=26, gap=6)
        self._title(f"{c.category}", size=22, gap=4)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(TEXT_W, 7, "案卷封面", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(14)
        span = "—"
        if c.first_date or c.last_date:
            span = f"{ymd(c.first_date)} 至 {ymd(c.last_date)}"
        self._kv_table([
            ("户　　主", c.head),
            ("对象编号", c.case_no),
            ("村（社区）", c.village),
            ("对象类型", c.household_type),
            ("类　　别", c.category),
            ("起止日期", span),
            ("件　　数", f"{c.items} 件"),
            ("页　　数", f"{c.pages} 页"),
            ("保管期限", c.retention),
        ])
        pdf.set_y(PAGE_H - 45)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(TEXT_W, 8, f"立卷单位：{c.town}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(TEXT_W, 8, f"立卷日期：{ymd(c.built)}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return self._end(first)

    # -------------------------------------------------------------- contents
    def contents(self, head: str, case_no: str, category: str, rows: list[ContentsRow]) -> Section:
        first = self._begin()
        pdf = self.pdf
        self._heading("卷内目录", f"户主：{head}　　对象编号：{case_no}　　类别：{category}")
        widths = (14, TEXT_W - 14 - 28 - 22 - 22, 28, 22, 22)
        with pdf.table(col_widths=widths, text_align=("CENTER", "LEFT", "CENTER", "CENTER", "LEFT"),
                       line_height=6, padding=(1.6, 1.5), repeat_headings=1, headings_style=HEADINGS) as t:
            h = t.row()
            for name in ("序号", "文件题名", "日期", "页号", "备注"):
                h.cell(name)
            if not rows:
                r = t.row()
                r.cell("")
                r.cell("（本卷暂无文件）")
                for _ in range(3):
                    r.cell("")
            for row in rows:
                r = t.row()
                r.cell(str(row.seq))
                r.cell(row.title)
                r.cell(iso(row.date))
                r.cell(str(row.first) if row.first == row.last else f"{row.first}-{row.last}")
                r.cell(row.note)
        return self._end(first)

    # -------------------------------------------------------------- remarks
    def remarks(self, r: RemarksInfo) -> Section:
        first = self._begin()
        pdf = self.pdf
        self._title("备考表", size=20, gap=6)
        pdf.set_font(FAMILY, size=12)
        pdf.multi_cell(TEXT_W, 8, f"本卷共有文件 {r.items} 件，共 {r.pages} 页（不含封面、卷内目录和备考表）。",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        pdf.cell(TEXT_W, 8, "缺件说明：", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=10.5)
        lines = [*r.missing, *r.problems]
        if not lines:
            lines = ["无。"]
        for i, line in enumerate(lines, 1):
            text = line if line == "无。" else f"{i}. {line}"
            pdf.multi_cell(TEXT_W, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(10)
        if pdf.get_y() > PAGE_H - MARGIN_B - 40:
            pdf.add_page()
        pdf.set_font(FAMILY, size=12)
        pdf.set_x(MARGIN_L + TEXT_W / 2)
        pdf.cell(TEXT_W / 2, 10, f"立卷人：{r.filer or '________'}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_x(MARGIN_L + TEXT_W / 2)
        pdf.cell(TEXT_W / 2, 10, f"检查人：{r.checker or '________'}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_x(MARGIN_L + TEXT_W / 2)
        pdf.cell(TEXT_W / 2, 10, f"日　期：{ymd(r.built)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return self._end(first)

    # -------------------------------------------------------------- payments (财务类)
    def payments(self, head: str, case_no: str, payments: list, account: str) -> Section:
        """发放记录表 from the record's payments: month, kind, amount, bank, yearly subtotals."""
        first = self._begin()
        pdf = self.pdf
        self._heading("最低生活保障金发放记录表", f"户主：{head}　　对象编号：{case_no}　　发放账户：{account or '未登记'}",
                      size=18)
        widths = (22, 24, 28, TEXT_W - 22 - 24 - 28 - 26 - 30, 26, 30)
        rows = sorted(payments, key=lambda p: (p.month, p.paid_date or dt.date.min))
        total = Decimal("0")
        with pdf.table(col_widths=widths, text_align=("CENTER", "CENTER", "RIGHT", "LEFT", "CENTER", "LEFT"),
                       line_height=5.5, padding=(1.2, 1.5), repeat_headings=1, headings_style=HEADINGS) as t:
            h = t.row()
            for name in ("月份", "类别", "金额（元）", "发放银行", "到账日期", "说明"):
                h.cell(name)
            if not rows:
                r = t.row()
                r.cell("")
                r.cell("")
                r.cell("")
                r.cell("（暂无发放记录）")
                r.cell("")
                r.cell("")
            year_sum: Decimal | None = None
            year = None
            for i, p in enumerate(rows):
                y = p.month[:4]
                if year is not None and y != year:
                    self._sum_row(t, f"{year}年合计", year_sum)
                    year_sum = None
                year = y
                year_sum = (year_sum or Decimal("0")) + p.amount
                total += p.amount
                r = t.row()
                r.cell(p.month)
                r.cell(p.kind)
                r.cell(money(p.amount))
                r.cell(p.bank or "")
                r.cell(iso(p.paid_date))
                r.cell(p.note or "")
            if year is not None:
                self._sum_row(t, f"{year}年合计", year_sum)
                self._sum_row(t, "总计", total)
        return self._end(first)

    @staticmethod
    def _sum_row(t, label: str, amount) -> None:
        r = t.row()
        r.cell(label, colspan=2)
        r.cell(money(amount or 0))
        r.cell("")
        r.cell("")
        r.cell("")

    # -------------------------------------------------------------- box list (village) and summary (town)
    def box_list(self, county: str, town: str, village: str, rows: list[BoxRow], built: dt.date) -> Section:
        first = self._begin()
        pdf = self.pdf
        self._heading("盒内目录", f"{county}{town}{village}　　共 {len(rows)} 户　　编制日期：{ymd(built)}")
        widths = (10, 28, 16, 18, 15, 17, 15, 13, TEXT_W - 10 - 28 - 16 - 18 - 15 - 17 - 15 - 13)
        with pdf.table(col_widths=widths, line_height=5.5, padding=(1.2, 1.0), repeat_headings=1, headings_style=HEADINGS,
                       text_align=("CENTER", "LEFT", "CENTER", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT")) as t:
            h = t.row()
            for name in ("序号", "对象编号", "户主", "类型", "审批类", "日常管理类", "财务类", "页数", "完整性"):
                h.cell(name)
            tot = 0
            for i, b in enumerate(rows, 1):
                r = t.row()
                pages = sum(b.volumes.values())
                tot += pages
                r.cell(str(i))
                r.cell(b.case_no)
                r.cell(b.head)
                r.cell(b.household_type)
                for cat in ("审批类", "日常管理类", "财务类"):
                    r.cell(f"{b.volumes.get(cat, 0)}页")
                r.cell(str(pages))
                r.cell(("完整" if b.complete else "不完整") + (f"：{b.note}" if b.note else ""))
            r = t.row()
            r.cell("合计", colspan=4)
            r.cell(f"{len(rows)}户×3卷", colspan=3)
            r.cell(str(tot))
            r.cell(f"完整 {sum(b.complete for b in rows)} 户")
        return self._end(first)

    def summary(self, county: str, town: str, villages: list[tuple[str, int, int, int, int]], built: dt.date) -> Section:
        """villages: (name, households, volumes, pages, complete households)."""
        first = self._begin()
        pdf = self.pdf
        self._heading(f"{town}最低生活保障档案汇总", f"{county}{town}　　编制日期：{ymd(built)}", size=18)
        widths = (14, TEXT_W - 14 - 24 - 24 - 26 - 26, 24, 24, 26, 26)
        with pdf.table(col_widths=widths, line_height=6, padding=(1.5, 1.5), repeat_headings=1, headings_style=HEADINGS,
                       text_align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")) as t:
            h = t.row()
            for name in ("序号", "村（社区）", "户数", "卷数", "页数", "完整户数"):
                h.cell(name)
            for i, (name, hh, vols, pages, complete) in enumerate(villages, 1):
                r = t.row()
                for v in (str(i), name, str(hh), str(vols), str(pages), str(complete)):
                    r.cell(v)
            r = t.row()
            r.cell("合计", colspan=2)
            for k in (1, 2, 3, 4):
                r.cell(str(sum(v[k] for v in villages)))
        return self._end(first)
