"""Correction of known OCR confusions from the workspace's own vocabulary.

tesseract misreads a few characters that matter here again and again (measured on pages
made from the policy documents): 鄂→哪/加, 岳→拓/天, 赡→购, 菏→济, 聂→及, 兜→忽, and it
inserts a stray 口 (a check box or a stain).  Correcting a character on its own would
break real text (天, 加, 及 are common), so only whole words are corrected: the workspace's
names (户主 and members), villages, towns, counties, form titles of three or more characters
and a list of domain words (赡养, 低保边缘, 兜底…; two-character workspace words such as a
name 岳明 are not used: their misspelling 天明 is too often a real word).  For each such word every spelling with one known confusion (or
one stray 口 inside it) is listed; when such a misspelling appears in a page's text it is
replaced by the word.  "拓阳县" becomes 岳阳县 and "周购养" stays as it is unless a word
covers it; a misread that is not in the table (周秀英 read as 周秀荚) is not corrected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer import textnorm

# true character -> what tesseract reads instead (measurements.md, "OCR and search on real text")
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "鄂": ("哪", "加"), "岳": ("拓", "天"), "赡": ("购",), "菏": ("济",), "聂": ("及",), "兜": ("忽",),
}
STRAY = "口"
DOMAIN_WORDS = (
    "赡养", "赡养人", "赡养义务", "赡养费", "赡养义务人", "赡养能力", "低保边缘", "低保边缘家庭", "最低生活保障",
    "特困人员", "特困供养", "兜底", "兜底保障", "社会救助", "鄂州", "鄂州市", "鄂城区", "湖北省鄂州市",
    "岳阳", "岳阳县", "岳阳市", "湖南省岳阳市", "菏泽", "菏泽市", "汾西县", "聂家", "家庭经济状况",
    "入户调查", "民主评议", "应保尽保", "应退尽退", "动态管理",
)
MAX_WORD = 16


def _variants(word: str) -> set[str]:
    out = set()
    for i, ch in enumerate(word):
        for wrong in CONFUSIONS.get(ch, ()):
            out.add(word[:i] + wrong + word[i + 1:])
    if len(word) >= 2 and STRAY not in word:
        out.update(word[:i] + STRAY + word[i:] for i in range(1, len(word)))
    out.discard(word)
    return out


class Corrector:
    """Replaces misspellings of known words (see the module docstring) in page text."""

    def __init__(self, words: Iterable[str] = ()):
        vocab = {textnorm.normalize(str(w)).strip() for w in (*DOMAIN_WORDS, *words) if w}
        vocab = {w for w in vocab if 2 <= len(w) <= MAX_WORD and textnorm.CJK_RE.search(w)}
        fixes: dict[str, str] = {}
        domain = {textnorm.normalize(w) for w in DOMAIN_WORDS}
        for w in sorted(vocab):
            if len(w) < 3 and w not in domain:   # 岳明 -> 天明 would "correct" real text
                continue
            for v in _variants(w):
                # a misspelling that is itself a known word, or that two words share, is left alone
                if v in vocab:
                    continue
                fixes[v] = w if fixes.get(v, w) == w else ""
        self.fixes = {v: w for v, w in fixes.items() if w}
        self.words = frozenset(vocab)
        keys = sorted(self.fixes, key=len, reverse=True)
        self._re = re.compile("|".join(map(re.escape, keys))) if keys else None
        self.corrected = 0

    def __call__(self, text: str) -> str:
        """Normalised text with known misspellings of the vocabulary replaced."""
        if not text or self._re is None:
            return text

        def fix(m):
            self.corrected += 1
            return self.fixes[m.group(0)]

        return self._re.sub(fix, text)


def workspace_words(manifests=(), households=(), profiles=()) -> list[str]:
    """Names, villages, towns, counties and form titles of a workspace.

    manifests:  archive manifest dicts (household.head/village/town/county, document titles)
    households: record models or dicts with members (names)
    profiles:   county profile dicts (county, town names)
    """
    words: set[str] = set()
    for m in manifests:
        hh = m.get("household") or {}
        words.update(str(hh.get(k) or "") for k in ("head", "village", "town", "county"))
        for vol in m.get("volumes") or []:
            words.update(str(d.get("title") or "") for d in vol.get("documents") or [])
    for h in households:
        get = h.get if isinstance(h, dict) else (lambda k, h=h: getattr(h, k, None))
        words.update(str(get(k) or "") for k in ("village", "town", "county"))
        for mem in get("members") or []:
            name = mem.get("name") if isinstance(mem, dict) else getattr(mem, "name", None)
            words.add(str(name or ""))
    for p in profiles:
        words.update(str(v) for v in p.values() if isinstance(v, str) and "{" not in v)
    return sorted(w for w in words if w and len(w) <= MAX_WORD)
