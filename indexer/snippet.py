"""Highlighted snippets cut from the stored (normalised, ID-masked) page text."""

from __future__ import annotations

import re
from functools import lru_cache

from archive.redact import redact

OPEN, CLOSE = "【", "】"
_WS = re.compile(r"\s+")


@lru_cache(maxsize=64)
def _pattern(patterns: tuple[str, ...]):
    """One regex for a query's highlight patterns (compiled once per query, not per hit)."""
    return re.compile("|".join(f"(?:{p})" for p in sorted(set(patterns), key=len, reverse=True)), re.IGNORECASE)


def make_snippet(text: str, patterns: list[str], width: int = 90) -> str:
    """A window of about `width` characters around the densest matches, matches marked 【…】."""
    text = _WS.sub(" ", text or "").strip()
    if not text:
        return ""
    spans = []
    if patterns:
        spans = [m.span() for m in _pattern(tuple(patterns)).finditer(text) if m.end() > m.start()]
    if not spans:
        return redact(text[:width] + ("…" if len(text) > width else ""))
    # Pick the window start (at a match) that covers the most matches.  Matches do not
    # overlap, so their ends grow with their starts: count with a moving end pointer.
    best, best_n, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= s + width:
            j += 1
        if j - i > best_n:
            best, best_n = s, j - i
    start = max(0, best - width // 4)
    end = min(len(text), start + width)
    start = max(0, end - width)
    out, pos = [], start
    for a, b in spans:
        if a < start or b > end or a < pos:
            continue
        out.append(text[pos:a])
        out.append(OPEN + text[a:b] + CLOSE)
        pos = b
    out.append(text[pos:end])
    # the stored text is masked already; a snippet is masked again in case an old index is not
    return redact(("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else ""))
