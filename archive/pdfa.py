"""PDF/A-2b for every PDF dibao writes (volumes, box lists, spines, the town summary, handover lists).

`finalize` takes a finished PDF and returns it as PDF/A-2b (ISO 19005-2, level B) with pikepdf
(qpdf underneath, a maintained library that rewrites a whole file losslessly):

* XMP metadata carrying pdfaid:part 2 / conformance B, dc:title, dc:creator and dc:publisher
  (the 立卷单位), dc:identifier (the 档号) and the document information entries mirrored;
* an sRGB output intent (the ICC profile made by LittleCMS through Pillow, no file needed);
* no encryption, no JavaScript, no launch or other forbidden actions, no embedded files; form
  fields and annotations flattened into the page (a scan's PDF may bring them);
* page labels: the viewer shows the archive page numbers (页号), with 封面, 目录 and 备考表
  for the unnumbered pages.

Fonts: dibao's own pages embed Noto Serif CJK (archive/pdffont.py); page numbers stamped on
documents use `digit_font`, a TrueType subset of the digits of DejaVu Sans embedded in each
volume (a few kB) instead of a non-embedded base-14 Helvetica.  LibreOffice embeds the fonts of
the forms it converts.  What a real validator (veraPDF) is run on: docs/pdfa.md.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
import warnings
from dataclasses import dataclass

FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/ResetForm", "/Movie", "/Sound", "/Hide",
                     "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}
DIGIT_FONT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                         "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                         "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")
DIGITS = "-0123456789"


@dataclass(frozen=True)
class Label:
    """A page-label range: from 0-based page `start`, prefix and optional decimal numbering."""

    start: int
    prefix: str = ""
    first: int | None = None    # None: the prefix alone (unnumbered pages); else decimal from `first`


@functools.lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# --------------------------------------------------------------------------- the embedded digit font

@dataclass(frozen=True)
class DigitFont:
    name: str
    data: bytes                 # TrueType subset (FontFile2)
    widths: dict[int, int]      # char code -> width in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def width(self, text: str, size: float) -> float:
        return sum(self.widths.get(ord(c), 600) for c in text) * size / 1000


def _font_path() -> str:
    for p in DIGIT_FONT_CANDIDATES:
        if os.path.isfile(p):
            return p
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans-serif:fontformat=TrueType"], capture_output=True,
                             text=True, timeout=20).stdout.strip()
        if out.endswith(".ttf") and os.path.isfile(out):
            return out
    except (OSError, subprocess.SubprocessError):
        pass
    from archive.errors import ToolMissing

    raise ToolMissing("找不到用于页号的 TrueType 字体（DejaVu Sans）", hint="运行 make setup（安装 fonts-dejavu-core）")


@functools.lru_cache(maxsize=1)
def digit_font() -> DigitFont:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = _font_path()
    font = TTFont(path, recalcTimestamp=False)
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.layout_features = []
    opts.hinting = False
    import logging

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)   # "FFTM NOT subset" is not for clerks
    sub = subset.Subsetter(opts)
    sub.populate(text=DIGITS)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    upm = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = {ord(c): round(hmtx[cmap[ord(c)]][0] * 1000 / upm) for c in DIGITS if ord(c) in cmap}
    head, hhea = font["head"], font["hhea"]
    bbox = tuple(round(v * 1000 / upm) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    os2 = font["OS/2"] if "OS/2" in font else None
    cap = round(getattr(os2, "sCapHeight", 0) * 1000 / upm) if os2 is not None else 700
    base = font["name"].getDebugName(6) or "DigitSans"
    return DigitFont(f"DBPAGE+{base}", buf.getvalue(), widths, bbox, round(hhea.ascent * 1000 / upm),
                     round(hhea.descent * 1000 / upm), cap or 700)


def digit_font_pypdf(writer):
    """The digit font as an indirect pypdf font dictionary of writer (one per writer)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    ref = getattr(writer, "_dibao_digit_font", None)
    if ref is not None:
        return ref
    f = digit_font()
    file = DecodedStreamObject()
    file.set_data(f.data)
    file[NameObject("/Length1")] = NumberObject(len(f.data))
    file = file.flate_encode()
    codes = sorted(f.widths)
    first, last = codes[0], codes[-1]
    desc = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): NameObject("/" + f.name),
        NameObject("/Flags"): NumberObject(32), NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in f.bbox),
        NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): NumberObject(f.ascent),
        NameObject("/Descent"): NumberObject(f.descent), NameObject("/CapHeight"): NumberObject(f.cap_height),
        NameObject("/StemV"): NumberObject(80), NameObject("/FontFile2"): writer._add_object(file),
    })
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): NameObject("/" + f.name), NameObject("/FirstChar"): NumberObject(first),
        NameObject("/LastChar"): NumberObject(last),
        NameObject("/Widths"): ArrayObject(NumberObject(f.widths.get(c, 0)) for c in range(first, last + 1)),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(desc),
    })
    ref = writer._add_object(font)
    writer._dibao_digit_font = ref
    return ref


