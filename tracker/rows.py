"""Set-based writes without the ORM's per-call SQL building: the statements a pipeline step
sends for every article, written out once per model and number of rows."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import AutoField


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
