"""Index the built archive (`dibao index`): every page of every volume, incrementally.

A household is one group ("a/<对象编号>").  Its fingerprint is the hash of its
manifest.json plus the size and modification time of its volume PDFs; only
households whose fingerprint changed are re-read, and households that left the
archive leave the index.  Scanned pages are OCR'd once (see ``indexer.ocr``).
"""

from __future__ import annotations

import collections
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archive.errors import ConfigError, InputError, ToolMissing
from archive.fsutil import sha256_bytes
from archive.volumes.manifest import SUMMARY_NAME, Document, Manifest, load_manifest, manifest_paths
from archive.workspace import workspace_paths_of
from indexer import analysis
from indexer.archive_files import FILE_GROUP, PHOTO_TYPES, ArchiveFile, archive_files
from indexer.engine import Doc
from indexer.extract import start_pdf_pages
from indexer.index import META_FILE, STATE_FILE, IndexVersionError, available_backends, open_index, rebuild_index
from indexer.ocr import OCR_TIMEOUT, OcrCache, OcrPool, default_photo_engine, find_tesseract, get_engine
from indexer.vocab import Corrector, workspace_words

ARCHIVE_GROUP = "a/"
COMMIT_EVERY = 200   # households between intermediate commits
LOOKAHEAD_PAGES = 24   # scanned pages queued for OCR ahead of the household being written
LOOKAHEAD_HOUSEHOLDS = 16


@dataclass
class IndexStats:
    added: int = 0        # households (or historical files) new to the index
    updated: int = 0      # changed and re-indexed
    removed: int = 0      # gone from the archive, removed from the index
    unchanged: int = 0
    pages: int = 0        # pages (index documents) written
    ocr_pages: int = 0    # pages read by tesseract in this run
    ocr_cached: int = 0   # pages whose OCR text came from the cache
    seconds: float = 0.0
    backend: str = ""
    problems: list = field(default_factory=list)   # [{"path": ..., "reason": ...}] in Chinese
    repaired: str = ""    # why the index was rebuilt on its own (damaged, other version), in Chinese
    corrected: int = 0    # known OCR misspellings of workspace words corrected (indexer.vocab)
    files: int = 0        # village volumes, box lists, spine labels, summary (indexer.archive_files) re-read

    def as_dict(self) -> dict:
        return asdict(self)

    to_dict = as_dict   # the older name, kept for callers (the project's convention is as_dict)


def workspace_paths(workspace_dir, index_dir=None) -> dict:
    """The index's locations under the workspace's .dibao folder (archive.workspace.StatePaths)."""
    return workspace_paths_of(workspace_dir, index_dir)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def _fingerprint(manifest_path: Path, manifest: Manifest) -> dict:
    files = {}
    for vol in manifest.volumes:
        f = manifest_path.parent / vol.file
        try:
            st = f.stat()
            files[vol.file] = [st.st_size, st.st_mtime_ns]
        except OSError:
            files[vol.file] = None
    return {"manifest": sha256_bytes(manifest_path.read_bytes()), "files": files}


def household_docs(manifest_path: Path, manifest: Manifest, cache: OcrCache, root: Path,
                   ocr_photos: bool = False, pool: OcrPool | None = None) -> tuple[list[Doc], list, bool]:
    """Index documents (one per page) of one household folder, problems met, and whether every
    page was read (False when OCR failed somewhere: the household is tried again next time).

    Photographs (入户照片, 公示照片) hold a picture, not a page of text: unless ocr_photos, they
    are indexed by their title, household, date and year without OCR, which saves about half
    of the OCR time of a typical household ([search] ocr_photos = true in dibao.toml reads them).
    """
    if pool is not None:
        return start_household(manifest_path, manifest, cache, pool, root, ocr_photos).finish()
    with OcrPool(cache) as own:
        return start_household(manifest_path, manifest, cache, own, root, ocr_photos).finish()


