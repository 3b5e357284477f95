"""The CJK font of the PDF pages dibao draws (fpdf2), loaded once and cheaply.

`add_font(pdf, family)` gives an fpdf2 document Noto Serif CJK SC (the SC face of the
system's NotoSerifCJK-Regular.ttc), embedded as a subset, as `pdf.add_font` would, but:

* The face is taken out of the 26 MB collection once into a cache folder, without the
  tables fpdf2 drops when it embeds the font anyway (GSUB, GPOS, GDEF, BASE, vertical
  metrics) and with only the Unicode cmap fpdf2 reads.  The glyphs and their CFF outlines
  are untouched: a PDF made with it is byte for byte the one made with the collection.
  Subsetting it at output takes ~0.16 s instead of ~0.35 s.
* What fpdf2 computes when it parses a font (character widths, glyph ids, descriptor
  values; ~0.45 s for this font) is computed once and kept in the same folder as JSON;
  every later document, in this process or another, starts from it in a few ms.
* The cache folder is the caller's (`dibao build`: the workspace's .dibao/cache/fonts),
  else $XDG_CACHE_HOME/dibao/fonts (~/.cache/dibao/fonts).  Entries are keyed by the
  font file (path, size, mtime), the face, and the fpdf2 and fontTools versions.  When
  the folder cannot be written, the font is parsed once per process instead.

Any failure of the fast path falls back to fpdf2's own `add_font` on the collection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from archive.errors import ToolMissing

log = logging.getLogger("dibao.pages")

FONT_FILE = Path(os.environ.get("DIBAO_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"))
DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG", "meta")
FORMAT = 1  # of the cache entries

_lock = threading.Lock()
_masters: dict[str, tuple] = {}   # cache key -> (font file, face number, master TTFFont)


@lru_cache(maxsize=1)
def font_face() -> tuple[str, int]:
    """(file, face index) of the Simplified Chinese face in the Noto CJK collection."""
    if not FONT_FILE.is_file():
        raise ToolMissing("没有找到中文字体 Noto Serif CJK，无法生成封面和目录", path=FONT_FILE,
                          hint="sudo apt-get install fonts-noto-cjk（或在项目目录运行 make setup）")
    if FONT_FILE.suffix.lower() not in (".ttc", ".otc"):
        return str(FONT_FILE), 0
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(FONT_FILE), lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            name = font["name"].getDebugName(1) or ""
            if name.endswith(" SC"):
                return str(FONT_FILE), i
    finally:
        coll.close()
    return str(FONT_FILE), 0


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dibao" / "fonts"


def add_font(pdf, family: str, cache_dir: Path | None = None) -> None:
    """Add the CJK face to pdf under family (regular style), as fpdf2's add_font would."""
    path, index = font_face()
    try:
        file, number, master = _master(path, index, Path(cache_dir) if cache_dir else default_cache_dir())
        _attach(pdf, family, file, number, master)
        return
    except Exception:  # noqa: BLE001 - any surprise (a newer fpdf2, a damaged cache): the plain way
        log.debug("fast font path failed; parsing the font", exc_info=True)
    pdf.add_font(family, "", path, collection_font_number=index)
    _no_bbox_recalc(pdf)


def _no_bbox_recalc(pdf) -> None:
    # keep the face's bounding box: recomputing it from every subset glyph's outline costs ~40% of output()
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.recalcBBoxes = False


def _key(path: str, index: int) -> str:
    import fontTools
    import fpdf

    st = os.stat(path)
    stamp = [os.path.realpath(path), str(st.st_size), str(st.st_mtime_ns), str(index),
             getattr(fpdf, "FPDF_VERSION", "?"), fontTools.version, str(FORMAT)]
    return hashlib.sha256("\0".join(stamp).encode()).hexdigest()[:16]


def _master(path: str, index: int, cache_dir: Path):
    """(font file, face number, master TTFFont) for this face, made or read once per process."""
    key = _key(path, index)
    with _lock:
        hit = _masters.get(key)
        if hit is None:
            hit = _masters[key] = _load(path, index, cache_dir, key)
        return hit


def _load(path: str, index: int, cache_dir: Path, key: str):
    from fpdf import FPDF

    reduced = cache_dir / f"NotoSerifCJK-SC-{key}.otf"
    metrics = cache_dir / f"NotoSerifCJK-SC-{key}.json"
    try:
        if not reduced.is_file():
            _write_reduced(path, index, reduced)
    except OSError as exc:
        log.info("font cache %s not writable (%s): parsing the font in this process", cache_dir, exc)
        probe = FPDF()
        probe.add_font("probe", "", path, collection_font_number=index)
        return path, index, next(iter(probe.fonts.values()))
    try:
        data = json.loads(metrics.read_text("utf-8"))
        if data.get("format") == FORMAT and data.get("key") == key:
            return str(reduced), 0, _from_metrics(data, reduced)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    probe = FPDF()
    probe.add_font("probe", "", str(reduced))
    master = next(iter(probe.fonts.values()))
    try:
        _write_metrics(master, metrics, key)
    except OSError as exc:
        log.debug("font metrics not kept: %s", exc)
    return str(reduced), 0, master


