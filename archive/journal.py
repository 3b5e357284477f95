"""The workspace journal: an append-only, hash-chained log of what was done to a workspace.

Every import, build, index add, inbox filing, record edit, view, print and export appends one
entry to `.dibao/journal.jsonl`.  An entry is one JSON line:

    {"seq": 12, "time": "2026-12-05T09:30:01+08:00", "user": "张敏", "action": "import",
     "household": "HS-2024-001", "detail": {...}, "prev": "<hash of entry 11>", "hash": "<sha256>"}

`hash` is the SHA-256 of the previous entry's hash and the entry's canonical JSON (without
`hash`), so changing, removing or reordering any earlier line breaks the chain at that line;
`head()` (the last hash) is the workspace's root hash, short enough to write on a handover list.
Text in entries is passed through `archive.ids.redact_ids`: the journal never holds a full ID.

Appends are serialised with an exclusive lock beside the journal (journal.jsonl.lock, through
filelock: fcntl on POSIX, msvcrt on Windows), so two dibao processes never interleave or fork the chain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from archive.errors import InputError
from archive.fsutil import ensure_dir, output_error
from archive.ids import redact_ids

JOURNAL_NAME = "journal.jsonl"
GENESIS = "0" * 64
_TZ = dt.timezone(dt.timedelta(hours=8))   # offices keep Beijing time whatever the machine says


@dataclass(frozen=True)
class Entry:
    seq: int
    time: str
    user: str
    action: str
    household: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    prev: str = GENESIS
    hash: str = ""

    def body(self) -> dict[str, Any]:
        return {"seq": self.seq, "time": self.time, "user": self.user, "action": self.action,
                "household": self.household, "detail": self.detail, "prev": self.prev}


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain stops holding: the line number (1-based) and why, in Chinese."""

    line: int
    reason: str


def _canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def entry_hash(prev: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(prev.encode("ascii") + b"\n" + _canonical(body)).hexdigest()


def _redacted(value):
    if isinstance(value, str):
        return redact_ids(value)
    if isinstance(value, dict):
        return {str(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redacted(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact_ids(str(value))


def journal_path(state_dir: Path) -> Path:
    return Path(state_dir) / JOURNAL_NAME


_THREADS = threading.Lock()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Threads of this process queue on a lock of their own (no polling), so the file lock, which
    waits by polling, is contended only by other processes (the web server logs from many threads)."""
    from filelock import FileLock

    with _THREADS, FileLock(str(path) + ".lock", mode=0o600, poll_interval=0.005):
        yield


def _last_line(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    if size == 0:
        return b""
    chunk = min(size, 65536)
    while True:   # grow the window until it holds the whole last line (an import lists many households)
        data = os.pread(fd, chunk, size - chunk) if hasattr(os, "pread") else _read_tail(fd, size, chunk)
        body = data.rstrip(b"\n")
        if b"\n" in body or chunk >= size:
            break
        chunk = min(size, chunk * 4)
    lines = body.split(b"\n")
    return lines[-1] if lines else b""


def _read_tail(fd: int, size: int, chunk: int) -> bytes:
    os.lseek(fd, size - chunk, os.SEEK_SET)
    return os.read(fd, chunk)


def append(state_dir: Path, action: str, *, user: str = "", household: str | None = None,
           detail: dict[str, Any] | None = None, now: dt.datetime | None = None) -> Entry:
    """Append one entry and return it (with its hash).  Raises OutputError when it cannot be written."""
    path = journal_path(state_dir)
    ensure_dir(path.parent)
    when = (now or dt.datetime.now(_TZ)).astimezone(_TZ).isoformat(timespec="seconds")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise output_error(exc, path) from exc
    try:
        with _locked(path):
            last = _last_line(fd)
            seq, prev = 1, GENESIS
            if last:
                try:
                    obj = json.loads(last)
                    seq, prev = int(obj["seq"]) + 1, str(obj["hash"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError("工作区日志的最后一行已损坏，不能接着记录", path=path,
                                     hint="运行 dibao verify 查看日志从哪一行起被改动；不要手工编辑这个文件") from exc
            entry = Entry(seq=seq, time=when, user=redact_ids(user or _os_user()), action=action,
                          household=household, detail=_redacted(detail or {}), prev=prev)
            digest = entry_hash(prev, entry.body())
            line = _canonical({**entry.body(), "hash": digest}) + b"\n"
            try:
                os.write(fd, line)
                os.fsync(fd)
            except OSError as exc:
                raise output_error(exc, path) from exc
            return Entry(**{**entry.body(), "hash": digest})
    finally:
        os.close(fd)


def _os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not worth failing a log line for
        return ""


def read(state_dir: Path) -> tuple[list[Entry], ChainBreak | None]:
    """Every entry up to the first line that breaks the chain, and that break (None if whole)."""
    path = journal_path(state_dir)
    entries: list[Entry] = []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return entries, None
    except OSError as exc:
        return entries, ChainBreak(0, f"无法读取工作区日志：{exc.strerror or exc}")
    prev = GENESIS
    for n, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            entry = Entry(seq=int(obj["seq"]), time=str(obj["time"]), user=str(obj["user"]),
                          action=str(obj["action"]), household=obj.get("household"),
                          detail=dict(obj.get("detail") or {}), prev=str(obj["prev"]), hash=str(obj["hash"]))
        except (ValueError, KeyError, TypeError):
            return entries, ChainBreak(n, "这一行不是完整的日志记录（被截断或手工改动）")
        if entry.prev != prev:
            return entries, ChainBreak(n, "这一行与上一行接不上（前面的记录被删除、插入或改动）")
        if entry.seq != len(entries) + 1:
            return entries, ChainBreak(n, "记录序号不连续（有记录被删除或插入）")
        if entry_hash(prev, entry.body()) != entry.hash:
            return entries, ChainBreak(n, "这一行的内容与它的校验值不符（记录被改动）")
        entries.append(entry)
        prev = entry.hash
    return entries, None


def head(state_dir: Path) -> str:
    """The hash of the last entry (the chain's root hash), or GENESIS for an empty journal."""
    entries, _ = read(state_dir)
    return entries[-1].hash if entries else GENESIS
