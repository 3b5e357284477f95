"""Atomic, private file output and safe reading of user files."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from pathlib import Path

from archive.errors import OutputError

FILE_MODE = 0o600
DIR_MODE = 0o700
TMP_PREFIX = ".dibao-tmp-"


def ensure_dir(path: Path) -> Path:
    """Create a folder readable by the owner only (workspace data is sensitive)."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as exc:
        raise output_error(exc, path) from exc
    return path


def output_error(exc: OSError, path) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):  # EFBIG: a file-size limit (ulimit -f)
        return OutputError("磁盘空间已满，文件没有写成", path=path, hint="清理磁盘或换一个有空间的输出目录后重新运行；已有文件未被破坏")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("没有写入权限（目录只读或属于其他用户）", path=path, hint="换一个可写的输出目录（--out），或请管理员开放写权限")
    return OutputError(f"无法写入文件（{exc.strerror or exc}）", path=path, hint="检查目录是否存在、磁盘是否正常后重新运行")


@contextlib.contextmanager
def atomic_path(dest, mode: int = FILE_MODE, durable: bool = True):
    """Yield a temporary path next to dest; on success it is fsynced and renamed onto dest.

    The temporary name starts with a dot, so a half-written file is never visible
    under its final name, and a crash leaves either the old file or the new one.
    durable=False skips the fsync, for files that may be lost in a power cut (a cache that
    is only recomputed): still never half-written under the final name while the system runs.
    """
    dest = Path(dest)
    ensure_dir(dest.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=dest.suffix, dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise output_error(exc, dest) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, mode)
        if durable:
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp_path, dest)
    except OSError as exc:
        _unlink_quiet(tmp_path)
        raise output_error(exc, dest) from exc
    except BaseException:
        _unlink_quiet(tmp_path)
        raise


def atomic_write_bytes(dest, data: bytes, mode: int = FILE_MODE, *, durable: bool = True) -> Path:
    with atomic_path(dest, mode, durable) as tmp:
        tmp.write_bytes(data)
    return Path(dest)


def atomic_write_text(dest, text: str, mode: int = FILE_MODE) -> Path:
    return atomic_write_bytes(dest, text.encode("utf-8"), mode)


def _unlink_quiet(p: Path) -> None:
    with contextlib.suppress(OSError):
        p.unlink()


def remove_stale_temps(folder) -> int:
    """Delete temporary files left by an interrupted run under folder; returns the count."""
    n = 0
    for p in Path(folder).rglob(TMP_PREFIX + "*"):
        _unlink_quiet(p)
        n += 1
    return n


def sha256_file(path, bufsize: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(bufsize):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
