"""One inbox run over a folder of scanner output, and --apply of the clerk's confirmations.

Nothing is lost: an input file is moved, unchanged, to <inbox>/已处理/<日期>/ only after each
of its pages is filed (a signed form), listed in 待确认.xlsx (no code, an incomplete form,
another workspace's code) or dropped as a blank duplex back (counted and reported).  A run
killed half way leaves its inputs in place; running again files nothing twice (filing.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import DibaoError, InputError
from archive.fsutil import ensure_dir
from archive.inbox import filing, look as lk, pages as pg, proposals as pp

DONE_DIR = "已处理"
XLSX = "待确认.xlsx"


@dataclass
class Report:
    files: int = 0
    pages_in: int = 0
    filed_pages: int = 0
    listed_pages: int = 0
    blank_pages: int = 0
    filed: list[str] = field(default_factory=list)          # workspace-relative paths of filed forms
    copies: list[str] = field(default_factory=list)         # second copies kept beside the first
    already: list[str] = field(default_factory=list)        # filed by an earlier (killed) run
    listed: list[pp.Row] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (file, the file of this batch it repeats)
    duplicate_pages: int = 0
    problems: list[str] = field(default_factory=list)       # files that could not be read (left in place)
    moved: list[str] = field(default_factory=list)
    text_line_reads: int = 0

    @property
    def balanced(self) -> bool:
        return self.pages_in == self.filed_pages + self.listed_pages + self.blank_pages + self.duplicate_pages


def inbox_dir(ws) -> Path:
    return ws.root / "inbox"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(folder: Path) -> list[Path]:
    """The files of the folder and of its subfolders (a phone or scanner that files by day), but
    not 已处理/, hidden files, Office lock files or the clerk's list."""
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "~$")) or p.name == XLSX or p.is_symlink():
            continue
        if p.is_dir():
            if p.name != DONE_DIR:
                out.extend(input_files(p))
        elif p.is_file():
            out.append(p)
    return out


def _done_path(folder: Path, src: Path, today: dt.date) -> Path:
    dest_dir = folder / DONE_DIR / today.isoformat()
    try:   # a file from a subfolder keeps it under 已处理/<日期>/
        dest_dir = dest_dir / src.parent.relative_to(folder)
    except ValueError:
        pass
    dest = dest_dir / src.name
    n = 2
    while dest.exists():
        dest = dest_dir / f"{src.stem}_{n}{src.suffix}"
        n += 1
    return dest


def _households(ws):
    from archive.forms import load_households

    hs, _skipped = load_households(ws)
    return {h.case_no: h for h in hs}


def acceptor(wid: str, households: dict):
    """accept(code): an OCR reading of a code line names this workspace, one of its households,
    a form of the catalog and an event of that household (see PageCode.parse)."""
    from archive.forms.catalog import load_catalog
    from archive.forms.pagecode import event_token

    form_ids = {f.id for f in load_catalog()}
    events = {case: {"-"} | {t for ev in (getattr(hh, "events", None) or []) for t in _event_names(ev, event_token)}
              for case, hh in households.items()}

    def accept(code) -> bool:
        return (code.workspace == wid and code.case_no in households and code.form in form_ids
                and code.event in events[code.case_no])
    return accept


def _event_names(ev, event_token) -> set[str]:
    """The ways a page code names an event: its token, its id, its year (see audit.prepare.code_event)."""
    names = {event_token(ev)}
    if getattr(ev, "id", None):
        names.add(str(ev.id))
    year = getattr(ev, "year", None) or (ev.date.year if getattr(ev, "date", None) else None)
    if year:
        names.add(str(year))
    return names


