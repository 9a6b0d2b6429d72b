"""The project's Celery app as the worker tests run it: on a queue of the test's own, and, when
INGEST_TEST_PAUSE_MARKER names a file, pausing once inside claim extraction (writing its pid to
that file) so a test can kill the worker in the middle of process_article."""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from config.celery import app

app.conf.task_default_queue = os.environ["INGEST_TEST_QUEUE"]

__all__ = ["app"]


@task_prerun.connect
def pause_once_in_claim_extraction(**kwargs):
    marker = os.environ.get("INGEST_TEST_PAUSE_MARKER")
    from ingest import claims

    if not marker or getattr(claims, "paused_for_test", False):
        return
    original = claims.article_extract_claims

    def paused(*, article):
        path = Path(marker)
        if not path.exists():
            path.write_text(str(os.getpid()))
            time.sleep(120)
        return original(article=article)

    claims.article_extract_claims = paused
    claims.paused_for_test = True
