import sys

from django.core.management.base import BaseCommand

from tracker.exchange import dump_lines


class Command(BaseCommand):
    help = "Write every claimant, outlet, article, claim, source and relation as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file (- for stdout).")

    def handle(self, *args, path: str, **options):
        out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8")
        try:
            for line in dump_lines():
                out.write(line)
        finally:
            if out is not sys.stdout:
                out.close()