class PendingHousehold:
    """A household whose volumes' text layers are read and whose scanned pages wait in the OCR pool."""

    def __init__(self, manifest: Manifest, root: Path):
        self.manifest = manifest
        self.root = root
        self.volumes: list = []      # (pdf, category, owner, PendingPdf)
        self.problems: list = []
        self.complete = True

    def done(self) -> bool:
        return all(pending.done() for *_, pending in self.volumes)

    def finish(self) -> tuple[list[Doc], list, bool]:
        """(documents, problems, complete) as household_docs returns them; waits for the OCR."""
        hh = self.manifest.household
        case_no = hh.case_no
        group = ARCHIVE_GROUP + case_no
        base = dict(household=case_no, head=hh.head or "", village=hh.village or "", town=hh.town or "",
                    type=hh.type or "")
        docs, problems, complete = [], list(self.problems), self.complete
        for pdf, category, owner, pending in self.volumes:
            failures: list = []
            texts = pending.result(failures)
            if failures:
                complete = False
                pages = "、".join(str(p) for p, _ in sorted(failures, key=lambda f: f[0]))
                first = failures[0][1]
                problems.append({"path": str(pdf), "reason": f"第 {pages} 页没有识别出文字（{first.message}）"
                                 + (f"；{first.hint}" if first.hint else "") + "；下次运行 dibao index 会再试",
                                 "kind": "tool_missing" if isinstance(first, ToolMissing) else "ocr_failed",
                                 "pages": len(failures)})
            rel = _rel(pdf, self.root)
            for i, text in enumerate(texts, start=1):
                d = owner.get(i) or Document()
                seq = d.seq or d.kind or 0
                year = d.year
                if not year and d.date:
                    year = str(d.date)[:4]
                docs.append(Doc(id=f"{case_no}/{category}/{seq}/p{i}", group=group, text=text, category=category,
                                title=d.title or f"{category}（第{i}页）", date=str(d.date or ""),
                                year=int(year) if str(year or "").isdigit() else None, path=rel, page=i,
                                source="archive", **base))
        return docs, problems, complete


def start_household(manifest_path: Path, manifest: Manifest, cache: OcrCache, pool: OcrPool, root: Path,
                    ocr_photos: bool = False) -> PendingHousehold:
    """Read the text layers of a household's volumes and queue its scanned pages for OCR."""
    out = PendingHousehold(manifest, root)
    for vol in manifest.volumes:
        category = vol.category or ""
        pdf = manifest_path.parent / vol.file
        if not pdf.is_file():
            out.problems.append({"path": str(pdf), "reason": "卷宗 PDF 不存在，这一卷没有编入索引；请重新运行 dibao build"})
            continue
        force, hints, owner, skip = set(), {}, {}, set()
        for d in vol.documents:
            first, last = d.first_page, d.last_page or d.first_page
            photo = not ocr_photos and d.attachment_type in PHOTO_TYPES
            for p in range(first, last + 1):
                owner[p] = d
                if photo:
                    skip.add(p)
                    continue
                if d.text_layer is False:
                    force.add(p)
                    if d.source_sha256:
                        hints[p] = f"{d.source_sha256}:{p - first}"
        try:
            pending = start_pdf_pages(pdf, cache, pool, force_ocr=force, key_hint=hints, skip_ocr=skip)
        except InputError as exc:
            out.problems.append({"path": str(pdf), "reason": exc.message})
            out.complete = False
            continue
        out.volumes.append((pdf, category, owner, pending))
    return out


def _workspace_words(manifests) -> list[str]:
    words = set()
    for m in manifests:
        hh = m.household
        words.update(x for x in (hh.village, hh.town, hh.county, hh.type) if x)
        for vol in m.volumes:
            words.update(d.title for d in vol.documents if d.title)
    return sorted(w for w in words if isinstance(w, str) and 2 <= len(w) <= 12 and analysis.is_cjk(w))


