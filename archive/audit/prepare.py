"""`dibao audit --prepare DIR`: what a clerk takes to the village to close the gaps.

Per village (folder DIR/<村>/):
    待打印表单.pdf   every missing form, household by household in worklist order, with a
                    bookmark per household and per form: prefilled from the record (待签字归档:
                    print, sign, stamp, scan back as 签字表_<表单>_<事件或年度>), or blank where
                    the record lacks the event the form is printed from (缺表: fill in by hand
                    at the visit, then record the event);
    补件清单.pdf / 补件清单.txt   per household the scans to collect, the data to ask for, the
                    deadlines to explain and the inspector flags, each with what to do.
All forms of the run go through one LibreOffice converter (archive.external.libreoffice.Converter).
When the clerk adds the scan or the data, the next `dibao audit` no longer lists the gap.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.audit.pdf import write_checklist_pdf
from archive.errors import DibaoError
from archive.fsutil import atomic_write_bytes, atomic_write_text, ensure_dir
from archive.records.model import safe_filename

FORM_KINDS = ("待签字归档", "缺表")
FORMS_PDF = "待打印表单.pdf"
CHECKLIST_PDF = "补件清单.pdf"
CHECKLIST_TXT = "补件清单.txt"


@dataclass
class VillageOutput:
    village: str
    folder: Path
    forms: int = 0
    blank_forms: int = 0
    checklist_items: int = 0
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _event_key(form_id: str, hh, gap) -> object:
    from archive.forms import events_for

    choices = events_for(form_id, hh)
    if choices == [None] or not choices:
        return None
    if gap.event:
        for e in choices:
            if e is not None and (e.id == gap.event or e.date.isoformat() == gap.event):
                return e
    if gap.year is not None:
        same = [e for e in choices if e is not None and (getattr(e, "year", None) or e.date.year) == gap.year]
        if same:
            return same[-1]
    return None


def code_event(gap, printed: str) -> str:
    """The event a pack form's page code names: the event of the printed form, else the gap's own
    event or year.  A form printed without an event of its own (fenxi-12 records every check of
    the household) is still wanted once per year or check: its code names which, so the signed
    scan files as 签字表_<表单>_<事件或年度> and closes that gap, not the first one."""
    if printed and printed != "-":
        return printed
    if gap.event:
        return gap.event
    return str(gap.year) if gap.year is not None else "-"


def prepare(result, ws, out_dir: Path, *, converter=None, progress=None) -> list[VillageOutput]:
    from archive.audit.run import _parse

    out_dir = Path(out_dir)
    ensure_dir(out_dir)
    by_village: dict[str, list] = {}
    for h in result.households:
        if h.gaps or h.flags:
            by_village.setdefault(h.village, []).append(h)
    outputs: list[VillageOutput] = []
    own = converter is None
    if own:
        needed = any(g.form and g.kind in FORM_KINDS for hs in by_village.values() for h in hs for g in h.gaps)
        if needed:
            from archive.external.libreoffice import Converter

            converter = Converter(workers=2)
    try:
        for village, hs in by_village.items():
            vo = VillageOutput(village, out_dir / safe_filename(village))
            ensure_dir(vo.folder)
            items, marks, codes = _forms_of_village(hs, ws, vo, _parse)
            if items:
                _write_forms(items, marks, vo, converter, ws, codes)
            _write_checklist(hs, vo, result)
            outputs.append(vo)
            if progress:
                progress(vo)
    finally:
        if own and converter is not None:
            converter.close()
    return outputs


def _forms_of_village(hs, ws, vo: VillageOutput, parse) -> tuple[list[bytes], list[tuple[str, str]], list]:
    """Rendered .docx bytes of every missing form, (household title, form title) bookmarks and
    the (对象编号, form, event) each form's page code names."""
    from archive.forms import pagecode, render_docx

    items: list[bytes] = []
    marks: list[tuple[str, str]] = []
    codes: list[tuple[str, str, str] | None] = []
    for h in hs:
        wanted = [g for g in h.gaps if g.form and g.kind in FORM_KINDS]
        if not wanted:
            continue
        hh, err = parse(Path(ws.root) / h.record)
        who = f"{h.group + ' ' if h.group else ''}{h.case_no} {h.head}户"
        for g in wanted:
            data = None
            code = None
            if g.kind == "待签字归档" and hh is not None:
                try:
                    key = _event_key(g.form, hh, g)
                    data = render_docx(g.form, ws, household=hh, event=key)
                    code = (h.case_no, g.form, code_event(g, pagecode.event_for(g.form, hh, key)))
                except DibaoError as exc:
                    vo.notes.append(f"{who} {g.what}：无法预填（{exc.message}），改印空白表")
            if data is None:
                data = render_docx(g.form, ws, blank=True)
                code = (h.case_no, g.form, code_event(g, "-"))
                vo.blank_forms += 1
                title = f"{g.what}（空白，入户时手填）"
            else:
                title = g.what
            items.append(data)
            marks.append((who, title))
            codes.append(code)
            vo.forms += 1
    return items, marks, codes


