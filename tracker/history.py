"""Edit history as people read it: field labels instead of names, names instead of ids."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

# Bookkeeping that changes with every save and tells a reader nothing.
HIDDEN_FIELDS = {"updated_at", "norm_low", "norm_best", "norm_high", "norm_unit", "confidence"}


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.is_relation:
        return str(value)  # diff_against(foreign_keys_are_objs=True) gives the object
    if field is not None and field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def change_rows(model, changes) -> list[dict]:
    """[{field, label, old, new}] for simple-history ModelChange objects of `model`."""
    rows = []
    for change in changes:
        if change.field in HIDDEN_FIELDS:
            continue
        try:
            field = model._meta.get_field(change.field)
        except FieldDoesNotExist:
            field = None
        label = capfirst(field.verbose_name) if field is not None else change.field
        rows.append(
            {
                "field": change.field,
                "label": str(label),
                "old": _display(field, change.old),
                "new": _display(field, change.new),
            }
        )
    return rows


def set_labelled_deltas(model, records) -> None:
    """Give each historical record but the oldest `history_delta_changes` in readable form:
    what simple-history's admin template lists (field, old, new), with the field's label."""
    records = list(records)  # newest first, as the history page lists them
    for current, previous in zip(records, records[1:], strict=False):
        delta = current.diff_against(previous, foreign_keys_are_objs=True)
        current.history_delta_changes = [
            {"field": row["label"], "old": row["old"], "new": row["new"]}
            for row in change_rows(model, delta.changes)
        ]
