"""The claimant alias table that editors keep in the database (admin: Claimant aliases)."""

from __future__ import annotations

from django.db import DatabaseError
from django.db.models import Value

from tracker.models import Claimant, ClaimantAlias


def claimant_aliases() -> dict[str, str]:
    """alias -> claimant name, from Claimant names, short names and ClaimantAlias rows.

    The extractor merges these over its built-in defaults. Empty when the database cannot be
    read (not reachable, or not migrated yet): extraction then runs on the defaults alone.
    """
    table: dict[str, str] = {}
    aliases: list[tuple[str, str]] = []
    # One round trip (this runs for every relevant article): names, then aliases, which win.
    names = (
        Claimant.objects.order_by()
        .annotate(alias_row=Value(False))
        .values_list("name", "short_name", "alias_row")
    )
    alias_rows = (
        ClaimantAlias.objects.order_by()
        .annotate(alias_row=Value(True))
        .values_list("alias", "claimant__name", "alias_row")
    )
    try:
        for first, second, alias_row in names.union(alias_rows, all=True):
            if alias_row:
                aliases.append((first, second))
                continue
            table[first] = first
            if second:
                table[second] = first
    except DatabaseError:
        return {}
    table.update(aliases)
    return table
