"""Audit results kept between runs: a repeated audit re-audits only what changed.

Each household's result (its packed gaps, flags and ID numbers) is stored with what it was
computed from, in shards of about SHARD_SIZE records (a folder of households/, split by a
stable hash of the file name) under the workspace's private .dibao/cache/audit/ (folder 0700,
files 0600: it names people, like the records).  A stored result is used only when

  * the run is the same: audit date, rules file, dibao.toml, workspace folder and the code and
    data the results come from (archive/audit/, the modules in _DEPENDS, the profiles and rules
    shipped, the form catalog, pydantic, chinese_calendar's calendar, Python) hash to the
    shard's run key;
  * the record file has the same size, mtime_ns, ctime_ns and inode (it is stat'ed before it
    is read, so a record changed while being read is audited again next time);
  * its scans are the same: the household's scan list is built again (one os.scandir of its
    folder, as the audit does) and compared with the stored one.

Records that cannot be read are never stored, nor households audited after a date outside the
holiday calendar was met (the report's coverage note could not be rebuilt from the cache).

A cache file is never trusted: it must belong to this user and not be writable by others,
carry this format's magic, the run key, its length and CRC; unpickling may create nothing but
built-in values and dates.  Anything else makes the shard count as empty, and it is rewritten.
Parsed records themselves are not cached: rebuilding ~70 pydantic objects per household from
a pickle costs as much as pydantic-core validating the JSON (bench/notes.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import struct
import sys
import zlib
from pathlib import Path
from types import SimpleNamespace

from archive.audit.gaps import Flag, HouseholdAudit
from archive.fsutil import atomic_write_bytes, ensure_dir

FORMAT = 1
SHARD_SIZE = 1000
MAGIC = b"dibao-audit-cache\n"
_HEADER = struct.Struct("<32sQI")     # run key, payload length, CRC32 of the payload
_ATTACHMENT = ("path", "type", "member", "year", "date", "event", "form", "title")
# The modules an audit result depends on besides archive/audit/ (what they import of archive/, too).
_DEPENDS = ("records/model.py", "records/calc.py", "records/program.py", "config.py", "workdays.py", "ids.py", "records/attachments.py",
            "records/load.py", "errors.py", "forms/catalog.py", "volumes/__init__.py", "volumes/archival.py",
            "profiles/__init__.py", "redact.py")


def cache_dir(ws) -> Path:
    return ws.paths.audit_cache


def run_key(ws, rules_path: Path, as_of: dt.date) -> bytes | None:
    """What every result depends on besides the household's own files; None if it cannot be told."""
    import chinese_calendar
    import pydantic

    from archive.forms.catalog import CATALOG_NAME, template_dir

    h = hashlib.sha256()
    h.update(f"{FORMAT}|{sys.version_info[:3]}|{pydantic.VERSION}|{getattr(chinese_calendar, '__version__', '')}|"
             f"{ws.root}|{as_of.isoformat()}".encode("utf-8", "surrogatepass"))
    package = Path(__file__).resolve().parents[1]
    try:
        files = sorted(Path(__file__).parent.glob("*.py")) + [package / f for f in _DEPENDS]
        files += sorted(package.glob("profiles/*.toml")) + sorted(package.glob("rules/*.toml"))
        files += [template_dir() / CATALOG_NAME, Path(chinese_calendar.__file__).parent / "constants.py",
                  Path(rules_path), Path(ws.config.path)]
        for f in files:
            h.update(str(f).encode("utf-8", "surrogatepass") + b"\0" + f.read_bytes() + b"\0")
    except OSError:
        return None
    return h.digest()


