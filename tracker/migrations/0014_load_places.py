"""Load the gazetteer shipped as data (tracker/data/places.json); `manage.py load_places` does
the same later (both update by slug). Editors may add and change places (the admin extends the
gazetteer); analysts may view them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def load(apps, schema_editor):
    from tracker.places import places_load

    places_load(model=apps.get_model("tracker", "Place"))


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {"Editors": ["add_place", "change_place", "view_place"], "Analysts": ["view_place"]}
    for name, codenames in wanted.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0013_place"), ("tracker", "0002_groups")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
