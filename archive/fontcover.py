"""Which characters dibao can print: the CJK font and its fallbacks, and what none of them has.

Forms (LibreOffice, through fontconfig) and the pages dibao draws (fpdf2, archive/volumes/pages.py)
set Chinese in Noto Serif CJK SC.  Characters it lacks — CJK Extension B and beyond (𪚥), emoji —
come from fallback fonts: HanaMinA/HanaMinB (Debian fonts-hanazono, CJK Extensions A–F) and
DejaVu Sans (symbols, emoji in black and white).  `unprintable(text)` names the characters that
none of these fonts has, so they are reported (dibao validate) instead of printing as a box.

Cmaps are read lazily, one font at a time and only for characters outside the common ranges,
so ordinary records never load a font.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("dibao.fonts")

HANAZONO = Path("/usr/share/fonts/truetype/hanazono")
FALLBACK_FILES = (HANAZONO / "HanaMinA.ttf", HANAZONO / "HanaMinB.ttf",
                  Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
INSTALL_HINT = "sudo apt-get install fonts-hanazono（或在项目目录运行 make setup）"

_lock = threading.Lock()


def fallback_fonts() -> list[Path]:
    """The fallback font files installed on this machine, in the order they are tried."""
    return [p for p in FALLBACK_FILES if p.is_file()]


def _common(c: str) -> bool:
    """Characters every configuration prints (ASCII, Latin-1, punctuation, CJK basic block, CJK
    punctuation, full-width forms): no font needs to be read for them."""
    o = ord(c)
    return (o < 0x250 or 0x2000 <= o <= 0x206F or 0x3000 <= o <= 0x303F or 0x4E00 <= o <= 0x9FFF
            or 0xFF00 <= o <= 0xFFEF)


@lru_cache(maxsize=None)
def _cmap(path: str, face: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.lower().endswith((".ttc", ".otc")):
            font = TTCollection(path, lazy=True).fonts[face]
        else:
            font = TTFont(path, lazy=True)
        return frozenset(font.getBestCmap() or {})
    except Exception as exc:  # noqa: BLE001 - an unreadable font covers nothing
        log.debug("cannot read the cmap of %s: %s", path, exc)
        return frozenset()


def _fonts() -> list[tuple[str, int]]:
    from archive.errors import ToolMissing
    from archive.pdffont import font_face

    out = []
    try:
        out.append(font_face())
    except ToolMissing:
        pass
    return out + [(str(p), 0) for p in fallback_fonts()]


# the ranges of _common, for one C-speed test of a whole string (records have hundreds of strings)
_RARE = re.compile("[^\u0000-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def unprintable(text: str) -> list[str]:
    """The distinct characters of text that no installed print font has (in order of appearance)."""
    if not _RARE.search(text):
        return []
    rare = [c for c in dict.fromkeys(text) if not _common(c) and not c.isspace()
            and unicodedata.category(c) not in ("Cc", "Cf", "Mn")]
    if not rare:
        return []
    with _lock:
        for path, face in _fonts():
            cmap = _cmap(path, face)
            rare = [c for c in rare if ord(c) not in cmap]
            if not rare:
                break
    return rare
