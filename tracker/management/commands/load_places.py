"""Load the gazetteer (tracker/data/places.json, or a file given) into places; idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand

from tracker.places import GAZETTEER_PATH, places_load


class Command(BaseCommand):
    help = "Create or update places from the gazetteer file, matched by slug (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(GAZETTEER_PATH))

    def handle(self, *args, path: str, **options):
        counts = places_load(path=Path(path))
        self.stdout.write(
            f"{counts['created']} places created, {counts['updated']} updated, "
            f"{counts['total']} in the gazetteer."
        )