def shards(paths: list[str], size: int = SHARD_SIZE) -> list[tuple[str, list[int]]]:
    """[(shard file name, indexes into paths)]: one folder's records, or for a large folder those
    whose file-name hash falls in one of ceil(n / size) buckets (adding a record changes one shard)."""
    by_dir: dict[str, list[int]] = {}
    for i, p in enumerate(paths):
        by_dir.setdefault(os.path.dirname(p), []).append(i)
    out: list[tuple[str, list[int]]] = []
    for folder, idxs in by_dir.items():
        k = max(1, -(-len(idxs) // size))
        buckets: dict[int, list[int]] = {}
        for i in idxs:
            b = zlib.crc32(os.path.basename(paths[i]).encode("utf-8", "surrogatepass")) % k if k > 1 else 0
            buckets.setdefault(b, []).append(i)
        for b in sorted(buckets):
            name = hashlib.sha1(f"{folder}\0{k}\0{b}".encode("utf-8", "surrogatepass")).hexdigest()[:24]
            out.append((name + ".pkl", buckets[b]))
    return out


def stat_key(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# ---------------------------------------------------------------- entries

def context_of(hh) -> tuple:
    """What archive.audit.scanlist.list_scans reads of a household, as plain values."""
    atts = tuple(tuple(getattr(a, f) for f in _ATTACHMENT) for a in hh.attachments)
    names = tuple(m.name for m in hh.members) + tuple(o.name for o in hh.obligors)
    return (hh.case_no, atts, names, tuple(e.id for e in hh.events if e.id), hh.village)


def context(packed: tuple) -> SimpleNamespace:
    """A stand-in household for list_scans, from context_of's values."""
    case_no, atts, names, event_ids, village = packed
    return SimpleNamespace(case_no=case_no, village=village,
                           attachments=[SimpleNamespace(**dict(zip(_ATTACHMENT, a))) for a in atts],
                           members=[SimpleNamespace(name=n) for n in names], obligors=[],
                           events=[SimpleNamespace(id=i) for i in event_ids])


def scan_signature(scans) -> tuple:
    return tuple((s.type, str(s.path), s.rel, s.member, s.year, s.event, s.form, s.date, s.title, s.seq, s.origin)
                 for s in scans)


def freeze(h: HouseholdAudit) -> tuple:
    state = h.__getstate__()
    flags = tuple((f.kind, f.detail, f.fix, f.year, f.member, f.subject, tuple(f.others), f.source) for f in state[9])
    return state[:9] + (flags, tuple(state[10]))


def thaw(state: tuple) -> HouseholdAudit:
    h = HouseholdAudit.__new__(HouseholdAudit)
    flags = [Flag(k, d, fx, y, m, s, list(o), src) for k, d, fx, y, m, s, o, src in state[9]]
    h.__setstate__(state[:9] + (flags, list(state[10])))
    return h


# ---------------------------------------------------------------- files

class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("datetime", "date"):
            return dt.date
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the audit cache")


def read_shard(folder: Path, name: str, key: bytes) -> dict:
    """The entries of a shard file, or {} when it is missing, foreign, of another run, or damaged."""
    try:
        with open(folder / name, "rb") as fh:
            st = os.fstat(fh.fileno())
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return {}
            data = fh.read()
    except OSError:
        return {}
    head = len(MAGIC) + _HEADER.size
    if len(data) < head or not data.startswith(MAGIC):
        return {}
    stored_key, length, crc = _HEADER.unpack_from(data, len(MAGIC))
    payload = memoryview(data)[head:]
    if stored_key != key or length != len(payload) or zlib.crc32(payload) != crc:
        return {}
    try:
        entries = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - any damage means: audit these households again
        return {}
    if not isinstance(entries, dict):
        return {}
    return {p: e for p, e in entries.items() if isinstance(p, str) and isinstance(e, tuple) and len(e) == 4}


def write_shard(folder: Path, name: str, key: bytes, entries: dict) -> bytes:
    """Store a shard's entries; returns their pickle (the audit sends the same bytes to its parent)."""
    payload = pickle.dumps(entries, protocol=5)
    try:
        ensure_dir(folder)
        # no fsync: a shard lost in a power cut is only audited again (a damaged one fails its CRC)
        atomic_write_bytes(folder / name, MAGIC + _HEADER.pack(key, len(payload), zlib.crc32(payload)) + payload,
                           durable=False)
    except Exception:  # noqa: BLE001 - a cache that cannot be written (read-only, full disk) only costs time
        pass
    return payload


def remove_unused(folder: Path, used: set[str]) -> None:
    """Delete the files of shards that no longer exist (records deleted or moved)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:   # shard files only: a running audit's temporary files start with a dot
        if len(n) == 28 and n.endswith(".pkl") and not n.startswith(".") and n not in used:
            try:
                os.unlink(folder / n)
            except OSError:
                pass
