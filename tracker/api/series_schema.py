"""The shape of tracker.series.series_build's output, for the OpenAPI schema only."""

from __future__ import annotations

from rest_framework import serializers as s

_NUM = {"allow_null": True}


class CumulativePointSerializer(s.Serializer):
    date = s.DateField()
    value = s.FloatField(help_text="best, else the low–high midpoint, else the single bound")
    low = s.FloatField(**_NUM)
    high = s.FloatField(**_NUM)
    bound = s.CharField(allow_null=True, help_text="lower / upper when value is a bound")
    qualifier = s.CharField()
    claim_id = s.IntegerField()
    status = s.CharField()
    confidence = s.CharField()
    reliability = s.CharField()
    credibility = s.IntegerField()
    band_low = s.FloatField(
        required=False, help_text="aggregated series only: lowest low (or value) of the bucket"
    )
    band_high = s.FloatField(
        required=False, help_text="aggregated series only: highest high (or value) of the bucket"
    )
    bucket_points = s.IntegerField(
        required=False, help_text="aggregated series only: daily points merged into this one"
    )


class CumulativeLineSerializer(s.Serializer):
    claimant_id = s.IntegerField(allow_null=True)
    claimant = s.CharField()
    claimant_short = s.CharField()
    points = CumulativePointSerializer(many=True)


class HeadlineStepSerializer(s.Serializer):
    date = s.DateField(help_text="the day this claim took the headline")
    value = s.FloatField()
    low = s.FloatField(**_NUM)
    high = s.FloatField(**_NUM)
    bound = s.CharField(allow_null=True)
    claim_id = s.IntegerField()
    claim_date = s.DateField(help_text="the date the claim was made")
    claimant_id = s.IntegerField(allow_null=True)
    claimant = s.CharField()
    confidence = s.CharField()
    reliability = s.CharField()
    credibility = s.IntegerField()
    status = s.CharField(help_text="approved, or pending (editors who asked for pending claims)")
    stale = s.BooleanField(
        help_text="older than the freshness window: holds the headline only because no "
        "claimant has a current estimate"
    )
    age_days = s.IntegerField(help_text="age of the estimate on `date` (on `as_of` for latest)")


class LatestHeadlineSerializer(HeadlineStepSerializer):
    as_of = s.DateField(help_text="the date freshness is judged on")
    changed_on = s.DateField(help_text="the first day the headline had its current figure")


class BandSerializer(s.Serializer):
    date = s.DateField()
    min = s.FloatField()
    max = s.FloatField()
    claimants = s.IntegerField(
        help_text="claimants with a current estimate; 0: none, min–max is the stale headline's"
    )


class CumulativeSerializer(s.Serializer):
    claimants = CumulativeLineSerializer(many=True)
    headline = HeadlineStepSerializer(many=True)
    band = BandSerializer(many=True)


class IncrementPointSerializer(s.Serializer):
    date = s.DateField()
    value = s.FloatField()
    low = s.FloatField(**_NUM)
    high = s.FloatField(**_NUM)
    running_total = s.FloatField()
    claim_id = s.IntegerField()
    status = s.CharField()
    bucket_points = s.IntegerField(
        required=False, help_text="aggregated series only: claims summed into this point"
    )


class IncrementLineSerializer(s.Serializer):
    claimant_id = s.IntegerField(allow_null=True)
    claimant = s.CharField()
    points = IncrementPointSerializer(many=True)


class CombinedPointSerializer(s.Serializer):
    date = s.DateField()
    value = s.FloatField(help_text="events of the day, each counted once (a range: midpoint)")
    running_total = s.FloatField()
    running_low = s.FloatField(help_text="running total counting each range at its low end")
    running_high = s.FloatField(help_text="running total counting each range at its high end")
    status = s.CharField(help_text="pending if any claim counted that day is pending")


class IncrementsSerializer(s.Serializer):
    claimants = IncrementLineSerializer(many=True)
    combined = CombinedPointSerializer(many=True)
    total = s.FloatField()


class SeriesFiltersSerializer(s.Serializer):
    claimant_ids = s.ListField(child=s.IntegerField())
    min_confidence = s.CharField(allow_null=True)
    include_pending = s.BooleanField()
    date_from = s.DateField(allow_null=True)
    date_to = s.DateField(allow_null=True)
    location = s.CharField(allow_blank=True)
    weapon_system = s.CharField(allow_blank=True)


class AggregatedSerializer(s.Serializer):
    bucket = s.ChoiceField(
        ["day", "week", "month", "quarter", "year"],
        help_text="one point per claimant per bucket; day = not aggregated",
    )
    max_points = s.IntegerField(help_text="the cap on points, all lists together")
    points = s.IntegerField(help_text="points returned, all lists together")
    points_daily = s.IntegerField(help_text="points at day resolution, before aggregation")
    claims = s.IntegerField(help_text="claims counted (the headline uses every one)")


class SeriesSerializer(s.Serializer):
    category = s.CharField()
    subtype = s.CharField()
    unit = s.CharField(allow_blank=True)
    units = s.ListField(child=s.CharField(allow_blank=True))
    as_of = s.DateField(
        help_text="the date freshness is judged on (as_of, else date_to, else today)"
    )
    freshness_days = s.IntegerField(help_text="days an estimate stays current")
    filters = SeriesFiltersSerializer()
    latest_headline = LatestHeadlineSerializer(allow_null=True)
    current_band = BandSerializer(
        allow_null=True, help_text="the spread of current estimates across claimants"
    )
    cumulative = CumulativeSerializer()
    increments = IncrementsSerializer()
    aggregated = AggregatedSerializer()
