"""A full dump of the tracker as JSON lines, and reading it back with nothing lost.

One line per row: {"model": "tracker.claim", "pk": 7, "fields": {...}} — Django's serialization,
every field including timestamps, normalised figures and review data. Users are written by
username; on import a username this database lacks becomes empty (the row is kept).
Claim edit history (simple_history's HistoricalClaim rows) is part of the dump, after the claims;
imported rows are saved raw, so an import adds no history of its own, except a creation row
(dated its `created_at`) for each claim, source, relation and weapon link (its claim's) that
has none: `?as_of=` reads the past from history (tracker.validity).
An import is all or nothing and trusts nothing: each row is validated as the API and the admin
validate it and a claim's derived fields (confidence, normalised figures) are recomputed; one
refused row refuses the dump, with every problem listed by line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tracker import validity, weapons
from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    ClaimSource,
    Outlet,
    Place,
)

# In dependency order: each model only points at models above it.
EXCHANGE_MODELS = [
    Place,  # the gazetteer, which claims point at
    Claimant,
    ClaimantAlias,
    Outlet,
    Article,
    Claim,
    Claim.history.model,  # tracker.historicalclaim: who changed what, when
    ClaimSource,
    ClaimRelation,
]
_ALLOWED = {model._meta.label_lower for model in EXCHANGE_MODELS}
_USER_FIELDS = {"created_by", "reviewed_by", "edited_by", "submitted_by", "history_user"}


def dump_lines(chunk_size: int = 2000) -> Iterator[str]:
    """Every place, claimant, alias, outlet, article, claim, source and relation, one JSON line
    each."""
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


class ImportRefused(ValueError):
    """The dump has rows this database would refuse; nothing was written. `errors` lists each
    problem as "line N (model pk): what is wrong"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        super().__init__("\n".join(shown + ([f"… and {more} more"] if more else [])))


MAX_ERRORS_SHOWN = 50


class _RowRefused(Exception):
    pass


@transaction.atomic
def load_lines(lines: Iterable[str]) -> dict[str, int]:
    """Read a dump back, all or nothing: every row is validated as the API and the admin validate
    it (the model's full_clean; claims also their quote offsets, see `_validate`), claims get
    their derived fields recomputed, then rows are inserted or overwritten by primary key. Any
    refused row raises ImportRefused listing every problem by line, and nothing is written.
    Returns counts per model."""
    counts: dict[str, int] = {}
    usernames: dict[str, bool] = {}
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            with weapons.links_unrecorded():  # dated from their claims below (backfill_all)
                label = _load_row(line, usernames)
        except _RowRefused as exc:
            errors.append(f"line {number}{exc}")
            continue
        except DatabaseError as exc:  # the transaction is broken: report and stop here
            errors.append(f"line {number}: the database refused the row: {exc}")
            break
        counts[label] = counts.get(label, 0) + 1
    if errors:
        raise ImportRefused(errors)  # leaving the atomic block rolls every row back
    # New rows after an import must not collide with imported primary keys.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), EXCHANGE_MODELS):
            cursor.execute(sql)
    # Raw saves write no history: what the dump brought without any counts from its creation
    # for `?as_of=` (tracker.validity).
    validity.backfill_all(using=connection.alias)
    return counts


def _load_row(line: str, usernames: dict[str, bool]) -> str:
    """Validate and store one dump line (inside load_lines' transaction); returns its model."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _RowRefused(f": not JSON ({exc.msg})") from exc
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
        raise _RowRefused(': not a {"model", "pk", "fields"} object')
    label = record.get("model")
    if label not in _ALLOWED:
        raise _RowRefused(f": unknown model {label!r}")
    where = f" ({label} {record.get('pk')})"
    _resolve_users(record["fields"], usernames)
    try:
        [row] = serializers.deserialize("python", [record], handle_forward_references=False)
    except (DeserializationError, FieldDoesNotExist) as exc:
        cause = exc.__cause__ or exc
        message = "; ".join(cause.messages) if isinstance(cause, ValidationError) else cause
        raise _RowRefused(f"{where}: {message}") from exc
    instance = row.object
    _stamp(instance)
    if instance.pk is not None:
        instance._state.adding = False  # a row overwrites its primary key: not a clash with itself
    try:
        _validate(instance)
    except ValidationError as exc:
        raise _RowRefused(f"{where}: {_messages(exc)}") from exc
    row.save()  # raw: keeps timestamps and review data as dumped, writes no history
    return label


def _stamp(instance) -> None:
    """A hand-written row has no created/updated times: stamp it now, as a save would (a raw
    save keeps the dump's times and sets none)."""
    now = timezone.now()
    for field in instance._meta.concrete_fields:
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if automatic and getattr(instance, field.attname) is None:
            setattr(instance, field.attname, now)


def _validate(instance) -> None:
    """The checks the API and the admin make, per model."""
    if isinstance(instance, Claim.history.model):
        return  # history records past states as they were, under the vocabulary of the day
    if isinstance(instance, Claim):
        # As tracker.services.claim_create: clean() states the CHECK constraints' rules.
        instance.full_clean(validate_constraints=False)
        instance.derive_fields()
    elif isinstance(instance, Article):
        # Kept as dumped: pages link an article's URL only when it is http(s) (|http_url).
        instance.full_clean(exclude=["url"])
    elif isinstance(instance, ClaimSource):
        dumped = (instance.quote, instance.quote_start, instance.quote_end)
        # ClaimSource.clean checks that the quote is in its article (tracker.quotes) and
        # locates it; the dump's own offsets must hold it too, or the dump is damaged.
        instance.full_clean()
        quote, start, end = dumped
        problem = quote_offsets_problem(
            text=instance.article.text, quote=quote, start=start, end=end
        )
        if problem:
            raise ValidationError({"quote_start": problem})
    else:
        instance.full_clean()


def quote_offsets_problem(*, text: str, quote: str, start: int, end: int) -> str:
    """What is wrong with a source's quote offsets, or "" when they hold the quote. (0, 0) is
    how earlier versions stored a quote they could not locate: ClaimSource.clean then looks
    for the quote in the text, and refuses it when it is not there."""
    if (start, end) == (0, 0):
        return ""
    if not 0 <= start < end <= len(text):
        return f"quote offsets {start}–{end} are outside the article text ({len(text)} characters)"
    if text[start:end].strip() != quote.strip():
        return (
            f"quote offsets {start}–{end} do not hold the quote: the article text there reads "
            f"{text[start:end][:80]!r}"
        )
    return ""


def _messages(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return "; ".join(exc.messages)
    parts = []
    for field, errors in exc.error_dict.items():
        if len(errors) > 1:  # clean() says more than the generic "not a valid choice"
            errors = [e for e in errors if e.code != "invalid_choice"] or errors
        for error in errors:
            message = _message(error)
            parts.append(message if field == NON_FIELD_ERRORS else f"{field}: {message}")
    return "; ".join(parts)


def _message(error: ValidationError) -> str:
    params = error.params or {}
    if error.code == "invalid" and {"model", "value"} <= set(params):  # a ForeignKey's target
        return (
            f"there is no {params['model']} {params['value']!r} in this database or earlier "
            "in the dump"
        )
    return error.messages[0]
