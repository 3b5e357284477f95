"""The converted-form cache (.dibao/cache/forms/<key>.pdf) with a seal per entry.

A cached PDF is named by the key of the filled document it was converted from, so its name says
nothing about its content: a PDF copied over it (another household's form, an edited one) would
go into the archive unnoticed.  When LibreOffice has written an entry, `seal` records the SHA-256
of the PDF next to it (<key>.pdf.sha256); `usable` takes an entry only when that seal matches, and
removes an entry whose seal is missing or wrong, so the form is converted again.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
from pathlib import Path

from archive.fsutil import atomic_write_text, sha256_file

log = logging.getLogger("dibao.build")

SEAL_SUFFIX = ".sha256"

SWAPPED = "已转换表单的缓存文件 {name} 与转换时记下的校验值不符（被替换、改动或损坏），没有使用，已重新转换"


def _seal_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.name + SEAL_SUFFIX)


def seal(pdf: Path) -> None:
    """Record the SHA-256 of a PDF just written into the cache."""
    atomic_write_text(_seal_path(pdf), sha256_file(pdf) + "\n")


def check(pdf: Path) -> str:
    """'missing' (no entry), 'ok' (entry whose seal matches) or 'bad' (entry without a matching seal)."""
    if not pdf.is_file():
        return "missing"
    try:
        recorded = _seal_path(pdf).read_text("ascii").strip()
        actual = sha256_file(pdf)
    except (OSError, UnicodeDecodeError):
        return "bad"
    return "ok" if hmac.compare_digest(recorded, actual) else "bad"


def usable(pdf: Path, warnings: list[str] | None = None) -> bool:
    """True when the cached PDF can go into a volume.  A bad entry is removed (it is converted again)
    and, when it had a seal, reported in warnings: an entry from before seals existed is only
    converted again."""
    state = check(pdf)
    if state == "ok":
        return True
    if state == "bad":
        had_seal = _seal_path(pdf).exists()
        for p in (pdf, _seal_path(pdf)):
            with contextlib.suppress(OSError):
                p.unlink()
        if had_seal:
            log.warning("cached form %s does not match its seal; converted again", pdf.name)
            if warnings is not None:
                warnings.append(SWAPPED.format(name=f".dibao/cache/forms/{pdf.name}"))
    return False
