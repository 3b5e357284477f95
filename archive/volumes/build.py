"""`dibao build`: every household's three category volumes, village box lists, town summary.

Layout and manifest: archive/volumes/manifest.py (the Manifest model).

Flow.  The workspace is locked (a second build says it is busy, exit 7) and temporary
files left by an interrupted run are removed.  Each record is hashed and compared
with its manifest (archive/volumes/manifest.py): unchanged households are skipped without
reading a PDF.  The others go through a pipeline: the main thread loads the record,
plans its volumes (archive/volumes/plan.py), renders each form with docxtpl and converts the
scans, while `--jobs` warm LibreOffice workers convert the forms whose PDF is not in
.dibao/cache/forms/ yet (keyed by the rendered document's content, so a new annual
review converts one form, not the household).  When a household's forms are ready its
volumes are assembled (archive/volumes/volume.py, archive/volumes/pages.py), each written to a
temporary file and renamed into place, and its manifest is written last.

A household that cannot be built (a record with errors, a form LibreOffice cannot
convert) is reported and the others go on; an unreadable scan is listed in the
remarks sheet and the manifest, and the household is built without it (incomplete).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archive import __version__
from archive.records.attachments import collect, household_scan_dir
from archive.errors import ConfigError, DibaoError, InputError, OutputError, ToolMissing
from archive.fsutil import atomic_write_text, ensure_dir, read_regular, remove_stale_temps, sha256_bytes, sha256_file
from archive.volumes.manifest import (MANIFEST_NAME, OUT_MARKER, SUMMARY_NAME, HashCache, canonical, docx_key,
                                      file_inputs, find_manifests, household_folder, input_hash, outputs_intact,
                                      read_manifest, template_key, Manifest)
from archive.volumes import formcache

log = logging.getLogger("dibao.build")

LOOKAHEAD = 4  # households prepared ahead of the one being assembled (keeps LibreOffice busy)
BATCH = 4      # households whose generated pages share one PDF (one font load and subset: ~0.4 s each saved)


# --------------------------------------------------------------------------- results

@dataclass
class Failure:
    case_no: str
    path: str
    reason: str


@dataclass
class BuildReport:
    out: Path
    total: int = 0
    built: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)   # unreadable scans: {case_no, path, reason}
    notes: list[dict] = field(default_factory=list)      # files not filed (naming): {case_no, note}
    warnings: list[str] = field(default_factory=list)    # run-wide (a cached form that did not match its seal)
    pages: int = 0
    converted: int = 0       # forms converted by LibreOffice in this run
    cached: int = 0          # forms taken from the cache
    orphans: list[str] = field(default_factory=list)     # outputs without a record (kept)
    removed: list[str] = field(default_factory=list)     # outputs removed (--prune)
    boxes: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "out": str(self.out), "total": self.total, "built": len(self.built), "built_households": self.built,
            "unchanged": self.unchanged, "failed": [f.__dict__ for f in self.failed],
            "incomplete": self.incomplete, "problems": self.problems, "notes": self.notes,
            "warnings": self.warnings, "pages": self.pages,
            "forms_converted": self.converted, "forms_cached": self.cached,
            "orphans": self.orphans, "removed": self.removed, "seconds": round(self.seconds, 2),
        }


# --------------------------------------------------------------------------- helpers

def _quick(raw: bytes) -> dict | None:
    """The few fields the unchanged-check needs, without validating the record."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        head = next(m["name"] for m in data["members"] if m.get("relation") == "本人")
        atts = [a["path"] for a in data.get("attachments") or [] if isinstance(a, dict) and isinstance(a.get("path"), str)]
        return {"case_no": str(data["case_no"]), "village": str(data["village"]), "head": str(head), "attachments": atts}
    except Exception:  # noqa: BLE001 - anything odd: the full load reports it properly
        return None


def case_key(case_no: str) -> str:
    """对象编号 as compared for identity: full-width and half-width alike, case and spaces ignored."""
    import unicodedata

    return unicodedata.normalize("NFKC", str(case_no)).strip().upper()


