"""Finding the outside programs dibao runs, and how to install each: one table, one `find_program`.

Every adapter (LibreOffice in libreoffice.py/soffice.py, tesseract and poppler in indexer/ocr.py
and indexer/extract.py) asks here for its program, so a missing program is reported the same way
everywhere: ToolMissing naming the program and a real command that installs it (the same packages
tools/setup-system.sh installs; `make setup` in the project folder runs that script).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from archive.errors import ToolMissing

SETUP = "或在项目目录运行 make setup"


@dataclass(frozen=True)
class Program:
    name: str                      # key of PROGRAMS
    what: str                      # the program in words, for messages
    commands: tuple[str, ...]      # names looked up on PATH, in order
    packages: str                  # Debian packages that provide it
    places: tuple[str, ...] = ()   # absolute paths tried when PATH has none
    env: str | None = None         # environment variable naming the program (overrides the search)

    @property
    def install(self) -> str:
        """The command that installs it (Debian/Ubuntu)."""
        return f"sudo apt-get install {self.packages}"

    @property
    def hint(self) -> str:
        return f"请安装{self.what}：{self.install}（{SETUP}）"


PROGRAMS = {p.name: p for p in (
    Program("soffice", "LibreOffice", ("soffice", "libreoffice"),
            "libreoffice-writer-nogui python3-uno fonts-noto-cjk",
            ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"), env="DIBAO_SOFFICE"),
    Program("tesseract", "文字识别程序 tesseract", ("tesseract",), "tesseract-ocr tesseract-ocr-chi-sim"),
    Program("pdftoppm", "PDF 工具 pdftoppm（poppler）", ("pdftoppm",), "poppler-utils"),
    Program("pdftotext", "PDF 工具 pdftotext（poppler）", ("pdftotext",), "poppler-utils"),
)}


def install_hint(name: str) -> str:
    """'请安装…：sudo apt-get install …（或在项目目录运行 make setup）' for the program called name."""
    return PROGRAMS[name].hint


def find_program(name: str, *, required: bool = True, missing: str | None = None) -> str | None:
    """Path of the program called name (see PROGRAMS).

    Its environment variable, when set, must name a runnable file.  Not found: ToolMissing with the
    install command (message: missing, else 没有找到<what>), or None when not required.
    """
    prog = PROGRAMS[name]
    override = os.environ.get(prog.env) if prog.env else None
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise ToolMissing(f"环境变量 {prog.env} 指定的{prog.what}程序不存在或不能运行", path=override,
                          hint=f"改正或删除环境变量 {prog.env}；{prog.hint}")
    for command in prog.commands:
        found = shutil.which(command)
        if found:
            return found
    for place in prog.places:
        if os.access(place, os.X_OK):
            return place
    if not required:
        return None
    raise ToolMissing(missing or f"没有找到{prog.what}", hint=prog.hint)
