"""Printable reports with fpdf2 in Noto Serif CJK SC (landscape A4).

`write_report_pdf` prints the audit: a summary table (per village and town), then per
village the worklist (households in 组 / 对象编号 order, each gap with kind, category,
reason, source and what to do; inspector flags shaded).  `write_checklist_pdf` prints
the per-village 补件清单 of `--prepare`.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from archive.audit.gaps import FLAG_KINDS, GAP_KINDS, REMINDER
from archive.audit.report import flags_line, kinds_line, summarize
from archive.fsutil import atomic_write_bytes

FAMILY = "serif"
HEAD = FontFace(emphasis="", fill_color=(225, 235, 247))
FLAG_FILL = (252, 228, 214)


class _Doc(FPDF):
    def __init__(self, title: str, orientation: str = "L"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        from archive.pdffont import add_font

        add_font(self, FAMILY)  # prepared once, metrics kept (archive/pdffont.py)
        self.doc_title = title
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, 14)
        self.set_font(FAMILY, size=9)
        self.set_creator("dibao")
        self.set_title(title)
        self.c_margin = 1.2

    def footer(self):
        self.set_y(-10)
        self.set_font(FAMILY, size=8)
        self.cell(0, 5, f"{self.doc_title}　第 {self.page_no()} 页", align="C")

    def heading(self, text: str, size: float = 14, gap: float = 2) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)
        self.set_font(FAMILY, size=9)

    def line_text(self, text: str, size: float = 9) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def write_report_pdf(result, dest: Path) -> Path:
    s = summarize(result)
    title = f"低保档案审计报告（{result.as_of.isoformat()}）"
    pdf = _Doc(title)
    pdf.add_page()
    pdf.heading(f"{result.town or ''} 低保档案审计报告（缺什么补什么）", size=16)
    pdf.line_text(f"审计日期：{result.as_of.isoformat()}　　规则：{result.rules.title}（{Path(result.rules.path).name}）"
                  + (f"　　只看：{result.village}" if result.village else "")
                  + (f"　　缺件种类：{'、'.join(result.kinds)}" if result.kinds else ""))
    t = s.total
    pdf.line_text(f"共 {t.households} 户，资料齐全 {t.complete} 户，完成率 {t.rate_text()}；缺件 {t.missing} 项（{kinds_line(t)}）"
                  + (f"；核查提示：{flags_line(t)}" if t.flags else ""))
    pdf.ln(3)
    kinds = list(GAP_KINDS) + [REMINDER]
    headers = ["村（社区）", "户数", "齐全", "完成率"] + kinds + ["核查提示"]
    widths = [34, 14, 14, 16] + [19] * len(kinds) + [40]
    pdf.set_font(FAMILY, size=8)
    with pdf.table(col_widths=widths, headings_style=HEAD, line_height=4.5, text_align="CENTER",
                   padding=(1, 1)) as table:
        table.row(headers)
        for _town, v in s.villages:
            table.row([v.name, str(v.households), str(v.complete), v.rate_text()]
                      + [str(v.gaps.get(k, 0)) for k in kinds] + [flags_line(v) or "—"])
        for town in s.towns:
            table.row([f"{town.name} 合计", str(town.households), str(town.complete), town.rate_text()]
                      + [str(town.gaps.get(k, 0)) for k in kinds] + [flags_line(town) or "—"])
    for note in result.notes:
        pdf.ln(2)
        pdf.line_text(note, size=8)

    by_village: dict[tuple[str, str], list] = {}
    for h in result.households:
        by_village.setdefault((h.town, h.village), []).append(h)
    for (town, village), hs in by_village.items():
        pdf.add_page()
        pdf.heading(f"{town} {village}　缺件清单（按组、对象编号排列）", size=13)
        rows = []
        for h in hs:
            who = f"{h.group + ' ' if h.group else ''}{h.case_no}\n{h.head}户（{h.type}）"
            if not h.gaps and not h.flags:
                rows.append(((who, "—", "资料齐全", "", "", "", ""), None))
            for g in h.gaps:
                rows.append(((who, g.kind, g.what, g.category, g.why, g.source, g.fix), None))
            for f in h.flags:
                rows.append(((who, f"核查提示\n{f.kind}", f.detail, "", "", f.source, f.fix), FLAG_FILL))
        _table(pdf, ("户", "种类", "缺什么", "类别", "原因", "依据", "怎么补"), (34, 18, 48, 16, 58, 40, 59), rows)
    if result.unreadable:
        pdf.add_page()
        pdf.heading("无法读取的记录（没有审计，先用 dibao validate 改正）", size=13)
        _table(pdf, ("记录文件", "问题"), (110, 163), [((h.record, h.flags[0].detail), None) for h in result.unreadable])
    atomic_write_bytes(dest, _pdfa(pdf))
    return Path(dest)


def _pdfa(pdf) -> bytes:
    """The report as PDF/A-2b, like every PDF dibao writes (archive/pdfa.py)."""
    from archive.pdfa import Label, finalize

    title = str(getattr(pdf, "title", "") or "dibao 审计报告")
    return finalize(bytes(pdf.output()), title=title, unit=str(getattr(pdf, "author", "") or "dibao"),
                    labels=[Label(0, "", 1)])


def _table(pdf: _Doc, headers, widths, rows) -> None:
    pdf.set_font(FAMILY, size=8)
    with pdf.table(col_widths=widths, headings_style=HEAD, line_height=4.2, text_align="LEFT",
                   v_align="TOP", padding=(1, 1), wrapmode="CHAR") as table:
        table.row(headers)
        for values, fill in rows:
            style = FontFace(fill_color=fill) if fill else None
            r = table.row(style=style)
            for v in values:
                r.cell(v)


def write_checklist_pdf(title: str, sections: list[tuple[str, list[tuple[str, str, str]]]], dest: Path) -> Path:
    """sections: (household heading, [(种类, 要补什么, 怎么补)]) in worklist order."""
    pdf = _Doc(title, orientation="P")
    pdf.add_page()
    pdf.heading(title, size=15)
    pdf.line_text("逐户收集下列扫描件、核实下列数据；补好后把扫描件按命名放入 scans/<对象编号>/，数据录入记录，"
                  "再运行 dibao audit 检查。已补的在最后一栏打勾。")
    pdf.ln(2)
    for heading, items in sections:
        pdf.heading(heading, size=11, gap=1)
        _table(pdf, ("种类", "要补什么", "怎么补", "已补"), (20, 64, 92, 10),
               [((k, what, how, ""), None) for k, what, how in items])
        pdf.ln(2)
    atomic_write_bytes(dest, _pdfa(pdf))
    return Path(dest)


__all__ = ["write_report_pdf", "write_checklist_pdf", "FLAG_KINDS"]
