"""The public change log: every change of what an anonymous reader sees of a claim, recorded in
the transaction of the change, in commit order. The change feed (/api/v1/changes/,
/feeds/changes.atom) and the release notes read it; replaying it rebuilds the public dataset.

One function writes it, `public_changes_record`: it compares each touched claim's public state
(the JSON that GET /api/v1/claims/<id>/ gives anonymous callers, and the approved claims that
supersede it) with the state last logged, and logs the difference as approved, corrected,
merged, superseded or retracted. A pending-only change touches nothing public and logs nothing;
a second call with nothing changed logs nothing.

Who calls it: services wrap their writes in `changes_batch()` (the claims they touch are logged
once, at the end of the batch, still inside their transaction); model signals touch a claim
when it, its sources, its relations, its articles, outlets or claimant change, so writes that
bypass the services (admin, commands) log too: immediately, outside a batch. Writes that bypass
signals (bulk_create, queryset.update()) call `public_changes_record` themselves.

Entries are kept for ever: the log is also what an as-of view of the past can be rebuilt from.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimRelation,
    ClaimSource,
    Outlet,
    PublicChange,
)

_local = threading.local()
Kind = PublicChange.Kind
CHUNK = 500
MERGED = "merged"


class _Batch:
    def __init__(self) -> None:
        self.claims: dict[int, str | None] = {}  # claim id -> hint ("merged") or None

    def add(self, claim_id: int, hint: str | None) -> None:
        if hint is not None or claim_id not in self.claims:
            self.claims[claim_id] = hint


@contextmanager
def changes_batch() -> Iterator[None]:
    """Collect the claims touched inside the block and log their public changes once, when the
    outermost block ends without an error (call it inside the caller's transaction)."""
    if getattr(_local, "batch", None) is not None:
        yield
        return
    batch = _local.batch = _Batch()
    try:
        yield
    finally:
        _local.batch = None
    public_changes_record(claim_ids=list(batch.claims), hints=batch.claims)


def public_change_touch(claim_id: int | None, *, hint: str | None = None) -> None:
    """The claim's public state may have changed: log it at the end of the current batch, or
    now when no batch is open."""
    if claim_id is None:
        return
    batch = getattr(_local, "batch", None)
    if batch is not None:
        batch.add(claim_id, hint)
    else:
        public_changes_record(claim_ids=[claim_id], hints={claim_id: hint})


# --- The public state of a claim ----------------------------------------------------------------


def public_claims():
    """Approved claims with what their public JSON needs, as the anonymous API reads them."""
    sources = ClaimSource.objects.select_related("article__outlet")
    approved = Claim.objects.filter(status=Claim.Status.APPROVED).select_related("claimant")
    return approved.prefetch_related(Prefetch("sources", queryset=sources))


def claim_public_json(claims: Iterable[Claim]) -> list[dict]:
    """The JSON of GET /api/v1/claims/<id>/ for an anonymous caller, as plain data."""
    from rest_framework.renderers import JSONRenderer

    from tracker.api.serializers import ClaimSerializer

    data = ClaimSerializer(list(claims), many=True).data
    return json.loads(JSONRenderer().render(data))


def _superseding(ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    rows = ClaimRelation.objects.filter(
        kind=ClaimRelation.Kind.SUPERSEDES,
        to_claim_id__in=ids,
        from_claim__status=Claim.Status.APPROVED,
    ).values_list("to_claim_id", "from_claim_id")
    for to_id, from_id in rows.order_by("from_claim_id"):
        found.setdefault(to_id, []).append(from_id)
    return found


def _last_entries(ids: list[int]) -> dict[int, PublicChange]:
    if not ids:
        return {}
    latest = (
        PublicChange.objects.filter(claim_id__in=ids)
        .values("claim_id")
        .annotate(last=Max("seq"))
        .values("last")
    )
    return {e.claim_id: e for e in PublicChange.objects.filter(seq__in=latest)}


def _lock_log() -> None:
    # Entries must become visible in `seq` order, or a reader resuming after seq n could miss
    # an n-1 committed later: one writer at a time, until its transaction commits. (SQLite
    # serialises writers already.)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PublicChange._meta.db_table} IN EXCLUSIVE MODE")


def _retraction_reason(status: str | None, note: str) -> str:
    from tracker.services import REJECT_REASONS

    if status is None:
        return "Deleted."
    if status == Claim.Status.PENDING:
        return "Returned to review."
    # The usual reasons are public; an editor's own words stay on the editors' desk
    # (tracker.disclosure: review_note is internal).
    return note if note in REJECT_REASONS else "Rejected on review."


def public_changes_record(
    *, claim_ids: Iterable[int], hints: dict[int, str | None] | None = None
) -> list[PublicChange]:
    """Log the public change of each claim in `claim_ids` since its last entry (nothing when
    its public state is unchanged). `hints` name a change the state cannot tell: {id: "merged"}
    for a claim that took in a restating statement. Returns the entries written."""
    hints = hints or {}
    pending = list(dict.fromkeys(i for i in claim_ids if i is not None))
    written: list[PublicChange] = []
    seen: set[int] = set()
    locked = False
    while pending:
        ids, pending = pending[:CHUNK], pending[CHUNK:]
        seen.update(ids)
        status = dict(Claim.objects.filter(pk__in=ids).values_list("pk", "status"))
        # Only claims public now, or public at their last entry, can have a public change: a
        # pending claim's edits (most writes, from ingest) stop here, without the lock.
        others = [i for i in ids if status.get(i) != Claim.Status.APPROVED]
        was_public = {i for i, e in _last_entries(others).items() if e.snapshot is not None}
        ids = [i for i in ids if status.get(i) == Claim.Status.APPROVED or i in was_public]
        if not ids:
            continue
        if not locked:
            _lock_log()
            locked = True
        last = _last_entries(ids)  # read under the lock: no other writer is between
        claims = list(public_claims().filter(pk__in=ids).order_by("pk"))
        snapshots = dict(zip([c.pk for c in claims], claim_public_json(claims), strict=True))
        superseding = _superseding([c.pk for c in claims])
        notes = dict(Claim.objects.filter(pk__in=ids).values_list("pk", "review_note"))
        now = timezone.now()
        entries: list[PublicChange] = []
        flipped: list[int] = []
        for claim_id in ids:
            before = last.get(claim_id)
            entry = _entry(
                claim_id,
                before,
                snapshots.get(claim_id),
                superseding.get(claim_id, []) if claim_id in snapshots else [],
                hints.get(claim_id),
            )
            if entry is None:
                continue
            if entry.kind == Kind.RETRACTED:
                entry.reason = _retraction_reason(status.get(claim_id), notes.get(claim_id, ""))
            entry.at = now
            entries.append(entry)
            if (before is None or before.snapshot is None) != (entry.snapshot is None):
                flipped.append(claim_id)
        PublicChange.objects.bulk_create(entries)
        written += entries
        # A claim that became public (or stopped being) supersedes publicly (or no longer).
        if flipped:
            more = ClaimRelation.objects.filter(
                kind=ClaimRelation.Kind.SUPERSEDES, from_claim_id__in=flipped
            ).values_list("to_claim_id", flat=True)
            pending += [i for i in dict.fromkeys(more) if i not in seen]
    return written


def _entry(
    claim_id: int,
    before: PublicChange | None,
    snapshot: dict | None,
    superseded_by: list[int],
    hint: str | None,
) -> PublicChange | None:
    was = before.snapshot if before is not None else None
    if was is None and snapshot is None:
        return None
    entry = PublicChange(claim_id=claim_id, snapshot=snapshot, superseded_by=superseded_by)
    if was is None:
        entry.kind = Kind.APPROVED
        return entry
    if snapshot is None:
        entry.kind = Kind.RETRACTED
        return entry
    changed = [k for k in snapshot if snapshot.get(k) != was.get(k)]
    changed += [k for k in was if k not in snapshot]
    old_by = list(before.superseded_by or [])
    if old_by != superseded_by:
        changed.append("superseded_by")
    if not changed:
        return None
    entry.changed_fields = changed
    gained = [i for i in superseded_by if i not in old_by]
    lost = [i for i in old_by if i not in superseded_by]
    if gained:
        entry.kind, entry.related_claim_id = Kind.SUPERSEDED, gained[0]
        entry.reason = f"Superseded by claim #{gained[0]}."
    elif hint == MERGED and "sources" in changed:
        entry.kind = Kind.MERGED
        entry.reason = "Another report of the same statement was merged into this claim."
    else:
        entry.kind = Kind.CORRECTED
        if lost and not [f for f in changed if f != "superseded_by"]:
            entry.related_claim_id = lost[0]
            entry.reason = f"No longer superseded by claim #{lost[0]}."
    return entry


def public_changes_seed() -> int:
    """Log every approved claim that the log does not know yet as 'approved' (the log's start
    for a database that had claims before it; the migration 0010 calls it). Idempotent."""
    logged = PublicChange.objects.values("claim_id")
    ids = list(
        Claim.objects.filter(status=Claim.Status.APPROVED)
        .exclude(pk__in=logged)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return len(public_changes_record(claim_ids=ids))


# --- Signals: every write path logs -------------------------------------------------------------


def _was_approved(instance: Claim) -> bool:
    # headlines.on_claim_saving (connected first) read the row before this save.
    before = getattr(instance, "_headline_before", None)
    return before is not None and before[2] == Claim.Status.APPROVED


def on_claim_saved(sender, instance: Claim, **kwargs) -> None:
    if instance.status == Claim.Status.APPROVED or _was_approved(instance):
        public_change_touch(instance.pk)


def on_claim_deleted(sender, instance: Claim, **kwargs) -> None:
    public_change_touch(instance.pk)


def on_source_changed(sender, instance: ClaimSource, origin=None, **kwargs) -> None:
    # A claim deleted takes its sources with it (cascade, first): one retraction follows, not
    # a correction per source on the way.
    if isinstance(origin, Claim) or getattr(origin, "model", None) is Claim:
        return
    # A source of a claim that is not public changes nothing public (its public JSON is null
    # before and after): no query when the claim object is at hand (ingest's new pending claims).
    claim = instance._state.fields_cache.get("claim")
    if claim is not None and claim.status != Claim.Status.APPROVED:
        return
    public_change_touch(instance.claim_id)


def on_relation_changed(sender, instance: ClaimRelation, **kwargs) -> None:
    if instance.kind == ClaimRelation.Kind.SUPERSEDES:
        public_change_touch(instance.to_claim_id)


# What a claim's public JSON shows of its article, outlet and claimant.
_SHOWN = {
    Article: ("title", "url", "published_at", "outlet_id"),
    Outlet: ("name",),
    Claimant: ("name", "short_name"),
}


def shown_as_read(instance, *, cited: bool | None = None) -> None:
    """`instance` was just read from its row, locked, in the transaction that will save it:
    its next save compares its shown fields with these instead of reading the row again.
    `cited`: for an article, whether an approved claim cites it, read with the row
    (`article_cited_publicly()`); when none does, its save logs nothing and does not ask."""
    instance._shown_before = tuple(getattr(instance, f) for f in _SHOWN[type(instance)])
    if cited is False:
        instance._uncited = True


def article_cited_publicly() -> Exists:
    """An annotation of articles: whether an approved claim cites it (the claims the change
    log names when the article's shown fields change)."""
    return Exists(
        ClaimSource.objects.filter(article=OuterRef("pk"), claim__status=Claim.Status.APPROVED)
    )


def on_shown_saving(sender, instance, **kwargs) -> None:
    fields = _SHOWN[sender]
    uncited = instance.__dict__.pop("_uncited", False)
    if instance.pk is None:
        instance._public_changed = False
        return
    before = instance.__dict__.pop("_shown_before", None)
    if before is None:
        before = sender.objects.filter(pk=instance.pk).values_list(*fields).first()
        uncited = False  # not read with the row: ask
    instance._public_changed = (
        not uncited and before is not None and before != tuple(getattr(instance, f) for f in fields)
    )


def on_shown_saved(sender, instance, **kwargs) -> None:
    if not getattr(instance, "_public_changed", False):
        return
    claims = Claim.objects.filter(status=Claim.Status.APPROVED)
    if sender is Article:
        claims = claims.filter(sources__article=instance)
    elif sender is Outlet:
        claims = claims.filter(sources__article__outlet=instance)
    else:
        claims = claims.filter(claimant=instance)
    for claim_id in claims.order_by("pk").values_list("pk", flat=True).distinct():
        public_change_touch(claim_id)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    post_save.connect(on_claim_saved, sender=Claim, dispatch_uid="changes-claim-saved")
    post_delete.connect(on_claim_deleted, sender=Claim, dispatch_uid="changes-claim-deleted")
    for signal in (post_save, post_delete):
        signal.connect(on_source_changed, sender=ClaimSource, dispatch_uid=f"changes-src-{signal}")
        signal.connect(
            on_relation_changed, sender=ClaimRelation, dispatch_uid=f"changes-rel-{signal}"
        )
    for model in _SHOWN:
        name = model._meta.model_name
        pre_save.connect(on_shown_saving, sender=model, dispatch_uid=f"changes-{name}-saving")
        post_save.connect(on_shown_saved, sender=model, dispatch_uid=f"changes-{name}-saved")


# --- Reads ------------------------------------------------------------------------------------


def parse_since(value: str) -> Q:
    """The filter of `?since=`: a sequence number (the entries after it) or an ISO date or
    datetime (the entries at or after it; a date or a naive time is UTC). ValueError with a
    message a caller can show when it is neither."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        seq = int(value)
        return Q(seq__gt=seq) if seq < 2**63 else Q(pk__in=[])  # past any bigint: nothing
    # A '+' in a query string arrives as a space: "…T10:00:00 02:00".
    text = value.replace(" ", "+") if "T" in value else value
    try:
        moment = parse_datetime(text)
        day = None if moment is not None else parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and day is not None:
        moment = dt.datetime.combine(day, dt.time.min)
    if moment is None:
        raise ValueError(
            "Give a change sequence number (e.g. 1234) or an ISO date or datetime "
            "(e.g. 2025-03-01 or 2025-03-01T12:00:00Z)."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    try:
        # Compared in UTC: PostgreSQL refuses some offsets ISO 8601 allows (+23:03).
        moment = moment.astimezone(dt.UTC)
    except OverflowError:  # past the calendar's edge in UTC: everything (year 1) or nothing
        return Q(pk__in=[]) if moment.year == dt.MAXYEAR else Q()
    return Q(at__gte=moment)


def public_changes(since: Q | None = None):
    """The change log in order, optionally from `since` (parse_since)."""
    qs = PublicChange.objects.order_by("seq")
    return qs.filter(since) if since is not None else qs
