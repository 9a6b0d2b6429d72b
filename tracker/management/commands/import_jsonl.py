import sys

from django.core.management.base import BaseCommand

from tracker.exchange import load_lines


class Command(BaseCommand):
    help = "Read a JSON-lines dump (export_jsonl or GET /api/v1/export.jsonl) back in."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Dump file (- for stdin).")

    def handle(self, *args, path: str, **options):
        if path == "-":
            counts = load_lines(sys.stdin)
        else:
            with open(path, encoding="utf-8") as dump:
                counts = load_lines(dump)
        for model, count in counts.items():
            self.stdout.write(f"{model}: {count}")
