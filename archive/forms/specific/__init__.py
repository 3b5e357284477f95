"""Form-specific code, keyed by form id: one registered module per county profile.

Most forms need nothing here: a form is filled from the common context (archive/forms/context.py)
for the events of its catalog entry (templates/docx/catalog.json `event`).  A form that differs —
it applies only to some households, picks its events another way, or adds its own data — is
registered by the module of its profile (fenxi.py, ezhou.py, yueyang.py; a new county adds
<profile>.py here, nothing else in the code)::

    from archive.forms.specific import register

    register("pingjiang-01", applicable=lambda hh: hh.type != "特困",
             context=lambda ctx, hh, config, ev: ctx.update(extra=...))

Every module in this package is imported on first use; `rules_for(form_id)` returns the form's
FormRules (the empty default for an unregistered form).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FormRules:
    """What is special about one form; every field is optional."""

    # (spec, household) -> the events the form is filled for; None: the default (the catalog's event)
    events: Callable | None = None
    # (household) -> does this household need the form at all
    applicable: Callable | None = None
    # (ctx, household, config, event) -> None: adds the form's own entries to its context
    context: Callable | None = None
    # (household) -> the form's title in the volume's contents when it depends on the household
    title: Callable | None = None
    # the income calculation is left blank (forms filled before the household is assessed)
    blank_calc: bool = False
    # used in every profile, not only its own (the application chain and the change form)
    shared: bool = False
    # list forms: which list this is ("review_notice", "confirm_notice", "review_schedule", "roster")
    list_kind: str | None = None


_REGISTRY: dict[str, FormRules] = {}
_loaded = False
NONE = FormRules()


def register(form_id: str, **rules) -> FormRules:
    """Register what is special about form_id (see FormRules); a second registration is an error."""
    if form_id in _REGISTRY:
        raise ValueError(f"form {form_id} registered twice")
    _REGISTRY[form_id] = FormRules(**rules)
    return _REGISTRY[form_id]


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")


def rules_for(form_id: str) -> FormRules:
    _load()
    return _REGISTRY.get(form_id, NONE)


def registered() -> dict[str, FormRules]:
    _load()
    return dict(_REGISTRY)
