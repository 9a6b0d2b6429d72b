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


class SeriesSerializer(s.Serializer):
    category = s.CharField()
    subtype = s.CharField()
    unit = s.CharField(allow_blank=True)
    units = s.ListField(child=s.CharField(allow_blank=True))
    filters = SeriesFiltersSerializer()
    latest_headline = HeadlineStepSerializer(allow_null=True)
    cumulative = CumulativeSerializer()
    increments = IncrementsSerializer()
