"""Page codes: a QR code and the same code as a text line on every page printed for a household.

A code names the workspace, the household (对象编号), the form, the event and the page
(i/n), and ends with a check character:

    DB1 K7Q2 FX-001 fenxi-04 e2 1/2 M

The workspace id is four characters kept in .dibao/workspace-id (made on first use), so a
form printed by another town's workspace is not filed here by mistake.  The event is the
event id, else the event date (YYYYMMDD), else "-".

Stamping happens on the converted PDF (the templates are not touched): the QR and the text
line go into a margin corner that is blank on that page.  Candidate corners are tried in
order (bottom left, bottom right, top left; the top right is the archive page number's) by
rasterising the page at low resolution; when none is free, a smaller code goes into the
left margin strip with the text line running upwards, where no form has content.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("dibao.forms")

PREFIX = "DB1"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"   # no I, O: they read as 1, 0
WS_ID_FILE = "workspace-id"
MM = 72 / 25.4
TEXT_PT = 7.5          # text line size (DejaVu Sans Mono, embedded): ~20 px tall at 200 dpi
QR_MM = 18.0           # QR side in a corner (modules ~0.62 mm at version 3: read from photocopies and
                       # from ~2 MP phone photos, where 14 mm failed in 2 of 3)
QR_MM_TIGHT = 14.0     # a corner that has no room for the large one
SMALL_QR_MM = 9.5      # QR side in the left margin strip
EDGE_MM = 5.0          # distance from the paper edge (printers do not print the outer ~4 mm)
MONO_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")   # fonts-dejavu-core (setup-system.sh)
WS_RE = re.compile(f"^[{ALPHABET}]{{4}}$")      # a workspace id never has I or O
TOKEN_RE = re.compile(r"^[A-Za-z0-9\-_\u4e00-\u9fff]{1,40}$")


LINE_RE = re.compile(r"(?:DB1\S{0,2}\s+|(?<!\S))([0-9A-Z]{4})\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s*/\s*(\d+)\s+([0-9A-Za-z])")
PREFIX_RE = re.compile(rf"{PREFIX}\S{{0,2}}\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s*/\s*(\d+)\s+([0-9A-Z])")
CONFUSED = {"l": "1", "1": "l", "I": "1", "O": "0", "0": "O", "o": "0"}


def _readings(tokens: tuple[str, ...], limit: int = 256):
    """tokens as read, then with confusable characters swapped (at most `limit` combinations)."""
    import itertools

    options = []
    for t in tokens:
        alts = {t}
        spots = [k for k, c in enumerate(t) if c in CONFUSED]
        for r in range(1, min(len(spots), 3) + 1):
            for pick in itertools.combinations(spots, r):
                chars = list(t)
                for k in pick:
                    chars[k] = CONFUSED[chars[k]]
                alts.add("".join(chars))
        options.append([t] + sorted(alts - {t}))
    for n, combo in enumerate(itertools.product(*options)):
        if n >= limit:
            return
        yield combo


def check_char(body: str) -> str:
    """One character of ALPHABET from a position-weighted sum of the UTF-8 bytes of body."""
    total = 0
    for i, b in enumerate(body.encode("utf-8")):
        total = (total * 31 + b * (i % 7 + 1)) % 1000003
    return ALPHABET[total % len(ALPHABET)]


@dataclass(frozen=True)
class PageCode:
    workspace: str
    case_no: str
    form: str
    event: str          # event id, YYYYMMDD or "-"
    page: int
    pages: int

    @property
    def body(self) -> str:
        return f"{PREFIX} {self.workspace} {self.case_no} {self.form} {self.event} {self.page}/{self.pages}"

    @property
    def text(self) -> str:
        return f"{self.body} {check_char(self.body)}"

    @property
    def group(self) -> tuple[str, str, str, str, int]:
        """The key of one printed copy of one form (every page shares it)."""
        return (self.workspace, self.case_no, self.form, self.event, self.pages)

    @classmethod
    def parse(cls, text: str, accept=None) -> PageCode | None:
        """The code in text (a QR payload or an OCR line), or None when absent or the check fails.

        With `accept` (a test that the workspace, household and form exist), an OCR line may
        also have lost its prefix (a smudge) or confused l/1, O/0, I/1: the workspace id
        anchors the match, and each reading of the confusable characters must pass both the
        check character and accept()."""
        for m in (PREFIX_RE if accept is None else LINE_RE).finditer(text):
            ws, case, form, event, i, n, chk = m.groups()
            readings = _readings((ws, case, form, event, chk)) if accept is not None else [(ws, case, form, event, chk)]
            for parts in readings:
                code = cls._make(*parts[:4], int(i), int(n))
                if code is not None and check_char(code.body) == parts[4] and (accept is None or accept(code)):
                    return code
        return None

    @classmethod
    def _make(cls, ws, case, form, event, i, n) -> PageCode | None:
        if not (1 <= i <= n <= 99) or not WS_RE.match(ws) or not all(TOKEN_RE.match(t) for t in (case, form, event)):
            return None
        return cls(ws, case, form, event, i, n)


def workspace_id(ws) -> str:
    """The workspace's short id (.dibao/workspace-id), made on first use."""
    from archive.fsutil import atomic_write_text, ensure_dir

    path = Path(ws.state_dir) / WS_ID_FILE
    try:
        value = path.read_text(encoding="ascii").strip()
        if re.fullmatch(f"[{ALPHABET}]{{4}}", value):
            return value
    except (OSError, UnicodeDecodeError):
        pass
    value = "".join(secrets.choice(ALPHABET) for _ in range(4))
    ensure_dir(path.parent)
    atomic_write_text(path, value + "\n")
    return value