def index_archive(workspace_dir, archive_dir=None, index_dir=None, backend: str = "auto", progress=None,
                  rebuild: bool = False, key=None, extra_words=(), lookup=None, ocr_photos: bool = False,
                  ocr_timeout: float = OCR_TIMEOUT, ocr_engine: str | None = None, reocr: bool = False,
                  ocr_engine_photos: str | None = None) -> IndexStats:
    """Bring the index up to date with the archive folder.

    progress(done, total, label) is called after each household.  With rebuild=True the
    index is deleted first and historical files added earlier are added again (attached to
    households by `lookup`, see indexer.historical.make_matcher, or as when first added).
    ocr_engine: "tesseract" (default) or "rapidocr" (see indexer.ocr.get_engine).  reocr: read
    every scanned page again with that engine (the cache otherwise keeps what was read before,
    whatever engine read it) and rebuild the index.
    Returns IndexStats (counts of households added/updated/removed/unchanged, pages, OCR).
    """
    t0 = time.monotonic()
    ws = Path(workspace_dir)
    paths = workspace_paths(ws, index_dir)
    archive_dir = Path(archive_dir) if archive_dir else ws / "archive"
    if not archive_dir.is_dir():   # a wrong folder must not empty the index
        raise ConfigError("档案输出目录不存在", path=archive_dir,
                          hint="先运行 dibao build 生成档案，或用 --out 指明档案所在的目录")
    key = key if key is not None else paths["key"]
    engine = get_engine(ocr_engine)   # a wrong name stops here, before anything is touched
    repaired = ""
    rebuild = rebuild or reocr
    if rebuild:
        ix = rebuild_index(paths["index"], backend, key=key, root=ws)
    else:
        try:
            ix = open_index(paths["index"], backend, key=key, root=ws)
        except IndexVersionError as exc:   # derived data: a damaged or outdated index is rebuilt
            repaired, rebuild = exc.message, True
            ix = rebuild_index(paths["index"], backend, key=key, root=ws)
    cache = OcrCache(paths["ocr_cache"], timeout=ocr_timeout, engine=engine, refresh=reocr,
                     photo_engine=ocr_engine_photos or default_photo_engine(ocr_engine),   # historical images
                     secret=ix.key)
    stats = IndexStats(backend=ix.backend_name, repaired=repaired)
    pool = OcrPool(cache)
    failed = True
    try:
        manifests, broken = [], set()
        for p in manifest_paths(archive_dir):
            try:
                manifests.append((p, load_manifest(p)))
            except InputError as exc:
                stats.problems.append({"path": str(p), "reason": exc.message})
                broken.add(p.parent.name.split("_", 1)[0])
        analysis.add_words(_workspace_words(m for _, m in manifests) + list(extra_words))
        ix.corrector = Corrector(workspace_words([m for _, m in manifests]) + list(extra_words))
        seen: dict[str, Path] = {}
        # Households are read ahead: while one is segmented and written, the scanned pages of the next
        # ones are already with tesseract, so both cores stay busy across volumes and households.
        window: collections.deque = collections.deque()
        count = {"done": 0, "pending": 0}

        def tick(case_no: str) -> None:
            count["done"] += 1
            if progress:
                progress(count["done"], len(manifests), case_no)

        def finish_first() -> None:
            group, fp, old, case_no, pending = window.popleft()
            docs, problems, complete = pending.finish()
            stats.problems.extend(problems)
            stats.pages += ix.replace(group, docs, fingerprint=fp if complete else dict(fp, incomplete=True))
            if old is None:
                stats.added += 1
            else:
                stats.updated += 1
            count["pending"] += 1
            if count["pending"] >= COMMIT_EVERY:
                ix.commit()
                count["pending"] = 0
            tick(case_no)

        for p, m in manifests:
            case_no = m.household.case_no
            group = ARCHIVE_GROUP + case_no
            if group in seen:
                stats.problems.append({"path": str(p), "reason": f"对象编号 {case_no} 与 {seen[group]} 重复，这一户没有编入索引"})
                tick(case_no)
                continue
            seen[group] = p
            fp = dict(_fingerprint(p, m), ocr_photos=bool(ocr_photos))
            old = ix.state.get(group)
            if old == fp:
                stats.unchanged += 1
                tick(case_no)
                continue
            window.append((group, fp, old, case_no, start_household(p, m, cache, pool, ws, ocr_photos=ocr_photos)))
            while window and (window[0][-1].done() or len(window) > LOOKAHEAD_HOUSEHOLDS
                              or pool.backlog() > LOOKAHEAD_PAGES):
                finish_first()
        while window:
            finish_first()
        _index_archive_files(ix, archive_dir, manifests, cache, pool, ws, ocr_photos, stats)
        # A household whose manifest is unreadable keeps its old pages (folder name starts with 对象编号).
        gone = [g for g in ix.state if g.startswith(ARCHIVE_GROUP) and g not in seen
                and g[len(ARCHIVE_GROUP):] not in broken]
        for group in gone:
            ix.delete(group)
            stats.removed += 1
        ix.commit()
        failed = False
        if rebuild:
            from indexer.historical import readd_registered

            readd_registered(ws, ix, cache, stats, lookup=lookup)
        stats.corrected = ix.corrector.corrected
    finally:
        pool.close(cancel=failed)
        ix.close()
    stats.ocr_pages, stats.ocr_cached = cache.ocr_pages, cache.cached
    stats.seconds = round(time.monotonic() - t0, 2)
    unread = sum(p.get("pages", 0) for p in stats.problems if p.get("kind") == "tool_missing")
    if unread:   # the rest is indexed and committed; say what to install (exit code 5)
        first = next(p for p in stats.problems if p.get("kind") == "tool_missing")
        try:
            find_tesseract()
        except ToolMissing as exc:
            first_hint = exc.hint
            what = exc.message
        else:
            first_hint, what = None, first["reason"]
        raise ToolMissing(f"{unread} 页扫描件没有识别文字：{what}。其余内容已编入索引，装好后再运行 dibao index 会补上",
                          hint=first_hint)
    return stats


