from pathlib import Path

from django.core.management.base import BaseCommand

from ingest import services
from ingest.progress import ingest_each, summary


class Command(BaseCommand):
    help = "Store .txt (url:/outlet:/published:/title: header) or .html files as articles."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        counts = ingest_each(
            [Path(p) for p in paths],
            lambda path: services.article_ingest_file(path=path),
            label="files",
            report_failure=lambda line: self.stderr.write(line),
        )
        self.stdout.write(summary(counts))
