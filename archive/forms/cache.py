"""What rendering a form template costs the first time in a process, kept between processes.

A rebuild after one household changed renders its forms in a fresh process: each template's
tag check, docxtpl's XML clean-up (patch_xml) and the Jinja compilation of its XML cost
~0.1 s a template, more than the rendering itself.  They depend only on the template's
content (and the code doing them), so they are kept in the user's cache folder
($XDG_CACHE_HOME/dibao/forms, else ~/.cache/dibao/forms; DIBAO_CACHE_DIR overrides the
base): a marker for a template whose tags passed the check, the cleaned-up XML, and the
compiled Jinja code (marshal, like Python's own __pycache__).  Entries are named by a
SHA-256 of their input and of the versions involved; any error reading or writing one
only means doing the work again.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("dibao.forms")


@lru_cache(maxsize=1)
def folder() -> Path:
    base = os.environ.get("DIBAO_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") \
        or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dibao" / "forms"


@lru_cache(maxsize=1)
def _versions() -> bytes:
    import docxtpl
    import jinja2

    code = Path(__file__).with_name("render.py").read_bytes()
    return "\0".join([sys.version, jinja2.__version__, getattr(docxtpl, "__version__", "?"),
                      hashlib.sha256(code).hexdigest()]).encode()


def key(kind: str, *parts: bytes | str) -> str:
    h = hashlib.sha256(kind.encode() + b"\0" + _versions())
    for p in parts:
        h.update(b"\0" + (p.encode("utf-8") if isinstance(p, str) else p))
    return h.hexdigest()


def get(name: str) -> bytes | None:
    try:
        return (folder() / name).read_bytes()
    except OSError:
        return None


def put(name: str, data: bytes) -> None:
    try:
        d = folder()
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, d / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        log.debug("form cache not written: %s", exc)


def checked(k: str) -> bool:
    return get(f"{k}.ok") is not None


def mark_checked(k: str) -> None:
    put(f"{k}.ok", b"")


def patched(k: str) -> str | None:
    data = get(f"{k}.xml")
    return data.decode("utf-8") if data is not None else None


def keep_patched(k: str, xml: str) -> None:
    put(f"{k}.xml", xml.encode("utf-8"))


def code(k: str):
    data = get(f"{k}.pyc")
    if data is None:
        return None
    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None


def keep_code(k: str, obj) -> None:
    put(f"{k}.pyc", marshal.dumps(obj))
