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
    date = s.DateField()
    value = s.FloatField()
    low = s.FloatField(**_NUM)
    high = s.FloatField(**_NUM)
    bound = s.CharField(allow_null=True)
    claim_id = s.IntegerField()
    claimant_id = s.IntegerField(allow_null=True)
    claimant = s.CharField()
    confidence = s.CharField()


class BandSerializer(s.Serializer):
    date = s.DateField()
    min = s.FloatField()
    max = s.FloatField()
    claimants = s.IntegerField()


class CumulativeSerializer(s.Serializer):
    claimants = CumulativeLineSerializer(many=True)
    headline = HeadlineStepSerializer(many=True)
    band = BandSerializer(many=True)


class IncrementPointSerializer(s.Serializer):
    date = s.DateField()
    value = s.FloatField()
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
    value = s.FloatField()
    running_total = s.FloatField()


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
    filters = SeriesFiltersSerializer()
    latest_headline = HeadlineStepSerializer(allow_null=True)
    cumulative = CumulativeSerializer()
    increments = IncrementsSerializer()
    aggregated = AggregatedSerializer()
