"""Small helpers shared by several command modules (no library imports at the top)."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """Seconds as a clerk reads them: 2分5秒, or 4.2秒 under a minute."""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}分{s}秒" if m else f"{seconds:.1f}秒"


class Progress:
    """The one progress bar of the command line (stderr, position, ETA, current item).

    Library code reports progress through a callback; this object is both kinds:
    ``progress(item)`` counts one more item (after ``start(total)``), and
    ``progress(done, total, item)`` sets the position (the bar starts at the first call).
    """

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def start(self, total: int) -> None:
        import sys

        import click

        if total and self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, show_pos=True, show_eta=True,
                                         file=sys.stderr, item_show_func=lambda x: x or "")
            self.bar.__enter__()

    def __call__(self, *args) -> None:
        if len(args) == 3:
            done, total, item = args
            self.start(total)
        else:
            (item,) = args
            done = self.done + 1
        if self.bar is not None:
            self.bar.update(done - self.done, item)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
