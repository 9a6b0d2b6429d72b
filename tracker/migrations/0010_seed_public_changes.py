"""Start the public change log: every claim approved before it existed gets an 'approved' entry
(tracker.changes.public_changes_seed, also `manage.py changes_seed`)."""

from django.db import migrations


def seed(apps, schema_editor):
    # The seeding needs the claim's public JSON (the API serializer), so it runs on the current
    # models; a database with no approved claim (every new one) skips it.
    if not apps.get_model("tracker", "Claim").objects.filter(status="approved").exists():
        return
    from tracker.changes import public_changes_seed

    public_changes_seed()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0009_public_change_release")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