def event_token(ev) -> str:
    """How an event is named in a code and in a signed scan's file name."""
    if ev is None:
        return "-"
    if getattr(ev, "id", None):
        return str(ev.id)
    d = getattr(ev, "date", None)
    return d.strftime("%Y%m%d") if d is not None else "-"


def codes_for(ws, case_no: str, form: str, event, pages: int) -> list[PageCode]:
    wid = workspace_id(ws)
    tok = event if isinstance(event, str) else event_token(event)
    return [PageCode(wid, case_no, form, tok, i, pages) for i in range(1, pages + 1)]


# ------------------------------------------------------------------ placement

@dataclass(frozen=True)
class Spot:
    """Where a code goes on a page (PDF points, origin bottom left)."""
    qr_x: float
    qr_y: float
    qr: float            # side
    text_x: float
    text_y: float        # baseline
    vertical: bool       # text runs upwards (left margin strip)


def _text_width(text: str) -> float:
    return TEXT_PT * sum(0.62 if c.isascii() else 1.0 for c in text)


def candidates(w: float, h: float, text: str) -> list[Spot]:
    """Corners in order of preference: the large QR in each corner, then the tight one."""
    e, gap = EDGE_MM * MM, 2 * MM
    tw = _text_width(text)
    base = e + 0.6 * MM
    out = []
    for q in (QR_MM * MM, QR_MM_TIGHT * MM):
        out += [
            Spot(e, e, q, e + q + gap, base, False),                      # bottom left
            Spot(w - e - q, e, q, w - e - q - gap - tw, base, False),     # bottom right
            Spot(e, h - e - q, q, e + q + gap, h - e - TEXT_PT, False),   # top left
        ]
    return out


def strip_spot(w: float, h: float) -> Spot:
    s = SMALL_QR_MM * MM
    x = 2.5 * MM
    return Spot(x, e := EDGE_MM * MM, s, x + TEXT_PT * 0.8, e + s + 2 * MM, True)


def _boxes(spot: Spot, text: str) -> list[tuple[float, float, float, float]]:
    """Rectangles (x0, y0, x1, y1) the spot covers, with 1.5 mm to spare."""
    pad = 1.5 * MM
    tw = _text_width(text)
    qr = (spot.qr_x - pad, spot.qr_y - pad, spot.qr_x + spot.qr + pad, spot.qr_y + spot.qr + pad)
    if spot.vertical:
        tx = (spot.text_x - TEXT_PT - pad, spot.text_y - pad, spot.text_x + pad, spot.text_y + tw + pad)
    else:
        tx = (spot.text_x - pad, spot.text_y - 0.3 * TEXT_PT - pad, spot.text_x + tw + pad, spot.text_y + TEXT_PT + pad)
    return [qr, tx]


def _ink(img, w: float, h: float, boxes) -> int:
    """Dark pixels of a low-resolution page image inside the boxes (PDF coordinates)."""
    sx, sy = img.width / w, img.height / h
    dark = 0
    for x0, y0, x1, y1 in boxes:
        left, right = max(0, int(x0 * sx)), min(img.width, int(x1 * sx) + 1)
        top, bottom = max(0, int((h - y1) * sy)), min(img.height, int((h - y0) * sy) + 1)
        if right <= left or bottom <= top:
            dark += 10**6   # outside the page
            continue
        hist = img.crop((left, top, right, bottom)).histogram()
        dark += sum(hist[:200])
    return dark


