"""Set-based writes without the ORM's per-call SQL building: the statements a pipeline step
sends for every article, written out once per model and number of rows."""

from __future__ import annotations

import functools

from django.db import DatabaseError, connection, transaction
from django.db.models import AutoField
from django.db.models.signals import post_save, pre_save


def rows_insert(instances: list) -> list:
    """INSERT new `instances` (of one model, without a primary key) in one statement, as
    `Model.objects.bulk_create(instances)` does: each field's value is what its `pre_save`
    (add, so auto_now and auto_now_add fill in) and `get_db_prep_save` give, the columns the
    database returns (the primary key, db defaults) are set on each instance, and no signal
    is sent. The SQL is built once per model and number of rows: bulk_create compiled it
    again on every call, which cost more CPU than the insert's round trip. Falls back to
    bulk_create where the statement would differ (a value that is an expression, a primary key
    set, more rows than one statement takes, a database without RETURNING for many rows).
    Returns `instances`."""
    if not instances:
        return instances
    model = type(instances[0])
    fields, returning = _insert_fields(model)
    if (
        fields is None
        or not connection.features.can_return_rows_from_bulk_insert
        or connection.ops.bulk_batch_size(fields, instances) < len(instances)
        or any(instance._is_pk_set() for instance in instances)
    ):
        return model.objects.bulk_create(instances)
    params = []
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="bulk_create")
        row = [f.pre_save(instance, True) for f in fields]
        if any(hasattr(value, "resolve_expression") for value in row):
            return model.objects.bulk_create(instances)
        params += [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, len(instances)), params)
        returned = cursor.fetchall()
    alias = connection.alias
    for instance, values in zip(instances, returned, strict=True):
        for (column, converters), value in zip(returning, values, strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            setattr(instance, column.target.attname, value)
        instance._state.adding = False
        instance._state.db = alias
    return instances


@functools.cache
def _insert_fields(model) -> tuple[list | None, list]:
    """The fields bulk_create writes for rows without a primary key (None when a field's
    placeholder depends on its value), and those it reads back, each with the converters the
    ORM applies to a value read (backend's, then the field's)."""
    fields = [
        f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField)
    ]
    returning = []
    for field in model._meta.db_returning_fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        returning.append((column, converters))
    if any(hasattr(f, "get_placeholder") for f in fields):
        return None, returning
    return fields, returning


@functools.lru_cache(maxsize=256)
def _insert_sql(model, count: int) -> str:
    name = connection.ops.quote_name
    fields, returning = _insert_fields(model)
    row = f"({', '.join(['%s'] * len(fields))})"
    return (
        f"INSERT INTO {name(model._meta.db_table)} ({', '.join(name(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * count)} "
        f"RETURNING {', '.join(name(column.target.column) for column, _ in returning)}"
    )


def row_update(instance, update_fields: list[str]) -> None:
    """`instance.save(update_fields=update_fields)`, with its UPDATE built once per model and
    fields (the ORM compiled it on every save): the same signals (pre_save, then post_save,
    with the fields as a frozenset), the same values (each field's `pre_save`, so auto_now
    fields are set, then `get_db_prep_save`) and the same DatabaseError when no row was
    updated. For values, not expressions (F(), functions): those go through save()."""
    model = type(instance)
    fields, sql = _update_sql(model, tuple(update_fields))
    if sql is None:  # a field's placeholder depends on its value
        instance.save(update_fields=update_fields)
        return
    names = frozenset(update_fields)
    using = connection.alias
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=names)
    values = [f.pre_save(instance, False) for f in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        raise TypeError("row_update writes values: save() writes expressions")
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    params.append(model._meta.pk.get_db_prep_value(instance.pk, connection))
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount == 0:
            raise DatabaseError("Save with update_fields did not affect any rows.")
    instance._state.db = using
    instance._state.adding = False
    post_save.send(
        sender=model, instance=instance, created=False, update_fields=names, raw=False, using=using
    )


@functools.lru_cache(maxsize=64)
def _update_sql(model, names: tuple[str, ...]) -> tuple[list, str | None]:
    name = connection.ops.quote_name
    fields = [model._meta.get_field(n) for n in names]
    if any(f.primary_key or not f.concrete or f.generated for f in fields):
        raise ValueError(f"row_update cannot write {', '.join(names)}")
    if any(hasattr(f, "get_placeholder") for f in fields):
        return fields, None
    assignments = ", ".join(f"{name(f.column)} = %s" for f in fields)
    pk = name(model._meta.pk.column)
    return fields, f"UPDATE {name(model._meta.db_table)} SET {assignments} WHERE {pk} = %s"
