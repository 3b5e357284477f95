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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


FAMILY = "serif"
PAGE_W, PAGE_H = 210.0, 297.0  # A4 in mm
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 25.0, 20.0, 20.0, 20.0
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R
BINDING_MM = 25.0
# photo area on a photo page, in mm from the left, top, right and bottom edges: the binding margin on
# the left, a band at the top for the page number (never on the photo), the caption below
PHOTO_BOX = (BINDING_MM + 5.0, 22.0, 15.0, 40.0)
PHOTO_TYPES = ("入户照片", "公示照片")
SEAL_TOP_MM, SEAL_RIGHT_MM = 11.0, 12.0   # 归档章: top-right of a document's first page, under the page number


def ymd(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def iso(d) -> str:
    return d.isoformat() if d else ""


def money(v) -> str:
    return f"{Decimal(v):,.2f}"


@dataclass
class ContentsRow:
    seq: int
    title: str
    date: dt.date | None
    first: int   # archive page number (1-based, documents only)
    last: int
    note: str = ""
    doc_no: str = ""        # 文号
    responsible: str = ""   # 责任者


@dataclass
class RemarksInfo:
    items: int
    pages: int
    missing: list[str]
    problems: list[str]
    filer: str
    checker: str
    filed_on: dt.date | None          # 立卷时间: the volume's latest document
    checked_on: dt.date | None = None  # 检查时间: None leaves a line for the checker
    cross_refs: list[str] = field(default_factory=list)   # 互见号


@dataclass
class BoxRow:
    """One volume (案卷) on a box list."""

    number: str          # 档号
    title: str           # 案卷题名
    first_date: dt.date | None
    last_date: dt.date | None
    items: int
    pages: int           # document pages: the figure on the volume's cover and 备考表
    note: str = ""


@dataclass
class BoxInfo:
    """One box (盒): one village and one 保管期限."""

    box_no: str
    village: str
    retention: str
    unit: str
    rows: list[BoxRow]

    @property
    def first_number(self) -> str:
        return self.rows[0].number if self.rows else ""

    @property
    def last_number(self) -> str:
        return self.rows[-1].number if self.rows else ""

    @property
    def first_date(self) -> dt.date | None:
        return min((r.first_date for r in self.rows if r.first_date), default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max((r.last_date for r in self.rows if r.last_date), default=None)

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.rows)

    @property
    def items(self) -> int:
        return sum(r.items for r in self.rows)


def span8(first: dt.date | None, last: dt.date | None) -> str:
    """起止日期 as GB/T 9705 writes it: 20210315—20231220."""
    from archive.volumes.archival import yyyymmdd

    if not first and not last:
        return "—"
    return f"{yyyymmdd(first)}—{yyyymmdd(last)}"


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
            self._fallbacks_added = False

        def normalize_text(self, text: str) -> str:
            # every text fpdf2 measures or draws passes here: a character the CJK font lacks (CJK
            # Extension B and beyond, emoji) brings in the fallback fonts, once per document
            if not self._fallbacks_added and text and not text.isascii():
                self._add_fallbacks_for(text)
            return super().normalize_text(text)

        def _add_fallbacks_for(self, text: str) -> None:
            from archive.fontcover import _RARE, _common, _cmap, fallback_fonts
            from archive.pdffont import font_face

            if not _RARE.search(text):   # one C-speed test; most texts stop here
                return
            rare = [c for c in text if not _common(c)]
            if not rare or all(ord(c) in _cmap(*font_face()) for c in rare):
                return
            self._fallbacks_added = True
            names = []
            for i, path in enumerate(fallback_fonts()):
                self.add_font(f"dibao-fallback-{i}", "", str(path))
                names.append(f"dibao-fallback-{i}")
            if names:
                self.set_fallback_fonts(names, exact_match=False)

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
        pdf.set_x(MARGIN_L)
        with pdf.table(col_widths=(key_w, TEXT_W - key_w), text_align=("CENTER", "LEFT"), width=TEXT_W, align="LEFT",
                       line_height=height * 0.55, padding=(height * 0.2, 2), first_row_as_headings=False) as t:
            for k, v in rows:
                r = t.row()
                r.cell(k)
                r.cell(v)
        pdf.set_font(FAMILY, size=11)

    # -------------------------------------------------------------- cover (GB/T 9705-2008 案卷封面)
    def cover(self, v) -> Section:
        """The cover of one volume from its archive.volumes.archival.VolumeDescription.

        GB/T 9705 fields: 档号 (top right), 案卷题名, 立卷单位, 起止日期, 保管期限, 密级; the
        heading is the program's archive name (the household's program, not a fixed 低保 word).
        """
        first = self._begin()
        pdf = self.pdf
        size = 11.0
        pdf.set_font(FAMILY, size=size)
        w_key, w_val = 14, 86
        while size > 7 and pdf.get_string_width(v.number) > w_val - 4:   # one line, however long the pattern
            size -= 0.5
            pdf.set_font(FAMILY, size=size)
        pdf.set_xy(PAGE_W - MARGIN_R - w_key - w_val, 18)
        with pdf.table(col_widths=(w_key, w_val), text_align=("CENTER", "LEFT"), line_height=6, padding=(1.5, 1.5),
                       first_row_as_headings=False, width=w_key + w_val, align="RIGHT") as t:
            r = t.row()
            r.cell("档号")
            r.cell(v.number)
        pdf.set_y(58)
        self._title(v.program.archive, size=26, gap=8)
        self._title(v.category, size=20, gap=18)
        self._kv_table([
            ("案卷题名", v.title),
            ("立卷单位", v.unit),
            ("起止日期", span8(v.first_date, v.last_date)),
            ("保管期限", v.retention),
            ("密　　级", v.secrecy),
            ("件　　数", f"{v.items} 件"),
            ("页　　数", f"{v.pages} 页"),
        ], key_w=34)
        pdf.set_y(PAGE_H - 42)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(TEXT_W, 8, f"立卷单位：{v.unit}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(TEXT_W, 8, f"立卷日期：{ymd(v.filed_on) or '—'}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return self._end(first)

    # -------------------------------------------------------------- contents (卷内目录)
    def contents(self, number: str, title: str, rows: list[ContentsRow]) -> Section:
        """卷内目录 headed by the 档号: 序号, 文号, 责任者, 题名, 日期 (YYYYMMDD), 页号, 备注."""
        from archive.volumes.archival import yyyymmdd

        first = self._begin()
        pdf = self.pdf
        self._heading("卷内目录", f"档号：{number}")
        pdf.set_font(FAMILY, size=9.5)
        pdf.multi_cell(TEXT_W, 5, f"案卷题名：{title}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font(FAMILY, size=9)
        # 文号 wide enough for a whole 发文字号 on one line (岳民审〔2024〕112号)
        # and 责任者 for a town government's name (黄沙街镇人民政府)
        widths = (9, 36, 27.5, TEXT_W - 9 - 36 - 27.5 - 17 - 12 - 12, 17, 12, 12)
        with pdf.table(col_widths=widths, text_align=("CENTER", "CENTER", "CENTER", "LEFT", "CENTER", "CENTER", "LEFT"),
                       line_height=5, padding=(1.4, 1.0), repeat_headings=1, headings_style=HEADINGS) as t:
            h = t.row()
            for name in ("序号", "文号", "责任者", "题名", "日期", "页号", "备注"):
                h.cell(name)
            if not rows:
                r = t.row()
                for text in ("", "", "", "（本卷暂无文件）", "", "", ""):
                    r.cell(text)
            for row in rows:
                r = t.row()
                r.cell(str(row.seq))
                r.cell(row.doc_no)
                r.cell(row.responsible)
                r.cell(row.title)
                r.cell(yyyymmdd(row.date))
                r.cell(str(row.first) if row.first == row.last else f"{row.first}-{row.last}")
                r.cell(row.note)
        pdf.set_font(FAMILY, size=11)
        return self._end(first)

    # -------------------------------------------------------------- remarks (卷内备考表)
    def remarks(self, r: RemarksInfo, number: str = "") -> Section:
        """卷内备考表, framed: 本卷情况说明 (件数, 页数, 缺件说明, 互见号), 立卷人/时间, 检查人/时间."""
        first = self._begin()
        pdf = self.pdf
        self._title("卷内备考表", size=20, gap=3)
        if number:
            pdf.set_font(FAMILY, size=10.5)
            pdf.cell(TEXT_W, 6, f"档号：{number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        top = pdf.get_y()
        inner = TEXT_W - 10
        pdf.set_left_margin(MARGIN_L + 5)
        pdf.set_right_margin(MARGIN_R + 5)
        pdf.set_xy(MARGIN_L + 5, top + 5)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(inner, 8, "本卷情况说明：", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.multi_cell(inner, 8, f"本卷共有文件 {r.items} 件，共 {r.pages} 页（不含封面、卷内目录和备考表）。",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.cell(inner, 8, "缺件说明：", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=10.5)
        lines = [*r.missing, *r.problems]
        if not lines:
            pdf.multi_cell(inner, 6.5, "无缺件。", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for i, line in enumerate(lines, 1):
            pdf.multi_cell(inner, 6.5, f"{i}. {line}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(inner, 8, "互见号：", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=10.5)
        pdf.multi_cell(inner, 6.5, "；".join(r.cross_refs) if r.cross_refs else "无。", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        sign_h = 44
        bottom = PAGE_H - MARGIN_B - 2
        if pdf.get_y() > bottom - sign_h - 4:   # the signatures do not fit under a long list: frame this page, go on
            self._frame(top, bottom)
            pdf.add_page()
            top = pdf.get_y()
        y = bottom - sign_h
        blank = "　　　　年　　月　　日"
        pdf.set_font(FAMILY, size=12)
        for k, (label, value) in enumerate((("立卷人", r.filer or ""), ("立卷时间", ymd(r.filed_on) or blank),
                                            ("检查人", r.checker or ""), ("检查时间", ymd(r.checked_on) or blank))):
            pdf.set_xy(MARGIN_L + TEXT_W / 2 - 5, y + 4 + k * 10)
            pdf.cell(TEXT_W / 2, 9, f"{label}：{value}")
        self._frame(top, bottom)
        pdf.set_left_margin(MARGIN_L)
        pdf.set_right_margin(MARGIN_R)
        pdf.set_font(FAMILY, size=11)
        return self._end(first)

    def _fit_width(self, texts: list[str], least: float, most: float) -> float:
        """A column width (mm) holding the longest text on one line, in the current font, within bounds."""
        need = max((self.pdf.get_string_width(t) for t in texts), default=0) + 2 * self.pdf.c_margin + 2.5
        return max(least, min(most, need))

    def _frame(self, top: float, bottom: float) -> None:
        self.pdf.set_line_width(0.5)
        self.pdf.rect(MARGIN_L, top, TEXT_W, bottom - top)
        self.pdf.set_line_width(0.2)

    # -------------------------------------------------------------- payments (财务类)
    def payments(self, head: str, case_no: str, payments: list, account: str,
                 title: str = "最低生活保障金发放记录表") -> Section:
        """发放记录表 from the record's payments: month, kind, amount, bank, yearly subtotals."""
        first = self._begin()
        pdf = self.pdf
        self._heading(title, f"户主：{head}　　对象编号：{case_no}　　发放账户：{account or '未登记'}",
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

    # -------------------------------------------------------------- box list (one village, one 保管期限) and spines
    def box_list(self, county: str, town: str, box: BoxInfo, built: dt.date) -> Section:
        """盒内目录 of one box: 盒号, 档号 range, 起止日期, 保管期限, then one row per volume."""
        first = self._begin()
        pdf = self.pdf
        self._title("盒内目录", size=20, gap=3)
        pdf.set_font(FAMILY, size=10.5)
        pdf.cell(TEXT_W, 6, f"{county}{town}{box.village}　　立卷单位：{box.unit}", align="C",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        half = TEXT_W / 2
        with pdf.table(col_widths=(22, half - 22, 22, half - 22), text_align=("CENTER", "LEFT", "CENTER", "LEFT"),
                       line_height=5.5, padding=(1.4, 1.5), first_row_as_headings=False) as t:
            r = t.row()
            for text in ("盒　号", box.box_no, "保管期限", box.retention):
                r.cell(text)
            r = t.row()
            for text in ("档号起止", f"{box.first_number} 至 {box.last_number}", "起止日期",
                         span8(box.first_date, box.last_date)):
                r.cell(text)
            r = t.row()
            for text in ("案卷数", f"{len(box.rows)} 卷", "件数/页数", f"{box.items} 件 / {box.pages} 页"):
                r.cell(text)
        pdf.ln(4)
        pdf.set_font(FAMILY, size=9.5)
        wn = self._fit_width([b.number for b in box.rows], 36, 64)
        widths = (10, wn, TEXT_W - 10 - wn - 34 - 11 - 11 - 18, 34, 11, 11, 18)
        with pdf.table(col_widths=widths, line_height=5, padding=(1.2, 1.0), repeat_headings=1, headings_style=HEADINGS,
                       text_align=("CENTER", "LEFT", "LEFT", "CENTER", "RIGHT", "RIGHT", "LEFT")) as t:
            h = t.row()
            for name in ("序号", "档号", "案卷题名", "起止日期", "件数", "页数", "备注"):
                h.cell(name)
            for i, b in enumerate(box.rows, 1):
                r = t.row()
                for text in (str(i), b.number, b.title, span8(b.first_date, b.last_date), str(b.items), str(b.pages),
                             b.note):
                    r.cell(text)
            r = t.row()
            r.cell("合计", colspan=4)
            r.cell(str(box.items))
            r.cell(str(box.pages))
            r.cell(f"{len(box.rows)}卷")
        pdf.ln(4)
        pdf.set_font(FAMILY, size=10.5)
        pdf.cell(TEXT_W, 6, f"编制日期：{ymd(built)}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=11)
        return self._end(first)

    def spines(self, boxes: list[BoxInfo], heading: str) -> Section:
        """案卷脊背 labels of boxes, 40 mm wide strips to cut out: 盒号, title (vertical), 档号 range, 保管期限."""
        first = self._begin()
        pdf = self.pdf
        strip_w, strip_h, gap = 40.0, PAGE_H - 2 * MARGIN_T, 4.0
        per_page = int((PAGE_W - 2 * 10 + gap) // (strip_w + gap))
        for i, box in enumerate(boxes):
            if i and i % per_page == 0:
                pdf.add_page()
            x = 10 + (i % per_page) * (strip_w + gap)
            y = MARGIN_T
            pdf.set_line_width(0.3)
            pdf.rect(x, y, strip_w, strip_h)
            pdf.set_font(FAMILY, size=9)
            pdf.set_xy(x, y + 3)
            pdf.cell(strip_w, 5, "盒号", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_font(FAMILY, size=18)
            pdf.set_x(x)
            pdf.cell(strip_w, 10, box.box_no, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.line(x, y + 20, x + strip_w, y + 20)
            pdf.set_font(FAMILY, size=16)
            vertical = "\n".join(f"{box.village}{heading}")
            pdf.set_xy(x, y + 24)
            pdf.multi_cell(strip_w, 7.5, vertical, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            low = y + strip_h - 62
            pdf.line(x, low, x + strip_w, low)
            pdf.set_font(FAMILY, size=8.5)
            pdf.set_xy(x + 1, low + 2)
            pdf.multi_cell(strip_w - 2, 4.2, f"档号\n{box.first_number}\n至\n{box.last_number}", align="C",
                           new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_xy(x, y + strip_h - 22)
            pdf.line(x, y + strip_h - 24, x + strip_w, y + strip_h - 24)
            pdf.cell(strip_w, 5, "保管期限", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_font(FAMILY, size=11)
            pdf.set_x(x)
            pdf.multi_cell(strip_w, 5.5, box.retention, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_line_width(0.2)
        pdf.set_font(FAMILY, size=11)
        return self._end(first)

    # -------------------------------------------------------------- photo pages
    def photo_frames(self, title: str, date: dt.date | None, count: int, year: int | None = None) -> Section:
        """Pages a photo is placed on (archive/volumes/volume.py: place_photo): a caption under the
        photo area (题名, 日期); the left 25 mm are kept free for binding, and the top band for the page number."""
        first = self._begin()
        pdf = self.pdf
        for k in range(count):
            if k:
                pdf.add_page()
            pdf.set_font(FAMILY, size=11)
            left, right = PHOTO_BOX[0], PAGE_W - PHOTO_BOX[2]
            pdf.set_xy(left, PAGE_H - PHOTO_BOX[3] + 4)
            caption = title + (f"（第{k + 1}张，共{count}张）" if count > 1 else "")
            pdf.multi_cell(right - left, 6, f"题名：{caption}", align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_x(left)
            pdf.cell(right - left, 6, f"日期：{ymd(date) or (f'{year}年' if year else '不详')}", align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        return self._end(first)

    # -------------------------------------------------------------- 归档章 (DA/T 22-2015)
    def seal(self, fonds: str, year: int | None, unit: str, retention: str, item: int, pages: int) -> Section:
        """An overlay page carrying only the 归档章 in its top-right corner (volume.py: place_overlay).

        Two rows of three cells, values only, in red as the stamp is:
        全宗号 | 年度 | 件号 / 机构（问题） | 保管期限 | 页数.
        """
        first = self._begin()
        pdf = self.pdf
        cw, ch = 17.0, 7.0
        x0, y0 = PAGE_W - SEAL_RIGHT_MM - 3 * cw, SEAL_TOP_MM
        pdf.set_draw_color(200, 30, 30)
        pdf.set_text_color(200, 30, 30)
        pdf.set_line_width(0.4)
        cells = [(fonds, str(year or ""), str(item)), (unit, retention, str(pages))]
        for r, row in enumerate(cells):
            for c, text in enumerate(row):
                x, y = x0 + c * cw, y0 + r * ch
                pdf.rect(x, y, cw, ch)
                size = 9.0
                pdf.set_font(FAMILY, size=size)
                while size > 5 and pdf.get_string_width(text) > cw - 1.5:
                    size -= 0.5
                    pdf.set_font(FAMILY, size=size)
                pdf.set_xy(x, y)
                pdf.cell(cw, ch, text, align="C")
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(0, 0, 0)
        pdf.set_line_width(0.2)
        pdf.set_font(FAMILY, size=11)
        return self._end(first)

    # -------------------------------------------------------------- 移交清单 (handover list)
    def handover_list(self, place: str, unit: str, receiver: str, rows: list[tuple[str, str, int]], root_hash: str,
                      day: dt.date, scope: str) -> Section:
        """移交清单: every 案卷 (档号, 题名, 页数), the package's root hash in full and as a QR code, signatures."""
        import io

        import segno

        first = self._begin()
        pdf = self.pdf
        self._heading("档案移交清单", f"{place}　　移交范围：{scope}　　移交日期：{ymd(day)}", size=18)
        pdf.set_font(FAMILY, size=10.5)
        pdf.cell(TEXT_W, 6, f"移交单位：{unit}　　接收单位：{receiver}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font(FAMILY, size=9.5)
        wn = self._fit_width([n for n, *_ in rows], 40, 80)
        widths = (12, wn, TEXT_W - 12 - wn - 16, 16)
        with pdf.table(col_widths=widths, line_height=5, padding=(1.2, 1.0), repeat_headings=1, headings_style=HEADINGS,
                       text_align=("CENTER", "LEFT", "LEFT", "RIGHT")) as t:
            h = t.row()
            for name in ("序号", "档号", "题名", "页数"):
                h.cell(name)
            for i, (number, title, pages) in enumerate(rows, 1):
                r = t.row()
                for text in (str(i), number, title, str(pages)):
                    r.cell(text)
            r = t.row()
            r.cell("合计", colspan=2)
            r.cell(f"{len(rows)} 卷")
            r.cell(str(sum(p for *_, p in rows)))
        if pdf.get_y() > PAGE_H - MARGIN_B - 75:
            pdf.add_page()
        pdf.ln(5)
        y = pdf.get_y()
        qr = segno.make_qr(root_hash, error="M")
        buf = io.BytesIO()
        qr.save(buf, kind="png", scale=8, border=2)
        buf.seek(0)
        pdf.image(buf, x=MARGIN_L, y=y, w=40, h=40)
        pdf.set_xy(MARGIN_L + 45, y)
        pdf.set_font(FAMILY, size=10.5)
        pdf.multi_cell(TEXT_W - 45, 6, "移交包根哈希（SHA-256，manifest-sha256.txt 的校验值）：", new_x=XPos.LEFT,
                       new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=10)
        pdf.multi_cell(TEXT_W - 45, 6, f"{root_hash[:32]}\n{root_hash[32:]}", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=9)
        pdf.multi_cell(TEXT_W - 45, 5, "接收方用 dibao verify --package 目录 核对；根哈希与本清单一致、"
                       "且各文件与清单一致，方可签收。", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), y + 42) + 8)
        pdf.set_font(FAMILY, size=11.5)
        half = TEXT_W / 2
        for left, right in (("移交人（签字）：", "接收人（签字）："), ("移交单位（盖章）：", "接收单位（盖章）："),
                            ("日期：　　　　年　　月　　日", "日期：　　　　年　　月　　日")):
            pdf.cell(half, 10, left)
            pdf.cell(half, 10, right, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FAMILY, size=11)
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
