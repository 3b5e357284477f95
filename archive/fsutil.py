"""Atomic, private file output and safe reading of user files."""

from __future__ import annotations

import contextlib
import functools
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


# ---------------------------------------------------------------- bounded reading of user files

def _kind_of_mode(mode: int) -> str:
    import stat

    if stat.S_ISDIR(mode):
        return "目录"
    if stat.S_ISFIFO(mode):
        return "管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def display_path(path) -> str:
    """A path as text that can always be printed or typeset (a name that is not UTF-8 shows its
    bytes as \\xc6\\xe4)."""
    return os.fsencode(os.fspath(path)).decode("utf-8", "backslashreplace")


def utf8_name(path) -> bool:
    try:
        os.fspath(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _resolved_folder(folder: str) -> str:
    # folders are resolved once per process: records and scans share a few dozen of them, and
    # resolving a path component by component (os.path.realpath) costs more than reading a record
    return os.path.realpath(folder)


def _realpath(path: str) -> str:
    """os.path.realpath(path), faster for the common case of a file that is not itself a link
    (then only its folder needs resolving, and that is cached)."""
    import stat

    try:
        if not stat.S_ISLNK(os.lstat(path).st_mode):
            return os.path.join(_resolved_folder(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
    except OSError:
        pass
    return os.path.realpath(path)


def _real_problem(real: str) -> tuple[str, str | None]:
    """(real, why the resolved path real cannot be read as a user file or None)."""
    try:
        st = os.stat(real)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            return real, "文件不存在或链接已失效"
        return real, f"无法读取（{exc.strerror}）"
    import stat

    if not stat.S_ISREG(st.st_mode):
        return real, f"不是普通文件，而是{_kind_of_mode(st.st_mode)}，没有读取"
    return real, None


def _outside(real: str, inside) -> bool:
    base = _resolved_folder(os.fspath(inside))
    return not (real == base or real.startswith(base.rstrip(os.sep) + os.sep))


def regular_file_problem(path, inside=None, where: str = "工作区") -> str | None:
    """Why path cannot be read as a user file, or None: it must resolve to a regular file (no
    FIFO, device, directory) and, when inside is given, stay inside that folder after symlinks."""
    return _problem(path, inside, where)[1]


def _problem(path, inside, where: str) -> tuple[str, str | None]:
    real = _realpath(os.fspath(path))
    if inside is not None and _outside(real, inside):
        if not os.path.lexists(path):
            return real, "文件不存在或链接已失效"
        return real, f"是指向{where}之外的链接（{display_path(real)}），没有读取"
    return _real_problem(real)


def read_regular(path, *, limit: int, inside=None, what: str = "文件", where: str = "工作区") -> bytes:
    """The bytes of a user file, read safely: only a regular file (a FIFO or a device never blocks
    or floods the run), inside `inside` after resolving symlinks, at most `limit` bytes.
    Raises InputError naming the file and the fix."""
    from archive.errors import InputError

    hint = "放入普通文件本身（不是链接、管道或设备），并放在工作区之内"
    real, problem = _problem(path, inside, where)
    if problem:
        raise InputError(f"{what}{problem}", path=display_path(path), hint=hint)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"{what}无法读取（{exc.strerror}）", path=display_path(path),
                         hint="检查文件是否存在、是否有读取权限") from exc
    try:
        import stat

        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):   # swapped between the check and the open
            raise InputError(f"{what}不是普通文件，没有读取", path=display_path(path), hint=hint)
        if st.st_size > limit:
            raise InputError(f"文件过大（{st.st_size // 2**20} MB，上限 {limit // 2**20} MB），没有读取",
                             path=display_path(path), hint="检查是否放错了文件；上限可在 dibao.toml 的 [limits] 中调整")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputError(f"{what}在读取时变大，超过上限 {limit // 2**20} MB，没有读取",
                                 path=display_path(path), hint="等文件拷贝完成后再运行")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"{what}无法读取（{exc.strerror}）", path=display_path(path),
                         hint="检查文件是否完整、是否有读取权限") from exc
    finally:
        os.close(fd)


def sha256_regular(path, bufsize: int = 1 << 20) -> str | None:
    """sha256 of a regular file; None for a FIFO, device or directory (never blocks on one)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        h = hashlib.sha256()
        while chunk := fh.read(bufsize):
            h.update(chunk)
        return h.hexdigest()
