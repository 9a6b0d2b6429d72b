import sys

from django.core.management.base import BaseCommand, CommandError

from tracker.exchange import ImportRefused, load_lines


class Command(BaseCommand):
    help = (
        "Read a JSON-lines dump (export_jsonl or GET /api/v1/export.jsonl) back in: every row "
        "validated as the API validates it, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Dump file (- for stdin).")

    def handle(self, *args, path: str, **options):
        try:
            if path == "-":
                counts = load_lines(sys.stdin)
            else:
                with open(path, encoding="utf-8") as dump:
                    counts = load_lines(dump)
        except ImportRefused as exc:
            raise CommandError(
                f"nothing was imported: {len(exc.errors)} problem(s) in {path}\n{exc}"
            ) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"nothing was imported: {path} is not UTF-8 ({exc})") from exc
        for model, count in counts.items():
            self.stdout.write(f"{model}: {count}")
