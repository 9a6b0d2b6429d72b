"""A 2 MB paste through POST /api/v1/articles/ingest: how long the request takes (it stores the
text queued and hands processing to a worker), and how long that worker then spends on it
with the extraction budget (issue 12). Before the change the request itself ran the pipeline:
146 s for 1.9 MB of text.

    .venv/bin/python bench/ingest_paste.py [--runs 5] [--chars 1999000]

Runs in a throwaway test database (SQLite in memory, or the test copy of DATABASE_URL's
database) with Celery on its in-memory broker and not eager, as with a real broker: delay()
enqueues and returns. Prints each request's time, the median and the maximum, then one
worker run of the same text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def prose(chars: int, n: int) -> str:
    block = (
        f"Run {n}: South Korea's Joint Chiefs of Staff said on Monday that about 1,100 North "
        "Korean soldiers have been killed or wounded fighting for Russia in the Kursk region. "
        "Pyongyang is preparing to send additional troops and artillery shells to Moscow, "
        "the JCS said.\n\n"
    )
    return (block * (chars // len(block) + 1))[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chars", type=int, default=1_999_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from config.celery import app

    app.conf.task_always_eager = False  # as with Redis: the request only enqueues
    app.conf.broker_url = "memory://"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from rest_framework.test import APIClient

        from ingest import services
        from tests.factories import UserFactory
        from tracker.models import Article

        editor = UserFactory(username="bencheditor", is_staff=True, groups=["Editors"])
        client = APIClient()
        client.force_authenticate(editor)
        times, sizes = [], []
        for n in range(args.runs):
            text = prose(args.chars, n)
            started = time.perf_counter()
            response = client.post("/api/v1/articles/ingest", {"text": text}, format="json")
            times.append(time.perf_counter() - started)
            sizes.append(len(text.encode()))
            assert response.status_code == 202, response.status_code
            print(f"run {n + 1}: {response.status_code} {response.json()['status']} "
                  f"{sizes[-1] / 1e6:.2f} MB in {times[-1] * 1000:.0f} ms")  # fmt: skip
        print(f"request: median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {args.runs} pastes (target < 1 s)")  # fmt: skip
        article = Article.objects.order_by("-pk").first()
        started = time.perf_counter()
        result = services.article_process(article=article)
        article.refresh_from_db()
        print(f"worker: {time.perf_counter() - started:.1f} s for one paste, outcome "
              f"{result.outcome}: {article.error or 'complete'}")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
