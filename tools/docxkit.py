"""A small layout kit for building the form templates with python-docx + raw WordprocessingML.

Used only by tools/make_templates.py (the generated .docx files are committed).

What LibreOffice needs to respect widths (measured): a tblGrid with gridCol entries,
a tcW on every cell that matches its gridSpan, and a fixed table layout.  Every
document declares w:lang eastAsia="zh-CN" so that Chinese fonts are not replaced by a
fallback face.

Markup in cell and paragraph text:
    "\n" starts a new paragraph in the same cell;
    a paragraph starting with ">>" is right-aligned, "^^" centred, "<<" left-aligned,
    "  " (two ideographic spaces, U+3000) at the start are kept as an indent;
    text between ⟦ and ⟧ is underlined (blanks to fill in).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from archive.forms.ooxml import normalize_document  # noqa: E402  (the same ordering dibao applies to outputs)

WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{WNS}"'
TWIPS_PER_MM = 1440 / 25.4

SONG = "宋体"
FANG = "仿宋_GB2312"
TITLE = "方正小标宋简体"
HEI = "黑体"


def tw(mm: float) -> int:
    return int(round(mm * TWIPS_PER_MM))


def half_points(pt: float) -> int:
    return int(round(pt * 2))


def rpr(size: float | None = None, font: str | None = None, bold: bool = False, underline: bool = False) -> str:
    parts = []
    if font:
        parts.append(f'<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{font}" w:hint="eastAsia"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if size:
        parts.append(f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>')
    if underline:  # schema order (CT_RPr): sz, szCs before u
        parts.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def runs(text: str, size=None, font=None, bold=False) -> str:
    out = []
    for i, piece in enumerate(re.split(r"[⟦⟧]", text)):
        if not piece:
            continue
        out.append(f'<w:r>{rpr(size, font, bold, underline=(i % 2 == 1))}'
                   f'<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(out)


def para(text: str = "", *, align: str = "left", size: float | None = None, font: str | None = None,
         bold: bool = False, before: float = 0, after: float = 0, line: float | None = None,
         indent_chars: int = 0, outline: int | None = None, keep_next: bool = False, hanging_chars: int = 0) -> str:
    """One paragraph; before/after/line in points (line: exact line height)."""
    if text.startswith(">>"):
        align, text = "right", text[2:]
    elif text.startswith("^^"):
        align, text = "center", text[2:]
    elif text.startswith("<<"):
        align, text = "left", text[2:]
    # children in schema order (CT_PPrBase): keepNext, spacing, ind, jc, outlineLvl, rPr
    ppr = []
    if keep_next:
        ppr.append("<w:keepNext/>")
    sp = f'<w:spacing w:before="{int(before * 20)}" w:after="{int(after * 20)}"'
    if line:
        sp += f' w:line="{int(line * 20)}" w:lineRule="exact"'
    ppr.append(sp + "/>")
    if hanging_chars:  # one w:ind only: a hanging indent wins over a first-line indent
        ppr.append(f'<w:ind w:leftChars="{hanging_chars * 100}" w:hangingChars="{hanging_chars * 100}"/>')
    elif indent_chars:
        ppr.append(f'<w:ind w:firstLineChars="{indent_chars * 100}"/>')
    jc = {"left": "left", "right": "right", "center": "center", "both": "both"}[align]
    ppr.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        ppr.append(f'<w:outlineLvl w:val="{outline}"/>')
    if size or font:
        ppr.append(rpr(size, font, bold))
    return f"<w:p {W}><w:pPr>{''.join(ppr)}</w:pPr>{runs(text, size, font, bold)}</w:p>"


@dataclass
class C:
    """A table cell: w in mm (None = rest of the row), rs = rows spanned."""

    text: str = ""
    w: float | None = None
    rs: int = 1
    align: str = "center"
    bold: bool = False
    size: float | None = None
    font: str | None = None
    valign: str = "center"
    indent_chars: int = 0
    line: float | None = None


@dataclass
class R:
    cells: list
    h: float | None = None      # row height in mm (at least)
    exact: bool = False
    tag: str | None = None      # a docxtpl {%tr ... %} row
    header: bool = False


def tag_row(tag: str) -> R:
    return R([C(tag, align="left")], tag=tag)


def loop(expr: str) -> R:
    """The row opening a docxtpl row loop: {%tr for expr %}."""
    return tag_row("{%tr for " + expr + " %}")


def endfor() -> R:
    return tag_row("{%tr endfor %}")


@dataclass
class Table:
    rows: list[R]
    width: float
    size: float = 10.5
    font: str = SONG
    borders: bool = True
    cell_margin: float = 1.0
    line: float | None = None
    row_h: float | None = None
    after: float = 0

    _placed: list = field(default_factory=list)

    def xml(self) -> str:
        placed = self._place()
        bounds = sorted({round(x, 2) for row in placed for (x0, x1, *_rest) in row for x in (x0, x1)})
        grid = [b - a for a, b in zip(bounds, bounds[1:])]
        idx = {b: i for i, b in enumerate(bounds)}
        outer = 'w:val="single" w:sz="8" w:space="0" w:color="000000"'
        inner = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
        if not self.borders:
            outer = inner = 'w:val="nil"'
        tbl_pr = (
            f'<w:tblPr><w:tblW w:w="{tw(self.width)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders><w:top {outer}/><w:left {outer}/><w:bottom {outer}/><w:right {outer}/>'
            f'<w:insideH {inner}/><w:insideV {inner}/></w:tblBorders>'
            f'<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{tw(self.cell_margin)}" w:type="dxa"/>'
            f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{tw(self.cell_margin)}" w:type="dxa"/></w:tblCellMar>'
            f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/>'
            f"</w:tblPr>"
        )
        grid_xml = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{tw(g)}"/>' for g in grid) + "</w:tblGrid>"
        rows_xml = []
        for r, cells in zip(self.rows, placed):
            h = r.h or self.row_h
            trpr = "<w:cantSplit/>"
            if r.header:
                trpr += "<w:tblHeader/>"
            if h and not r.tag:
                trpr += f'<w:trHeight w:val="{tw(h)}" w:hRule="{"exact" if r.exact else "atLeast"}"/>'
            tcs = []
            for x0, x1, cell, merge in cells:
                span = idx[round(x1, 2)] - idx[round(x0, 2)]
                width = sum(grid[idx[round(x0, 2)]: idx[round(x1, 2)]])
                tcpr = f'<w:tcW w:w="{tw(width)}" w:type="dxa"/>'
                if span > 1:
                    tcpr += f'<w:gridSpan w:val="{span}"/>'
                if merge == "restart":
                    tcpr += '<w:vMerge w:val="restart"/>'
                elif merge == "continue":
                    tcpr += "<w:vMerge/>"
                tcpr += f'<w:vAlign w:val="{cell.valign}"/>'
                if merge == "continue":
                    body = para("", size=cell.size or self.size, font=cell.font or self.font, line=cell.line or self.line)
                else:
                    body = "".join(
                        para(t, align=cell.align, size=cell.size or self.size, font=cell.font or self.font,
                             bold=cell.bold, line=cell.line or self.line, indent_chars=cell.indent_chars)
                        for t in cell.text.split("\n"))
                tcs.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>")
            rows_xml.append(f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(tcs)}</w:tr>")
        return f"<w:tbl {W}>{tbl_pr}{grid_xml}{''.join(rows_xml)}</w:tbl>"

    def _place(self):
        """Lay out cells on x positions; rowspans produce vMerge continuation cells."""
        active: list[list] = []  # [x0, x1, rows_left, cell]
        placed = []
        for r in self.rows:
            out = []
            x = 0.0
            specs = list(r.cells)

            def take_active():
                nonlocal x
                while True:
                    hit = next((a for a in active if abs(a[0] - x) < 0.01 and a[2] > 0), None)
                    if hit is None:
                        return
                    out.append((hit[0], hit[1], hit[3], "continue"))
                    hit[2] -= 1
                    x = hit[1]

            for cell in specs:
                take_active()
                if cell.w is None:
                    # fill up to the next active span or the end of the row
                    nxt = min([a[0] for a in active if a[0] > x + 0.01 and a[2] > 0] or [self.width])
                    w = nxt - x
                else:
                    w = cell.w
                x0, x1 = x, x + w
                out.append((x0, x1, cell, "restart" if cell.rs > 1 else None))
                if cell.rs > 1:
                    active.append([x0, x1, cell.rs - 1, cell])
                x = x1
            take_active()
            if abs(x - self.width) > 0.05:
                raise ValueError(f"row width {x:.2f} != table width {self.width} in row {[c.text[:8] for c in specs]}")
            active = [a for a in active if a[2] > 0]
            placed.append(out)
        return placed


# The fonts the templates name, as found on Chinese office PCs (Windows ships 宋体, 黑体 and
# 仿宋; 仿宋_GB2312 and 方正小标宋简体 come with the government font packs).  Word reads this
# table for substitution when a font is missing (w:altName, GB2312 charset 86); LibreOffice on
# Linux maps each of them to Noto Serif/Sans CJK SC through archive/fonts/fonts.conf.
FONTS = (
    # name, altName, panose, family, pitch
    ("Times New Roman", None, "02020603050405020304", "roman", "variable"),
    (SONG, "SimSun", "02010600030101010101", "auto", "variable"),
    (FANG, "FangSong_GB2312", "02010609030101010101", "modern", "fixed"),
    (TITLE, "FZXiaoBiaoSong-B05S", "02000000000000000000", "auto", "variable"),
    (HEI, "SimHei", "02010609060101010101", "modern", "fixed"),
)


def font_table_xml() -> bytes:
    fonts = []
    for name, alt, panose, family, pitch in FONTS:
        charset = "00" if alt is None else "86"
        alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
        fonts.append(f'<w:font w:name="{name}">{alt_xml}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                     f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts {W}>{''.join(fonts)}</w:fonts>"
            ).encode("utf-8")


class Doc:
    """A form document: A4, Chinese defaults, content appended as raw XML."""

    def __init__(self, *, landscape: bool = False, margins=(20, 18, 20, 18), size: float = 10.5, font: str = SONG):
        self.doc = Document()
        sec = self.doc.sections[0]
        if landscape:
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Mm(297), Mm(210)
        else:
            sec.page_width, sec.page_height = Mm(210), Mm(297)
        top, right, bottom, left = margins
        sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = Mm(top), Mm(right), Mm(bottom), Mm(left)
        sec.header_distance, sec.footer_distance = Mm(8), Mm(8)
        self.width = (297 if landscape else 210) - left - right
        self._defaults(size, font)
        body = self.doc.element.body
        for p in list(body):
            if p.tag.endswith("}p"):
                body.remove(p)

    def _defaults(self, size: float, font: str) -> None:
        styles = self.doc.styles.element
        rpr_default = styles.find(f"{{{WNS}}}docDefaults/{{{WNS}}}rPrDefault/{{{WNS}}}rPr")
        for child in list(rpr_default):
            rpr_default.remove(child)
        for el in (
            f'<w:rFonts {W} w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{font}" w:cs="Times New Roman"/>',
            f'<w:sz {W} w:val="{half_points(size)}"/>', f'<w:szCs {W} w:val="{half_points(size)}"/>',
            f'<w:lang {W} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>',
        ):
            rpr_default.append(parse_xml(el))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Times New Roman"
        rpr = normal.element.get_or_add_rPr()
        rfonts = rpr.find(f"{{{WNS}}}rFonts")
        rfonts.set(f"{{{WNS}}}eastAsia", font)
        rpr.append(parse_xml(f'<w:lang {W} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
        ppr = normal.element.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:spacing {W} w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'))
        settings = self.doc.settings.element
        # python-docx's default settings already hold a w:themeFontLang: set it, never add a second
        lang = settings.find(f"{{{WNS}}}themeFontLang")
        if lang is None:
            lang = parse_xml(f'<w:themeFontLang {W}/>')
            settings.append(lang)
        lang.set(f"{{{WNS}}}val", "en-US")
        lang.set(f"{{{WNS}}}eastAsia", "zh-CN")

    def _drop_unused_styles(self) -> None:
        """Keep only the styles the form uses (and the defaults, with what they are based on): python-docx's
        default document carries ~160 styles naming Courier, Calibri, Cambria and Japanese fonts, none
        of them found as such on a Chinese office PC, and 350 KB of XML parsed on every fill."""
        styles = self.doc.styles.element
        by_id = {st.get(f"{{{WNS}}}styleId"): st for st in styles.iter(f"{{{WNS}}}style")}
        used = {st_id for st_id, st in by_id.items() if st.get(f"{{{WNS}}}default") in ("1", "true")}
        used |= {"Header", "Footer"}  # python-docx's new header/footer parts (the 未签字 mark) name them
        for tag in ("pStyle", "rStyle", "tblStyle"):
            for el in self.doc.element.iter(f"{{{WNS}}}{tag}"):
                used.add(el.get(f"{{{WNS}}}val"))
        todo = list(used)
        while todo:
            st = by_id.get(todo.pop())
            if st is None:
                continue
            for tag in ("basedOn", "link", "next"):
                ref = st.find(f"{{{WNS}}}{tag}")
                if ref is not None and ref.get(f"{{{WNS}}}val") not in used:
                    used.add(ref.get(f"{{{WNS}}}val"))
                    todo.append(ref.get(f"{{{WNS}}}val"))
        for st_id, st in by_id.items():
            if st_id not in used:
                styles.remove(st)
        latent = styles.find(f"{{{WNS}}}latentStyles")
        if latent is not None:
            styles.remove(latent)

    def add(self, xml: str) -> None:
        body = self.doc.element.body
        body.insert(len(body) - 1, parse_xml(xml))  # keep sectPr last

    def title(self, text: str, size: float = 18, font: str = TITLE, before: float = 0, after: float = 6,
              outline: bool = True) -> None:
        # bold: LibreOffice then uses the heavy face of the serif CJK font, close to 方正小标宋
        self.add(para(text, align="center", size=size, font=font, bold=True, before=before, after=after,
                      outline=0 if outline else None, keep_next=True))

    def p(self, text: str = "", **kw) -> None:
        self.add(para(text, **kw))

    def table(self, rows: list[R], widths_total: float | None = None, **kw) -> None:
        self.add(Table(rows, widths_total or self.width, **kw).xml())

    def end(self, path) -> None:
        """Save reproducibly: the same layout gives the same bytes (fixed dates in properties and zip)."""
        import datetime as dt
        import io
        import zipfile

        self.add(para("", size=2, line=2))  # a table may not end the body
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by, props.revision = "", "dibao", "dibao", 1
        props.created = props.modified = dt.datetime(2024, 1, 1)
        self._drop_unused_styles()
        normalize_document(self.doc)  # schema order everywhere, no stylesWithEffects part
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                rel.target_part._blob = font_table_xml()  # python-docx's default names Japanese fonts
        buf = io.BytesIO()
        self.doc.save(buf)
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(fixed, src.read(info.filename))
        with open(path, "wb") as fh:
            fh.write(out.getvalue())
