"""Highlighted snippets cut from the stored (normalised, ID-masked) page text."""

from __future__ import annotations

import re

OPEN, CLOSE = "【", "】"
_WS = re.compile(r"\s+")


def make_snippet(text: str, patterns: list[str], width: int = 90) -> str:
    """A window of about `width` characters around the densest matches, matches marked 【…】."""
    text = _WS.sub(" ", text or "").strip()
    if not text:
        return ""
    spans = []
    if patterns:
        rx = re.compile("|".join(f"(?:{p})" for p in sorted(set(patterns), key=len, reverse=True)), re.IGNORECASE)
        spans = [m.span() for m in rx.finditer(text) if m.end() > m.start()]
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    # Pick the window start (at a match) that covers the most matches.
    best, best_n = spans[0][0], 0
    for s, _ in spans:
        n = sum(1 for a, b in spans if a >= s and b <= s + width)
        if n > best_n:
            best, best_n = s, n
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
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")
