"""Load the gazetteer shipped as data (tracker/data/places.json); `manage.py load_places` does
the same later (both update by slug)."""

from django.db import migrations


def load(apps, schema_editor):
    from tracker.places import places_load

    places_load(model=apps.get_model("tracker", "Place"))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0012_place")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