# --------------------------------------------------------------------------- PDF/A-2b

def _strip_actions(pdf) -> None:
    import pikepdf

    root = pdf.Root
    for key in ("/AA", "/JavaScript"):
        if key in root:
            del root[key]
    oa = root.get("/OpenAction")
    if isinstance(oa, pikepdf.Dictionary) and oa.get("/S") in FORBIDDEN_ACTIONS:
        del root["/OpenAction"]
    names = root.get("/Names")
    if names is not None:
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    if "/AcroForm" in root:
        pdf.flatten_annotations("all")
        del root["/AcroForm"]
    for page in pdf.pages:
        obj = page.obj
        if "/AA" in obj:
            del obj["/AA"]
        if "/Annots" in obj:
            pdf.flatten_annotations("all")
            break
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]   # links and hidden annotations: nothing an archive page needs


def _clean_objects(pdf) -> None:
    """Image and group entries PDF/A forbids."""
    import pikepdf

    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        if "/Interpolate" in obj:
            obj.Interpolate = False
        if obj.get("/Subtype") == "/Image" and "/Alternates" in obj:
            del obj["/Alternates"]
        if obj.get("/S") in FORBIDDEN_ACTIONS and obj.get("/Type") in (None, "/Action"):
            obj.S = pikepdf.Name("/GoTo") if "/D" in obj else pikepdf.Name("/Named")
            if obj.S == "/Named":
                obj.N = pikepdf.Name("/FirstPage")
            for key in ("/JS", "/F", "/Win", "/Mac", "/Unix"):
                if key in obj:
                    del obj[key]


