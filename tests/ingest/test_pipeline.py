"""The pipeline in eager mode: feed → articles → processed, every failure recorded with its
reason and nothing half-written, duplicates folded into one article, tasks idempotent."""

import datetime as dt

import pytest

from ingest import claims, tasks
from ingest.models import ArticleAlias, Feed
from tests.ingest.conftest import relevant_paragraphs
from tracker.cache import is_version_bump
from tracker.models import Article

pytestmark = pytest.mark.django_db

IRRELEVANT = [
    "The city council approved a new budget for road repairs on Tuesday evening.",
    "Residents were asked to comment on the plans for cycle lanes before the end of March.",
]


@pytest.fixture
def extracted(monkeypatch):
    """Ids of the articles handed to claim extraction."""
    seen: list[int] = []

    def record(*, article):
        seen.append(article.pk)
        return 0

    monkeypatch.setattr(claims, "article_extract_claims", record)
    return seen


def run_on_commit(django_capture_on_commit_callbacks, task, *args):
    with django_capture_on_commit_callbacks(execute=True):
        task.delay(*args)


def ingest(django_capture_on_commit_callbacks, url):
    run_on_commit(django_capture_on_commit_callbacks, tasks.fetch_article, url)
    return Article.objects.filter(url=url).first()


def test_a_feed_becomes_processed_articles(site, django_capture_on_commit_callbacks, extracted):
    entries = [
        {
            "title": "Troops one",
            "link": site.add_article("/a1", "Troops one", relevant_paragraphs(1)),
        },
        {
            "title": "Troops two",
            "link": site.add_article("/a2", "Troops two", relevant_paragraphs(2)),
        },
        {"title": "Budget", "link": site.add_article("/a3", "Council budget", IRRELEVANT)},
    ]
    feed = Feed.objects.create(url=site.add_feed("/feed.xml", entries, etag='"v1"'))

    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)

    articles = {a.url: a for a in Article.objects.all()}
    assert set(articles) == {site.url("/a1"), site.url("/a2"), site.url("/a3")}
    one = articles[site.url("/a1")]
    assert one.status == Article.Status.PROCESSED
    assert "about 1001 North Korean soldiers" in one.text
    assert "Cookie settings" not in one.text and "Home | World" not in one.text
    assert one.title == "Troops one" and one.content_hash and one.relevance >= 0.6
    assert articles[site.url("/a3")].status == Article.Status.IRRELEVANT
    assert sorted(extracted) == sorted([one.pk, articles[site.url("/a2")].pk])
    feed.refresh_from_db()
    assert feed.etag == '"v1"' and feed.last_error == "" and feed.title == "Example News — World"


def test_an_unchanged_feed_costs_one_conditional_request(site, django_capture_on_commit_callbacks):
    link = site.add_article("/a1", "Troops", relevant_paragraphs(1))
    feed = Feed.objects.create(url=site.add_feed("/feed.xml", [{"link": link}], etag='"v1"'))
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)
    assert site.last_headers["/feed.xml"]["If-None-Match"] == '"v1"'
    assert site.hits["/a1"] == 1
    assert Article.objects.count() == 1


def test_irrelevant_articles_are_kept_marked_and_not_extracted(
    site, django_capture_on_commit_callbacks, extracted
):
    article = ingest(
        django_capture_on_commit_callbacks, site.add_article("/b", "Budget", IRRELEVANT)
    )
    assert article.status == Article.Status.IRRELEVANT
    assert article.text and extracted == []
    assert any(r["rule"] == "verdict" for r in article.relevance_reasons)


# --- Failures, each with its reason ---------------------------------------------------------


def test_a_malformed_feed_is_recorded_on_the_feed(site, django_capture_on_commit_callbacks):
    link = site.add_article("/a", "Troops", relevant_paragraphs(1))
    body = f'<rss version="2.0"><channel><item><link>{link}</link></item><item><title>unclosed'
    url = site.add("/bad.xml", body, content_type="text/xml")
    feed = Feed.objects.create(url=url)
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)
    feed.refresh_from_db()
    assert feed.last_error.startswith("unparseable feed")
    assert feed.last_polled_at is not None and feed.etag == ""
    assert Article.objects.count() == 0


def test_a_feed_entry_without_a_link_is_reported_and_the_others_ingested(
    site, django_capture_on_commit_callbacks
):
    link = site.add_article("/ok", "Troops", relevant_paragraphs(1))
    url = site.add_feed("/feed.xml", [{"title": "No link here", "guid": "x1"}, {"link": link}])
    feed = Feed.objects.create(url=url)
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)
    feed.refresh_from_db()
    assert "1 entries without a usable link: 'No link here'" in feed.last_error
    assert list(Article.objects.values_list("url", "status")) == [(link, "processed")]