def run(ws, folder: Path | None = None, *, today: dt.date | None = None, ocr: bool = True, progress=None) -> Report:
    from archive import journal
    from archive.forms.pagecode import workspace_id

    if folder is None:
        ensure_dir(inbox_dir(ws))   # a workspace made before the inbox existed
    folder = Path(folder) if folder else inbox_dir(ws)
    if not folder.is_dir():
        raise InputError("收件箱文件夹不存在", path=folder, hint="用 dibao init 建立的工作区有 inbox/；或写出扫描件所在的文件夹")
    today = today or dt.date.today()
    rep = Report()
    wid = workspace_id(ws)
    households = _households(ws)
    index = pp.MemberIndex.of(households.values())
    xlsx = inbox_dir(ws) / XLSX
    rows = pp.read_rows(xlsx)
    files = input_files(folder)

    accept = acceptor(wid, households)
    coded: list[filing.CodedPage] = []
    uncoded: list[tuple[pg.Page, str, Path]] = []    # page, fingerprint, where the file will be kept
    plan: list[tuple[Path, Path, str, list[pg.Page]]] = []
    seen_files: dict[str, Path] = {}   # fingerprint -> the first file of this batch with that content
    for src in files:
        if pg.kind_of(src) is None:
            rep.problems.append(f"{src.name}：不是扫描件格式（支持 PDF、JPG、PNG、TIF），留在收件箱未处理")
            continue
        try:
            pages = pg.read_pages(src)
            pdfs = pg.page_pdfs(src, pages[0].kind)
        except DibaoError as exc:
            rep.problems.append(f"{src.name}：{exc.message}（留在收件箱，{exc.hint or '请检查后重新运行'}）")
            continue
        except Exception as exc:  # noqa: BLE001 - any decoder error: this file only
            rep.problems.append(f"{src.name}：无法读取（{exc}），留在收件箱")
            continue
        if len(pdfs) != len(pages):
            rep.problems.append(f"{src.name}：页数读取不一致（{len(pages)}/{len(pdfs)}），留在收件箱")
            continue
        fp = sha256_file(src)
        dest = _done_path(folder, src, today)
        rep.files += 1
        rep.pages_in += len(pages)
        if fp in seen_files:   # the same file twice (copied from the phone again): kept, filed once
            rep.duplicates.append((_rel(src, folder), _rel(seen_files[fp], folder)))
            rep.duplicate_pages += len(pages)
            plan.append((src, dest, fp, []))
            continue
        seen_files[fp] = src
        for page, pdf in zip(pages, pdfs):
            seen = lk.look(page.image, accept=accept)
            if progress:
                progress(page)
            if seen.blank:
                rep.blank_pages += 1
            elif seen.code is not None and seen.code.workspace == wid and seen.code.case_no in households:
                if seen.how == "text":
                    rep.text_line_reads += 1
                coded.append(filing.CodedPage(seen.code, src, page.index, fp, seen.rotate, pdf))
            elif seen.code is not None:
                why = (f"页码“{seen.code.text}”是另一个工作区（{seen.code.workspace}）打印的表" if seen.code.workspace != wid
                       else f"页码中的对象编号 {seen.code.case_no} 在本工作区没有记录")
                rep.listed.append(pp.Row(_rel(dest, inbox_dir(ws)), page.index + 1, "", "签字表", "", why, "", fp[:16],
                                         seen.rotate))
                rep.listed_pages += 1
            else:
                uncoded.append((page, fp, dest))
            page.image = page.image if seen.code is None and not seen.blank else None
        plan.append((src, dest, fp, pages))

    copies, loose = filing.group(coded)
    firsts: set[tuple] = set()
    for copy in sorted(copies, key=lambda c: (c.code.case_no, c.code.form, c.code.event, c.number)):
        folder_out = ws.scans_dir / copy.code.case_no
        path, n, new = filing.write_copy(folder_out, copy)
        rel = path.relative_to(ws.root).as_posix()
        rep.filed_pages += len(copy.pages)
        if not new:
            rep.already.append(rel)
        elif n > 1:
            rep.copies.append(rel)
        else:
            rep.filed.append(rel)
        firsts.add(copy.code.group)
        if new:
            journal.append(ws.state_dir, "inbox.file", household=copy.code.case_no,
                           detail={"file": rel, "form": copy.code.form, "event": copy.code.event,
                                   "pages": len(copy.pages), "copy": n,
                                   "from": [f"{p.source.name}#{p.index + 1}" for p in copy.pages]})
    done_of = {src: dest for src, dest, _fp, _p in plan}
    for p in loose:
        rep.listed.append(pp.Row(_rel(done_of[p.source], inbox_dir(ws)), p.index + 1, p.code.case_no, "签字表", "",
                                 f"表单 {p.code.form} 第{p.code.page}/{p.code.pages}页：同一份表的其他页没有扫到，未归档"
                                 "（补扫其余页后再运行，或确认后按单页归档）", "", p.fingerprint[:16], p.rotate))
        rep.listed_pages += 1

    if uncoded:
        _propose(uncoded, index, rep, ws, ocr)

    # the clerk's list: rows of pages seen again replace the old ones; confirmations kept
    fresh = {(r.fingerprint, r.page) for r in rep.listed}
    old = {(r.fingerprint, r.page): r for r in rows}
    merged = [r for r in rows if (r.fingerprint, r.page) not in fresh]
    for r in rep.listed:
        prev = old.get((r.fingerprint, r.page))
        merged.append(prev if prev is not None and prev.confirm else r)
    if rep.listed or rows:
        ensure_dir(inbox_dir(ws))
        pp.write_rows(xlsx, merged)

    for src, dest, _fp, _pages in plan:
        ensure_dir(dest.parent)
        shutil.move(str(src), str(dest))
        rep.moved.append(_rel(dest, folder))
    return rep


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _propose(uncoded, index, rep: Report, ws, ocr: bool) -> None:
    from indexer.ocr import ocr_image

    with tempfile.TemporaryDirectory(prefix="dibao-inbox-ocr-") as tmp:
        for i, (page, fp, dest) in enumerate(uncoded):
            text = ""
            why_ocr = ""
            turn = None
            if ocr:
                try:
                    turn = lk.osd_rotation(page.image)
                    img = lk.upright(page.image, turn)
                    path = Path(tmp) / f"{i}.png"
                    img.save(path)
                    text = ocr_image(path)
                except DibaoError as exc:
                    why_ocr = f"文字识别失败（{exc.message}）；"
            case, member, why = pp.propose(text, index) if text else ("", "", "")
            material, word = pp.material_of(text) if text else ("", "")
            reasons = [why_ocr] if why_ocr else []
            if why:
                reasons.append(why)
            if word:
                reasons.append(f"页面上有“{word}”")
            if not case and not material:
                reasons.append("无法判断，请人工填写家庭和材料类型，或移出")
            rep.listed.append(pp.Row(_rel(dest, inbox_dir(ws)), page.index + 1, case, material, member,
                                     "；".join(r for r in reasons if r), "", fp[:16], turn))
            rep.listed_pages += 1
            page.image = None