def _write_forms(items: list[bytes], marks: list[tuple[str, str]], vo: VillageOutput, converter, ws=None,
                 codes=None) -> None:
    from pypdf import PdfWriter

    from archive.forms import docx_bytes_to_pdf, pagecode

    with tempfile.TemporaryDirectory(prefix="dibao-prepare-") as tmp:
        pdfs = docx_bytes_to_pdf([(data, Path(tmp) / f"{i:05d}.pdf") for i, data in enumerate(items)], converter)
        writer = PdfWriter()
        parent = None
        current = None
        for k, ((who, title), pdf) in enumerate(zip(marks, pdfs)):
            if ws is not None and codes and codes[k] is not None:
                pagecode.stamp_form_file(pdf, ws, *codes[k])
            start = len(writer.pages)
            writer.append(str(pdf), import_outline=False)
            if who != current:
                parent = writer.add_outline_item(title=who, page_number=start)
                current = who
            writer.add_outline_item(title=title, page_number=start, parent=parent)
        buf = io.BytesIO()
        writer.write(buf)
        from archive.pdfa import finalize_merged

        dest = vo.folder / FORMS_PDF
        atomic_write_bytes(dest, finalize_merged(buf.getvalue(), title=f"{vo.village} 待打印表单"))
        vo.files.append(dest)


def _write_checklist(hs, vo: VillageOutput, result) -> None:
    sections: list[tuple[str, list[tuple[str, str, str]]]] = []
    lines = [f"{vo.village} 补件清单（审计日期 {result.as_of.isoformat()}）",
             "补好后：扫描件按命名放入 scans/<对象编号>/，数据录入家庭记录，再运行 dibao audit 检查。", ""]
    for h in hs:
        items = [(g.kind, g.what, g.fix) for g in h.gaps if not (g.form and g.kind in FORM_KINDS)]
        items += [(g.kind, g.what, f"随《{FORMS_PDF}》打印，{g.fix}") for g in h.gaps if g.form and g.kind in FORM_KINDS]
        items += [(f"核查：{f.kind}", f.detail, f.fix) for f in h.flags]
        if not items:
            continue
        head = f"{h.group + ' ' if h.group else ''}{h.case_no} {h.head}户（{h.type}）"
        sections.append((head, items))
        lines.append(head)
        for i, (kind, what, how) in enumerate(items, 1):
            lines.append(f"  {i}. [{kind}] {what}")
            lines.append(f"     怎么补：{how}")
        lines.append("")
        vo.checklist_items += len(items)
    lines.extend(vo.notes)
    txt = vo.folder / CHECKLIST_TXT
    atomic_write_text(txt, "\n".join(lines) + "\n")
    pdf = write_checklist_pdf(f"{vo.village} 补件清单（{result.as_of.isoformat()}）", sections, vo.folder / CHECKLIST_PDF)
    vo.files.extend([pdf, txt])
