"""Household manifests and the input fingerprints of a build.

`Manifest` is the contract between stages: the volumes stage writes one per household
(<out>/<村>/<对象编号>_<户主>/manifest.json), verify and the indexer read it, all through
`find_manifests` / `load_manifest` / `read_manifest`, which check `manifest_version`.

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
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from archive import __version__
from archive.errors import InputError
from archive.fsutil import atomic_write_text, sha256_bytes, sha256_regular, utf8_name

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


# ----------------------------------------------------------------------------- the manifest model

class _Part(BaseModel):
    # extra keys are kept (a newer dibao may add some); known ones are typed
    model_config = ConfigDict(extra="allow")

    # dict-style reads (m.get("inputs"), v["file"]) for code written against the JSON; prefer attributes
    def get(self, key: str, default=None):
        value = getattr(self, key, None)
        return default if value is None else value

    def __getitem__(self, key: str):
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


class ManifestHousehold(_Part):
    case_no: str
    head: str = ""
    village: str = ""
    town: str | None = ""
    county: str = ""
    type: str = ""
    publicity_years: list[int] = []


class InputFile(_Part):
    path: str
    sha256: str
    size: int = -1
    mtime_ns: int = 0


class RecordInput(_Part):
    path: str
    sha256: str


class ScanInput(_Part):
    path: str
    sha256: str
    type: str | None = None


class Inputs(_Part):
    record: RecordInput | None = None
    files: list[InputFile] = []
    templates: dict[str, str] = {}
    catalog: str = ""
    config: str = ""
    tool: str = ""
    scans: list[ScanInput] = []


class Document(_Part):
    """One entry of a volume's contents (cover, contents and remarks have seq None)."""
    seq: int | None = None
    title: str = ""
    kind: str = ""
    first_page: int = 0
    last_page: int = 0
    archive_pages: list[int] | None = None
    form_id: str | None = None
    attachment_type: str | None = None
    event_id: str | None = None
    date: str | None = None
    year: int | None = None
    text_layer: bool | None = None
    unsigned: bool | None = None
    source: str | None = None
    source_sha256: str | None = None
    sources: list[str] | None = None
    seal_item: int | None = None       # 件号 of its 归档章 ([archival] seal = true)


class Volume(_Part):
    category: str
    file: str
    sha256: str = ""
    pages: int = 0
    size: int = -1
    mtime_ns: int = 0
    items: int = 0
    document_pages: int = 0
    documents: list[Document] = []
    # the volume's description (GB/T 9705 cover, DA/T 13 档号; archive/volumes/archival.py)
    number: str | None = None
    title: str | None = None
    unit: str | None = None
    retention: str | None = None
    secrecy: str | None = None
    first_date: str | None = None
    last_date: str | None = None
    cross_refs: list[str] = []
    format: str | None = None


class Missing(_Part):
    what: str
    category: str | None = None
    why: str = ""


class Problem(_Part):
    path: str
    reason: str
    category: str | None = None


class Manifest(_Part):
    """A household's manifest.json: what was built from which inputs, and what is missing."""
    manifest_version: int
    tool_version: str = ""
    built_at: str = ""
    household: ManifestHousehold
    inputs: Inputs = Inputs()
    input_hash: str = ""
    complete: bool = False
    volumes: list[Volume]
    missing: list[Missing] = []
    problems: list[Problem] = []
    notes: list[str] = []


def load_manifest(path: Path) -> Manifest:
    """The manifest at path; InputError (Chinese, naming the file and the fix) when it cannot be used."""
    path = Path(path)
    hint = "重新运行 dibao build 生成该户档案"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"manifest.json 无法读取（{exc}）", path=path, hint=hint) from exc
    version = data.get("manifest_version") if isinstance(data, dict) else None
    if version != MANIFEST_VERSION:
        raise InputError(f"manifest.json 的格式版本是 {version!r}，本程序读取版本 {MANIFEST_VERSION}", path=path,
                         field="manifest_version", hint=hint)
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        where = ".".join(str(x) for x in exc.errors()[0]["loc"])
        raise InputError(f"manifest.json 缺少或写错了“{where}”", path=path, field=where, hint=hint) from None


def read_manifest(path: Path) -> Manifest | None:
    """The manifest at path, or None when it is missing, unreadable, invalid or of another version."""
    try:
        return load_manifest(path)
    except InputError:
        return None


def _household_dirs(out: Path) -> Iterator[Path]:
    """<out>/<村>/<户> folders, in order (the one place that knows the output layout)."""
    out = Path(out)
    if not out.is_dir():
        return
    for village in sorted(out.iterdir()):
        if not village.is_dir() or village.name.startswith("."):
            continue
        yield from sorted(village.iterdir())


def manifest_paths(out: Path) -> Iterator[Path]:
    """Every <out>/<村>/<户>/manifest.json, in order."""
    for hh in _household_dirs(out):
        if (hh / MANIFEST_NAME).is_file():
            yield hh / MANIFEST_NAME


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


def manifest_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_manifest(path: Path, data: dict, text: str | None = None) -> Manifest:
    """Check data against the Manifest model, then write it (atomically; text: data already as JSON)."""
    manifest = Manifest.model_validate(data)
    atomic_write_text(path, text if text is not None else manifest_text(data))
    return manifest


def outputs_intact(folder: Path, manifest: Manifest) -> bool:
    """Every volume of the manifest exists with the size and mtime recorded at build time."""
    for v in manifest.volumes:
        try:
            st = (folder / v.file).stat()
        except OSError:
            return False
        if st.st_size != v.size or st.st_mtime_ns != v.mtime_ns:
            return False
    return True


def find_manifests(out: Path, only: str | None = None,
                   known: dict[Path, Manifest | None] | None = None) -> dict[str, list[tuple[Path, Manifest]]]:
    """case_no -> [(household folder, manifest)] for every manifest under the output folder.

    known: manifests already read in this run (folder -> manifest, None when unreadable);
    they are not read again.
    """
    found: dict[str, list[tuple[Path, Manifest]]] = {}
    for hh in _household_dirs(out):
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
        case = data.household.case_no
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
