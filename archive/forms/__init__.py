"""Word forms: every appendix form of the seeds, printed blank or filled from the records.

Public API (used by the CLI, the archive builder and the audit):

    render_docx(form_id, ws, *, household=None, event=None, village=None, town=None,
                blank=False, mark_unsigned=False, date=None, month=None, year=None) -> bytes
    render(...) -> Rendered            same, with warnings (e.g. households left off a notice)
    events_for(form_id, household) -> list     events the form is filled for ([None]: not tied to one)
    applicable(form_id, household, config) -> bool
    write_form(form_id, ws, out, *, converter=None, **same_kwargs) -> Path   .docx or .pdf by suffix
    write_blank_pack(ws, out, *, converter=None, form_ids=None) -> Path      one PDF of every blank form
    template_hash(form_id) -> str
    load_catalog(), get(form_id)
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from archive.errors import InputError
from archive.forms import builders, lists, render as rd, shape
from archive.forms.catalog import FormSpec, get, load_catalog
from archive.forms.privacy import check_public
from archive.forms.specific import rules_for
from archive.fsutil import atomic_write_bytes, sha256_bytes

RENDERER_VERSION = "forms-1"

__all__ = ["render_docx", "render", "events_for", "applicable", "write_form", "write_blank_pack", "template_hash",
           "load_catalog", "get", "FormSpec", "Rendered"]


@dataclass
class Rendered:
    data: bytes
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=64)
def _checked(form_id: str, path: str, mtime: int, size: int) -> bytes:
    """Template bytes, checked once per file version (tags, zip sanity)."""
    data = rd.read_template(form_id, Path(path))
    rd.prepare(form_id, data, shape.vocab(), Path(path))
    return data


def load_template(spec: FormSpec):
    path = spec.path
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(f"表单 {spec.id} 的模板不存在", path=path, hint="恢复该模板文件，或重新安装 dibao") from exc
    data = _checked(spec.id, str(path), st.st_mtime_ns, st.st_size)
    return rd.prepare(spec.id, data, shape.vocab(), path, check=False)


def template_hash(form_id: str) -> str:
    spec = get(form_id)
    try:
        data = spec.path.read_bytes()
    except OSError as exc:
        raise InputError(f"表单 {form_id} 的模板不存在", path=spec.path, hint="恢复该模板文件") from exc
    return sha256_bytes(RENDERER_VERSION.encode() + b"\0" + data)


def events_for(form_id: str, household) -> list:
    return builders.events_for(get(form_id), household)


def applicable(form_id: str, household, config) -> bool:
    return builders.applicable(get(form_id), household, config)


def _household(ws, household):
    if household is None:
        return None, None
    from archive.records.model import Household

    if isinstance(household, Household):
        return household, None
    from archive.records.load import load_valid

    path = Path(household)
    return load_valid(path, ws.root if ws is not None else None), path


def load_households(ws) -> tuple[list, list[str]]:
    """Every valid household of the workspace; invalid records are skipped with a warning."""
    from archive.records.load import load_households as load_all

    out, skipped = load_all(ws.record_paths(), ws.root)
    return out, [f"记录 {p.name} 有错误，未列入（先运行 dibao validate）" for p in skipped]


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(f"日期“{value}”格式不对", field="--date", hint="写成 年-月-日，如 2024-05-08") from exc


def render(form_id: str, ws, *, household=None, event=None, village=None, town=None, blank=False,
           mark_unsigned=False, date=None, month=None, year=None, program=None,
           context: dict | None = None, households=None) -> Rendered:
    """Fill a form.  context: the household form's data as builders.build made it (the build makes it
    once per form for its cache key and passes it here, so it is not built twice).  households: the
    loaded records a list form is filled from (default: every record of the workspace)."""
    spec = get(form_id)
    if spec.scope == "list" and not blank and ws is None:
        raise InputError("填写汇总类表单需要工作区", hint="在工作区目录中运行，或加 --workspace")
    tpl = load_template(spec)
    warnings: list[str] = []
    public_scope = None
    notice_date = None
    if blank:
        from archive.forms.context import program_values

        ctx = {"cfg": _cfg(ws), "prog": program_values(None)} if ws is not None else {"prog": program_values(None)}
    elif spec.is_list:
        if ws is None:
            raise InputError("填写汇总类表单需要工作区", hint="在工作区目录中运行，或加 --workspace")
        if households is None:
            households, skipped = load_households(ws)
            warnings += skipped
        cfg = ws.config
        if spec.list_scope == "village":
            if not village:
                raise InputError(f"表单 {form_id} 按村（社区）填写，请指定村名", field="--village", hint=f"例：dibao forms fill {form_id} --village 城关村 -o 公示单.docx")
            ctx, w, public_scope, notice_date = lists.review_notice(cfg, households, village, _date(date),
                                                                   confirm=(rules_for(form_id).list_kind == "confirm_notice"
                                                                            or spec.event == "确认公示"),
                                                                   program=program)
        else:
            schedule = rules_for(form_id).list_kind == "review_schedule"
            if village and not town:
                # a village names its town; the roster then lists that village only
                towns = sorted({h.town for h in households if h.village == village})
                if not towns:
                    raise InputError(f"工作区中没有“{village}”的家庭记录", field="--village",
                                     hint="检查村（社区）名称是否与记录中的 village 一致")
                town = towns[0]
                if not schedule:
                    households = [h for h in households if h.village == village]
            town = town or cfg.town
            if schedule:
                ctx, w, public_scope = lists.review_schedule(cfg, households, town, year)
            else:
                ctx, w, public_scope = lists.monthly_roster(cfg, households, town, month)
        warnings += w
    else:
        if ws is None:
            raise InputError("填表需要工作区（低保标准、乡镇名称等来自 dibao.toml）", hint="在工作区目录中运行，或加 --workspace")
        hh, path = _household(ws, household)
        if hh is None:
            raise InputError(f"表单 {form_id} 是一户一表，请指定家庭记录", field="--household",
                             hint=f"例：dibao forms fill {form_id} --household households/FX-001.json -o 表.docx")
        if context is not None:
            ctx = context
        else:
            ev = builders.pick_event(spec, hh, event, path)
            ctx = builders.build(spec, hh, ws.config, ev)
        public_scope = [hh]
    rd.render(tpl, ctx, blank=blank, form_id=form_id, path=spec.path)
    if mark_unsigned:
        rd.add_unsigned_mark(tpl)
    data = rd.to_bytes(tpl)
    if spec.public and not blank:
        check_public(rd.docx_text(data), public_scope or [], notice_date or dt.date.today(), form_id=form_id)
    return Rendered(data, warnings)


def _cfg(ws) -> dict:
    from archive.forms.context import config_values

    return config_values(ws.config)


def render_docx(form_id: str, ws, *, household=None, event=None, village=None, town=None, blank=False,
                mark_unsigned=False, **more) -> bytes:
    return render(form_id, ws, household=household, event=event, village=village, town=town, blank=blank,
                  mark_unsigned=mark_unsigned, **more).data


def _suffix(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise InputError(f"输出文件的扩展名“{out.suffix or '（无）'}”不支持", path=out, hint="写成 .docx（Word）或 .pdf")
    return suffix


def write_form(form_id: str, ws, out, *, converter=None, **kwargs) -> Path:
    """Render and write .docx or .pdf (by the suffix of out), atomically; returns out."""
    out = Path(out)
    suffix = _suffix(out)
    data = render_docx(form_id, ws, **kwargs)
    if suffix == ".docx":
        return atomic_write_bytes(out, data)
    pdf = docx_bytes_to_pdf([(data, out)], converter)[0]
    code_household_pdf(form_id, ws, pdf, **kwargs)
    from archive.pdfa import finalize_merged

    atomic_write_bytes(pdf, finalize_merged(pdf.read_bytes(), title=get(form_id).title, unit=_unit(ws)))
    return pdf


def code_household_pdf(form_id: str, ws, pdf: Path, *, household=None, event=None, blank=False, **_more) -> None:
    """Stamp the page codes (archive/forms/pagecode.py) on a printed household form, so the
    signed paper files itself when scanned back (dibao inbox).  Blank and list forms get none."""
    if get(form_id).is_list or blank or household is None or ws is None:
        return
    from archive.forms import pagecode

    hh, _path = _household(ws, household)
    pagecode.stamp_form_file(pdf, ws, hh.case_no, form_id, pagecode.event_for(form_id, hh, event))


def docx_bytes_to_pdf(items: list[tuple[bytes, Path]], converter=None) -> list[Path]:
    """Convert rendered .docx bytes to PDFs with one warm LibreOffice (a new one when converter is None)."""
    from archive.external.libreoffice import Converter

    with tempfile.TemporaryDirectory(prefix="dibao-forms-") as tmp:
        pairs = []
        for i, (data, _out) in enumerate(items):
            src = Path(tmp) / f"{i:04d}.docx"
            src.write_bytes(data)
            pairs.append((src, Path(tmp) / f"{i:04d}.pdf"))
        own = converter is None
        conv = converter or Converter(workers=min(2, max(1, len(pairs))))
        try:
            errors = conv.convert_many(pairs)
        finally:
            if own:
                conv.close()
        for err in errors:
            if err is not None:
                raise err
        # LibreOffice writes into the private temp folder; the PDF is then copied to its place, so a
        # full or read-only output folder is reported as such (exit 8), not as a LibreOffice failure
        for (_src, pdf), (_data, out) in zip(pairs, items):
            atomic_write_bytes(out, pdf.read_bytes())
    return [Path(out) for _data, out in items]


def write_blank_pack(ws, out, *, converter=None, form_ids=None) -> Path:
    """One PDF holding every blank form (a print pack), with a bookmark per form."""
    from pypdf import PdfWriter

    out = Path(out)
    specs = [get(f) for f in form_ids] if form_ids else load_catalog()
    with tempfile.TemporaryDirectory(prefix="dibao-pack-") as tmp:
        items = [(render_docx(s.id, ws, blank=True), Path(tmp) / f"{s.id}.pdf") for s in specs]
        pdfs = docx_bytes_to_pdf(items, converter)
        writer = PdfWriter()
        for spec, pdf in zip(specs, pdfs):
            start = len(writer.pages)
            writer.append(str(pdf), import_outline=False)
            writer.add_outline_item(title=f"{spec.id} {spec.title}", page_number=start)
        buf = io.BytesIO()
        writer.write(buf)
        from archive.pdfa import finalize_merged

        atomic_write_bytes(out, finalize_merged(buf.getvalue(), title="空白表打印包", unit=_unit(ws)))
    return out


def _unit(ws) -> str:
    """立卷单位 of a workspace, written into the PDF/A metadata of what it prints."""
    from archive.volumes.archival import archival_of

    try:
        return archival_of(ws.config).unit(ws.config)
    except Exception:  # noqa: BLE001 - metadata only: never stops a print
        return "dibao"