def _page_images(data: bytes, dpi: int = 36) -> list:
    """Low-resolution grey images of every page (pdftoppm)."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="dibao-code-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        proc = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(src), str(Path(tmp) / "p")],
                              capture_output=True, timeout=120)
        if proc.returncode != 0:
            return []
        files = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1]))
        return [Image.open(f).convert("L") for f in files]


def choose_spot(img, w: float, h: float, text: str) -> Spot:
    for spot in candidates(w, h, text):
        if img is not None and _ink(img, w, h, _boxes(spot, text)) == 0:
            return spot
    return strip_spot(w, h)


# ------------------------------------------------------------------ drawing

def _overlay(w: float, h: float, code: PageCode, spot: Spot) -> bytes:
    import segno
    from fpdf import FPDF

    qr = segno.make_qr(code.text, error="m", boost_error=True)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    pdf = FPDF(unit="pt", format=(w, h))
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_fill_color(255, 255, 255)
    quiet = spot.qr / n * 1.5
    pdf.rect(spot.qr_x - quiet, h - spot.qr_y - spot.qr - quiet, spot.qr + 2 * quiet, spot.qr + 2 * quiet, style="F")
    pdf.set_fill_color(0, 0, 0)
    cell = spot.qr / n
    top = h - spot.qr_y - spot.qr
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                pdf.rect(spot.qr_x + start * cell, top + r * cell, (c - start) * cell + 0.05, cell + 0.05, style="F")
            else:
                c += 1
    text = code.text
    if text.isascii() and MONO_FONT.is_file():   # embedded (volumes are PDF/A), and reads well by OCR
        pdf.add_font("mono", "", str(MONO_FONT))
        pdf.set_font("mono", size=TEXT_PT)
    else:
        from archive.pdffont import add_font

        add_font(pdf, "cjk")
        pdf.set_font("cjk", size=TEXT_PT)
    pdf.set_text_color(0, 0, 0)
    if spot.vertical:
        with pdf.rotation(90, x=spot.text_x, y=h - spot.text_y):
            pdf.text(spot.text_x, h - spot.text_y, text)
    else:
        pdf.text(spot.text_x, h - spot.text_y, text)
    return bytes(pdf.output())


def stamp(data: bytes, codes: list[PageCode]) -> bytes:
    """The PDF with codes[i] stamped on page i (a page without a code is left as it is)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    images = _page_images(data)
    writer = pypdf.PdfWriter(clone_from=reader)
    for i, page in enumerate(writer.pages):
        if i >= len(codes) or codes[i] is None:
            continue
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        spot = choose_spot(images[i] if i < len(images) else None, w, h, codes[i].text)
        over = pypdf.PdfReader(io.BytesIO(_overlay(w, h, codes[i], spot))).pages[0]
        if page.rotation:
            page.transfer_rotation_to_content()
        page.merge_translated_page(over, float(page.mediabox.left), float(page.mediabox.bottom))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def stamp_form(data: bytes, ws, case_no: str, form: str, event) -> bytes:
    """Stamp every page of one printed form of a household (from the workspace's cache of stamped
    copies when this form was stamped with these codes before)."""
    import pypdf

    n = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    return stamp_cached(data, codes_for(ws, case_no, form, event, n), Path(ws.paths.stamped_forms))


@functools.lru_cache(maxsize=1)
def _code_version() -> bytes:
    """What a stamped copy depends on besides the form and its codes: this module and segno."""
    import hashlib

    import segno

    return hashlib.sha256(Path(__file__).read_bytes() + b"\0" + segno.__version__.encode()).digest()


def stamp_cached(data: bytes, codes: list[PageCode], folder: Path) -> bytes:
    """stamp(data, codes), kept in folder by a SHA-256 of the converted form, the codes and the
    stamping code: a rebuild of a household whose form did not change (a scan was added, --force)
    takes the stamped copy instead of rasterising and stamping again (~0.15 s a form).  A missing,
    damaged or unwritable entry only means stamping again."""
    import hashlib

    from archive.errors import DibaoError
    from archive.fsutil import atomic_write_bytes, ensure_dir

    h = hashlib.sha256(_code_version())
    h.update(hashlib.sha256(data).digest())
    for c in codes:
        h.update(b"\0" + (c.text.encode("utf-8") if c is not None else b"-"))
    path = folder / f"{h.hexdigest()}.pdf"
    try:
        kept = path.read_bytes()
        if kept.startswith(b"%PDF-") and b"%%EOF" in kept[-1024:]:
            return kept
    except OSError:
        pass
    out = stamp(data, codes)
    try:
        ensure_dir(folder)
        atomic_write_bytes(path, out, durable=False)
    except (OSError, DibaoError):   # fsutil reports write failures as OutputError
        log.debug("stamped copy not cached in %s", folder, exc_info=True)
    return out


def stamp_form_file(path: Path, ws, case_no: str, form: str, event) -> None:
    from archive.fsutil import atomic_write_bytes

    path = Path(path)
    atomic_write_bytes(path, stamp_form(path.read_bytes(), ws, case_no, form, event))


def event_for(form_id: str, hh, key=None) -> str:
    """The event token of the copy of form_id that render() prints for hh with event=key."""
    from archive.forms import builders, catalog

    try:
        tok = event_token(builders.pick_event(catalog.get(form_id), hh, key))
    except Exception:  # noqa: BLE001 - no event fits: the form is printed without one
        tok = "-"
    if tok == "-" and key is not None:
        # a form without events of its own (fenxi-12) printed for one check: the code names it
        tok = key if isinstance(key, str) and TOKEN_RE.match(key) else (event_token(key) if not isinstance(key, str) else "-")
    return tok