def _index_archive_files(ix, archive_dir: Path, manifests, cache: OcrCache, pool: OcrPool, root: Path,
                         ocr_photos: bool, stats: IndexStats) -> None:
    """Village publicity volumes, box lists, spine labels and the summary (indexer.archive_files):
    re-read when changed, removed from the index when the build no longer lists them."""
    files, known = archive_files(archive_dir)
    towns = {m.household.village: m.household.town or "" for _, m in manifests}
    wanted = set()
    for f in files:
        fp = f.fingerprint()
        if fp is None:   # listed but gone: dibao verify reports it; its pages leave the index
            continue
        fp["ocr_photos"] = bool(ocr_photos)
        wanted.add(f.group)
        if ix.state.get(f.group) == fp:
            continue
        docs, problems, complete = _file_docs(f, cache, pool, root, ocr_photos, towns.get(f.village, ""))
        stats.problems.extend(problems)
        stats.pages += ix.replace(f.group, docs, fingerprint=fp if complete else dict(fp, incomplete=True))
        stats.files += 1
    if not known:
        stats.problems.append({"path": str(Path(archive_dir) / SUMMARY_NAME),
                               "reason": "卷宗汇总文件无法读取，村级公示材料、盒内目录和汇总表的索引没有更新；"
                                         "请重新运行 dibao build"})
    else:
        for group in [g for g in ix.state if g.startswith(FILE_GROUP) and g not in wanted]:
            ix.delete(group)


def _file_docs(f: ArchiveFile, cache: OcrCache, pool: OcrPool, root: Path, ocr_photos: bool,
               town: str) -> tuple[list[Doc], list, bool]:
    owner, force, skip = f.page_meta(ocr_photos)
    try:
        pending = start_pdf_pages(f.pdf, cache, pool, force_ocr=force, skip_ocr=skip)
    except InputError as exc:
        return [], [{"path": str(f.pdf), "reason": exc.message}], False
    failures: list = []
    texts = pending.result(failures)
    problems = [{"path": str(f.pdf), "reason": f"第 {p} 页没有识别出文字（{e.message}）；下次运行 dibao index 会再试",
                 "kind": "tool_missing" if isinstance(e, ToolMissing) else "ocr_failed", "pages": 1}
                for p, e in failures]
    rel = _rel(f.pdf, root)
    docs = []
    for i, text in enumerate(texts, start=1):
        d = owner.get(i) or Document()
        year = d.year or (int(str(d.date)[:4]) if str(d.date or "")[:4].isdigit() else f.year)
        docs.append(Doc(id=f"{f.group}/p{i}", group=f.group, text=text, village=f.village, town=town,
                        category=f.category, title=d.title or f.title, date=str(d.date or ""), year=year,
                        path=rel, page=i, source="archive"))
    return docs, problems, not failures


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def open_workspace_index(workspace_dir, backend: str = "auto", index_dir=None):
    """The workspace's index opened for searching (the most recently updated one for "auto"),
    and a key that changes whenever the index is written (for callers that keep it open)."""
    paths = workspace_paths(workspace_dir, index_dir)
    if not paths["key"].exists():
        raise ConfigError("还没有建立搜索索引", path=paths["index"], hint="先运行 dibao index 建立索引")
    if (backend or "auto") == "auto":   # use the index that exists (the most recently updated one)
        built = [b for b in available_backends() if (paths["index"] / b / META_FILE).exists()]
        built.sort(key=lambda b: _mtime(paths["index"] / b / STATE_FILE), reverse=True)
        backend = built[0] if built else "auto"
    return open_index(paths["index"], backend, key=paths["key"], root=Path(workspace_dir), create=False)


def index_version(workspace_dir, index_dir=None) -> tuple:
    """Changes whenever any backend's index of the workspace is committed (its state file is rewritten)."""
    folder = workspace_paths(workspace_dir, index_dir)["index"]
    return tuple((b, _mtime(folder / b / STATE_FILE), _mtime(folder / b / META_FILE)) for b in available_backends())


def search_workspace(workspace_dir, query: str, filters: dict | None = None, limit: int = 20,
                     backend: str = "auto", index_dir=None):
    """Search a workspace's index (for `dibao search`); hits carry absolute paths to open."""
    ix = open_workspace_index(workspace_dir, backend, index_dir)
    try:
        return ix.search(query, filters=filters, limit=limit)
    finally:
        ix.close()
