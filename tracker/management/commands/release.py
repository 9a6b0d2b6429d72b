from django.core.management.base import BaseCommand, CommandError

from tracker.releases import ReleaseRefused, release_create


class Command(BaseCommand):
    help = (
        "Write the next numbered, dated dataset release (claims JSONL and CSV, series CSV, "
        "release notes, manifest with SHA-256 checksums) and record it: listed at /releases/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            metavar="DIR",
            help="Write the release into DIR/<number>/ (default: RELEASES_ROOT, var/releases).",
        )

    def handle(self, *args, out=None, **options):
        try:
            release = release_create(out=out)
        except ReleaseRefused as exc:
            raise CommandError(str(exc)) from exc
        counts = release.manifest["counts"]
        self.stdout.write(
            f"Release {release.number} ({release.date.isoformat()}): {counts['claims']} claims, "
            f"{counts['added']} added, {counts['corrected']} corrected, "
            f"{counts['retracted']} retracted; files in {release.directory}"
        )