@pytest.mark.parametrize(
    "page, reason",
    [
        ({"body": "gone", "status": 404}, "HTTP 404"),
        ({"body": "%PDF", "content_type": "application/pdf"}, "unsupported content type"),
        ({"body": "<html>" + "x" * 60_000}, "too large"),
        ({"body": "<html><body><script>1</script></body></html>"}, "unparseable"),
    ],
    ids=["404", "content-type", "over-cap", "no-text"],
)
def test_a_failed_article_records_its_reason_and_nothing_else(
    site, settings, django_capture_on_commit_callbacks, page, reason
):
    settings.INGEST_MAX_BYTES = 50_000
    body = page.pop("body")
    article = ingest(django_capture_on_commit_callbacks, site.add("/p", body, **page))
    assert article.status == Article.Status.FAILED
    assert article.error.startswith(reason)
    assert article.text == "" and article.content_hash == "" and article.relevance is None


def test_a_500_is_retried_and_then_succeeds(site, django_capture_on_commit_callbacks):
    url = site.add_article("/flaky", "Troops", relevant_paragraphs(1), fail_first=1)
    article = ingest(django_capture_on_commit_callbacks, url)
    assert site.hits["/flaky"] == 2
    assert article.status == Article.Status.PROCESSED and article.error == ""


def test_a_lasting_500_gives_up_after_the_retries(
    site, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_MAX_RETRIES = 2
    url = site.add_article("/down", "Troops", relevant_paragraphs(1), fail_first=99)
    article = ingest(django_capture_on_commit_callbacks, url)
    assert site.hits["/down"] == 3
    assert article.status == Article.Status.FAILED
    assert article.error.startswith("HTTP 500") and "gave up after 3 attempts" in article.error


def test_a_timeout_is_retried_then_recorded(site, settings, django_capture_on_commit_callbacks):
    settings.INGEST_FETCH_TIMEOUT = 0.2
    settings.INGEST_MAX_RETRIES = 1
    url = site.add_article("/slow", "Troops", relevant_paragraphs(1), delay=1.0)
    article = ingest(django_capture_on_commit_callbacks, url)
    assert site.hits["/slow"] == 2
    assert article.status == Article.Status.FAILED and article.error.startswith("timeout")


def test_a_redirect_to_a_private_address_is_recorded_as_refused(
    site, loopback_counts_as_public, django_capture_on_commit_callbacks
):
    url = site.add("/jump", b"", status=302, headers={"Location": "http://10.0.0.1/internal"})
    article = ingest(django_capture_on_commit_callbacks, url)
    assert article.status == Article.Status.FAILED
    assert article.error.startswith("refused address") and "10.0.0.1" in article.error


# --- Duplicates -----------------------------------------------------------------------------


def test_the_same_url_twice_is_one_article_fetched_once(site, django_capture_on_commit_callbacks):
    url = site.add_article("/s", "Troops", relevant_paragraphs(1))
    ingest(django_capture_on_commit_callbacks, url)
    ingest(django_capture_on_commit_callbacks, url)
    assert Article.objects.count() == 1
    assert site.hits["/s"] == 1


def test_a_fetched_article_has_its_domains_outlet_created_once(site):
    from ingest import services
    from tracker.models import Outlet

    first = services.article_fetch(url=site.add_article("/o1", "Troops", relevant_paragraphs(1)))
    second = services.article_fetch(url=site.add_article("/o2", "Troops", relevant_paragraphs(2)))
    outlet = Outlet.objects.get()
    assert (outlet.domain, outlet.name) == ("127.0.0.1", "127.0.0.1")
    assert first.outlet_id == second.outlet_id == outlet.pk
    assert Article.objects.get(pk=second.pk).outlet_id == outlet.pk


def test_utm_noise_and_fragments_do_not_make_a_new_article(
    site, django_capture_on_commit_callbacks
):
    url = site.add_article("/s?id=7", "Troops", relevant_paragraphs(1))
    ingest(django_capture_on_commit_callbacks, url)
    ingest(django_capture_on_commit_callbacks, url + "&utm_source=tw&utm_medium=social#comments")
    assert list(Article.objects.values_list("url", flat=True)) == [url]
    assert site.hits["/s?id=7"] == 1


def test_the_same_text_under_two_urls_is_one_article(site, django_capture_on_commit_callbacks):
    first = site.add_article("/one", "Troops", relevant_paragraphs(5))
    second = site.add_article("/mirror/one", "Troops", relevant_paragraphs(5))
    ingest(django_capture_on_commit_callbacks, first)
    ingest(django_capture_on_commit_callbacks, second)
    assert list(Article.objects.values_list("url", flat=True)) == [first]
    assert ArticleAlias.objects.get().url == second
    ingest(django_capture_on_commit_callbacks, second)  # known alias: not fetched again
    assert site.hits["/mirror/one"] == 1 and Article.objects.count() == 1


def test_an_article_is_found_by_its_url_or_an_alias_of_it_as_the_orm_union_finds_it():
    from ingest.dedupe import canonical_url
    from ingest.services import article_for_url

    older = Article.objects.create(
        url="https://example.org/a",
        raw="x",
        title="A",
        published_at=dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.UTC),
        relevance=0.75,
        relevance_reasons=["North Korea", {"troops": 2}],
    )  # a date, a float and JSON: read as the ORM reads them
    newer = Article.objects.create(url="https://example.org/b", raw="y", title="B")
    ArticleAlias.objects.create(url="https://example.org/mirror/a", article=older)
    ArticleAlias.objects.create(url="https://example.org/b?print=1", article=older)

    def union(url):  # the ORM's spelling of the lookup, kept as its specification
        by_url = Article.objects.filter(url=url).order_by()
        by_alias = Article.objects.filter(aliases__url=url).order_by()
        return by_url.union(by_alias, all=True).order_by("pk").first()

    urls = ["a", "mirror/a#top", "b", "b?print=1", "c"]
    for url in [f"https://example.org/{u}" for u in urls]:
        found = article_for_url(url)
        expected = union(canonical_url(url))
        assert found == expected
        if found is not None:  # every field read, as the ORM reads it
            assert [getattr(found, f.attname) for f in Article._meta.concrete_fields] == [
                getattr(expected, f.attname) for f in Article._meta.concrete_fields
            ]
    assert article_for_url("https://example.org/mirror/a") == older
    assert article_for_url("https://example.org/b") == newer
    assert article_for_url("https://example.org/b?print=1") == older  # the lower id first
    assert article_for_url("not a url") is None


