"""The weapon-system registry (issue 17): WeaponSystem, claims linked to the systems they name,
editors allowed to extend the registry in the admin, the registry loaded from
tracker/data/weapon_systems.json (as `manage.py load_weapon_systems`
does: safe to run again), and every existing claim's printed weapon label resolved to systems
(tracker.weapons.match_slugs). The reverse keeps the rows; dropping the tables undoes the rest.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Editors extend the registry; analysts read it (as tracker 0002_groups does for the others).
EDITOR_CODENAMES = ["add_weaponsystem", "change_weaponsystem", "view_weaponsystem"]
ANALYST_CODENAMES = ["view_weaponsystem"]


def grant_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", EDITOR_CODENAMES), ("Analysts", ANALYST_CODENAMES)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="tracker", codename__in=codenames
                )
            )


def load_registry(apps, schema_editor):
    from tracker import weapons

    WeaponSystem = apps.get_model("tracker", "WeaponSystem")
    weapons.registry_load(WeaponSystem, weapons.registry_entries())


def resolve_claims(apps, schema_editor):
    from tracker import weapons

    WeaponSystem = apps.get_model("tracker", "WeaponSystem")
    Claim = apps.get_model("tracker", "Claim")
    index = list(WeaponSystem.objects.values_list("slug", "aliases"))
    ids = dict(WeaponSystem.objects.values_list("slug", "id"))
    Link = Claim.weapon_systems.through
    labels = Claim.objects.exclude(weapon_system="").values_list("id", "weapon_system")
    links = [
        Link(claim_id=claim_id, weaponsystem_id=ids[slug])
        for claim_id, label in labels.iterator(2000)
        for slug in weapons.match_slugs(label, index)
    ]
    Link.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0015_claim_place"),
    ]

    operations = [
        migrations.CreateModel(
            name="WeaponSystem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True)),
                ("slug", models.SlugField(max_length=80, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("srbm", "Short-range ballistic missile"),
                            ("mrl", "Multiple rocket launcher"),
                            ("rocket", "Artillery rocket"),
                            ("spg", "Self-propelled gun"),
                            ("gun", "Gun / howitzer"),
                            ("shell", "Artillery shell"),
                            ("mortar", "Mortar bomb"),
                            ("anti_tank", "Anti-tank weapon"),
                            ("drone", "Drone"),
                            ("air_defence", "Air defence"),
                            ("small_arms", "Small arms"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                    ),
                ),
                ("calibre", models.CharField(blank=True, help_text="e.g. 170 mm", max_length=40)),
                (
                    "origin",
                    models.CharField(blank=True, max_length=80, verbose_name="origin country"),
                ),
                (
                    "aliases",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Designations and other names as printed (KN-23, Hwasong-11A, 240mm MRL…). Matching ignores case, spaces, hyphens and slashes.",
                    ),
                ),
                ("notes", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="claim",
            name="weapon_systems",
            field=models.ManyToManyField(
                blank=True,
                help_text="The registry's systems the claim names (from the label when left empty).",
                related_name="claims",
                to="tracker.weaponsystem",
            ),
        ),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(load_registry, migrations.RunPython.noop),
        migrations.RunPython(resolve_claims, migrations.RunPython.noop),
    ]
