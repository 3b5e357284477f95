"""Hand-built images and PDFs for scan tests: page-like pictures, raw PDF objects, decompression bombs."""

from __future__ import annotations

import zlib

from PIL import Image, ImageDraw


def page_image(size=(1240, 1754), mode="RGB", color="white") -> Image.Image:
    """A page-like image: a frame and some lines, so codecs have real content."""
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    w, h = size
    d.rectangle([w // 20, h // 20, w - w // 20, h - h // 20], outline=(0, 0, 0), width=3)
    for y in range(h // 8, h - h // 8, max(h // 30, 4)):
        d.line([(w // 10, y), (w - w // 10, y)], fill=(40, 40, 40), width=2)
    d.ellipse([w // 3, h // 3, w // 2, h // 2], fill=(200, 30, 30))
    return im.convert(mode) if mode != "RGB" else im


def raw_pdf(objects: list[bytes], *, trailer_extra: bytes = b"", xref: bool = True) -> bytes:
    """A minimal PDF from object bodies numbered 1..n (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, start)
    return bytes(out)


def stream(dict_body: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dict_body, len(data)) + data + b"\nendstream"


def one_page_pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] = ()) -> bytes:
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources %s >>" % resources,
        content,
        *extra,
    ])


def zero_bomb(megabytes: int) -> bytes:
    """A valid zlib stream of `megabytes` MiB of zeros, built in ~0.1 s (about 1 KB per MiB).

    With a full flush every MiB, each further MiB of zeros compresses to the same bytes.
    """
    mib = b"\0" * (1 << 20)
    c = zlib.compressobj(9)
    first = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(mib, adler)
    return first + again * (megabytes - 1) + b"\x03\x00" + adler.to_bytes(4, "big")
