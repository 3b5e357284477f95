"""Word templates (templates/docx/) and their catalog, shipped as package data."""

from pathlib import Path

DOCX_DIR = Path(__file__).resolve().parent / "docx"
