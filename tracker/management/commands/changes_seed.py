from django.core.management.base import BaseCommand
from django.db import transaction

from tracker.changes import public_changes_seed


class Command(BaseCommand):
    help = (
        "Log every approved claim the public change log does not know yet as 'approved' "
        "(after a bulk load that bypassed the services). Idempotent."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = public_changes_seed()
        self.stdout.write(f"{count} change(s) logged.")
