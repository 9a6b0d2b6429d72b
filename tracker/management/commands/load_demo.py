from django.core.management.base import BaseCommand

from tracker.demo import demo_load, demo_release


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print row counts; new demo passwords once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--release",
            action="store_true",
            help="Also write dataset release 1 when there is none (make run does), so "
            "/releases/ shows what a release holds.",
        )

    def handle(self, *args, **options):
        counts = demo_load()
        new_credentials = counts.pop("new_credentials")
        credentials_file = counts.pop("credentials_file")
        for name, value in counts.items():
            self.stdout.write(f"{name}: {value}")
        for username, password in new_credentials.items():
            self.stdout.write(f"demo user {username} / password {password}")
        if new_credentials:
            self.stdout.write(f"(saved in {credentials_file}, shown only this once)")
        else:
            self.stdout.write(f"demo users unchanged; passwords are in {credentials_file}")
        if options["release"]:
            release = demo_release()
            self.stdout.write(f"dataset release {release.number}: {release.directory}")
