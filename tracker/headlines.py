"""Headline history: when a change to the claims may move a public headline, record it once the
transaction commits (`services.headline_change_record`, once per series per transaction), and
the reads of that history that pages, the API and the feed share.

Hooked on the models' signals, so every write path (services, admin, API, commands) records:
a claim saved or deleted, or a `supersedes` relation added or removed. A claim that neither
was nor is approved cannot move a public headline and is skipped; an edit that moves a claim
to another series records both series. Writes that bypass signals (bulk_create,
COPY, queryset.update()) do not record; call `headline_change_record` after them.
"""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.db.models import QuerySet

from tracker.before import row_before
from tracker.models import Claim, ClaimRelation, HeadlineChange
from tracker.selectors import user_sees_unreviewed

log = logging.getLogger(__name__)
_local = threading.local()


class _Batch:
    """The series touched in one transaction, and who touched them (the last one known)."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str], object] = {}

    def flush(self) -> None:
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        from tracker.services import headline_change_record

        for (category, subtype), reviewer in self.series.items():
            headline_change_record(category=category, subtype=subtype, reviewer=reviewer)


def _registered(batch: _Batch) -> bool:
    # A rollback discards the transaction's on-commit callbacks: a batch whose flush is no longer
    # registered is dead, and the next change starts a new one.
    connection = transaction.get_connection()
    return any(entry[1] == batch.flush for entry in connection.run_on_commit)


def headline_touch(*, category: str, subtype: str, reviewer=None) -> None:
    """Record the series' headline once the current transaction commits (now, outside one)."""
    batch = getattr(_local, "batch", None)
    new = batch is None or not _registered(batch)
    if new:
        batch = _Batch()
    key = (category, subtype)
    if reviewer is not None or key not in batch.series:
        batch.series[key] = reviewer
    if new:
        _local.batch = batch
        transaction.on_commit(batch.flush, robust=True)


def headline_record_now() -> None:
    """Record now, not at the commit, the headlines this transaction has touched so far (the
    commit then finds them recorded). For a load that replays a past inside one transaction
    (the demo, tracker.demo.load): each change is dated when its claim was reviewed, under the
    load's clock, instead of every change at the commit."""
    batch = getattr(_local, "batch", None)
    if batch is None:
        return
    series, batch.series = batch.series, {}
    from tracker.services import headline_change_record

    for (category, subtype), reviewer in series.items():
        headline_change_record(category=category, subtype=subtype, reviewer=reviewer)


def headlines_check() -> list[HeadlineChange]:
    """Record every public headline that now differs from the last one recorded: a headline
    can change with no write at all, when its estimate goes stale and another (or none) takes
    its place (tracker.series). The beat runs this daily (HEADLINE_CHECK_SCHEDULE), so such a
    change is recorded within a day of it, dated when it was noticed; a write to the series
    records it sooner. Returns the changes recorded."""
    from tracker.services import headline_change_record

    series = (
        Claim.objects.filter(status=Claim.Status.APPROVED)
        .order_by("category", "subtype")
        .values_list("category", "subtype")
        .distinct()
    )
    recorded = (headline_change_record(category=c, subtype=s) for c, s in series)
    return [change for change in recorded if change is not None]


def _acting_user(claim: Claim):
    user = getattr(claim, "_history_user", None)
    if user is None:
        from simple_history.models import HistoricalRecords

        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
    return user or claim.reviewed_by


def on_claim_saving(sender, instance: Claim, **kwargs) -> None:
    """Remember the series and status the claim had before this save (one query, edits only):
    an edit that moves a claim to another series changes the old series' headline too."""
    if instance.pk is None:
        instance._headline_before = None
        return
    row = row_before(instance)
    instance._headline_before = row and (row["category"], row["subtype"], row["status"])


def on_claim_saved(sender, instance: Claim, created: bool = False, **kwargs) -> None:
    before = getattr(instance, "_headline_before", None)
    approved = Claim.Status.APPROVED
    if before is None:
        if instance.status != approved:
            return  # a new pending (or rejected) claim moves no public headline
    elif before[2] != approved and instance.status != approved:
        return  # never counted publicly, and still not
    reviewer = _acting_user(instance)
    headline_touch(category=instance.category, subtype=instance.subtype, reviewer=reviewer)
    if before is not None and (before[0], before[1]) != (instance.category, instance.subtype):
        headline_touch(category=before[0], subtype=before[1], reviewer=reviewer)


def on_claim_deleted(sender, instance: Claim, **kwargs) -> None:
    headline_touch(
        category=instance.category, subtype=instance.subtype, reviewer=_acting_user(instance)
    )


def on_relation_changed(sender, instance: ClaimRelation, **kwargs) -> None:
    if instance.kind != ClaimRelation.Kind.SUPERSEDES:
        return
    claim = Claim.objects.filter(pk=instance.to_claim_id).only("category", "subtype").first()
    if claim is not None:
        headline_touch(category=claim.category, subtype=claim.subtype, reviewer=instance.created_by)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(on_claim_saving, sender=Claim, dispatch_uid="headline-claim-saving")
    post_save.connect(on_claim_saved, sender=Claim, dispatch_uid="headline-claim-saved")
    post_delete.connect(on_claim_deleted, sender=Claim, dispatch_uid="headline-claim-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            on_relation_changed, sender=ClaimRelation, dispatch_uid=f"headline-relation-{signal}"
        )


def headline_changes_visible_to(user) -> QuerySet[HeadlineChange]:
    """Headline changes `user` may see, newest first: editors see all; everyone else only those
    whose headline claim is approved (every recorded change, by construction: the public
    headline counts approved claims only)."""
    qs = HeadlineChange.objects.select_related("claim__claimant", "reviewer")
    if not user_sees_unreviewed(user):
        qs = qs.filter(claim__status=Claim.Status.APPROVED)
    return qs.order_by("-changed_at", "-id")
