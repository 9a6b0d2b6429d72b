"""How long each history row was the current state of its object (issue 18): `valid_until`.

Every history row of the models `?as_of=` reads (tracker.asof) carries the moment the next row
of the same object replaced it — NULL while it is the latest. A row shows its object at T when
`history_date <= T < valid_until`, so the state at T is a plain indexed filter on the history
table, not a search for each object's last row before T.

A database trigger on each history table keeps `valid_until` on every insert, whoever writes
the row (simple-history on a save or a delete, an import, SQL in a bulk load) and at no
query's cost: the new row ends where the next row of its object begins, and the row before it
ends where the new one begins. Migration 0017 set it on the rows that were there
(`close_all`) and created the triggers.

Claims, sources, relations and weapon links that have no history at all (loaded in bulk, or
imported) are given a creation row dated their `created_at` (a link: its claim's), as they are
now (`backfill`): the moment from which the past shows them. Claimants and outlets have no
creation time: those without history are shown at every moment (tracker.asof).
"""

from __future__ import annotations

from django.apps import apps as django_apps
from django.db import connections

# The link table of Claim.weapon_systems (which systems a claim names).
WEAPON_LINKS = "tracker.Claim_weapon_systems"
# The models whose past `?as_of=` reads from their history.
TRACKED = (
    "tracker.Claim",
    "tracker.ClaimSource",
    "tracker.ClaimRelation",
    "tracker.Claimant",
    "tracker.Outlet",
    WEAPON_LINKS,
)
# Those whose rows without history are given a creation row dated `created_at` — a weapon
# link, which has none, its claim's.
DATED = ("tracker.Claim", "tracker.ClaimSource", "tracker.ClaimRelation", WEAPON_LINKS)


def history_model(model, models_from=django_apps):
    """The Historical… model of `model` (in a migration: from its app registry)."""
    return models_from.get_model(model._meta.app_label, f"Historical{model._meta.object_name}")


def _names(connection, history) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    table = history._meta.db_table
    return quote(table), quote(history._meta.get_field("id").column), table


def _after(row: str, other: str) -> str:
    """SQL: `other` comes after `row` in an object's history (by date, then by insertion)."""
    return (
        f"({other}.history_date > {row}.history_date OR ({other}.history_date = "
        f"{row}.history_date AND {other}.history_id > {row}.history_id))"
    )


def _next_date(table: str, pk: str, row: str) -> str:
    """SQL: the date of the row that follows `row`, NULL when none does."""
    return (
        f"(SELECT MIN(n.history_date) FROM {table} n WHERE n.{pk} = {row}.{pk} "
        f"AND {_after(row, 'n')})"
    )


def close_all(*, connection, history) -> None:
    """Set `valid_until` on every row of the history table `history` (a model)."""
    table, pk, _ = _names(connection, history)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET valid_until = {_next_date(table, pk, table)}")


def _close_earlier(table: str, pk: str) -> str:
    """SQL run for each new row NEW: the rows of its object before it now end at its date."""
    return (
        f"UPDATE {table} SET valid_until = NEW.history_date WHERE {pk} = NEW.{pk} "
        f"AND {_after(table, 'NEW')} "
        f"AND (valid_until IS NULL OR valid_until > NEW.history_date)"
    )


def triggers_create(*, connection, history) -> None:
    """The trigger that keeps `valid_until` on every insert into `history`'s table."""
    table, pk, name = _names(connection, history)
    trigger = connection.ops.quote_name(f"{name}_validity")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"NEW.valid_until := {_next_date(table, pk, 'NEW')}; "
                f"{_close_earlier(table, pk)}; RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION {trigger}()"
            )
        else:  # SQLite: NEW cannot be changed; the new row is updated after its insert
            cursor.execute(
                f"CREATE TRIGGER {trigger} AFTER INSERT ON {table} FOR EACH ROW BEGIN "
                f"UPDATE {table} SET valid_until = {_next_date(table, pk, 'NEW')} "
                f"WHERE history_id = NEW.history_id; {_close_earlier(table, pk)}; END"
            )


def triggers_drop(*, connection, history) -> None:
    table, _, name = _names(connection, history)
    trigger = connection.ops.quote_name(f"{name}_validity")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def _created_at(connection, model) -> str:
    """SQL: when a row `c` of `model` was created — its `created_at`, or a weapon link's
    claim's (a link has no date of its own)."""
    if not any(f.name == "created_at" for f in model._meta.local_concrete_fields):
        claim = model._meta.get_field("claim")
        claims, quote = claim.related_model._meta, connection.ops.quote_name
        return (
            f"(SELECT created_at FROM {quote(claims.db_table)} "
            f"WHERE {quote(claims.pk.column)} = c.{quote(claim.column)})"
        )
    return "c.created_at"


def backfill(*, connection, model, history) -> int:
    """Give every row of `model` that has no history a creation row (history type '+', dated
    its `created_at`, as the row is now); returns how many."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    history_table, _, _ = _names(connection, history)
    kept = {f.column for f in history._meta.concrete_fields}
    columns = [quote(f.column) for f in model._meta.local_concrete_fields if f.column in kept]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history_table} ({', '.join(columns)}, history_date, history_type) "
            f"SELECT {', '.join(f'c.{c}' for c in columns)}, {_created_at(connection, model)}, "
            f"'+' FROM {table} c "
            f"WHERE NOT EXISTS (SELECT 1 FROM {history_table} h WHERE h.{pk} = c.{pk})"
        )
        return cursor.rowcount


def backfill_all(
    *, using: str = "default", models_from=django_apps, labels: tuple[str, ...] = DATED
) -> dict[str, int]:
    """After writes that bypass simple-history (an import's raw saves, COPY, SQL): a creation
    row for each claim, source, relation and weapon link without history. Returns the rows
    added per model. (`labels`: a migration names the models it knew.)"""
    connection = connections[using]
    added = {}
    for label in labels:
        model = models_from.get_model(label)
        added[label] = backfill(
            connection=connection, model=model, history=history_model(model, models_from)
        )
    return added
