from django.core.management.base import BaseCommand

from tracker import weapons
from tracker.models import WeaponSystem


class Command(BaseCommand):
    help = (
        "Load the weapon-system registry (tracker/data/weapon_systems.json): new systems are "
        "created, blank fields filled and missing aliases added; editors' changes are kept. "
        "Safe to run again. Then links claims whose weapon label names a system to it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(weapons.REGISTRY_FILE), help="registry JSON")

    def handle(self, *args, **options):
        from pathlib import Path

        counts = weapons.registry_load(
            WeaponSystem, weapons.registry_entries(Path(options["file"]))
        )
        linked = weapons.claims_link_unlinked()
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged; {linked} claim links added"
        )
