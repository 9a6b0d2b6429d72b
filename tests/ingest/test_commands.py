"""The command-line entry points: one summary line, the same functions as the workers."""

from io import StringIO

import pytest
from django.core.management import call_command

from ingest.models import Feed
from tests.ingest.conftest import relevant_paragraphs
from tracker.models import Article

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_ingest_url_stores_one_clean_article_and_nothing_on_a_second_run(site):
    url = site.add_article("/page.html", "Troops in Kursk", relevant_paragraphs(1))
    assert run("ingest_url", url)[0] == "1 new, 0 duplicate, 0 irrelevant, 0 failed"
    assert run("ingest_url", url)[0] == "0 new, 1 duplicate, 0 irrelevant, 0 failed"
    article = Article.objects.get()
    assert article.text.startswith("Troops in Kursk")
    assert "Cookie settings" not in article.text and "<p>" not in article.text
    assert site.hits["/page.html"] == 1


def test_ingest_url_is_refused_by_the_guard_without_the_setting(site, settings):
    settings.INGEST_ALLOW_PRIVATE_NETWORKS = False
    url = site.add_article("/page.html", "Troops", relevant_paragraphs(1))
    summary, errors = run("ingest_url", url)
    assert summary == "0 new, 0 duplicate, 0 irrelevant, 1 failed"
    assert "refused address" in errors
    assert site.hits["/page.html"] == 0
    assert Article.objects.get().status == Article.Status.FAILED


def test_ingest_url_counts_each_outcome_with_a_progress_bar(site, capsys):
    urls = [site.add_article(f"/n{n}", f"T{n}", relevant_paragraphs(n)) for n in range(4)]
    urls.append(site.add_article("/dup", "T0", relevant_paragraphs(0)))  # same text as /n0
    urls.append(site.add_article("/budget", "Budget", ["Road repairs and cycle lanes."]))
    urls.append(site.url("/missing"))
    summary, errors = run("ingest_url", *urls)
    assert summary == "4 new, 1 duplicate, 1 irrelevant, 1 failed"
    assert "/missing: HTTP 404" in errors
    assert "urls: 100%" in capsys.readouterr().err  # tqdm draws on stderr


def test_ingest_file_reads_the_header_format(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "url: https://News.Example.org/story?utm_source=x\n"
        "outlet: Example News\n"
        "published: 2024-12-23\n"
        "title: Troops in Kursk\n"
        "\n" + "\n\n".join(relevant_paragraphs(3))
    )
    assert run("ingest_file", str(path))[0] == "1 new, 0 duplicate, 0 irrelevant, 0 failed"
    article = Article.objects.get()
    assert article.url == "https://news.example.org/story"
    assert (
        article.title == "Troops in Kursk"
        and article.published_at.date().isoformat() == "2024-12-23"
    )
    assert article.text.startswith("South Korea's Joint Chiefs")
    assert article.status == Article.Status.PROCESSED
    assert run("ingest_file", str(path))[0] == "0 new, 1 duplicate, 0 irrelevant, 0 failed"


def test_ingest_file_takes_html_and_text_without_url(tmp_path):
    from tests.ingest.conftest import article_html

    (tmp_path / "a.html").write_text(article_html("Troops", relevant_paragraphs(1)))
    (tmp_path / "b.txt").write_text("title: Untitled wire\n\n" + " ".join(relevant_paragraphs(2)))
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    summary, errors = run("ingest_file", *(str(p) for p in sorted(tmp_path.iterdir())))
    assert summary == "2 new, 0 duplicate, 0 irrelevant, 1 failed"
    assert "unsupported file type .pdf" in errors
    assert Article.objects.filter(url=None).count() == 2


def test_poll_feeds_ingests_due_feeds_and_all_with_the_flag(site):
    links = [site.add_article(f"/a{n}", f"T{n}", relevant_paragraphs(n)) for n in range(2)]
    Feed.objects.create(url=site.add_feed("/f.xml", [{"link": link} for link in links]))
    summary, _ = run("poll_feeds")
    assert summary == "1 feeds (0 failed): 2 new, 0 duplicate, 0 irrelevant, 0 failed"
    assert run("poll_feeds")[0].startswith("0 feeds")  # polled a moment ago: not due
    assert run("poll_feeds", "--all")[0] == (
        "1 feeds (0 failed): 0 new, 0 duplicate, 0 irrelevant, 0 failed"
    )
    assert Article.objects.filter(status="processed").count() == 2
