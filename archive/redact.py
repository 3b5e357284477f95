"""Find and mask resident ID numbers and bank card numbers in free text, in any spelling.

One function pair for everything that leaves a source (index text, snippets, titles, file
names, logs, reports, JSON under .dibao/, search output):

* `find(text)` -> the spans of ID numbers and card numbers, each with the number in canonical
  form (ASCII digits, upper-case X), so callers can keep a keyed hash and the tails for search;
* `redact(text)` -> the text with every such span replaced by a mask (4306**********123X).

Spellings recognised (the corpus in tests/reliability/test_redact.py): digits of any Unicode
script (full-width ０-９, super- and subscripts), separators between digits (spaces, dashes,
dots, middle dots, slashes, underscores, line breaks, up to four in a row), letters glued on
either side (学籍号G4306…, ID4306…), O/o/〇 for 0 and l/I/| for 1 inside a run of digits, a
check character X/x/Ｘ/×, 18-digit IDs anywhere in a longer run of digits (found by their
check character), old 15-digit IDs, and card numbers printed in groups.

Rules, from certain to cautious:
1. an 18-character window whose check character (GB 11643) is right and whose birth date is
   real is an ID, wherever it sits in a run;
2. a run of 15 to 20 digits (last may be X) with nothing between them is masked whole (an ID
   that OCR misread, a card, an old 15-digit ID) - as before this module;
3. a run split by separators is masked whole when it is an 18-character ID shape with a real
   birth date (a misread check character), a 15-digit old ID (province code and date), or a
   card number (16 to 21 digits in groups of 3 or more, starting 3, 4, 5, 6 or 9).
Dates, money columns and phone numbers do not fit these rules and are left alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Characters that stand for a digit: any Unicode decimal digit (\d: ASCII, full-width, other
# scripts) plus super- and subscript digits, which are not decimal digits to Unicode.
_SUPER = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_SUB = "".join(chr(0x2080 + i) for i in range(10))
_DIGIT = rf"[\d{_SUPER}{_SUB}]"
_LOOK = "Oo\u3007\uff2f\uff4fIl|\uff29\uff4c\u00a6"          # O o 〇 Ｏ ｏ I l | Ｉ ｌ ¦
_LOOK_ZERO = set("Oo\u3007\uff2f\uff4f")
_SEP = r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u3000\-\u2010-\u2015\u2212.\u00b7\u30fb\uff0e\uff0d_/\uff3f\uff0f]"
_X = "Xx\uff38\uff58\u00d7"
_GAP = f"{_SEP}{{0,4}}"
# A run: digits joined by short gaps; a look-alike letter only between digits; an optional
# check character X right after the last digit (a gap of at most one separator).
_RUN_RE = re.compile(
    rf"{_DIGIT}(?:{_GAP}(?:{_DIGIT}|[{re.escape(_LOOK)}]+(?={_GAP}{_DIGIT})))*(?:{_SEP}?[{_X}])?")
_SEP_ONLY = re.compile(_SEP)
_CARD_SEP = re.compile(r"[ \u00a0\u3000\-\u2010-\u2015\uff0d]+")
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                        45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91})

ID18 = "id18"      # an 18-character ID number with a right check character
ID_LIKE = "id"     # an ID number shape (15 or 18 characters, real date) without a right check
CARD = "card"      # a bank card number
LONG = "number"    # another long run of digits, masked because it may be either


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    number: str     # canonical: ASCII digits, upper-case X
    kind: str


def _digit_of(ch: str) -> str:
    if ch in _X:
        return "X"
    if ch in _LOOK_ZERO:
        return "0"
    if ch in _LOOK:
        return "1"
    if ch in _SUPER:
        return str(_SUPER.index(ch))
    if ch in _SUB:
        return str(_SUB.index(ch))
    return str(unicodedata.digit(ch))


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def _real_date(y: int, m: int, d: int) -> bool:
    if not 1880 <= y <= 2100:
        return False
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _id18_shape(s: str) -> bool:
    return (len(s) == 18 and s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")
            and int(s[:2]) in _PROVINCES and _real_date(int(s[6:10]), int(s[10:12]), int(s[12:14])))


def _id15_shape(s: str) -> bool:
    return (len(s) == 15 and s.isdigit() and int(s[:2]) in _PROVINCES
            and _real_date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12])))


def is_id18(s: str) -> bool:
    return _id18_shape(s) and check_char(s[:17]) == s[17]


def _scan(run: str, offset: int) -> list[Found]:
    # positions (in the text) of each digit-like character of the run, and their canonical value
    pos: list[int] = []
    chars: list[str] = []
    for i, ch in enumerate(run):
        if _SEP_ONLY.match(ch):
            continue
        pos.append(offset + i)
        chars.append(_digit_of(ch))
    s = "".join(chars)
    n = len(s)
    if n < 15:
        return []

    def span(a: int, b: int, kind: str) -> Found:
        return Found(pos[a], pos[b - 1] + 1, s[a:b], kind)

    out: list[Found] = []
    i = 0
    while i + 18 <= n:                       # rule 1: right check character anywhere in the run
        if is_id18(s[i:i + 18]):
            out.append(span(i, i + 18, ID18))
            i += 18
        else:
            i += 1
    # rule 2: a segment of 15 to 20 digits with nothing between them
    taken = [(f.start, f.end) for f in out]
    seg_start = 0
    for k in range(1, n + 1):
        if k == n or pos[k] != pos[k - 1] + 1 or chars[k - 1] == "X":
            a, b = seg_start, k
            seg_start = k
            plain = all(run[p - offset].isdigit() or run[p - offset] in _X for p in pos[a:b])
            if plain and 15 <= b - a <= 20 and "X" not in s[a:b - 1] and not any(
                    x < pos[b - 1] + 1 and pos[a] < y for x, y in taken):
                w = s[a:b]
                out.append(span(a, b, ID_LIKE if (_id18_shape(w) or _id15_shape(w)) else LONG))
    if out:
        return sorted(out, key=lambda f: f.start)
    if "X" in s[:-1]:
        return []
    if _id18_shape(s) or _id15_shape(s):     # rule 3: a separated ID shape or card number
        return [span(0, n, ID_LIKE)]
    groups = [g for g in _CARD_SEP.split(run.strip()) if g]
    if (16 <= n <= 21 and s.isdigit() and s[0] in "34569" and len(groups) >= 2
            and all(len(g) >= 3 and all(not _SEP_ONLY.match(c) for c in g) for g in groups)):
        return [span(0, n, CARD)]
    return []


def find(text: str) -> list[Found]:
    """Every ID number and card number in text, in order, with its canonical number."""
    if not text:
        return []
    out: list[Found] = []
    for m in _RUN_RE.finditer(text):
        if m.end() - m.start() >= 15 and not _in_hash(text, m.start(), m.end()):
            out.extend(_scan(m.group(0), m.start()))
    return out


_HEX = frozenset("0123456789abcdefABCDEF")


def _in_hash(text: str, start: int, end: int) -> bool:
    """The run is part of a hex digest (sha256, HMAC: 32 or more hex characters with letters),
    not a number: hashes are printed and chained and must come through unchanged."""
    a, b = start, end
    while a > 0 and text[a - 1] in _HEX:
        a -= 1
    while b < len(text) and text[b] in _HEX:
        b += 1
    token = text[a:b]
    return b - a >= 32 and all(c in _HEX for c in text[start:end]) and any(c.isalpha() for c in token)


def mask(number: str) -> str:
    """4207**********4315: first 4 and last 4 characters kept."""
    if not number:
        return ""
    s = str(number)
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def redact(text, *, found: list[Found] | None = None) -> str:
    """text with every ID number and card number masked (anything else is turned into str)."""
    if text is None:
        return ""
    text = text if isinstance(text, str) else str(text)
    spans = find(text) if found is None else found
    if not spans:
        return text
    parts, last = [], 0
    for f in spans:
        parts.append(text[last:f.start])
        parts.append(mask(f.number))
        last = f.end
    parts.append(text[last:])
    return "".join(parts)


def redact_json(value):
    """A JSON-like value (dicts, lists, strings) with every string redacted; keys included."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: redact_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_json(v) for v in value]
    return value


def has_number(text: str) -> bool:
    return bool(find(text))


# ---------------------------------------------------------------- sealed text

def _fernet(key: bytes):
    from cryptography.fernet import Fernet

    raw = hmac.new(key, b"dibao-index-path-key", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(text: str, key: bytes) -> str:
    """text itself when it names no ID or card number, else 'enc:' + its encryption with key
    (file paths that must be reopened later but may not be stored in clear)."""
    if not find(text):
        return text
    return "enc:" + _fernet(key).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(stored: str, key: bytes) -> str:
    """The text behind seal(); '' when it cannot be decrypted with this key."""
    if not stored.startswith("enc:"):
        return stored
    try:
        return _fernet(key).decrypt(stored[4:].encode("ascii")).decode("utf-8")
    except Exception:  # noqa: BLE001 - wrong key or damaged: show nothing rather than fail
        return ""
