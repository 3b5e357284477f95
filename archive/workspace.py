"""A workspace: one town's or county's records, scans, configuration and outputs.

Layout:
    dibao.toml        configuration (see archive/profiles/*.toml)
    households/       one JSON record per household (sub-folders allowed)
    scans/<对象编号>/  scanned attachments of each household
    inbox/            scanner output waiting for `dibao inbox` (已处理/ keeps the inputs, 待确认.xlsx)
    archive/          built volumes (dibao build)
    .dibao/           derived data (StatePaths): caches, search index and its key, OCR cache,
                      temporary files, locks, journal

Commands find the workspace like git finds its repository: the folder given with
--workspace, else the current folder or the nearest parent holding dibao.toml.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archive import profiles as county_profiles
from archive.config import Config, load_config, profile_text
from archive.errors import ConfigError, WorkspaceBusy
from archive.fsutil import atomic_write_text, ensure_dir, output_error

CONFIG_NAME = "dibao.toml"
STATE_DIR = ".dibao"


@dataclass(frozen=True)
class StatePaths:
    """Every derived-data location of a workspace, under <root>/.dibao (the one place that names them).

    Stages take their folders from here (``ws.paths.forms_cache``), never by joining names themselves.
    The indexer, which works from a folder rather than a Workspace, uses ``state_paths(root)``.
    """

    root: Path                  # <workspace>/.dibao
    index: Path                 # full-text index (dibao index / search)

    @property
    def index_key(self) -> Path:        # HMAC key of the index (0600), outside the index folder
        return self.root / "index.key"

    @property
    def ocr_cache(self) -> Path:        # recognised text of scanned pages, by content hash
        return self.root / "ocr-cache"

    @property
    def historical_registry(self) -> Path:   # historical files added to the index (dibao index --add)
        return self.root / "historical.json"

    @property
    def word_pages(self) -> Path:       # printed pages of historical Word files (PDF, by content)
        return self.root / "word-pages"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def forms_cache(self) -> Path:      # converted form PDFs keyed by template and data
        return self.cache / "forms"

    @property
    def fonts_cache(self) -> Path:      # subset CJK fonts of generated pages
        return self.cache / "fonts"

    @property
    def stamped_forms(self) -> Path:    # converted forms with their page codes, by content and codes
        return self.cache / "stamped"

    @property
    def office_profiles(self) -> Path:  # prepared LibreOffice user profiles
        return self.cache / "office"

    @property
    def scan_hashes(self) -> Path:      # sha256 of scans by (size, mtime)
        return self.cache / "scan-hashes.json"

    @property
    def audit_cache(self) -> Path:
        return self.cache / "audit"

    @property
    def web_previews(self) -> Path:     # PNG previews of PDF pages for dibao serve
        return self.cache / "web-previews"

    @property
    def tmp(self) -> Path:              # temporary files of a running build (removed at its start)
        return self.root / "tmp"

    def lock_file(self, what: str) -> Path:
        return self.root / f"{what}.lock"


def state_paths(workspace_root: Path, index_dir: Path | None = None) -> StatePaths:
    """The derived-data locations of the workspace at workspace_root (index_dir overrides the index)."""
    state = Path(workspace_root) / STATE_DIR
    return StatePaths(root=state, index=Path(index_dir) if index_dir else state / "index")


def workspace_paths_of(workspace_root: Path, index_dir: Path | None = None) -> dict:
    """The indexer's locations as a dict: index, key, ocr_cache, registry."""
    sp = state_paths(workspace_root, index_dir)
    return {"index": sp.index, "key": sp.index_key, "ocr_cache": sp.ocr_cache, "registry": sp.historical_registry,
            "word_pdf": sp.word_pages}


@dataclass
class Workspace:
    root: Path
    config: Config

    @property
    def households_dir(self) -> Path:
        return self.root / "households"

    @property
    def scans_dir(self) -> Path:
        return self.root / "scans"

    @property
    def output_dir(self) -> Path:
        return self.root / "archive"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def paths(self) -> StatePaths:
        """Caches, index, OCR cache, temporary files and locks (see StatePaths)."""
        return state_paths(self.root)

    def record_paths(self) -> list[Path]:
        if not self.households_dir.is_dir():
            return []
        return sorted(p for p in self.households_dir.rglob("*.json") if not p.name.startswith("."))

    def read_record(self, path: Path) -> bytes:
        """The bytes of a household record, read safely: a regular file inside the workspace, at most
        [limits] max_record_bytes (a FIFO, a device or a link out never blocks or floods a command).
        Raises InputError naming the file; callers that skip unreadable records catch it."""
        from archive.fsutil import read_regular

        return read_regular(path, limit=self.config.limits.max_record_bytes, inside=self.root, what="家庭记录")

    @contextlib.contextmanager
    def lock(self, what: str = "build") -> Iterator[None]:
        """Exclusive lock: a second dibao on the same workspace says it is busy and exits.

        filelock (fcntl on POSIX, msvcrt on Windows) instead of bare fcntl, so dibao runs on the
        offices' Windows PCs too; the lock goes with the process, so a killed dibao leaves none.
        The holder's process id is kept beside the lock (<what>.pid) for the busy message.
        """
        from filelock import FileLock, Timeout

        ensure_dir(self.state_dir)
        path = self.paths.lock_file(what)
        pid_path = self.paths.root / f"{what}.pid"
        lock = FileLock(str(path), timeout=0, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            holder = ""
            with contextlib.suppress(OSError):
                holder = pid_path.read_text("ascii", "replace").strip()[:20]
            raise WorkspaceBusy(
                f"工作区正被另一个 dibao 使用（进程 {holder or '未知'}）", path=self.root,
                hint="等那个任务结束后再运行；如果确定没有其他任务，重新运行即可（锁会随进程结束自动释放）") from None
        except OSError as exc:
            raise output_error(exc, path) from exc
        try:
            with contextlib.suppress(OSError):
                pid_path.write_text(str(os.getpid()), "ascii")
            yield
        finally:
            lock.release()


def find_workspace(explicit: Path | None = None, start: Path | None = None) -> Workspace:
    if explicit is not None:
        root = Path(explicit)
        if not (root / CONFIG_NAME).is_file():
            raise ConfigError("这里不是 dibao 工作区（没有 dibao.toml）", path=root,
                              hint="用 dibao init 目录 --profile 地区 建立工作区，或检查 --workspace 的路径")
        return open_workspace(root)
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_NAME).is_file():
            return open_workspace(d)
    raise ConfigError("当前目录及其上级目录都不是 dibao 工作区", path=here,
                      hint="进入工作区目录再运行，或加 --workspace 目录；新建工作区用 dibao init 目录 --profile fenxi")


def open_workspace(root: Path) -> Workspace:
    root = Path(root).resolve()
    return Workspace(root=root, config=load_config(root / CONFIG_NAME))


def init_workspace(root: Path, profile: str, town: str | None = None) -> Workspace:
    """Create a workspace; refuses to overwrite an existing configuration."""
    root = Path(root)
    text = profile_text(profile)
    if (root / CONFIG_NAME).exists():
        raise ConfigError("这里已经有工作区配置 dibao.toml，没有覆盖", path=root,
                          hint="换一个空目录，或直接在这个工作区里工作")
    text = text.replace("{town}", town or county_profiles.infos()[profile].town)
    ensure_dir(root)
    os.chmod(root, 0o700)
    for sub in ("households", "scans", "inbox", STATE_DIR):
        ensure_dir(root / sub)
    atomic_write_text(root / CONFIG_NAME, text)
    return open_workspace(root)
