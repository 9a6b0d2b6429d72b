from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.evaluation import NotAnEvalDatabase, evaluate_files, report_lines


class Command(BaseCommand):
    help = (
        "Ingest article files through the pipeline into this (throwaway) database, approve "
        "every proposal, and print claims, sources, duplicate claims and the main headlines."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds other data (it approves everything).",
        )
        parser.add_argument(
            "--max-per-20",
            type=float,
            default=None,
            metavar="N",
            help="Fail (exit 1) when there are more than N duplicate claims per 20 articles.",
        )

    def handle(self, *args, paths, force, max_per_20, **options):
        try:
            report = evaluate_files(paths=[Path(p) for p in paths], force=force)
        except NotAnEvalDatabase as exc:
            raise CommandError(
                f"refusing to run: this database is not an evaluation database ({exc}). "
                "Use a fresh one (e.g. DATABASE_URL=sqlite:///var/eval.sqlite3) or --force."
            ) from exc
        for line in report_lines(report):
            self.stdout.write(line)
        if max_per_20 is not None and report.duplicates_per_20 > max_per_20:
            raise CommandError(
                f"{report.duplicates_per_20:.2f} duplicate claims per 20 articles "
                f"(at most {max_per_20:g} allowed)"
            )
