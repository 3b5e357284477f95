"""Text normalisation shared by indexing and querying (one function: ``normalize``).

Every text that goes into the index (PDF text layers, Word paragraphs, OCR output) and every
query goes through ``normalize`` so that both sides meet:

* NFKC (full-width → half-width letters, digits and punctuation) and curly/corner quotes → ``"``;
* traditional → simplified characters (OpenCC t2s);
* stray marks that OCR puts at the start of a line (table borders read as ``|`` ``丨`` ``_``,
  check boxes ``□`` ``☐`` and their OCR reading ``口`` followed by a space, bullets) are dropped;
  ``丨`` (a table border, practically never a real character) is dropped everywhere;
* lines are joined inside Chinese text: a line break (with the spaces around it) between a
  Chinese character or Chinese punctuation and a Chinese character, digit or punctuation is
  removed, so a word that wraps a line ("赡\\n养") is one word again; line breaks between
  Latin letters or between two numbers stay (they separate table cells and numbers);
* spaces OCR puts between Chinese characters, and between a number and a Chinese character
  ("2022 年"), are removed (``join_cjk``; queries keep spaces because they separate words).

Punctuation differences inside phrases ("应保尽保、应退尽退" vs "应保尽保应退尽退") are handled
one step later, by the positional token stream (``indexer.analysis.seq_tokens`` ignores
punctuation and white space between characters); ``match_key`` gives the same view as a plain
string (for tests and oracles).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Chinese punctuation after NFKC (full-width ，：；！？（） become ASCII; 、。《》「」【】 stay).
_CJK_PUNCT = "、。，,：:；;！!？?（）()《》〈〉【】〔〕“”\"…—·"
CJK_RE = re.compile(f"[{_CJK}]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "„": '"', "〝": '"',
                         "〞": '"'})

# Marks OCR reads at the start of a line (table borders, check boxes, bullets, dirt).
_STRAY = "|¦_~`'‘’^*#■□☐☑☒▪▫●○◆◇◎•・"
_STRAY_START_RE = re.compile(rf"^[ \t\u00a0\u3000]*(?:[{re.escape(_STRAY)}]+|口(?=[ \t]+\S))[ \t\u00a0\u3000]*",
                             re.MULTILINE)
_WS = "[ \\t\\u00a0\\u3000]"
_LINE_EDGE_RE = re.compile(r"^[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+$", re.MULTILINE)
# A line break between Chinese text and Chinese text, a digit or punctuation (either way round).
_JOIN_LINES_RE = re.compile(
    rf"(?<=[{_CJK}{re.escape(_CJK_PUNCT)}]){_WS}*\n[\s]*(?=[{_CJK}{re.escape(_CJK_PUNCT)}0-9])"
    rf"|(?<=[0-9]){_WS}*\n[\s]*(?=[{_CJK}])")
_CJK_SPACE_RE = re.compile(
    rf"(?<=[{_CJK}]){_WS}+(?=[{_CJK}0-9{re.escape(_CJK_PUNCT)}])"
    rf"|(?<=[0-9{re.escape(_CJK_PUNCT)}]){_WS}+(?=[{_CJK}])")
_SEPARATORS_RE = re.compile(r"[\W_]+")

_cc = None
_trad_chars: frozenset | None = None


def _opencc():
    global _cc
    if _cc is None:
        import opencc

        _cc = opencc.OpenCC("t2s")
    return _cc


def _traditional_chars() -> frozenset:
    """Characters that can start a t2s conversion (OpenCC's own dictionaries).

    Most text is already simplified; checking for these first skips OpenCC's slow
    pure-Python conversion for it."""
    global _trad_chars
    if _trad_chars is None:
        import opencc

        folder = Path(opencc.__file__).parent / "dictionary"
        chars = set()
        for name in ("TSCharacters.txt", "TSPhrases.txt"):
            with open(folder / name, encoding="utf-8") as fh:
                for line in fh:
                    key, _, value = line.rstrip("\n").partition("\t")
                    first = value.split(" ")[0]
                    if len(first) == len(key):
                        chars.update(a for a, b in zip(key, first) if a != b)
                    elif key != first:
                        chars.update(key)
        _trad_chars = frozenset(chars)
    return _trad_chars


def normalize(text: str, join_cjk: bool = True) -> str:
    """The one normalisation of indexed text and queries (see the module docstring).

    join_cjk=False (queries, keyword values) keeps white space, line breaks and marks (the query
    lexer splits words on spaces and reads | as OR); folding and traditional → simplified apply.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not CJK_RE.search(text):
        return text
    if not _traditional_chars().isdisjoint(text):
        text = _opencc().convert(text)
    text = text.replace("丨", " ")
    if join_cjk:
        text = _LINE_EDGE_RE.sub("", _STRAY_START_RE.sub("", text))
        text = _JOIN_LINES_RE.sub("", text)
        text = _CJK_SPACE_RE.sub("", text)
    return text


def match_key(text: str) -> str:
    """Normalised text without white space and punctuation, lower-cased: two texts that a phrase
    search treats as equal have the same key (an oracle for tests)."""
    return _SEPARATORS_RE.sub("", normalize(text)).lower()
