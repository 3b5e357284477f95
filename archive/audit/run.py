"""Audit a whole workspace: every record, in worker processes when there are many.

Per household the work is small and independent (parse the JSON with pydantic, one
os.scandir of its scan folder, the compiled rules, calc only for households in
care with incomes), so records are split into shards of about 1,000 (audit/cache.py)
and audited by a process pool (one process per core).  A household's result comes back
small: its gaps packed as tuples (rule index and subject; the Chinese texts are built
only when read), its flags and living members' ID numbers.  Results are kept in
.dibao/cache/audit/ and reused while the record, its scans, the rules, the settings and
the audit date are unchanged.  Checks across households (one ID number in two households)
run afterwards in the parent.

Worklist order (how clerks walk a village): village, then 组 (group), then 对象编号,
each compared "naturally" (2组 before 10组, YA-9 before YA-10).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from archive import ids, workdays
from archive.audit import cache, checks, engine
from archive.audit.conditions import Facts
from archive.audit.gaps import Flag, Gap, HouseholdAudit
from archive.audit.rules import RuleSet, load_rules, rules_path_for
from archive.audit.scanlist import list_scans
from archive.records.model import Household

PARALLEL_FROM = 3000     # fewer records than this: one process (a pool costs ~0.1 s to start)


@dataclass
class AuditResult:
    as_of: dt.date
    profile: str
    town: str
    rules: RuleSet
    households: list[HouseholdAudit]             # worklist order
    unreadable: list[HouseholdAudit] = field(default_factory=list)
    village: str | None = None
    kinds: tuple[str, ...] | None = None         # gap kinds kept (None: all)
    notes: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)   # every village of the workspace

    @property
    def gaps(self) -> list[Gap]:
        return [g for h in self.households for g in h.gaps]

    @property
    def missing_count(self) -> int:
        return sum(h.missing_count for h in self.households)

    @property
    def flag_count(self) -> int:
        return sum(len(h.flags) for h in self.households) + len(self.unreadable)

    @property
    def clean(self) -> bool:
        """Nothing missing, nothing flagged (reminders alone do not count)."""
        return self.missing_count == 0 and self.flag_count == 0


# ---------------------------------------------------------------- one household

def audit_household(hh: Household, root: Path, config, ruleset: RuleSet, as_of: dt.date,
                    record: str = "", has_folder: bool | None = None) -> HouseholdAudit:
    return _audit(hh, list_scans(hh, root, has_folder=has_folder), config, ruleset, as_of, record)


def _audit(hh: Household, scans, config, ruleset: RuleSet, as_of: dt.date, record: str) -> HouseholdAudit:
    facts = Facts(hh, as_of, ruleset.annual_review_due)
    packed = engine.evaluate_packed(hh, scans, ruleset, config, as_of, facts)
    flags = checks.household_flags(hh, facts, config)
    living_ids = [(ids.normalize(m.id_number), m.name) for m in facts.living if m.id_number]
    return HouseholdAudit(hh.case_no, hh.head.name, hh.town, hh.village, hh.group or "", hh.type, record,
                          flags=flags, ids=living_ids, packed=packed, rules=ruleset.rules)


def _parse(p: str) -> tuple[Household | None, str]:
    from archive.errors import InputError
    from archive.fsutil import read_regular
    from archive.records.load import MAX_RECORD_BYTES

    config = _STATE.get("config")
    root = _STATE.get("root")
    limit = config.limits.max_record_bytes if config is not None else MAX_RECORD_BYTES
    try:   # a FIFO, a device or a link out of the workspace is reported, never read (it could hang the audit)
        raw = read_regular(p, limit=limit, inside=root, what="家庭记录")
    except InputError as exc:
        return None, exc.message
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return Household.model_validate_json(raw), ""
    except ValueError:
        pass
    from archive.records.load import load_record   # slow path, for its Chinese messages

    rec = load_record(Path(p))
    errs = [p for p in rec.problems if p.severity == "error"]
    if rec.household is not None and not errs:
        return rec.household, ""
    first = errs[0] if errs else None
    msg = f"{first.field + '：' if first and first.field else ''}{first.message if first else '格式有误'}"
    more = f"（共 {len(errs)} 处错误）" if len(errs) > 1 else ""
    return None, ids.redact_ids(msg + more)


_STATE: dict = {}


def _init_worker(root: str, config_path: str, rules_path: str, as_of: dt.date, folders: frozenset[str] | None,
                 cache_key: tuple | None, child: bool = False):
    if child:   # Ctrl-C is the parent's to handle: it stops the pool and says so in Chinese
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if _STATE.get("args") == (root, config_path, rules_path, as_of, folders, cache_key):
            return   # forked from the parent, which has loaded all of it already
    from archive.workspace import open_workspace

    ws = open_workspace(Path(root))
    _STATE.update(root=ws.root, config=ws.config, rules=load_rules(Path(rules_path)), as_of=as_of, folders=folders,
                  cache=cache_key, args=(root, config_path, rules_path, as_of, folders, cache_key))


def _audit_chunk(task: tuple[str, list[str]]) -> tuple[list[tuple] | bytes, list[int]]:
    """Audit one shard of records; results stored by an earlier run stand in where still valid (audit/cache.py).

    Each result comes back frozen (cache.freeze: plain tuples, what the cache stores too), which
    pickle writes and reads in C; the parent thaws them (_collect).  When the shard was just stored
    with every record's result, the stored pickle itself is sent (the results are not pickled twice)."""
    shard, paths = task
    root, config, rules, as_of, folders = (_STATE[k] for k in ("root", "config", "rules", "as_of", "folders"))
    folder, key = _STATE["cache"] or (None, None)
    stored = cache.read_shard(folder, shard, key) if folder is not None else {}
    keep: dict[str, tuple] = {}
    changed = False
    out = []
    prefix = str(root) + os.sep
    gc_was = gc.isenabled()
    gc.disable()   # households are freed by reference counting; collections would only re-scan the results
    try:
        for p in paths:
            rel = p[len(prefix):] if p.startswith(prefix) else os.path.relpath(p, root)
            stat = cache.stat_key(p) if folder is not None else None   # before reading: see audit/cache.py
            hit = stored.get(p)
            if hit is not None and stat is not None and hit[0] == stat:
                ctx = cache.context(hit[1])
                scans = list_scans(ctx, root, has_folder=None if folders is None else ctx.case_no in folders)
                if cache.scan_signature(scans) == hit[2]:
                    out.append(hit[3])
                    keep[p] = hit
                    continue
            hh, err = _parse(p)
            if hh is None:
                out.append(cache.freeze(HouseholdAudit(
                    Path(p).stem, "", "", "", "", "", rel,
                    flags=[Flag("记录无法读取", err, "用 dibao validate 查看全部错误并改正后重新审计")])))
                continue
            scans = list_scans(hh, root, has_folder=None if folders is None else hh.case_no in folders)
            frozen = cache.freeze(_audit(hh, scans, config, rules, as_of, rel))
            out.append(frozen)
            if stat is not None and not workdays.unknown_years():
                keep[p] = (stat, cache.context_of(hh), cache.scan_signature(scans), frozen)
                changed = True
        if folder is not None and (changed or len(keep) != len(stored)):
            payload = cache.write_shard(folder, shard, key, keep)
            if len(keep) == len(paths):
                return payload, workdays.unknown_years()
    finally:
        if gc_was:
            gc.enable()
    return out, workdays.unknown_years()


