"""The pipeline through real `celery worker` processes on Redis, started here (not mocked):
the full path, a worker killed mid-task, and two workers racing for one URL."""

import os
import signal

import pytest

from ingest import tasks
from ingest.models import Feed
from ingest.proposals import article_propose_claims
from tests.ingest.conftest import relevant_paragraphs
from tests.ingest.workers import wait_for
from tracker.models import Article, Claim, ClaimSource

pytestmark = [pytest.mark.worker]

IRRELEVANT = ["The council approved a budget for road repairs and new cycle lanes."]


def done(urls):
    finished = ("processed", "irrelevant", "failed")
    return lambda: Article.objects.filter(url__in=urls, status__in=finished).count() == len(urls)


def test_a_feed_is_ingested_by_a_real_worker(site, workers):
    links = [site.add_article(f"/a{n}", f"Troops {n}", relevant_paragraphs(n)) for n in range(3)]
    links.append(site.add_article("/budget", "Budget", IRRELEVANT))
    links.append(site.add_article("/flaky", "Troops 9", relevant_paragraphs(9), fail_first=1))
    feed = Feed.objects.create(url=site.add_feed("/f.xml", [{"link": u} for u in links]))
    workers.start()

    workers.send(tasks.poll_feed, feed.pk)

    wait_for(done(links), what="five articles through the pipeline")
    statuses = dict(Article.objects.values_list("url", "status"))
    assert statuses == {
        **{u: "processed" for u in links if "budget" not in u},
        site.url("/budget"): "irrelevant",
    }
    assert site.hits["/flaky"] == 2  # a 500, retried with back-off on the worker
    assert "North Korean soldiers" in Article.objects.get(url=links[0]).text
    assert "raised unexpected" not in workers.logs()


def test_a_worker_killed_mid_process_article_loses_and_duplicates_nothing(site, workers, tmp_path):
    marker = tmp_path / "paused"
    url = site.add_article("/k", "Troops", relevant_paragraphs(1))
    workers.start(pause_marker=marker)

    workers.send(tasks.fetch_article, url)

    pid = int(wait_for(lambda: marker.exists() and marker.read_text(), what="task to pause"))
    assert Article.objects.get(url=url).status == "fetched"  # mid-task: nothing committed yet
    os.kill(pid, signal.SIGKILL)

    wait_for(done([url]), what="the redelivered task to finish")
    article = Article.objects.get()
    assert article.status == "processed" and article.content_hash
    assert site.hits["/k"] == 1  # the fetch was not repeated, only the lost task
    # The redelivered run proposed the article's claims once: one source per claim, each
    # quote at its offsets, and proposing again finds every claim already there.
    assert Claim.objects.count() > 0
    assert ClaimSource.objects.count() == Claim.objects.count()
    for source in ClaimSource.objects.all():
        assert article.text[source.quote_start : source.quote_end] == source.quote
    assert article_propose_claims(article=article) == 0
    assert "WorkerLostError" in workers.logs()


def test_two_workers_ingesting_the_same_url_at_once_make_one_article(site, workers):
    url = site.add_article("/same", "Troops", relevant_paragraphs(1), delay=0.5)
    workers.start()
    workers.start()

    for variant in (url, url, url + "?utm_source=a", url + "#top"):
        workers.send(tasks.fetch_article, variant)

    wait_for(done([url]), what="the article")
    # Four fetch_article tasks, each processing in place (no process_article hand-off).
    wait_for(lambda: workers.logs().count("succeeded in") >= 4, what="all tasks to finish")
    article = Article.objects.get()
    assert article.url == url and article.status == "processed"
    assert "raised unexpected" not in workers.logs()