# ------------------------------------------------------------------ --apply

@dataclass
class Applied:
    filed: list[str] = field(default_factory=list)
    left: int = 0
    problems: list[str] = field(default_factory=list)


def apply(ws) -> Applied:
    """File the rows of 待确认.xlsx the clerk confirmed; the rest stay listed."""
    from archive import journal
    from archive.fsutil import atomic_write_bytes
    from archive.records.attachments import SYNONYMS
    from archive.records.model import ATTACHMENT_TYPES

    box = inbox_dir(ws)
    xlsx = box / XLSX
    rows = pp.read_rows(xlsx)
    if not rows:
        raise InputError("没有待确认的页面", path=xlsx, hint="先运行 dibao inbox 处理扫描件")
    households = _households(ws)
    out = Applied()
    keep: list[pp.Row] = []
    cache: dict[str, list[bytes]] = {}
    for r in rows:
        if not r.confirmed:
            keep.append(r)
            continue
        material = SYNONYMS.get(r.material.strip(), r.material.strip())
        case = r.household.strip()
        where = f"{r.file} 第{r.page}页"
        if case not in households:
            out.problems.append(f"{where}：建议家庭“{case or '（空）'}”不是本工作区的对象编号，请改正后再运行")
            keep.append(r)
            continue
        if material not in ATTACHMENT_TYPES:
            out.problems.append(f"{where}：材料类型“{r.material or '（空）'}”不认识（可用：{'、'.join(ATTACHMENT_TYPES)}）")
            keep.append(r)
            continue
        hh = households[case]
        members = {m.name for m in hh.members} | {o.name for o in hh.obligors}
        member = r.member.strip()
        if member and member not in members:
            out.problems.append(f"{where}：成员“{member}”不在 {case} 户中，请改正后再运行")
            keep.append(r)
            continue
        src = box / r.file
        if not src.is_file():
            out.problems.append(f"{where}：文件不在收件箱的 {r.file}，请找回后再运行")
            keep.append(r)
            continue
        kind = pg.kind_of(src)
        if r.file not in cache:
            cache[r.file] = pg.page_pdfs(src, kind)
        pdfs = cache[r.file]
        if not 1 <= r.page <= len(pdfs):
            out.problems.append(f"{where}：文件只有 {len(pdfs)} 页")
            keep.append(r)
            continue
        folder = ws.scans_dir / case
        ensure_dir(folder)
        stem = "_".join([material, *([member] if member else [])])
        turn = r.rotate if r.rotate is not None else _osd_of(src, r.page)
        single_jpeg = kind == "jpeg" and len(pdfs) == 1 and not turn
        ext = src.suffix.lower() if single_jpeg else ".pdf"
        n = 1
        dest = folder / f"{stem}{ext}"
        while dest.exists():
            n += 1
            dest = folder / f"{stem}_{n}{ext}"
        # a page turned upright is shown turned (/Rotate); its image is not recompressed
        data = src.read_bytes() if single_jpeg else pg.join([(pdfs[r.page - 1], turn or 0)])
        atomic_write_bytes(dest, data)
        rel = dest.relative_to(ws.root).as_posix()
        out.filed.append(rel)
        journal.append(ws.state_dir, "inbox.apply", household=case,
                       detail={"file": rel, "from": where, "type": material, "rotate": turn or 0})
    out.left = len(keep)
    pp.write_rows(xlsx, keep)
    return out


def _osd_of(src: Path, page: int) -> int:
    """Which way up a page of a row without 转正 is (sheets written before the column existed)."""
    try:
        images = pg.read_pages(src)
        return lk.osd_rotation(images[page - 1].image) if 1 <= page <= len(images) else 0
    except DibaoError:
        return 0
