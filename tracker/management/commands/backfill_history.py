"""Give claims, sources, relations and weapon links written without history (COPY, raw SQL)
their creation row, dated their `created_at` (a link: its claim's): `?as_of=` reads the past
from history (tracker.validity)."""

from django.core.management.base import BaseCommand

from tracker import validity
from tracker.cache import data_changed


class Command(BaseCommand):
    help = "Add a creation history row to each claim, source, relation and weapon link without one."

    def handle(self, *args, **options):
        added = validity.backfill_all()
        for label, count in added.items():
            self.stdout.write(f"{label}: {count} creation rows added")
        if any(added.values()):  # past views cached before now miss them
            data_changed(claimants=True)
