"""The claimant alias table that editors keep in the database (admin: Claimant aliases)."""

from __future__ import annotations

from django.db import DatabaseError

from tracker.models import Claimant, ClaimantAlias


def claimant_aliases() -> dict[str, str]:
    """alias -> claimant name, from Claimant names, short names and ClaimantAlias rows.

    The extractor merges these over its built-in defaults. Empty when the database cannot be
    read (not reachable, or not migrated yet): extraction then runs on the defaults alone.
    """
    table: dict[str, str] = {}
    try:
        for name, short_name in Claimant.objects.values_list("name", "short_name"):
            table[name] = name
            if short_name:
                table[short_name] = name
        table.update(ClaimantAlias.objects.values_list("alias", "claimant__name"))
    except DatabaseError:
        return {}
    return table
