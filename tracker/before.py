"""A claim's row as it was before the save in progress, read once for every pre_save receiver
that needs it (headline history, cache versions, series state): one query per edit, none for a
new claim, none when no receiver asks.

`connect_signals` must be connected before those receivers (TrackerConfig.ready does it first):
its pre_save marks the row unread, so a claim object saved twice never serves the first save's
row to the second."""

from __future__ import annotations

_UNREAD = object()


def row_before(instance) -> dict | None:
    """The claim's stored row (every concrete field by attname) before this save; None for a
    claim not yet in the database. Call it from a pre_save receiver only."""
    row = instance.__dict__.get("_row_before", _UNREAD)
    if row is _UNREAD:
        row = None
        if instance.pk is not None:
            fields = [field.attname for field in type(instance)._meta.concrete_fields]
            row = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
        instance._row_before = row
    return row


def _mark_unread(sender, instance, **kwargs) -> None:
    instance._row_before = _UNREAD


def connect_signals() -> None:
    from django.db.models.signals import pre_save

    from tracker.models import Claim

    pre_save.connect(_mark_unread, sender=Claim, dispatch_uid="claim-row-before-unread")
