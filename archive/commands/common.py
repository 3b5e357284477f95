"""Small helpers shared by several command modules (no library imports at the top)."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """Seconds as a clerk reads them: 2分5秒, or 4.2秒 under a minute."""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}分{s}秒" if m else f"{seconds:.1f}秒"