# ---------------------------------------------------------------- many households

_NUM = re.compile(r"(\d+)")


@lru_cache(maxsize=65536)
def natural_key(text: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in _NUM.split(text or ""))


def record_paths(ws) -> list[str]:
    """households/**/*.json (not hidden), like Workspace.record_paths but as sorted strings: fast for 100,000."""
    out: list[str] = []
    for folder, dirs, files in os.walk(ws.households_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out.extend(os.path.join(folder, f) for f in files if f.endswith(".json") and not f.startswith("."))
    out.sort()
    return out


def worklist_key(h: HouseholdAudit) -> tuple:
    return (natural_key(h.village), h.group == "", natural_key(h.group), natural_key(h.case_no))


def _scan_folders(ws) -> frozenset[str] | None:
    try:
        return frozenset(e.name for e in os.scandir(ws.scans_dir) if e.is_dir())
    except FileNotFoundError:
        return frozenset()
    except OSError:
        return None


def audit_workspace(ws, *, village: str | None = None, kinds: tuple[str, ...] | None = None,
                    as_of: dt.date | None = None, rules_path: Path | None = None, jobs: int | None = None,
                    paths: list[Path] | None = None, use_cache: bool = True) -> AuditResult:
    """Audit every record of the workspace (or `paths`).  When the whole workspace is audited (and
    use_cache), results are kept in .dibao/cache/audit/ and reused while valid (audit/cache.py)."""
    as_of = as_of or dt.date.today()
    rpath = rules_path_for(ws, rules_path)
    ruleset = load_rules(rpath)           # errors surface here, in the parent, with their Chinese message
    todo = [str(p) for p in paths] if paths is not None else record_paths(ws)
    folders = _scan_folders(ws)
    key = cache.run_key(ws, rpath, as_of) if use_cache and paths is None else None
    cache_key = (cache.cache_dir(ws), key) if key is not None else None
    args = (str(ws.root), str(ws.config.path), str(rpath), as_of, folders, cache_key)
    _STATE.update(root=ws.root, config=ws.config, rules=ruleset, as_of=as_of, folders=folders, cache=cache_key,
                  args=args)
    tasks = cache.shards(todo)
    tasks.sort(key=lambda t: -len(t[1]))   # largest shards first: the last ones to finish are small
    jobs = jobs or min(os.cpu_count() or 1, 8)
    results: list[HouseholdAudit | None] = [None] * len(todo)
    unknown: set[int] = set()
    gc_was = gc.isenabled()
    gc.disable()   # 100,000 results: automatic collections would scan them again and again
    try:
        if jobs <= 1 or len(todo) < PARALLEL_FROM:
            done = map(_audit_chunk, [(name, [todo[i] for i in idxs]) for name, idxs in tasks])
            _collect(done, tasks, results, unknown, todo)
        else:
            ctx = get_context("fork") if hasattr(os, "fork") else None
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                     initargs=(*args, True)) as pool:
                done = pool.map(_audit_chunk, [(name, [todo[i] for i in idxs]) for name, idxs in tasks])
                _collect(done, tasks, results, unknown, todo)
        # and while the results are sorted and cross-checked (ID numbers of 100,000 households)
        result = _finish(ws, ruleset, results, unknown, tasks, cache_key, as_of, village, kinds)
        if len(results) >= PARALLEL_FROM:
            # the results live until the command ends: keep the collector from scanning their ~3 million
            # objects once it runs again (they are freed by reference counting as before)
            gc.freeze()
        return result
    finally:
        if gc_was:
            gc.enable()


