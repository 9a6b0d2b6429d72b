"""A full dump of the tracker as JSON lines, and reading it back with nothing lost.

One line per row: {"model": "tracker.claim", "pk": 7, "fields": {...}} — Django's serialization,
every field including timestamps, normalised figures and review data. Users are written by
username; on import a username this database lacks becomes empty (the row is kept).
Claim edit history (simple_history's HistoricalClaim rows) is part of the dump, after the claims;
imported rows are saved raw, so an import adds no history of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    ClaimSource,
    Outlet,
)

# In dependency order: each model only points at models above it.
EXCHANGE_MODELS = [
    Claimant,
    ClaimantAlias,
    Outlet,
    Article,
    Claim,
    Claim.history.model,  # tracker.historicalclaim: who changed what, when
    ClaimSource,
    ClaimRelation,
]
_USER_FIELDS = {"created_by", "reviewed_by", "edited_by", "submitted_by", "history_user"}


def dump_lines(chunk_size: int = 2000) -> Iterator[str]:
    """Every claimant, alias, outlet, article, claim, source and relation, one JSON line each."""
    for model in EXCHANGE_MODELS:
        rows = model.objects.order_by("pk").iterator(chunk_size=chunk_size)
        while chunk := list(islice(rows, chunk_size)):
            for record in serializers.serialize("python", chunk, use_natural_foreign_keys=True):
                # str() keeps microseconds (DjangoJSONEncoder would drop them).
                line = json.dumps(record, default=str, ensure_ascii=False, sort_keys=True)
                # U+2028/2029 are line breaks to str.splitlines() and JavaScript: keep one
                # record per line for every reader by writing them as JSON escapes.
                yield line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def _resolve_users(fields: dict, usernames: dict[str, bool]) -> None:
    User = get_user_model()
    for name in _USER_FIELDS & set(fields):
        ref = fields[name]
        if ref is None:
            continue
        username = ref[0] if isinstance(ref, list) else ref
        if username not in usernames:
            usernames[username] = User.objects.filter(username=username).exists()
        fields[name] = [username] if usernames[username] else None


@transaction.atomic
def load_lines(lines: Iterable[str]) -> dict[str, int]:
    """Read a dump back: rows are inserted or overwritten by primary key. Returns counts."""
    counts: dict[str, int] = {}
    usernames: dict[str, bool] = {}
    allowed = {model._meta.label_lower for model in EXCHANGE_MODELS}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("model") not in allowed:
            raise ValueError(f"line {number}: unknown model {record.get('model')!r}")
        _resolve_users(record["fields"], usernames)
        for obj in serializers.deserialize("python", [record], handle_forward_references=False):
            obj.save()
        counts[record["model"]] = counts.get(record["model"], 0) + 1
    # New rows after an import must not collide with imported primary keys.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), EXCHANGE_MODELS):
            cursor.execute(sql)
    return counts
