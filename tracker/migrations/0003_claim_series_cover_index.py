"""PostgreSQL only: a covering index for the series and the public claim lists, so that
series_build and the list counts read the index alone (index-only scans) instead of visiting
tens of thousands of table pages; an index for the counts of public lists (approved, by
category and confidence); and statistics that tell the planner subtype implies
category. Measured in bench/api.py (docs/api.md). SQLite needs neither."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS claim_series_cover_idx ON tracker_claim "
    "(category, subtype, status, claim_date) INCLUDE (id, measure, norm_unit, norm_low, "
    "norm_best, norm_high, period_end, claimant_id, confidence, reliability, qualifier)",
    # Public lists filter approved claims by category and confidence: their counts read this.
    "CREATE INDEX IF NOT EXISTS claim_status_category_confidence_idx ON tracker_claim "
    "(status, category, confidence, claim_date)",
    "CREATE STATISTICS IF NOT EXISTS claim_category_subtype_stats (dependencies, ndistinct) "
    "ON category, subtype FROM tracker_claim",
]
DROP = [
    "DROP STATISTICS IF EXISTS claim_category_subtype_stats",
    "DROP INDEX IF EXISTS claim_status_category_confidence_idx",
    "DROP INDEX IF EXISTS claim_series_cover_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_groups")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
