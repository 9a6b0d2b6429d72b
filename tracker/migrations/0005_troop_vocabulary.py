"""Troop vocabulary (issue 11): `deployed` now means *in Russia now*; a total that includes
rotations is `sent_total`; a new batch is `additional_deployment`, always an increment.

Today's troop claims are mapped by their own words (quotes, notes, summary):
- `additional_deployment` filed as cumulative becomes an increment;
- `deployed` filed as an increment becomes `additional_deployment`;
- `deployed` whose words give a total with rotations or replacements ("in total", "total of",
  "rotation", "replacement") becomes `sent_total`;
- `deployed` whose words say a batch arrived ("arrived", "another", "additional", "new batch")
  becomes `additional_deployment` (increment).
Each mapped claim says so in its notes. The reverse is a no-op: the old vocabulary had no
words for the new kinds, so nothing is lost by keeping them.
"""

import re

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat

TOTAL_WORDS = re.compile(r"\b(?:in\s+total|total\s+of|rotations?|replacements?)\b", re.I)
BATCH_WORDS = re.compile(r"\b(?:arriv\w*|another|additional|new\s+batch)\b", re.I)
CHUNK = 500


def troop_subtype(subtype: str, measure: str, words: str) -> tuple[str, str]:
    """(subtype, measure) in the new vocabulary for a troop claim of the old one."""
    if subtype == "additional_deployment":
        return subtype, "increment"
    if subtype != "deployed":
        return subtype, measure
    if measure == "increment":
        return "additional_deployment", "increment"
    if TOTAL_WORDS.search(words):
        return "sent_total", "cumulative"
    if BATCH_WORDS.search(words):
        return "additional_deployment", "increment"
    return subtype, measure


def map_troop_claims(apps, schema_editor):
    Claim = apps.get_model("tracker", "Claim")
    ClaimSource = apps.get_model("tracker", "ClaimSource")
    troops = Claim.objects.filter(
        category="troop_deployment", subtype__in=["deployed", "additional_deployment"]
    )
    words: dict[int, list[str]] = {}
    for pk, notes, summary in troops.values_list("pk", "notes", "summary").iterator():
        words[pk] = [notes, summary]
    quotes = ClaimSource.objects.filter(claim__in=troops).values_list("claim_id", "quote")
    for claim_id, quote in quotes.iterator():
        words.setdefault(claim_id, []).append(quote)
    changes: dict[tuple[str, str, str, str], list[int]] = {}
    for pk, subtype, measure in troops.values_list("pk", "subtype", "measure").iterator():
        new = troop_subtype(subtype, measure, " ".join(words.get(pk, [])))
        if new != (subtype, measure):
            changes.setdefault((subtype, measure, *new), []).append(pk)
    for (old_subtype, old_measure, subtype, measure), ids in changes.items():
        note = (
            f"\nTroop vocabulary (migration 0005): was {old_subtype} / {old_measure}, "
            f"now {subtype} / {measure}."
        )
        for start in range(0, len(ids), CHUNK):
            Claim.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                subtype=subtype, measure=measure, notes=Concat("notes", Value(note))
            )


SUBTYPE_CHOICES = [
    ("deployed", "Troop deployment: In Russia now (in theatre)"),
    ("sent_total", "Troop deployment: Sent in total (rotations included)"),
    ("additional_deployment", "Troop deployment: Additional deployment (one batch)"),
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
]


class Migration(migrations.Migration):
    # The data step commits before the constraints are added: PostgreSQL refuses an ALTER TABLE
    # in a transaction that still has trigger events pending from updates of the same table.
    # RunPython runs in a transaction of its own; the mapping is safe to run again.
    atomic = False
    dependencies = [("tracker", "0004_headline_change")]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="subtype",
            field=models.CharField(choices=SUBTYPE_CHOICES, max_length=40),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="subtype",
            field=models.CharField(choices=SUBTYPE_CHOICES, max_length=40),
        ),
        migrations.RunPython(
            map_troop_claims, migrations.RunPython.noop, atomic=True, elidable=False
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("subtype", "additional_deployment"), _negated=True),
                    ("measure", "increment"),
                    _connector="OR",
                ),
                name="claim_additional_deployment_increment",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("subtype__in", ["deployed", "sent_total"]), _negated=True),
                    ("measure", "cumulative"),
                    _connector="OR",
                ),
                name="claim_troop_stock_cumulative",
            ),
        ),
    ]
