from django.core.management.base import BaseCommand

from tracker.warm import dashboard_warm


class Command(BaseCommand):
    help = "Build and cache the dashboard's default pages for the current data version."

    def handle(self, *args, **options):
        result = dashboard_warm()
        if result["version"] is None:
            self.stdout.write("cache unavailable: nothing warmed")
            return
        for path, ms in result["pages"].items():
            self.stdout.write(f"{path:<12} {ms:>8.0f} ms")
        self.stdout.write(f"warmed {len(result['pages'])} pages in {result['seconds']:.2f} s")
