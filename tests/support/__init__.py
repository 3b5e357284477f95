"""Shared test code that is not a test module: builders for records, workspaces, PDFs and forms.

Tests import from ``tests.support.*`` (or use the fixtures in tests/conftest.py); no test imports
another test module.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository checkout (holds cli.py, archive/, templates/, tools/)."""
