"""dibao: archive tooling for 低保 household files (records, forms, volumes, audit)."""

__version__ = "0.1.0"
