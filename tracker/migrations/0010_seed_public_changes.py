"""Start the public change log: every claim approved before it existed gets an 'approved' entry
(tracker.changes.public_changes_seed, also `manage.py changes_seed`).

The seeding renders each claim's public JSON (about 2 ms a claim), so the migration does it only
for a database of up to SEED_IN_MIGRATION_MAX approved claims; a larger one migrates at once and
is told to run `manage.py changes_seed` (which can run while the site serves: it logs only the
approved claims the log does not know yet)."""

from django.db import migrations

SEED_IN_MIGRATION_MAX = 20_000


def seed(apps, schema_editor):
    # A database with no approved claim (every new one) skips it. The seeding needs the API
    # serializer, so it runs on the current models: it must stay the last migration that
    # touches Claim's columns until a later one replaces it.
    approved = apps.get_model("tracker", "Claim").objects.filter(status="approved").count()
    if not approved:
        return
    if approved > SEED_IN_MIGRATION_MAX:
        print(
            f"\n  {approved:,} approved claims: the public change log starts empty; run "
            "`manage.py changes_seed` to log them (docs/releases.md)."
        )
        return
    from tracker.changes import public_changes_seed

    public_changes_seed()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0009_public_change_release")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