def _page_labels(pdf, labels: list[Label]) -> None:
    import pikepdf

    nums = []
    for lab in sorted(labels, key=lambda x: x.start):
        d = pikepdf.Dictionary()
        if lab.prefix:
            d.P = pikepdf.String(lab.prefix)
        if lab.first is not None:
            d.S = pikepdf.Name("/D")
            d.St = lab.first
        nums += [lab.start, d]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def finalize(data: bytes, *, title: str, unit: str, number: str = "", subject: str = "", keywords: str = "",
             labels: list[Label] | None = None, info: dict[str, str] | None = None) -> bytes:
    """The PDF as PDF/A-2b (see the module docstring); title, unit (立卷单位) and number (档号) go into XMP."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        _strip_actions(pdf)
        _clean_objects(pdf)
        if labels:
            _page_labels(pdf, labels)
        icc = pdf.make_stream(srgb_profile())
        icc.N = 3
        intent = pikepdf.Dictionary(Type=pikepdf.Name("/OutputIntent"), S=pikepdf.Name("/GTS_PDFA1"),
                                    OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
                                    Info=pikepdf.String("sRGB IEC61966-2.1"), DestOutputProfile=icc)
        pdf.Root.OutputIntents = pikepdf.Array([intent])
        docinfo = pdf.docinfo
        docinfo["/Title"] = title
        docinfo["/Author"] = unit
        if subject:
            docinfo["/Subject"] = subject
        if keywords:
            docinfo["/Keywords"] = keywords
        for k, v in (info or {}).items():
            docinfo[f"/{k}"] = str(v)
        if "/Producer" not in docinfo:
            docinfo["/Producer"] = "dibao"
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta, warnings.catch_warnings():
            warnings.simplefilter("ignore")   # dibao's own docinfo keys (DibaoCaseNo …) have no XMP twin: fine
            meta.load_from_docinfo(docinfo, raise_failure=False)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = title
            meta["dc:creator"] = [unit]
            meta["dc:publisher"] = [unit]
            if number:
                meta["dc:identifier"] = number
        out = io.BytesIO()
        pdf.save(out, min_version="1.7", deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
    return out.getvalue()


def finalize_merged(data: bytes, *, title: str, unit: str = "dibao") -> bytes:
    """A PDF put together from other PDFs (print packs, 补件 forms, search exports) as PDF/A-2b.

    pypdf's merge keeps the pages but not the parts' XMP and output intent; this puts them back
    (page labels 1, 2, 3 …).  When a part cannot be PDF/A (a scanned or imported old file with a
    font that is not embedded) the merged file is returned as it was rather than claim PDF/A.
    """
    done = finalize(data, title=title, unit=unit, labels=[Label(0, "", 1)])
    if any(p.startswith(("font not embedded", "encrypted")) for p in check(done)):
        return data
    return done


# --------------------------------------------------------------------------- checks (tests, verify)

def check(data_or_path) -> list[str]:
    """What keeps a PDF from being the PDF/A-2b dibao writes (empty: nothing found).

    Not a validator (see docs/pdfa.md): the markers, XMP, output intent, fonts embedded,
    no encryption, no JavaScript or launch actions, page labels.
    """
    import pikepdf

    problems: list[str] = []
    src = io.BytesIO(data_or_path) if isinstance(data_or_path, (bytes, bytearray)) else data_or_path
    with pikepdf.open(src) as pdf:
        if pdf.is_encrypted:
            problems.append("encrypted")
        meta = pdf.open_metadata()
        if meta.get("pdfaid:part") != "2" or meta.get("pdfaid:conformance") != "B":
            problems.append("no pdfaid 2B in XMP")
        if not meta.get("dc:title"):
            problems.append("no dc:title")
        intents = pdf.Root.get("/OutputIntents")
        if not intents or intents[0].get("/S") != "/GTS_PDFA1" or "/DestOutputProfile" not in intents[0]:
            problems.append("no PDF/A output intent")
        if "/PageLabels" not in pdf.Root:
            problems.append("no page labels")
        names = pdf.Root.get("/Names")
        if "/OpenAction" in pdf.Root and pdf.Root.OpenAction.get("/S") in FORBIDDEN_ACTIONS:
            problems.append("forbidden open action")
        if names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names):
            problems.append("JavaScript or embedded files")
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                if obj.get("/S") in FORBIDDEN_ACTIONS:
                    problems.append(f"action {obj.get('/S')}")
                if obj.get("/Type") == "/Font" and obj.get("/Subtype") != "/Type0" and obj.get("/Subtype") != "/Type3":
                    desc = obj.get("/FontDescriptor")
                    if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        problems.append(f"font not embedded: {obj.get('/BaseFont')}")
                if obj.get("/Subtype") in ("/CIDFontType0", "/CIDFontType2"):
                    desc = obj.get("/FontDescriptor")
                    if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        problems.append(f"font not embedded: {obj.get('/BaseFont')}")
    return sorted(set(problems))


def page_labels(data_or_path) -> list[str]:
    """The page label of each page, as a viewer shows it."""
    import pikepdf

    src = io.BytesIO(data_or_path) if isinstance(data_or_path, (bytes, bytearray)) else data_or_path
    with pikepdf.open(src) as pdf:
        return [p.label for p in pdf.pages]
