"""Headline history (HeadlineChange), the troop vocabulary of shared-vocab.md (sent_total), and
on PostgreSQL the series covering index rebuilt with `credibility` (the headline's trust order
reads it), so series_build still reads the index alone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


COVER = (
    "CREATE INDEX IF NOT EXISTS claim_series_cover_idx ON tracker_claim "
    "(category, subtype, status, claim_date) INCLUDE (id, measure, norm_unit, norm_low, "
    "norm_best, norm_high, period_end, claimant_id, confidence, reliability, qualifier{})"
)


def _cover(extra: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS claim_series_cover_idx")
        schema_editor.execute(COVER.format(extra))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0003_claim_series_cover_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="subtype",
            field=models.CharField(
                choices=[
                    ("deployed", "Troop deployment: In Russia now (in theatre)"),
                    ("sent_total", "Troop deployment: Sent in total (rotations included)"),
                    (
                        "additional_deployment",
                        "Troop deployment: Additional deployment (one batch)",
                    ),
                    ("in_combat", "Troop deployment: In combat"),
                    ("workers", "Troop deployment: Workers / labourers"),
                    ("withdrawn", "Troop deployment: Withdrawn"),
                    ("killed", "Casualties: Killed"),
                    ("wounded", "Casualties: Wounded"),
                    ("killed_or_wounded", "Casualties: Killed or wounded"),
                    ("captured", "Casualties: Captured"),
                    ("missing", "Casualties: Missing"),
                    ("artillery_shells", "Arms transfer: Artillery shells"),
                    ("containers", "Arms transfer: Containers"),
                    ("ballistic_missiles", "Arms transfer: Ballistic missiles"),
                    ("rocket_launchers", "Arms transfer: Multiple rocket launchers"),
                    ("self_propelled_artillery", "Arms transfer: Self-propelled artillery"),
                    ("artillery_systems", "Arms transfer: Artillery systems"),
                    ("drones", "Arms transfer: Drones"),
                    ("anti_tank_missiles", "Arms transfer: Anti-tank missiles"),
                    ("small_arms", "Arms transfer: Small arms and ammunition"),
                    ("other_weapons", "Arms transfer: Other weapons"),
                    ("balloons", "Border activity: Balloons"),
                    ("balloon_launches", "Border activity: Balloon launches"),
                    ("fence", "Border activity: Fence / barrier"),
                    ("soldiers_at_border", "Border activity: Soldiers at the border"),
                    ("mdl_crossings", "Border activity: MDL crossings"),
                    ("loudspeakers", "Border activity: Loudspeakers"),
                    ("mines", "Border activity: Mines laid"),
                    ("gps_jamming", "Border activity: GPS jamming"),
                    ("warning_shots", "Border activity: Warning shots"),
                    ("technology_transfer", "Other: Technology transfer"),
                    ("treaty", "Other: Treaty / agreement"),
                    ("visit", "Other: Official visit"),
                    ("payment", "Other: Payment / compensation"),
                    ("training", "Other: Training"),
                    ("other", "Other: Other"),
                ],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="subtype",
            field=models.CharField(
                choices=[
                    ("deployed", "Troop deployment: In Russia now (in theatre)"),
                    ("sent_total", "Troop deployment: Sent in total (rotations included)"),
                    (
                        "additional_deployment",
                        "Troop deployment: Additional deployment (one batch)",
                    ),
                    ("in_combat", "Troop deployment: In combat"),
                    ("workers", "Troop deployment: Workers / labourers"),
                    ("withdrawn", "Troop deployment: Withdrawn"),
                    ("killed", "Casualties: Killed"),
                    ("wounded", "Casualties: Wounded"),
                    ("killed_or_wounded", "Casualties: Killed or wounded"),
                    ("captured", "Casualties: Captured"),
                    ("missing", "Casualties: Missing"),
                    ("artillery_shells", "Arms transfer: Artillery shells"),
                    ("containers", "Arms transfer: Containers"),
                    ("ballistic_missiles", "Arms transfer: Ballistic missiles"),
                    ("rocket_launchers", "Arms transfer: Multiple rocket launchers"),
                    ("self_propelled_artillery", "Arms transfer: Self-propelled artillery"),
                    ("artillery_systems", "Arms transfer: Artillery systems"),
                    ("drones", "Arms transfer: Drones"),
                    ("anti_tank_missiles", "Arms transfer: Anti-tank missiles"),
                    ("small_arms", "Arms transfer: Small arms and ammunition"),
                    ("other_weapons", "Arms transfer: Other weapons"),
                    ("balloons", "Border activity: Balloons"),
                    ("balloon_launches", "Border activity: Balloon launches"),
                    ("fence", "Border activity: Fence / barrier"),
                    ("soldiers_at_border", "Border activity: Soldiers at the border"),
                    ("mdl_crossings", "Border activity: MDL crossings"),
                    ("loudspeakers", "Border activity: Loudspeakers"),
                    ("mines", "Border activity: Mines laid"),
                    ("gps_jamming", "Border activity: GPS jamming"),
                    ("warning_shots", "Border activity: Warning shots"),
                    ("technology_transfer", "Other: Technology transfer"),
                    ("treaty", "Other: Treaty / agreement"),
                    ("visit", "Other: Official visit"),
                    ("payment", "Other: Payment / compensation"),
                    ("training", "Other: Training"),
                    ("other", "Other: Other"),
                ],
                max_length=40,
            ),
        ),
        migrations.CreateModel(
            name="HeadlineChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("troop_deployment", "Troop deployment"),
                            ("casualties", "Casualties"),
                            ("arms_transfer", "Arms transfer"),
                            ("border_activity", "Border activity"),
                            ("other", "Other"),
                        ],
                        max_length=30,
                    ),
                ),
                ("subtype", models.CharField(max_length=40)),
                ("unit", models.CharField(blank=True, max_length=30)),
                ("old_value", models.FloatField(blank=True, null=True)),
                ("new_value", models.FloatField(blank=True, null=True)),
                ("changed_at", models.DateTimeField(db_index=True)),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="headline_changes",
                        to="tracker.claim",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-changed_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["category", "subtype", "unit", "-changed_at"],
                        name="headline_series_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(_cover(", credibility"), _cover(""), elidable=False),
    ]
