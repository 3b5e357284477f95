"""Household manifests (see /work/helpers/MANIFEST.md) and the input fingerprints of a build.

A household's `input_hash` covers everything its volumes are made from: the record,
every file in its scan folder and every scan the record lists, the templates of the
forms it uses, the form catalog, the workspace configuration and the tool (version and
a hash of the code that lays out volumes).  A rebuild recomputes it without reading any
PDF: scans are hashed by (size, mtime_ns) through a cache in .dibao/cache/scan-hashes.json,
so an unchanged workspace of 1,000 households is checked in about a second.

The manifest is written last, after the volumes: a manifest whose volumes exist with
the recorded size and mtime is a finished household.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import threading
import zipfile
from functools import lru_cache
from pathlib import Path

from archive import __version__
from archive.fsutil import atomic_write_text, sha256_bytes, sha256_file, sha256_regular, utf8_name

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
SUMMARY_NAME = "build-summary.json"
OUT_MARKER = ".dibao-archive"   # written first: marks a folder as a dibao archive output
HASH_CACHE = "scan-hashes.json"

# Code that lays out volumes: a new version of any of it rebuilds everything.  Form rendering is
# covered by archive.forms.RENDERER_VERSION (in every template key and form cache key) and the
# tool version, so an edit to the forms code alone does not rebuild the archive.
_CODE_FILES = ("volumes/plan.py", "volumes/volume.py", "volumes/pages.py", "volumes/build.py", "volumes/household.py",
               "records/attachments.py", "volumes/scans.py", "volumes/archival.py", "pdfa.py")


@lru_cache(maxsize=1)
def code_hash() -> str:
    here = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    files = [here / f for f in _CODE_FILES]
    for f in files:
        try:
            h.update(f.relative_to(here).as_posix().encode() + b"\0" + f.read_bytes())
        except OSError:
            h.update(f.name.encode() + b"\0missing")
    return h.hexdigest()[:16]


def docx_key(data: bytes) -> str:
    """Content hash of a .docx: its parts, not the zip (which carries the time of writing)."""
    h = hashlib.sha256(b"dibao-form-pdf-1\0")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(zf.namelist()):
            h.update(name.encode("utf-8") + b"\0")
            h.update(hashlib.sha256(zf.read(name)).digest())
    return h.hexdigest()


def template_key(form_id: str) -> str:
    """Hash of a form template's content (its parts, so re-saving the same .docx changes nothing)."""
    from archive.errors import DibaoError
    from archive.forms import RENDERER_VERSION, catalog

    try:
        data = catalog.get(form_id).path.read_bytes()
        return sha256_bytes(f"{RENDERER_VERSION}\0{docx_key(data)}".encode())
    except (DibaoError, OSError, zipfile.BadZipFile):
        return "missing"


def canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode("utf-8", "surrogateescape")


class HashCache:
    """sha256 of files keyed by (path, size, mtime_ns), kept between runs; thread-safe."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.changed = False
        try:
            self.data: dict[str, list] = json.loads(self.path.read_text("utf-8"))
            if not isinstance(self.data, dict):
                self.data = {}
        except (OSError, ValueError):
            self.data = {}

    def sha256(self, path, st: os.stat_result | None = None) -> str:
        key = os.fspath(path)
        st = st or os.stat(key)
        hit = self.data.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        digest = sha256_regular(key) or "not-a-regular-file"
        with self._lock:
            self.data[key] = [st.st_size, st.st_mtime_ns, digest]
            self.changed = True
        return digest

    def save(self) -> None:
        if self.changed:
            # ASCII escapes: a scan name that is not UTF-8 (surrogates) is kept, not a crash
            atomic_write_text(self.path, json.dumps(self.data))
            self.changed = False


def scan_folder_files(folder) -> list[str]:
    """Every non-hidden file under a household's scan folder (what collect() looks at), as paths."""
    out: list[str] = []
    stack = [os.fspath(folder)]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.name.startswith(".") or not utf8_name(e.name):   # not filed: see collect()
                        continue
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif e.is_file() or e.is_symlink():
                        out.append(e.path)
        except OSError:
            continue
    return sorted(out)