# --- Idempotency ----------------------------------------------------------------------------


def _snapshot():
    return list(
        Article.objects.order_by("pk").values_list(
            "pk", "url", "status", "text", "content_hash", "relevance", "error", "title"
        )
    )


def test_running_every_task_twice_changes_nothing(site, django_capture_on_commit_callbacks):
    link = site.add_article("/a", "Troops", relevant_paragraphs(1))
    feed = Feed.objects.create(url=site.add_feed("/feed.xml", [{"link": link}]))
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)
    before = _snapshot()
    article_id = before[0][0]
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, feed.pk)
    run_on_commit(django_capture_on_commit_callbacks, tasks.fetch_article, link)
    run_on_commit(django_capture_on_commit_callbacks, tasks.process_article, article_id)
    assert _snapshot() == before
    assert site.hits["/a"] == 1


def test_fetch_article_processes_in_the_same_task_without_enqueueing_more(
    site, django_capture_on_commit_callbacks
):
    url = site.add_article("/one-task", "Troops", relevant_paragraphs(1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.fetch_article.apply((url,), throw=True)
    # No process_article hand-off through the broker (the version bumps of the cache are the
    # only after-commit work).
    assert [cb for cb in callbacks if not is_version_bump(cb)] == []
    assert Article.objects.get(url=url).status == Article.Status.PROCESSED


def test_a_stored_body_is_processed_on_redelivery_without_fetching_again(
    site, django_capture_on_commit_callbacks, monkeypatch
):
    url = site.add_article("/redelivered", "Troops", relevant_paragraphs(1))

    def lost(*, article):
        raise SystemExit("worker lost mid-processing")

    with monkeypatch.context() as patch:
        patch.setattr(claims, "article_extract_claims", lost)
        with pytest.raises(SystemExit):
            tasks.fetch_article.apply((url,), throw=True)
    assert Article.objects.get(url=url).status == Article.Status.FETCHED  # body kept

    run_on_commit(django_capture_on_commit_callbacks, tasks.fetch_article, url)  # redelivery
    assert Article.objects.get(url=url).status == Article.Status.PROCESSED
    assert site.hits["/redelivered"] == 1


def test_tasks_for_rows_that_are_gone_return_quietly(django_capture_on_commit_callbacks):
    run_on_commit(django_capture_on_commit_callbacks, tasks.process_article, 999_999)
    run_on_commit(django_capture_on_commit_callbacks, tasks.poll_feed, 999_999)
    assert Article.objects.count() == 0


def test_nothing_is_enqueued_before_the_transaction_commits(
    site, django_capture_on_commit_callbacks
):
    from ingest import services

    url = site.add_article("/later", "Troops", relevant_paragraphs(1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_enqueue_url(url=url)
    assert site.hits["/later"] == 0 and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert Article.objects.get(url=url).status == Article.Status.PROCESSED
