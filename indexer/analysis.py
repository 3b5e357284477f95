"""Chinese text analysis shared by documents and queries, and by every backend.

Text is analysed in Python into space-separated tokens; each engine only splits
on white space, so both backends (and a future server engine) see exactly the
same terms.  Three token streams come out of one text:

* ``words`` – jieba search-mode words plus every CJK character on its own
  (single-character queries) – used for ranking and one-character terms;
* ``seq``   – a positional stream: Chinese text as overlapping character bigrams
  (across punctuation and white space), letter/digit runs as lower-cased tokens; a
  break token only where an ID number was taken out.  A query term becomes a phrase of consecutive ``seq`` tokens, so
  any substring of two or more characters is found, including names that are
  missing from jieba's dictionary;
* ``ids``   – resident ID numbers, never in plain text: a keyed hash (HMAC-SHA256
  with the workspace key) of the whole number, plus its last 4 and last 6
  characters.

Normalisation before all of this: ``indexer.textnorm.normalize`` (NFKC, traditional →
simplified, stray OCR marks dropped, lines joined inside Chinese text, no spaces between
Chinese characters or between numbers and Chinese).  The stored text (for snippets) is the
normalised text with every ID number masked (4207**********4315).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
from dataclasses import dataclass

from archive import redact
from archive.redact import mask
from indexer import textnorm

BREAK = "|"
ID_HASH_PREFIX = "idh:"
ID_TAIL4_PREFIX = "id4:"
ID_TAIL6_PREFIX = "id6:"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
CJK_RE = re.compile(f"[{_CJK}]")
_RUN_RE = re.compile(f"[{_CJK}]+|[0-9a-z]+")


_lock = threading.Lock()
_jieba = None
_pending_words: list[tuple[str, int | None]] = []


# ---------------------------------------------------------------- normalising

normalize = textnorm.normalize   # the one normalisation of documents and queries


# ---------------------------------------------------------------- jieba

def add_words(words) -> None:
    """Add workspace words (village and town names, form terms) to jieba's dictionary.

    Words given before jieba is loaded are added when it loads.
    """
    items = [(normalize(w).strip(), None) for w in words if w and str(w).strip()]
    with _lock:
        if _jieba is None:
            _pending_words.extend(items)
            return
    for w, freq in items:
        _jieba.add_word(w, freq)


def jieba_tokenizer():
    """The process-wide jieba tokenizer, loaded on first use (about 1 s)."""
    global _jieba
    with _lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.initialize()
            for w, freq in _pending_words:
                tk.add_word(w, freq)
            _pending_words.clear()
            _jieba = tk
        return _jieba


# ---------------------------------------------------------------- ID numbers

def find_ids(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical number) of every ID number and card number in text, in any spelling
    (archive.redact.find)."""
    return [(f.start, f.end, f.number) for f in redact.find(text)]


def id_hash_token(id_number: str, key: bytes) -> str:
    digest = hmac.new(key, id_number.strip().upper().encode("ascii", "replace"), hashlib.sha256).hexdigest()
    return ID_HASH_PREFIX + digest[:40]


def id_tokens(id_number: str, key: bytes) -> list[str]:
    s = id_number.strip().upper()
    return [id_hash_token(s, key), ID_TAIL4_PREFIX + s[-4:], ID_TAIL6_PREFIX + s[-6:]]


def key_id(key: bytes) -> str:
    """A fingerprint of the key, stored with the index to detect a changed key."""
    return hmac.new(key, b"dibao-index-key-id", hashlib.sha256).hexdigest()[:16]


# ---------------------------------------------------------------- analysis

@dataclass
class Analyzed:
    stored: str   # normalised text, ID numbers masked
    words: str    # space-separated
    seq: str      # space-separated, positional
    ids: str      # space-separated


def seq_tokens(text: str) -> list[str]:
    """The positional token stream of normalised text without ID numbers.

    Chinese characters make overlapping bigrams across white space and punctuation ("保、应"
    gives 保应), so a phrase matches whatever punctuation or line breaks the page has between
    its characters; a Chinese character alone between numbers or letters is a token of its own;
    number and letter runs are one token each.  No break token: separators are ignored."""
    out: list[str] = []
    cjk: list[str] = []

    def flush():
        if len(cjk) == 1:
            out.append(cjk[0])
        else:
            out.extend(cjk[i] + cjk[i + 1] for i in range(len(cjk) - 1))
        cjk.clear()

    for m in _RUN_RE.finditer(text.lower()):
        run = m.group(0)
        if CJK_RE.match(run):
            cjk.extend(run)
        else:
            if cjk:
                flush()
            out.append(run)
    if cjk:
        flush()
    return out


def seq_segments(text: str) -> list[str]:
    """The runs seq_tokens reads as units: Chinese text (separators dropped), numbers, words."""
    out: list[str] = []
    for m in _RUN_RE.finditer(text.lower()):
        run = m.group(0)
        if out and CJK_RE.match(run) and CJK_RE.match(out[-1]):
            out[-1] += run
        else:
            out.append(run)
    return out


def word_tokens(text: str) -> list[str]:
    """jieba search-mode words (lower-cased) plus every CJK character."""
    out = []
    for w in jieba_tokenizer().cut_for_search(text):
        w = w.strip().lower()
        if w and _RUN_RE.search(w) and not w.isspace():
            out.append(w.replace(" ", ""))
    out.extend(CJK_RE.findall(text))
    return out


def analyze(text: str, key: bytes, *, normalized: bool = False) -> Analyzed:
    norm = text if normalized else normalize(text)
    ids = find_ids(norm)
    pieces, stored_parts, id_toks = [], [], []
    pos = 0
    for start, end, number in ids:
        pieces.append(norm[pos:start])
        stored_parts.append(norm[pos:start])
        stored_parts.append(mask(number))
        id_toks.extend(id_tokens(number, key))
        pos = end
    pieces.append(norm[pos:])
    stored_parts.append(norm[pos:])
    words: list[str] = []
    seq: list[str] = []
    for piece in pieces:
        words.extend(word_tokens(piece))
        toks = seq_tokens(piece)
        if seq and toks and seq[-1] != BREAK:
            seq.append(BREAK)
        seq.extend(toks)
    return Analyzed("".join(stored_parts), " ".join(words), " ".join(seq), " ".join(id_toks))


def is_cjk(s: str) -> bool:
    return bool(s) and all(CJK_RE.match(c) for c in s)
