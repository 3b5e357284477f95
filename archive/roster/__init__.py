"""Roster (台账/花名册) import and export: read.py, columns.py, values.py, layout.py, importer.py, store.py, check.py, export.py."""