def _finish(ws, ruleset: RuleSet, results: list, unknown: set[int], tasks, cache_key, as_of: dt.date,
            village: str | None, kinds: tuple[str, ...] | None) -> AuditResult:
    if cache_key is not None:
        cache.remove_unused(cache_key[0], {name for name, _ in tasks})
    for h in results:
        h.attach(ruleset.rules)
    readable = [h for h in results if h.type]
    unreadable = [h for h in results if not h.type]
    checks.duplicate_ids(readable)
    villages = sorted({h.village for h in readable}, key=natural_key)
    if village:
        readable = [h for h in readable if h.village == village]
    if kinds:
        for h in readable:
            h.keep_kinds(kinds)
    readable.sort(key=worklist_key)
    notes = []
    note = workdays.coverage_note(sorted(unknown))
    if note:
        notes.append(note)
    return AuditResult(as_of=as_of, profile=ws.config.profile, town=ws.config.town, rules=ruleset,
                       households=readable, unreadable=unreadable, village=village, kinds=kinds, notes=notes,
                       villages=villages)


def _collect(done, tasks, results: list, unknown: set[int], todo: list[str]) -> None:
    """Put each shard's results back at their records' places (the order of the record paths)."""
    thaw = cache.thaw
    for (_, idxs), (got, years) in zip(tasks, done):
        if isinstance(got, bytes):   # the shard's cache entries, as just stored by the worker
            entries = pickle.loads(got)
            got = [entries[todo[i]][3] for i in idxs]
        for i, h in zip(idxs, got):
            results[i] = thaw(h)
        unknown.update(years)


# ---------------------------------------------------------------- for the 备考表

_CACHE: dict = {}


def missing_for(household: Household, ws, as_of: dt.date | None = None) -> list[str]:
    """What one household still lacks, as short Chinese lines (for the volume's 备考表).

    Reminders and inspector flags are left out; each line is "缺什么（缺件种类）".
    """
    rpath = rules_path_for(ws)
    key = (str(rpath), rpath.stat().st_mtime_ns)
    ruleset = _CACHE.get(key)
    if ruleset is None:
        _CACHE.clear()
        ruleset = _CACHE[key] = load_rules(rpath)
    gaps = engine.evaluate(household, list_scans(household, ws.root), ruleset, ws.config, as_of or dt.date.today())
    return [g.text() for g in gaps if g.missing]
