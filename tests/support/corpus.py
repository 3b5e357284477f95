"""The bad-input corpus: records, scans and templates, generated into a workspace by the tests.

Each case says what the file is, how to make it and what dibao must answer; the test
modules put every case next to good households and run the real commands.  Large
files (bombs, 100-megapixel images) are generated here rather than committed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
from PIL import Image

from archive.ids import check_char
from tests.support.records import make_id, record
from tests.support.pdfs import one_page_pdf, page_image, raw_pdf, stream, zero_bomb

BAD_VILLAGE = "试验村"


# ----------------------------------------------------------------------------- records


def good_record(case_no: str, n: int, **over) -> dict:
    """A valid record (tests.support.records.record) with ID numbers of its own (n: 1..99)."""
    rec = record(case_no, village=BAD_VILLAGE)
    rec["members"][0]["id_number"] = make_id("430621", "19700312", 100 + n, True)
    rec["members"][1]["id_number"] = make_id("430621", "19720805", 300 + n, False)
    rec.update(over)
    return rec


def _json(rec) -> bytes:
    return json.dumps(rec, ensure_ascii=False, indent=2).encode("utf-8")


def _with_member(n: int, **change) -> bytes:
    rec = good_record(f"BAD-{n:02d}", n)
    rec["members"][0].update(change)
    return _json(rec)


def _head_id(n: int, birth: str = "19700312", male: bool = True) -> str:
    return make_id("430621", birth, 100 + n, male)


def _bad_check(idn: str) -> str:
    wrong = "0" if idn[-1] != "0" else "1"
    return idn[:17] + wrong


def _impossible_birth_id(n: int) -> str:
    first17 = f"43062119990230{(100 + n) * 10 % 1000 + 1:03d}"
    return first17 + check_char(first17)


def _lowercase_x_id() -> str:
    for seq in range(1, 999):
        first17 = f"43062119800101{seq:03d}"
        if check_char(first17) == "X" and int(first17[16]) % 2 == 1:
            return first17 + "x"
    raise AssertionError("no ID with check character X")


def _events(rec: dict, **change) -> bytes:
    rec["events"][0].update(change)
    return _json(rec)


def _members(n: int, count: int) -> bytes:
    rec = good_record(f"BAD-{n:02d}", n)
    extra = []
    for i in range(count - len(rec["members"])):
        birth = (dt.date(1950, 1, 1) + dt.timedelta(days=37 * i + n)).strftime("%Y%m%d")
        extra.append({"name": f"成员{i:03d}", "sex": "男" if i % 2 else "女",
                      "id_number": make_id("430621", birth, 7, bool(i % 2)),
                      "relation": "其他", "marital": "未婚"})
    rec["members"].extend(extra)
    rec["events"].append({"id": "e3", "type": "审核确认", "date": "2023-04-20", "approved": True, "per_person": "300.00"})
    return _json(rec)


SPECIAL_TEXT = {
    "markup": "<b>李&amp;\"王\"</b> & <script>",
    "jinja": "{{ 7*7 }} {% if true %}X{% endif %} {# c #}",
    "rare": "吉𠮷祥〇村😀",
}


def _special(n: int) -> bytes:
    rec = good_record(f"BAD-{n:02d}", n)
    rec["members"][0]["name"] = "𠮷〇明"          # rare characters in the head's name
    rec["members"][1]["name"] = "王<秀>&英"
    rec["events"][0]["reason"] = SPECIAL_TEXT["markup"] + " " + SPECIAL_TEXT["jinja"] + " " + SPECIAL_TEXT["rare"]
    rec["incomes"][0]["member"] = "𠮷〇明"
    rec["events"][0]["applicant"] = "𠮷〇明"
    return _json(rec)


@dataclass
class RecordCase:
    name: str                 # file stem under households/试验村/
    data: bytes | None        # file content (None: made by `make`)
    expect: list[str]         # fragments of the problem message ([] = record is valid)
    field: str | None = None  # where validate must point (JSON path prefix)
    exit_validate: int = 1    # exit code of `dibao validate` on this file alone
    notes: str = ""
    make: object = None       # make(path, workspace_root) for cases that need more than bytes


def _sparse_big(path: Path, root: Path) -> None:
    with open(path, "wb") as fh:
        fh.truncate(21 * 2**20)  # sparse: costs no disk


def _symlink_out(path: Path, root: Path) -> None:
    outside = root.parent / "outside-secret.jpg"
    page_image((200, 300)).save(outside, "JPEG")
    link = root / "scans" / "BAD-27" / "其他_1.jpg"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        os.symlink(outside, link)
    rec = good_record("BAD-27", 27, attachments=[{"type": "其他", "path": "scans/BAD-27/其他_1.jpg"}])
    path.write_bytes(_json(rec))


def record_cases() -> list[RecordCase]:
    gbk = json.dumps(good_record("BAD-03", 3), ensure_ascii=False).encode("gbk")
    r = good_record
    cases = [
        RecordCase("not-json", b'{"case_no": "BAD-01", "members": [', ["不是有效的 JSON"], "第"),
        RecordCase("utf8-bom", b"\xef\xbb\xbf" + _json(r("BAD-02", 2)), [], notes="BOM is accepted", exit_validate=0),
        RecordCase("not-utf8-gbk", gbk, ["不是 UTF-8 编码"]),
        RecordCase("utf16", _json(r("BAD-04", 4)).decode("utf-8").encode("utf-16"), ["UTF-16"]),
        RecordCase("wrong-types", _json(r("BAD-05", 5, members="李建国")), ["应为列表"], "members"),
        RecordCase("missing-required", _json({k: v for k, v in r("BAD-06", 6).items() if k != "type"}),
                   ["缺少必填项“对象类型”"], "type"),
        RecordCase("unknown-field", _json(r("BAD-07", 7, income_total="123")), ["未知字段“income_total”"], "income_total"),
        RecordCase("null-file", b"null", ["顶层应为一个对象"]),
        RecordCase("null-field", _json(r("BAD-09", 9, village=None)), ["不能为空"], "village"),
        RecordCase("id-19-chars", _with_member(10, id_number=_head_id(10) + "1"), ["应为18位，现在是19位"],
                   "members[0].id_number"),
        RecordCase("id-bad-check", _with_member(11, id_number=_bad_check(_head_id(11))), ["校验位不正确"],
                   "members[0].id_number"),
        RecordCase("id-impossible-birth", _with_member(12, id_number=_impossible_birth_id(12)), ["不是真实日期"],
                   "members[0].id_number"),
        RecordCase("id-lowercase-x", _with_member(13, id_number=_lowercase_x_id()), ["应为大写X"], "members[0].id_number"),
        RecordCase("sex-contradicts-id", _with_member(14, sex="女"), ["与身份证号", "不一致"], "members[0].sex"),
        RecordCase("future-date", _events(r("BAD-15", 15), date="2099-03-01", accepted="2099-03-02"),
                   ["在今天之后"], "events[0].date"),
        RecordCase("dates-out-of-order", _events(r("BAD-16", 16), accepted="2023-02-01"), ["早于申请日期"],
                   "events[0].accepted"),
        RecordCase("negative-amount", _json(_set_income(r("BAD-17", 17), "-4800.00")), ["不能小于"], "incomes[0]"),
        RecordCase("huge-amount", _json(_set_income(r("BAD-18", 18), "123456789012345678.00")), ["过大"], "incomes[0]"),
        RecordCase("members-500", _members(19, 500), [], exit_validate=0, notes="validates; a filled form grows"),
        RecordCase("members-1001", _members(20, 1001), ["条目过多"], "members"),
        RecordCase("markup-template-emoji-rare", _special(21), [], exit_validate=0,
                   notes="values print literally; 𠮷 〇 😀 survive"),
        RecordCase("control-characters", _json(r("BAD-22", 22, notes="备注\x07响铃\x1b[31m")), ["控制字符"], "notes"),
        RecordCase("duplicate-case-no-a", _json(r("BAD-23", 23)), [], exit_validate=0, notes="first of the pair: kept"),
        RecordCase("duplicate-case-no-b", _json(r("BAD-23", 24)), ["duplicate-case-no-a.json", "重复"], "case_no",
                   exit_validate=0, notes="cross-record: reported when both files are checked"),
        RecordCase("attachment-dotdot", _json(r("BAD-25", 25, attachments=[
            {"type": "其他", "path": "scans/../../etc/passwd"}])), ["含有“..”"], "attachments[0].path"),
        RecordCase("attachment-absolute", _json(r("BAD-26", 26, attachments=[
            {"type": "其他", "path": "/etc/passwd"}])), ["绝对路径"], "attachments[0].path"),
        RecordCase("attachment-symlink-out", None, ["指向工作区之外"], "attachments[0].path", make=_symlink_out),
        RecordCase("empty-file", b"", ["文件是空的"]),
        RecordCase("top-level-list", b"[1, 2, 3]", ["顶层应为一个对象"]),
        RecordCase("too-big", None, ["文件过大"], make=_sparse_big),
        RecordCase("nesting-bomb", b"[" * 100_000 + b"]" * 100_000, ["嵌套过深"]),
        RecordCase("huge-integer", b'{"case_no": ' + b"9" * 5000 + b"}", ["位数过多"]),
        RecordCase("id-in-two-households", _with_member(33, id_number=_head_id(16)), ["也出现在"],
                   "members[0].id_number", exit_validate=0),
        RecordCase("nan-amount", _json(r("BAD-34", 34)).replace(b'"4800.00"', b"NaN"), ["金额"], "incomes[0]"),
    ]
    return cases


def _set_income(rec: dict, amount: str) -> dict:
    rec["incomes"][0]["amount"] = amount
    return rec


def write_record_cases(root: Path, cases: list[RecordCase]) -> dict[str, Path]:
    folder = root / "households" / BAD_VILLAGE
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for c in cases:
        p = folder / f"{c.name}.json"
        if c.make is not None:
            c.make(p, root)
        else:
            p.write_bytes(c.data)
        out[c.name] = p
    return out


# ----------------------------------------------------------------------------- scans


@dataclass
class ScanCase:
    name: str           # what it is
    file: str           # file name under scans/<case>/ (其他_<n>.<ext> follows the naming rule)
    accepted: bool      # filed into the volume (True) or listed as a problem (False)
    reason: list[str] = field(default_factory=list)  # fragments of the problem / note
    pages: int = 1


def _jpeg_bytes(im: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=60, **kw)
    return buf.getvalue()


def _png_bytes(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _png_bomb() -> bytes:
    ihdr = (20000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")


def _pdf_of_jpeg(jpeg: bytes) -> bytes:
    import img2pdf

    return img2pdf.convert(jpeg)


def _encrypted(pdf: bytes, user: str) -> bytes:
    w = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    w.encrypt(user_password=user, owner_password="5678", algorithm="AES-256")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _tiff_pages(n: int) -> bytes:
    frames = [page_image((620, 877)).convert("L") for _ in range(n)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(75, 75))
    return buf.getvalue()


def _exif_rotated() -> bytes:
    im = page_image((877, 620))
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    return _jpeg_bytes(im, exif=exif, dpi=(75, 75))


def _big_jpeg() -> bytes:
    """10000 × 10000 (100 megapixels) JPEG: the limit itself; JPEGs are embedded, not decoded."""
    return _jpeg_bytes(Image.new("L", (10000, 10000), 255))


def _sixteen_bit_png() -> bytes:
    im = Image.new("I;16", (400, 560))
    im.paste(30000, (50, 50, 350, 500))
    return _png_bytes(im)


def scan_cases() -> list[tuple[ScanCase, bytes]]:
    """Every bad or unusual scan with its bytes (about 2 MB in all, generated in about a second)."""
    jpg = _jpeg_bytes(page_image((620, 877)), dpi=(75, 75))
    pdf = _pdf_of_jpeg(jpg)
    bad_xref = one_page_pdf(stream(b"", b"0 0 m 100 100 l S"))
    bad_xref = bad_xref.replace(b"startxref\n" + bad_xref.rsplit(b"startxref\n", 1)[1].split(b"\n")[0],
                                b"startxref\n17")
    items = [
        (ScanCase("0-byte file", "其他_1.jpg", False, ["0字节"]), b""),
        (ScanCase("JPEG named .pdf", "其他_2.pdf", True, ["JPEG"]), jpg),
        (ScanCase("PDF named .jpg", "其他_3.jpg", True, ["PDF"]), pdf),
        (ScanCase("truncated JPEG", "其他_4.jpg", False, ["不完整"]), jpg[: len(jpg) // 2]),
        (ScanCase("truncated PDF", "其他_5.pdf", False, ["不完整"]), pdf[: len(pdf) // 2]),
        (ScanCase("PDF with a user password", "其他_6.pdf", False, ["密码"]), _encrypted(pdf, "1234")),
        (ScanCase("PDF with only an owner password", "其他_7.pdf", True, ["权限密码"]), _encrypted(pdf, "")),
        (ScanCase("malformed cross-reference table", "其他_8.pdf", True), bad_xref),
        (ScanCase("PNG declaring 20000×20000", "其他_9.png", False, ["20000×20000", "像素"]), _png_bomb()),
        (ScanCase("PDF stream expanding to 300 MB", "其他_10.pdf", False, ["压缩炸弹"]),
         one_page_pdf(stream(b"/Filter /FlateDecode", zero_bomb(300)))),
        (ScanCase("100-megapixel image", "其他_11.jpg", True), _big_jpeg()),
        (ScanCase("multi-page TIFF", "其他_12.tif", True, pages=3), _tiff_pages(3)),
        (ScanCase("CMYK JPEG", "其他_13.jpg", True), _jpeg_bytes(page_image((620, 877), mode="CMYK"), dpi=(75, 75))),
        (ScanCase("16-bit PNG", "其他_14.png", True), _sixteen_bit_png()),
        (ScanCase("RGBA PNG", "其他_15.png", True), _png_bytes(page_image((620, 877), mode="RGBA"))),
        (ScanCase("EXIF-rotated photo", "其他_16.jpg", True), _exif_rotated()),
        (ScanCase("image without DPI", "其他_17.jpg", True), _jpeg_bytes(page_image((620, 877)))),
        (ScanCase("garbage named .png", "其他_18.png", False, ["无法识别"]), b"\x00garbage" * 50),
        (ScanCase("Word file named .jpg", "其他_19.jpg", False, ["Word"]), b"PK\x03\x04" + b"\0" * 100),
        (ScanCase("PDF without pages", "其他_20.pdf", False, ["PDF"]),
         raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])),
    ]
    return items


def write_good_scan(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "户口簿.jpg"
    p.write_bytes(_jpeg_bytes(page_image((620, 877)), dpi=(75, 75)))
    return p


def write_scan_cases(folder: Path) -> dict[str, ScanCase]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case, data in scan_cases():
        (folder / case.file).write_bytes(data)
        out[case.file] = case
    return out


# ----------------------------------------------------------------------------- hashing


def tree_hashes(*roots: Path) -> dict[str, str]:
    """sha256 of every file (and link target) under the given folders/files."""
    from archive.fsutil import sha256_file

    out = {}
    for root in roots:
        root = Path(root)
        items = [root] if root.is_file() else sorted(root.rglob("*"))
        for p in items:
            if p.is_symlink():
                out[str(p)] = "link:" + os.readlink(p)
            elif p.is_file():
                out[str(p)] = sha256_file(p)
    return out


def source_hashes(ws_root: Path) -> dict[str, str]:
    """The workspace's sources: records, scans, configuration."""
    return tree_hashes(ws_root / "households", ws_root / "scans", ws_root / "dibao.toml")