def _write_reduced(path: str, index: int, dest: Path) -> None:
    """The face alone, without the tables fpdf2 drops at embedding, written atomically."""
    from fontTools.ttLib import TTFont

    from archive.fsutil import atomic_path, ensure_dir

    ensure_dir(dest.parent)
    font = TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    try:
        for tag in DROP_TABLES:
            if tag in font:
                del font[tag]
        cmap = font["cmap"]
        best = [t for t in cmap.tables if (t.platformID, t.platEncID) == (3, 10)] or \
               [t for t in cmap.tables if (t.platformID, t.platEncID) == (3, 1)]
        if best:
            cmap.tables = best
        with atomic_path(dest) as tmp:
            font.save(str(tmp))
    finally:
        font.close()


def _write_metrics(master, dest: Path, key: str) -> None:
    from archive.fsutil import atomic_write_text

    d = master.desc
    codes = sorted(master.cmap)
    data = {
        "format": FORMAT, "key": key,
        "scale": master.scale, "name": master.name, "up": master.up, "ut": master.ut, "sp": master.sp,
        "ss": master.ss, "is_cff": master.is_cff, "is_cid_keyed": master.is_cid_keyed,
        "is_symbol": master.is_symbol, "cff_ros": list(master.cff_ros) if master.cff_ros else None,
        "desc": {"ascent": d.ascent, "descent": d.descent, "cap_height": d.cap_height, "flags": d.flags.value,
                 "font_b_box": d.font_b_box, "italic_angle": d.italic_angle, "stem_v": d.stem_v,
                 "missing_width": d.missing_width},
        "codes": codes, "names": [master.cmap[c] for c in codes],
        "gids": [master.glyph_ids[c] for c in codes], "widths": [master.cw[c] for c in codes],
    }
    atomic_write_text(dest, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _descriptor(desc: dict):
    from fpdf.enums import FontDescriptorFlags
    from fpdf.fonts import PDFFontDescriptor

    return PDFFontDescriptor(ascent=desc["ascent"], descent=desc["descent"], cap_height=desc["cap_height"],
                             flags=FontDescriptorFlags(desc["flags"]), font_b_box=desc["font_b_box"],
                             italic_angle=desc["italic_angle"], stem_v=desc["stem_v"],
                             missing_width=desc["missing_width"])


def _from_metrics(data: dict, reduced: Path):
    """A master TTFFont rebuilt from the kept metrics (its ttfont is opened per document)."""
    from fpdf.enums import TextEmphasis
    from fpdf.fonts import TTFFont

    m = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        setattr(m, name, None)
    m.i, m.type, m.ttffile, m.fontkey = 1, "TTF", reduced, "probe"
    m.is_compressed, m._hbfont, m.biggest_size_pt, m.collection_font_number = False, None, 0, 0
    m.scale, m.name = data["scale"], data["name"]
    m.up, m.ut, m.sp, m.ss = data["up"], data["ut"], data["sp"], data["ss"]
    m.is_cff, m.is_cid_keyed, m.is_symbol = data["is_cff"], data["is_cid_keyed"], data["is_symbol"]
    m.cff_ros = tuple(data["cff_ros"]) if data["cff_ros"] else None
    m.desc = _descriptor(data["desc"])
    missing = data["desc"]["missing_width"]
    m.cw = defaultdict(lambda: missing, zip(data["codes"], data["widths"]))
    m.cmap = dict(zip(data["codes"], data["names"]))
    m.glyph_ids = dict(zip(data["codes"], data["gids"]))
    m.missing_glyphs = []
    m.emphasis = TextEmphasis.coerce("")
    m.palette_index, m.color_font, m.unicode_range = 0, None, None
    m.ttfont = None
    return m


def _preload(ttfont) -> None:
    """Read now the tables the subsetter reads at output (~0.2 s): a document made while the
    caller waits (for LibreOffice) is then output sooner.  The same tables, read the same way."""
    for tag in ("cmap", "hmtx", "maxp", "CFF "):
        if tag in ttfont:
            ttfont[tag]
    if "CFF " in ttfont:
        top = ttfont["CFF "].cff.topDictIndex[0]
        top.charset, top.CharStrings  # noqa: B018 - parsed on first access


def _attach(pdf, family: str, file: str, number: int, master, preload: bool = True) -> None:
    """A TTFFont for pdf sharing master's read-only tables, with its own subset and font file."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap, TTFFont

    fontkey = family.lower()
    font = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        setattr(font, name, getattr(master, name, None))
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.ttffile = Path(file)
    font.collection_font_number = number
    font._hbfont = None
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font.cw = master.cw.copy()
    d = master.desc  # its own descriptor: output() names it and numbers it
    font.desc = type(d)(ascent=d.ascent, descent=d.descent, cap_height=d.cap_height, flags=d.flags,
                        font_b_box=d.font_b_box, italic_angle=d.italic_angle, stem_v=d.stem_v,
                        missing_width=d.missing_width)
    font.ttfont = TTFont(file, fontNumber=number, recalcTimestamp=False, recalcBBoxes=False,
                         lazy=True)  # subset in place at output: one per document
    if preload:
        _preload(font.ttfont)
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")
