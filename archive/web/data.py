"""What the web pages read, through the same library the commands use.

The catalog keeps a short summary of every record, re-read only when a file's size or
modification time changes (a stat of 1,000 files is a few milliseconds), so a page never
parses the whole workspace.  Everything else (validation, calc, audit rules, forms, search,
volumes) is the library's own code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from archive.records.model import Household


@dataclass
class Summary:
    case_no: str
    head: str
    village: str
    group: str
    type: str
    path: Path
    rel: str
    members: int
    phone: str = ""
    names: tuple[str, ...] = ()
    id_tails: tuple[str, ...] = ()
    valid: bool = True
    household: Household | None = field(default=None, repr=False)
    hay: str = field(default="", repr=False)     # what a record search matches against

    def __post_init__(self):
        self.hay = " ".join((self.case_no, self.head, self.village, self.phone, *self.names, *self.id_tails))


def _summary(path: Path, root: Path) -> Summary | None:
    from archive.errors import InputError
    from archive.fsutil import read_regular
    from archive.records.load import MAX_RECORD_BYTES

    try:   # a FIFO or a link to /dev/zero in households/ must not hang the web page
        raw = read_regular(path, limit=MAX_RECORD_BYTES, inside=root, what="家庭记录")
    except (OSError, InputError):
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    rel = path.relative_to(root).as_posix()
    try:
        hh = Household.model_validate_json(raw)
    except ValueError:
        try:
            data = json.loads(raw)
        except ValueError:
            return Summary(path.stem, "", "（无法读取）", "", "", path, rel, 0, valid=False)
        if not isinstance(data, dict):
            return Summary(path.stem, "", "（无法读取）", "", "", path, rel, 0, valid=False)
        members = [m for m in data.get("members") or [] if isinstance(m, dict)]
        head = next((str(m.get("name", "")) for m in members if m.get("relation") == "本人"), "")
        return Summary(str(data.get("case_no") or path.stem), head, str(data.get("village") or ""),
                       str(data.get("group") or ""), str(data.get("type") or ""), path, rel, len(members),
                       names=tuple(str(m.get("name", "")) for m in members),
                       id_tails=tuple(str(m.get("id_number") or "")[-6:] for m in members if m.get("id_number")),
                       valid=False)
    return Summary(hh.case_no, hh.head.name, hh.village, hh.group or "", hh.type, path, rel, len(hh.members),
                   phone=hh.phone or "", names=tuple(m.name for m in hh.members),
                   id_tails=tuple(m.id_number[-6:] for m in hh.members if m.id_number), household=hh)


class Catalog:
    """Summaries of the workspace's records, kept current by stat.

    A full scan (list the folder, stat every record) runs at most every `max_age` seconds; one
    household is looked up by its 对象编号 and re-checked by a stat of its own file only, so a
    household page costs one stat, not a thousand.
    """

    def __init__(self, ws, max_age: float = 2.0):
        self.ws = ws
        self.max_age = max_age
        self._lock = threading.Lock()
        self._seen: dict[Path, tuple[int, int, Summary | None]] = {}
        self._list: list[Summary] = []
        self._by_case: dict[str, Summary] = {}
        self._sig: tuple = ()
        self._when = float("-inf")

    def refresh(self, max_age: float | None = None) -> list[Summary]:
        import time

        with self._lock:
            now = time.monotonic()
            if now - self._when < (self.max_age if max_age is None else max_age):
                return self._list
            paths = self.ws.record_paths()
            fresh: dict[Path, tuple[int, int, Summary | None]] = {}
            sig = []
            for p in paths:
                try:
                    st = p.stat()
                except OSError:
                    continue
                old = self._seen.get(p)
                if old and old[0] == st.st_mtime_ns and old[1] == st.st_size:
                    fresh[p] = old
                else:
                    fresh[p] = (st.st_mtime_ns, st.st_size, _summary(p, self.ws.root))
                sig.append((p.name, st.st_mtime_ns, st.st_size))
            self._seen = fresh
            self._list = [v[2] for v in fresh.values() if v[2] is not None]
            self._by_case = {s.case_no: s for s in self._list}
            self._sig = tuple(sig)
            self._when = now
            return self._list

    @property
    def signature(self) -> tuple:
        return self._sig

    def find(self, case_no: str) -> Summary | None:
        self.refresh()
        s = self._by_case.get(case_no)
        if s is None:
            self.refresh(max_age=0)
            return self._by_case.get(case_no)
        try:
            st = s.path.stat()
        except OSError:
            self.refresh(max_age=0)
            return self._by_case.get(case_no)
        with self._lock:
            old = self._seen.get(s.path)
            if old and (old[0], old[1]) == (st.st_mtime_ns, st.st_size):
                return s
            fresh = _summary(s.path, self.ws.root)
            self._seen[s.path] = (st.st_mtime_ns, st.st_size, fresh)
            self._when = float("-inf")      # the list and the signature are rebuilt on the next refresh
        if fresh is None or fresh.case_no != case_no:
            self.refresh(max_age=0)
            return self._by_case.get(case_no)
        self._by_case[case_no] = fresh
        return fresh


class Checked:
    """A record's `dibao validate` problems and its audit, kept while the record file, its scan
    folder and the date are unchanged (at most `ttl` seconds)."""

    def __init__(self, ws, audits: "Audits", ttl: float = 60.0, catalog: "Catalog | None" = None):
        self.ws, self.audits, self.ttl, self.catalog = ws, audits, ttl, catalog
        self._cache: dict[Path, tuple] = {}
        self._lock = threading.Lock()

    def catalog_signature(self) -> tuple | None:
        if self.catalog is None:
            return None
        self.catalog.refresh()
        return self.catalog.signature

    def get(self, summary: Summary):
        import time

        from archive.records.load import load_record

        path = summary.path
        st = path.stat()
        scan_dir = self.ws.scans_dir / summary.case_no
        try:
            scan_key = scan_dir.stat().st_mtime_ns
        except OSError:
            scan_key = None
        key = (st.st_mtime_ns, st.st_size, scan_key, dt.date.today())
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(path)
        if hit and hit[0] == key and now - hit[1] < self.ttl:
            return hit[2], hit[3]
        rec = load_record(path, self.ws.root)
        audit = None
        if rec.household is not None:
            # the town audit's result for this household, when it is current (it audited this very
            # file: the catalog's signature holds every record's mtime and size), else audit it alone
            audit = self.audits.current_household(summary.case_no, self.catalog_signature(), scan_key)
            if audit is None:
                audit = self.audits.household(rec.household, summary.rel)
        with self._lock:
            self._cache[path] = (key, now, rec, audit)
        return rec, audit


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ------------------------------------------------------------------ audit (the library's rules)

class Audits:
    """The workspace audit (cached by the audit's own cache) and one household's gaps."""

    def __init__(self, ws):
        self.ws = ws
        self._lock = threading.Lock()
        self._town = None
        self._town_key = None
        self._town_by_case: dict = {}
        self._town_started_ns = 0
        self._rules = None
        self._rules_key = None

    def ruleset(self):
        from archive.audit.rules import load_rules, rules_path_for

        rpath = rules_path_for(self.ws)
        key = (str(rpath), rpath.stat().st_mtime_ns)
        if key != self._rules_key:
            self._rules, self._rules_key = load_rules(rpath), key
        return self._rules

    def town(self, signature: tuple):
        import time

        from archive.audit import audit_workspace

        key = (signature, dt.date.today())
        with self._lock:
            if key != self._town_key:
                self._town_started_ns = time.time_ns()
                self._town = audit_workspace(self.ws, jobs=1)
                self._town_key = key
                self._town_by_case = {a.case_no: a for a in self._town.households}
            return self._town

    def current_household(self, case_no: str, signature: tuple | None, scans_mtime_ns: int | None = None):
        """This household's audit from the town audit already made for exactly these records today, and
        after its scan folder last changed; else None."""
        if signature is None:
            return None
        with self._lock:
            if self._town is None or self._town_key != (signature, dt.date.today()):
                return None
            # (a second's margin for file systems whose times are coarser than the clock)
            if scans_mtime_ns is not None and scans_mtime_ns >= self._town_started_ns - 1_000_000_000:
                return None
            by_case = self._town_by_case
        return by_case.get(case_no)

    def household(self, hh: Household, record: str = ""):
        from archive.audit.run import audit_household

        with self._lock:
            rules = self.ruleset()
        return audit_household(hh, self.ws.root, self.ws.config, rules, dt.date.today(), record)


# ------------------------------------------------------------------ volumes and previews

def volumes_of(ws, case_no: str) -> list[dict]:
    from archive.volumes.manifest import find_manifests

    out = []
    for folder, manifest in find_manifests(ws.output_dir, only=case_no).get(case_no, []):
        for v in manifest.volumes:
            path = folder / v.file
            out.append({"category": v.category, "file": v.file, "pages": v.pages,
                        "rel": path.relative_to(ws.root).as_posix()})
    return out


def inside(root: Path, rel: str) -> Path | None:
    """The file `rel` if it lies inside the workspace root, else None."""
    try:
        p = (root / rel).resolve()
        p.relative_to(root.resolve())
    except (ValueError, OSError):
        return None
    return p if p.is_file() else None


def preview_png(ws, pdf: Path, page: int, width: int = 360) -> Path | None:
    """A PNG of one PDF page (pdftoppm), kept in .dibao/cache/web-previews/ keyed by file and page."""
    st = pdf.stat()
    key = hashlib.sha256(f"{pdf}|{st.st_mtime_ns}|{st.st_size}|{page}|{width}".encode()).hexdigest()[:32]
    folder = ws.paths.web_previews
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{key}.png"
    if out.is_file():
        return out
    if pdf.suffix.lower() in (".png", ".jpg", ".jpeg"):
        return pdf
    if pdf.suffix.lower() != ".pdf":
        return None
    tmp = folder / f".{key}-{os.getpid()}-{threading.get_ident()}"
    try:
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf), str(tmp)],
                       check=True, capture_output=True, timeout=60)
        os.replace(f"{tmp}.png", out)
    except (OSError, subprocess.SubprocessError):
        return None
    return out


class Searcher:
    """The workspace's search index kept open between searches, reopened when an index run commits."""

    def __init__(self, ws):
        self.ws = ws
        self._ix = None
        self._version = None
        self._lock = threading.Lock()

    def search(self, query: str, limit: int = 20):
        from indexer.pipeline import index_version, open_workspace_index

        with self._lock:
            version = index_version(self.ws.root)
            if self._ix is None or version != self._version:
                self.close()
                self._ix = open_workspace_index(self.ws.root)
                self._version = version
            return self._ix.search(query, limit=limit)

    def close(self):
        if self._ix is not None:
            self._ix.close()
            self._ix = None
