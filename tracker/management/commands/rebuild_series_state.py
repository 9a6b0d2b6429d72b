"""Rebuild the series state (tracker.series_state) from the claims: after writes that bypass
the model signals (COPY, raw SQL, queryset.update()), or a change of SERIES_FRESHNESS_DAYS."""

from django.core.management.base import BaseCommand

from tracker import series_state


class Command(BaseCommand):
    help = "Rebuild the default public series' estimates, headlines and bands from the claims."

    def handle(self, *args, **options):
        counts = series_state.rebuild()
        self.stdout.write(
            f"series state rebuilt: {counts['series']} series, {counts['estimates']} estimates, "
            f"{counts['days']} days"
        )
