"""Give claims, sources and relations written without history (COPY, raw SQL) their creation
row, dated their `created_at`: `?as_of=` reads the past from history (tracker.validity)."""

from django.core.management.base import BaseCommand

from tracker import validity


class Command(BaseCommand):
    help = "Add a creation history row to each claim, source and relation that has none."

    def handle(self, *args, **options):
        for label, added in validity.backfill_all().items():
            self.stdout.write(f"{label}: {added} creation rows added")
