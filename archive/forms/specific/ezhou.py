"""鄂州市鄂城区 (seed 000): the change confirmation form applies to households with a change."""

from __future__ import annotations

from archive.forms.specific import register

# the change form (seed 000 附件1) is the only one of its kind in the seeds: used in every profile
register("ezhou-01", applicable=lambda hh: bool(hh.events_of("变更")), shared=True)
