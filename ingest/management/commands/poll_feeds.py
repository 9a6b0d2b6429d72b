from django.core.management.base import BaseCommand

from ingest import services
from ingest.fetch import FetchError
from ingest.models import Feed
from ingest.progress import ingest_each, summary


class Command(BaseCommand):
    help = "Poll due feeds (all enabled feeds with --all) and ingest their new articles here."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="poll every enabled feed")
        parser.add_argument("--queue", action="store_true", help="enqueue for the workers")

    def handle(self, *args, all, queue, **options):
        feeds = list(Feed.objects.filter(enabled=True)) if all else services.feeds_due()
        if queue:
            for feed in feeds:
                services.feed_enqueue_poll(feed=feed)
            self.stdout.write(f"{len(feeds)} feeds queued")
            return
        urls: list[str] = []
        failed_feeds = 0
        for feed in feeds:
            try:
                urls += services.feed_poll(feed=feed).to_fetch
            except FetchError as exc:
                failed_feeds += 1
                self.stderr.write(f"feed failed: {feed.url}: {exc}")
        counts = ingest_each(
            urls,
            lambda url: services.article_ingest_url(url=url),
            label="articles",
            report_failure=lambda line: self.stderr.write(line),
        )
        self.stdout.write(f"{len(feeds)} feeds ({failed_feeds} failed): {summary(counts)}")
