from django.core.management.base import BaseCommand

from ingest import services
from ingest.progress import ingest_each, summary


class Command(BaseCommand):
    help = "Fetch URLs and run them through the pipeline here (or on workers with --queue)."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", metavar="URL")
        parser.add_argument("--queue", action="store_true", help="enqueue for the workers")

    def handle(self, *args, urls, queue, **options):
        if queue:
            for url in urls:
                services.article_enqueue_url(url=url)
            self.stdout.write(f"{len(urls)} queued")
            return
        counts = ingest_each(
            urls,
            lambda url: services.article_ingest_url(url=url),
            label="urls",
            report_failure=lambda line: self.stderr.write(line),
        )
        self.stdout.write(summary(counts))
