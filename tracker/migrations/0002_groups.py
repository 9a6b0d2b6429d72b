"""The Editors and Analysts groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["claim", "claimsource", "claimrelation", "article", "claimant", "claimantalias", "outlet"]
EDITOR_CODENAMES = (
    [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    + ["delete_claimsource", "delete_claimrelation", "delete_claimantalias", "review_claim"]
    + ["view_historicalclaim"]
)
ANALYST_CODENAMES = [f"view_{model}" for model in MODELS]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", EDITOR_CODENAMES), ("Analysts", ANALYST_CODENAMES)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Analysts"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
