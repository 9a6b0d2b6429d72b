"""Celery tasks of the tracker app (the pipeline's are in ingest.tasks)."""

from __future__ import annotations

from celery import shared_task

from tracker.warm import dashboard_warm, release_warm_lock


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150,
    ignore_result=True,
)  # fmt: skip
def warm_dashboard() -> dict:
    """Warm the dashboard's default pages for the current data version. Idempotent: a second run
    (redelivery, beat) finds every part cached and only re-reads it. The debounce lock is
    released first, so a change made while this runs enqueues the next warm."""
    release_warm_lock()
    return dashboard_warm()


@shared_task(acks_late=False, soft_time_limit=1800, time_limit=1900, ignore_result=True)
def release_dataset() -> int:
    """Write the next dataset release (beat: RELEASE_SCHEDULE, monthly by default). Not
    acknowledged late: a redelivery would write a second release."""
    from tracker.releases import release_create

    return release_create().number


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660, ignore_result=True)
def check_headlines() -> int:
    """Record the headlines that changed with time alone (an estimate gone stale): beat,
    HEADLINE_CHECK_SCHEDULE, daily by default. Idempotent: a redelivery records nothing new."""
    from tracker.headlines import headlines_check

    return len(headlines_check())