def rel_to(path, root) -> str:
    path, root = os.fspath(path), os.fspath(root)
    if path.startswith(root + os.sep):
        return path[len(root) + 1:].replace(os.sep, "/")
    return path


def file_inputs(root: Path, folder: Path, listed: list[str], cache: HashCache) -> list[dict]:
    """[{path, sha256, size, mtime_ns}] of the scan folder's files and the record-listed scans."""
    seen: dict[str, dict] = {}
    root_s = os.fspath(root)
    paths = [(rel_to(p, root_s), p) for p in scan_folder_files(folder)]
    paths += [(r, os.path.join(root_s, r)) for r in listed]
    for rel, p in paths:
        if rel in seen:
            continue
        try:
            st = os.stat(p)
            if not stat.S_ISREG(st.st_mode):   # a FIFO or a link to /dev/zero is never read
                seen[rel] = {"path": rel, "sha256": "not-a-regular-file", "size": -1, "mtime_ns": 0}
                continue
            digest = cache.sha256(p, st)
            seen[rel] = {"path": rel, "sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        except OSError:
            seen[rel] = {"path": rel, "sha256": "unreadable", "size": -1, "mtime_ns": 0}
    return [seen[k] for k in sorted(seen)]


def input_hash(record_sha: str, files: list[dict], templates: dict[str, str], catalog: str, config: str) -> str:
    return sha256_bytes(canonical({
        "record": record_sha,
        "files": [[f["path"], f["sha256"]] for f in files],
        "templates": templates,
        "catalog": catalog,
        "config": config,
        "tool": __version__,
        "code": code_hash(),
    }))


def read_manifest(path: Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("manifest_version") != MANIFEST_VERSION:
        return None
    return data


def manifest_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_manifest(path: Path, data: dict, text: str | None = None) -> None:
    atomic_write_text(path, text if text is not None else manifest_text(data))


def outputs_intact(folder: Path, manifest: dict) -> bool:
    """Every volume of the manifest exists with the size and mtime recorded at build time."""
    for v in manifest.get("volumes", []):
        try:
            st = (folder / v["file"]).stat()
        except (OSError, KeyError):
            return False
        if st.st_size != v.get("size") or st.st_mtime_ns != v.get("mtime_ns"):
            return False
    return True


def find_manifests(out: Path, only: str | None = None,
                   known: dict[Path, dict | None] | None = None) -> dict[str, list[tuple[Path, dict]]]:
    """case_no -> [(household folder, manifest)] for every manifest under the output folder.

    known: manifests already read in this run (folder -> manifest, None when unreadable);
    they are not read again.
    """
    found: dict[str, list[tuple[Path, dict]]] = {}
    if not out.is_dir():
        return found
    for village in sorted(out.iterdir()):
        if not village.is_dir() or village.name.startswith("."):
            continue
        for hh in sorted(village.iterdir()):
            if only is not None and not hh.name.startswith(safe_prefix(only)):
                continue
            if known is not None and hh in known:
                data = known[hh]
            else:
                m = hh / MANIFEST_NAME
                if not m.is_file():
                    continue
                data = read_manifest(m)
            if data is None:
                continue
            case = (data.get("household") or {}).get("case_no")
            if case and (only is None or case == only):
                found.setdefault(case, []).append((hh, data))
    return found


def household_folder(out: Path, village: str, case_no: str, head: str) -> Path:
    """<out>/<村>/<对象编号>_<户主>: where a household's volumes and manifest live."""
    from archive.records.model import safe_filename

    return out / safe_filename(village) / f"{safe_filename(case_no)}_{safe_filename(head)}"


def safe_prefix(case_no: str) -> str:
    from archive.records.model import safe_filename

    return safe_filename(case_no) + "_"
