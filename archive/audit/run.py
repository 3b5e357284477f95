"""Audit a whole workspace: every record, in worker processes when there are many.

Per household the work is small and independent (parse the JSON with pydantic, one
os.scandir of its scan folder, the compiled rules, calc only for households in
care with incomes), so records are split into chunks and audited by a process pool
(one process per core); the results come back as small dataclasses.  Checks across
households (one ID number in two households) run afterwards in the parent.

Worklist order (how clerks walk a village): village, then 组 (group), then 对象编号,
each compared "naturally" (2组 before 10组, YA-9 before YA-10).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from archive import ids, workdays
from archive.audit import checks, engine
from archive.audit.conditions import Facts
from archive.audit.gaps import Flag, Gap, HouseholdAudit
from archive.audit.rules import RuleSet, load_rules, rules_path_for
from archive.audit.scanlist import list_scans
from archive.model import Household

PARALLEL_FROM = 3000     # fewer records than this: one process (a pool costs ~0.1 s to start)
CHUNK = 1000


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
        return sum(len(h.missing) for h in self.households)

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
    scans = list_scans(hh, root, has_folder=has_folder)
    facts = Facts(hh, as_of, ruleset.annual_review_due)
    gaps = engine.evaluate(hh, scans, ruleset, config, as_of, facts)
    flags = checks.household_flags(hh, facts, config)
    living_ids = [(ids.normalize(m.id_number), m.name) for m in facts.living if m.id_number]
    return HouseholdAudit(case_no=hh.case_no, head=hh.head.name, town=hh.town, village=hh.village,
                          group=hh.group or "", type=hh.type, record=record, gaps=gaps, flags=flags, ids=living_ids)


def _parse(path: Path) -> tuple[Household | None, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"无法读取（{exc.strerror}）"
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return Household.model_validate_json(raw), ""
    except ValueError:
        pass
    from archive.records import load_record   # slow path, for its Chinese messages

    rec = load_record(path)
    errs = [p for p in rec.problems if p.severity == "error"]
    if rec.household is not None and not errs:
        return rec.household, ""
    first = errs[0] if errs else None
    msg = f"{first.field + '：' if first and first.field else ''}{first.message if first else '格式有误'}"
    more = f"（共 {len(errs)} 处错误）" if len(errs) > 1 else ""
    return None, ids.redact_ids(msg + more)


_STATE: dict = {}


def _init_worker(root: str, config_path: str, rules_path: str, as_of: dt.date, folders: frozenset[str] | None,
                 child: bool = False):
    from archive.workspace import open_workspace

    if child:   # Ctrl-C is the parent's to handle: it stops the pool and says so in Chinese
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)

    ws = open_workspace(Path(root))
    _STATE.update(root=ws.root, config=ws.config, rules=load_rules(Path(rules_path)), as_of=as_of, folders=folders)


def _audit_chunk(paths: list[str]) -> tuple[list[HouseholdAudit], list[int]]:
    root, config, rules, as_of, folders = (_STATE[k] for k in ("root", "config", "rules", "as_of", "folders"))
    out = []
    prefix = str(root) + os.sep
    for p in paths:
        path = Path(p)
        rel = p[len(prefix):] if p.startswith(prefix) else os.path.relpath(p, root)
        hh, err = _parse(path)
        if hh is None:
            out.append(HouseholdAudit(case_no=path.stem, head="", town="", village="", group="", type="", record=rel,
                                      flags=[Flag("记录无法读取", err, "用 dibao validate 查看全部错误并改正后重新审计")]))
            continue
        has = None if folders is None else hh.case_no in folders
        out.append(audit_household(hh, root, config, rules, as_of, rel, has))
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
                    paths: list[Path] | None = None) -> AuditResult:
    as_of = as_of or dt.date.today()
    rpath = rules_path_for(ws, rules_path)
    ruleset = load_rules(rpath)           # errors surface here, in the parent, with their Chinese message
    todo = [str(p) for p in paths] if paths is not None else record_paths(ws)
    folders = _scan_folders(ws)
    args = (str(ws.root), str(ws.config.path), str(rpath), as_of, folders)
    jobs = jobs or min(os.cpu_count() or 1, 8)
    results: list[HouseholdAudit] = []
    unknown: set[int] = set()
    if jobs <= 1 or len(todo) < PARALLEL_FROM:
        _init_worker(*args)
        got, years = _audit_chunk(todo)
        results.extend(got)
        unknown.update(years)
    else:
        chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
        ctx = get_context("fork") if hasattr(os, "fork") else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(*args, True)) as pool:
            for got, years in pool.map(_audit_chunk, chunks):
                results.extend(got)
                unknown.update(years)
    readable = [h for h in results if h.type]
    unreadable = [h for h in results if not h.type]
    checks.duplicate_ids(readable)
    villages = sorted({h.village for h in readable}, key=natural_key)
    if village:
        readable = [h for h in readable if h.village == village]
    if kinds:
        for h in readable:
            h.gaps = [g for g in h.gaps if g.kind in kinds]
    readable.sort(key=worklist_key)
    notes = []
    note = workdays.coverage_note(sorted(unknown))
    if note:
        notes.append(note)
    return AuditResult(as_of=as_of, profile=ws.config.profile, town=ws.config.town, rules=ruleset,
                       households=readable, unreadable=unreadable, village=village, kinds=kinds, notes=notes,
                       villages=villages)


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