def record_limit(config) -> int:
    return config.limits.max_record_bytes


@dataclass
class Item:
    """One record to look at."""

    path: Path
    rel: str
    sha: str
    quick: dict | None
    folder: Path | None = None


@dataclass
class Job:
    """A household being built: planned, forms rendered, conversions under way."""

    item: Item
    hh: object = None
    plan: object = None
    inputs: dict = field(default_factory=dict)
    input_hash: str = ""
    pdfs: dict = field(default_factory=dict)          # id(entry) -> Path of the form PDF
    futures: list = field(default_factory=list)       # (entry, Future)
    scans: dict = field(default_factory=dict)         # scan.rel -> (ScanResult | None)
    problems: list = field(default_factory=list)      # {path, reason}
    error: str | None = None

    def ready(self) -> bool:
        return all(f.done() for _, f in self.futures)


# --------------------------------------------------------------------------- the builder

class FormConverter(Protocol):
    """What the build needs of a .docx -> PDF converter (archive.external.libreoffice.Converter)."""

    def start(self) -> None: ...

    def convert(self, src: Path, dest: Path) -> Path: ...

    def close(self, graceful: bool = True) -> None: ...


class Builder:
    """One build run.  converter: a factory of the FormConverter (default: LibreOffice workers
    configured from [limits]); render_form(entry, household, context) -> .docx bytes (default:
    archive.forms).  Benchmarks and tests pass their own instead of replacing methods."""

    def __init__(self, ws, out: Path | None = None, jobs: int | None = None, force: bool = False,
                 progress=None, today: dt.date | None = None,
                 converter: Callable[[], FormConverter] | None = None,
                 render_form: Callable[[object, object, dict | None], bytes] | None = None):
        from archive.forms import catalog

        self.ws = ws
        self.config = ws.config
        self.out = Path(out).resolve() if out else ws.output_dir
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.force = force
        self.progress = progress
        self.today = today or dt.date.today()
        paths = ws.paths
        self.cache_dir = paths.cache
        self.forms_cache = paths.forms_cache
        self.fonts_cache = paths.fonts_cache
        self.tmp_dir = paths.tmp / "build"   # the build's own (under its lock); see archive/tmpdir.py
        self.hashes = HashCache(paths.scan_hashes)
        self._limits = None
        self.report = BuildReport(out=self.out)
        self._templates: dict[str, str] = {}
        try:
            self.catalog_hash = sha256_file(catalog.template_dir() / catalog.CATALOG_NAME)
        except OSError:
            self.catalog_hash = "missing"
        self._office_ready: Future | None = None   # the Converter, made in the background
        self._pool: ThreadPoolExecutor | None = None
        self._inflight: dict[str, Future] = {}
        self._read: dict[Path, Manifest | None] = {}   # household folder -> its manifest, as read by unchanged()
        self.manifests: dict[str, list] = {}   # case_no -> [(folder, manifest)], kept current during the run
        self.unreadable: set[str] = set()      # records (workspace-relative) that could not be read or parsed
        self.written_folders: list[Path] = []  # household folders whose manifest this run wrote
        self.removed_folders: list[Path] = []  # household folders this run removed (moved, renamed, pruned)
        self.make_converter = converter or self._libreoffice
        self.render_form = render_form or self._render_form

    @property
    def limits(self):
        if self._limits is None:
            self._limits = self.config.scan_limits()
        return self._limits

    # ------------------------------------------------------------------ inputs
    def template_hash(self, form_id: str) -> str:
        if form_id not in self._templates:
            self._templates[form_id] = template_key(form_id)
        return self._templates[form_id]

    def fingerprint(self, item: Item, form_ids, case_no: str, listed: list[str]) -> tuple[dict, str]:
        files = file_inputs(self.ws.root, household_scan_dir(self.ws.scans_dir, case_no), listed, self.hashes)
        templates = {f: self.template_hash(f) for f in sorted(form_ids)}
        inputs = {"record": {"path": item.rel, "sha256": item.sha}, "files": files, "templates": templates,
                  "catalog": self.catalog_hash, "config": self.config.sha256, "tool": __version__}
        return inputs, input_hash(item.sha, files, templates, self.catalog_hash, self.config.sha256)

    def unchanged(self, item: Item) -> bool:
        q = item.quick
        if self.force or q is None:
            return False
        folder = household_folder(self.out, q["village"], q["case_no"], q["head"])
        if folder not in self._read:
            self._read[folder] = read_manifest(folder / MANIFEST_NAME)
        m = self._read[folder]
        if m is None or m.household.case_no != q["case_no"]:
            return False
        if m.inputs.record is None or m.inputs.record.sha256 != item.sha:
            return False
        _, h = self.fingerprint(item, m.inputs.templates.keys(), q["case_no"], q["attachments"])
        return h == m.input_hash and outputs_intact(folder, m)

    # ------------------------------------------------------------------ LibreOffice
    def _start_office(self) -> None:
        """Make the converter and start its workers in the background, once: called as soon as
        a form is known to need converting, so LibreOffice starts while forms are rendered."""
        if self._office_ready is not None:
            return
        ensure_dir(self.tmp_dir)
        self._pool = ThreadPoolExecutor(max_workers=self.jobs + 1, thread_name_prefix="dibao-convert")

        def make():
            conv = self.make_converter()
            conv.start()
            return conv

        self._office_ready = self._pool.submit(make)

    def _libreoffice(self) -> FormConverter:
        from archive.external.libreoffice import Converter

        return Converter(workers=self.jobs, timeout=self.config.convert_timeout, workdir=self.tmp_dir,
                         memory_mb=self.config.convert_memory_mb, profile_cache=self.ws.paths.office_profiles)

    def _convert(self, key: str, docx: bytes) -> Future:
        if key in self._inflight:
            return self._inflight[key]
        self._start_office()
        ensure_dir(self.tmp_dir)
        src = self.tmp_dir / f"{key}.docx"
        src.write_bytes(docx)
        dest = self.forms_cache / f"{key}.pdf"
        ready = self._office_ready

        def run():
            try:
                done = ready.result().convert(src, dest)
                formcache.seal(dest)   # before the future completes: whoever waits finds it sealed
                return done
            finally:
                src.unlink(missing_ok=True)

        fut = self._pool.submit(run)
        self._inflight[key] = fut
        return fut

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        ready, self._office_ready, self._pool = self._office_ready, None, None
        if ready is not None and not ready.cancelled():
            try:
                conv = ready.result()
            except Exception:  # noqa: BLE001 - no converter was made (reported by its conversions)
                return
            conv.close(graceful=False)   # nothing of LibreOffice is kept: no need to wait for it to quit

    # ------------------------------------------------------------------ one household: prepare
    def prepare(self, item: Item) -> Job:
        from archive.volumes.plan import plan_household
        from archive.records.load import load_record

        job = Job(item)
        rec = load_record(item.path, self.ws.root, self.today)
        # a listed scan that is missing or outside the workspace is a scan problem, not a record error
        scan_errors = [p for p in rec.problems if p.severity == "error" and p.field.startswith("attachments[")
                       and p.field.endswith("].path")]
        errors = [p for p in rec.problems if p.severity == "error" and p not in scan_errors]
        if rec.household is None or errors:
            first = errors[0] if errors else None
            detail = f"{first.field or '文件'}：{first.message}" if first else "无法读取"
            job.error = f"记录有 {max(1, len(errors))} 处错误（{detail}）；先运行 dibao validate 按提示改正"
            return job
        hh = job.hh = rec.household
        for p in scan_errors:
            from archive.volumes.plan import default_category

            att = hh.attachments[int(p.field.split("[", 1)[1].split("]", 1)[0])]
            job.problems.append({"path": att.path, "reason": f"{p.message}（{p.hint}）",
                                 "category": default_category(att.type, att.form, self.config)})
        scans, notes = collect(hh, self.ws.root, self.ws.scans_dir)
        plan = job.plan = plan_household(hh, self.config, scans)
        plan.notes.extend(notes)
        # scans first: an unreadable signed scan falls back to the generated form
        for cat, entries in plan.volumes.items():
            for e in entries:
                if e.kind in ("scan", "signed_scan"):
                    ok = [self._scan(job, s, cat) is not None for s in e.scans]
                    if e.kind == "signed_scan" and not all(ok):
                        e.kind, e.scans = "form", []
        for cat, entries in plan.volumes.items():
            for e in entries:
                if e.kind != "form":
                    continue
                key, ctx = self._form_key(e, hh)
                if key is None or not self._cached(key):
                    if key is not None and key not in self._inflight:
                        self._start_office()   # it will be converted: LibreOffice starts while it renders
                    docx = self.render_form(e, hh, ctx)
                    key = key or docx_key(docx)
                    if not self._cached(key):
                        job.futures.append((e, self._convert(key, docx)))
                        self.report.converted += 1
                    else:
                        self.report.cached += 1
                else:
                    self.report.cached += 1
                job.pdfs[id(e)] = self.forms_cache / f"{key}.pdf"
        listed = [a.path for a in hh.attachments]
        job.inputs, job.input_hash = self.fingerprint(item, plan.forms_used, hh.case_no, listed)
        return job

    def _cached(self, key: str) -> bool:
        """The converted form of key is in the cache, sealed and intact (not one being converted now)."""
        return key not in self._inflight and formcache.usable(self.forms_cache / f"{key}.pdf", self.report.warnings)

    def _form_key(self, e, hh) -> tuple[str | None, dict | None]:
        """(cache key, data context) of a filled form, without rendering it.

        The context is what the forms package fills the template with (builders.build), built once
        here and passed on to the render.  When it cannot be had: (None, None), and the form is
        rendered the ordinary way and keyed by its content.
        """
        try:
            from archive.forms import RENDERER_VERSION, builders, get

            spec = get(e.form_id)
            ctx = builders.build(spec, hh, self.config, builders.pick_event(spec, hh, e.event))
            key = sha256_bytes(canonical(["form-pdf-1", RENDERER_VERSION, e.form_id, self.template_hash(e.form_id),
                                          "unsigned", ctx]))
            return key, ctx
        except Exception:  # noqa: BLE001 - any doubt: render and key by content
            log.debug("no data key for %s", e.form_id, exc_info=True)
            return None, None

    def _render_form(self, e, hh, ctx: dict | None) -> bytes:
        """The default form renderer: docxtpl through archive.forms, marked 未签字."""
        from archive import forms

        return forms.render_docx(e.form_id, self.ws, household=hh, event=e.event, mark_unsigned=True, context=ctx)

    def _scan(self, job: Job, scan, category: str):
        from archive.volumes.scans import convert_scan

        if scan.rel in job.scans:
            return job.scans[scan.rel]
        try:
            res = convert_scan(scan.path, self.limits)
        except InputError as exc:
            job.problems.append({"path": scan.rel, "reason": exc.message + (f"（{exc.hint}）" if exc.hint else ""),
                                 "category": category})
            res = None
        job.scans[scan.rel] = res
        return res

    # ------------------------------------------------------------------ one household: finish
    def finish(self, jobs: list[Job]) -> None:
        """Write a batch of prepared households (their generated pages share one PDF: one font subset)."""
        from archive.volumes.household import draw_household, write_household
        from archive.volumes.pages import Book
        from archive.volumes.volume import reader_of

        drawn: dict[int, dict] = {}
        env = self.env()
        book = Book(font_cache=self.fonts_cache)
        for job in jobs:
            self._check_conversions(job)
            if job.error is None:
                try:
                    drawn[id(job)] = draw_household(env, job, book)
                except (ToolMissing, OutputError):
                    raise
                except DibaoError as exc:
                    job.error = exc.user_message()
                except Exception as exc:  # noqa: BLE001 - one household's unexpected failure must not stop the rest
                    log.debug("drawing %s failed", job.item.rel, exc_info=True)
                    job.error = f"生成时出错（{type(exc).__name__}：{exc}）；请把这条信息告诉技术人员"
        breader = reader_of(book.output()) if drawn else None
        for job in jobs:
            case = (job.hh.case_no if job.hh else None) or (job.item.quick or {}).get("case_no") or job.item.path.stem
            if job.error is None:
                try:
                    res = write_household(env, job, drawn[id(job)], breader)
                except (ToolMissing, OutputError):  # no household can succeed: stop (exit 5 / 8)
                    raise
                except DibaoError as exc:
                    job.error = exc.user_message()
                except Exception as exc:  # noqa: BLE001 - as above
                    log.debug("writing %s failed", job.item.rel, exc_info=True)
                    job.error = f"生成时出错（{type(exc).__name__}：{exc}）；请把这条信息告诉技术人员"
                else:
                    self.written_folders.append(res.folder)
                    self._moved_away(res.case_no, res.folder, job.item.rel)
                    self.manifests[res.case_no] = [(res.folder, res.manifest)]
                    self.report.built.append(case)
                    self.report.pages += res.pages
                    if not res.complete:
                        self.report.incomplete.append(case)
                    for p in job.problems:
                        self.report.problems.append({"case_no": case, **p})
                    for n in job.plan.notes:
                        self.report.notes.append({"case_no": case, "note": n})
            if job.error is not None:
                self.report.failed.append(Failure(case, job.item.rel, job.error))
            self._tick(case)

    def env(self):
        from archive.volumes.household import HouseholdEnv

        return HouseholdEnv(self.ws, self.config, self.out, self.hashes, self.today, self.fonts_cache,
                             self.chain_manifest)

    def _moved_away(self, case_no: str, keep: Path, record_rel: str) -> None:
        """A household renamed (new head) or moved to another village leaves its old folder: remove it,
        but only when that folder was built from this same record file, or from a record file that is
        gone; another record's folder (a copy saved with this 对象编号) is never replaced."""
        for folder, manifest in self.manifests.get(case_no, []):
            if folder.resolve() == keep.resolve():
                continue
            old_rel = ((manifest or {}).get("inputs") or {}).get("record", {}).get("path")
            if old_rel and (old_rel == record_rel or not (self.ws.root / old_rel).exists()):
                shutil.rmtree(folder, ignore_errors=True)
                self.removed_folders.append(folder)

    def _check_conversions(self, job: Job) -> None:
        if job.error is not None:
            return
        for e, fut in job.futures:
            exc = fut.exception()
            if exc is not None:
                if isinstance(exc, ToolMissing):
                    raise exc
                msg = exc.user_message() if isinstance(exc, DibaoError) else str(exc)
                job.error = f"表单“{e.title}”转换为PDF失败：{msg}"
                return

    def _tick(self, label: str) -> None:
        if self.progress is not None:
            self.progress(label)

    # ------------------------------------------------------------------ whole run
    def run(self, *, village: str | None = None, household: str | None = None, prune: bool = False) -> BuildReport:
        t0 = time.monotonic()
        self._check_out()
        ensure_dir(self.out)
        self._mark_out()
        remove_stale_temps(self.out)
        if self.tmp_dir.exists():
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
        ensure_dir(self.forms_cache)
        remove_stale_temps(self.forms_cache)

        if prune and not self.ws.record_paths():
            raise ConfigError("households/ 目录不存在或其中没有任何家庭记录，为防误删，没有清理任何卷宗",
                              path=self.ws.households_dir,
                              hint="检查工作区是否正确、households/ 是否被移走；确需删除卷宗请手工删除")
        from archive.volumes import fixity

        self._was_chained = fixity.expected(self.ws.state_dir, fixity.out_key(self.ws, self.out)).chained
        all_cases: set[str] = set()
        todo: list[Item] = []
        first: Job | None = None
        try:
            for it in self._discover(village, household, all_cases):
                self.report.total += 1
                if self.unchanged(it):
                    self.report.unchanged += 1
                    continue
                todo.append(it)
                if first is None:  # prepared at once: its conversions start while the rest is checked
                    first = self._prepare(it)
            # every manifest (households moved or renamed, orphans); those read above are not read again
            self.manifests = find_manifests(self.out, known=self._read)
            if self.progress is not None and hasattr(self.progress, "start"):
                self.progress.start(len(todo))
            self._pipeline(todo, first)
        finally:
            self.close()
            self.hashes.save()
        from archive.volumes.household import refresh_boxes

        self._orphans(all_cases, prune)
        from archive.volumes.village import VillageEnv, refresh_villages

        try:   # village publicity volumes: their notices may need LibreOffice once more
            villages = refresh_villages(VillageEnv(
                self.ws, self.config, self.out, self.hashes, self.today, self.manifests, set(self.report.orphans),
                self.forms_cache, self.fonts_cache, self.limits, self._convert))
            self.village_volumes, self.village_files, self.village_state = (villages.rows, villages.files,
                                                                            villages.state)
            self.report.notes += villages.notes
        finally:
            self.close()
            self.hashes.save()
        self.report.boxes += refresh_boxes(self.env(), self.manifests, self.report.orphans, self.report.as_dict(),
                                           changed=bool(self.report.built or self.report.removed),
                                           village_volumes=self.village_volumes, village_state=self.village_state,
                                           village_files=self.village_files)
        self._chain()
        self.report.seconds = time.monotonic() - t0
        return self.report

    def chain_manifest(self, folder: Path, sha: str) -> None:
        """Chain a manifest about to be written (archive/volumes/fixity.py)."""
        from archive.volumes import fixity
        from archive.volumes.manifest import rel_to

        fixity.record_manifest(self.ws, self.out, rel_to(folder, self.out), sha)

    def _chain(self) -> None:
        """Chain the folders this run removed; start the chain of an archive built before it existed."""
        from archive.volumes import fixity
        from archive.volumes.manifest import rel_to

        everything = None
        if not self._was_chained:
            everything = {rel_to(folder, self.out): folder for found in self.manifests.values() for folder, _ in found}
        removed = [rel_to(f, self.out) for f in self.removed_folders]
        fixity.record_build(self.ws, self.out, removed, everything)

    def _check_out(self) -> None:
        """Refuse an output folder that holds other things (the build cleans and prunes inside it)."""
        out = self.out
        hint = "用 --out 指定一个新的空目录，或原来生成卷宗的目录"
        if out == self.ws.root or out in self.ws.root.parents:
            raise ConfigError("输出目录不能是工作区本身或它的上级目录", path=out, hint=hint)
        if not out.is_dir() or (out / SUMMARY_NAME).exists() or (out / OUT_MARKER).exists():
            return
        try:
            entries = [p for p in out.iterdir() if not p.name.startswith(".")]
        except OSError:
            return
        if entries and not any(p.is_dir() and any(p.glob(f"*/{MANIFEST_NAME}")) for p in entries):
            raise ConfigError("输出目录里已有别的文件，不是 dibao 生成的卷宗目录，没有写入", path=out, hint=hint)

    def _mark_out(self) -> None:
        """Mark the folder as dibao's before anything is written, so a build killed before its
        first manifest can be rerun into the same folder."""
        marker = self.out / OUT_MARKER
        if not marker.exists():
            atomic_write_text(marker, "dibao archive output folder\n")

    def _discover(self, village, household, all_cases: set[str]):
        """The records to look at (all_cases collects every case number seen).

        A household is its record file plus its 对象编号: two records with one 对象编号 (a
        copy saved over another household's number) are both refused, both paths named, and
        neither's archive is touched.  A record that cannot be read keeps its archive."""
        from archive.errors import UsageError

        items: list[Item] = []
        by_case: dict[str, list[str]] = {}
        for p in self.ws.record_paths():
            rel = p.relative_to(self.ws.root).as_posix()
            try:
                raw = read_regular(p, limit=record_limit(self.config), inside=self.ws.root, what="家庭记录")
            except DibaoError as exc:
                self.unreadable.add(rel)
                self.report.failed.append(Failure(p.stem, rel, exc.message + (f"（{exc.hint}）" if exc.hint else "")))
                continue
            q = _quick(raw)
            if q is None:
                self.unreadable.add(rel)
            else:
                all_cases.add(q["case_no"])
                by_case.setdefault(case_key(q["case_no"]), []).append(rel)
            items.append(Item(p, rel, sha256_bytes(raw), q))
        dup = {k: rels for k, rels in by_case.items() if len(rels) > 1}
        matched = 0
        for it in items:
            q = it.quick
            if q is not None and case_key(q["case_no"]) in dup:
                others = "、".join(r for r in dup[case_key(q["case_no"])] if r != it.rel)
                self.report.failed.append(Failure(
                    q["case_no"], it.rel, f"对象编号与 {others} 重复，两份记录都未生成，已有卷宗保持不动；"
                                          "请确认哪份是这一户的，把另一份改为它自己的对象编号或移出 households/"))
                continue
            if village and (q is None or q["village"] != village):
                continue
            if household and (q is None or case_key(q["case_no"]) != case_key(household)):
                continue
            matched += 1
            yield it
        if (village or household) and not matched and not any(
                it.quick and ((village and it.quick["village"] == village)
                              or (household and case_key(it.quick["case_no"]) == case_key(household)))
                for it in items):
            what = f"村（社区）“{village}”" if village else f"对象编号“{household}”"
            raise UsageError(f"没有{what}的家庭记录", path=self.ws.households_dir,
                             hint="检查名称或编号是否写错（dibao validate 列出全部户）")

    def _prepare(self, it: Item) -> Job:
        try:
            return self.prepare(it)
        except ToolMissing:
            raise
        except DibaoError as exc:
            return Job(it, error=exc.user_message())

    def _pipeline(self, todo: list[Item], first: Job | None = None) -> None:
        pending: collections.deque[Job] = collections.deque()
        for it in todo:
            job = first if first is not None and first.item is it else self._prepare(it)
            pending.append(job)
            if len(pending) > LOOKAHEAD:
                self.finish(self._batch(pending))
        while pending:
            self.finish(self._batch(pending))

    @staticmethod
    def _batch(pending) -> list[Job]:
        """The oldest household (waited for) and the ready ones right behind it, up to BATCH."""
        out = [pending.popleft()]
        while pending and len(out) < BATCH and pending[0].ready():
            out.append(pending.popleft())
        return out

    def _orphans(self, all_cases: set[str], prune: bool) -> None:
        """Folders whose 对象编号 no record has.  --prune removes one only when its record is known
        to be gone: the record file named in its manifest no longer exists.  A folder whose record cannot be read, or whose manifest names no record, is kept."""
        for case, found in list(self.manifests.items()):
            if case in all_cases:
                continue
            for folder, manifest in found:
                rel = folder.relative_to(self.out).as_posix()
                if prune and self._record_gone(manifest):
                    shutil.rmtree(folder, ignore_errors=True)
                    self.removed_folders.append(folder)
                    with contextlib.suppress(OSError):
                        folder.parent.rmdir()  # the village folder, when nothing else is left in it
                    self.report.removed.append(rel)
                    self.manifests.pop(case, None)
                else:
                    self.report.orphans.append(rel)

    def _record_gone(self, manifest: dict | None) -> bool:
        rel = ((manifest or {}).get("inputs") or {}).get("record", {}).get("path")
        if not rel or rel in self.unreadable:
            return False
        path = self.ws.root / rel
        if not path.exists() and not path.is_symlink():
            return True
        return False   # the file is there: it holds another 对象编号 now, or could not be read


def build(ws, *, out=None, jobs=None, village=None, household=None, prune=False, force=False, progress=None,
          today: dt.date | None = None, converter=None, render_form=None) -> BuildReport:
    """Build the archive of a workspace under its lock; see the module docstring and Builder."""
    with ws.lock("build"):
        b = Builder(ws, out=out, jobs=jobs, force=force, progress=progress, today=today, converter=converter,
                    render_form=render_form)
        return b.run(village=village, household=household, prune=prune)
