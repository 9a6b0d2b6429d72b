"""/api/v1/vocabulary/: the controlled vocabulary of claims with its labels, read from
tracker.vocab and tracker.trust (never copied), so a client can label what it lists."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker import trust, vocab
from tracker.models import Claim

CACHE_SECONDS = 3600


def _terms(mapping) -> list[dict]:
    return [{"value": key, "label": str(label)} for key, label in mapping.items()]


def vocabulary() -> dict:
    """Categories with their subtypes (label, what each counts, a fixed measure if any),
    qualifiers, measures, units, confidence levels (with their rule), Admiralty grades and
    review statuses."""
    return {
        "categories": [
            {
                "value": category,
                "label": label,
                "subtypes": [
                    {
                        "value": subtype,
                        "label": sub_label,
                        "meaning": meaning,
                        "measure": vocab.FIXED_MEASURE.get(subtype),
                    }
                    for subtype, sub_label, meaning in vocab.subtype_rows(category)
                ],
            }
            for category, label in vocab.CATEGORIES.items()
        ],
        "qualifiers": _terms(vocab.QUALIFIERS),
        "measures": _terms(vocab.MEASURES),
        "units": _terms(vocab.UNITS),
        "confidence": [
            {"value": key, "label": label, "rule": trust.CONFIDENCE_RULES[key]}
            for key, label in trust.CONFIDENCE_LEVELS.items()
        ],
        "reliability": _terms(trust.RELIABILITY),
        "credibility": [{"value": k, "label": v} for k, v in trust.CREDIBILITY.items()],
        "statuses": _terms(dict(Claim.Status.choices)),
    }


class TermSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class GradeSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class ConfidenceSerializer(TermSerializer):
    rule = serializers.CharField(help_text="When a claim gets this label (Admiralty grade).")


class SubtypeSerializer(TermSerializer):
    meaning = serializers.CharField(help_text="What is counted ('' when the label says it).")
    measure = serializers.CharField(
        allow_null=True, help_text="The measure this subtype always has, or null."
    )


class CategorySerializer(TermSerializer):
    subtypes = SubtypeSerializer(many=True)


class VocabularySerializer(serializers.Serializer):
    categories = CategorySerializer(many=True)
    qualifiers = TermSerializer(many=True)
    measures = TermSerializer(many=True)
    units = TermSerializer(many=True, help_text="Units as stored; '' means no unit.")
    confidence = ConfidenceSerializer(many=True)
    reliability = TermSerializer(many=True, help_text="Source reliability A–F.")
    credibility = GradeSerializer(many=True, help_text="Information credibility 1–6.")
    statuses = TermSerializer(many=True, help_text="Review statuses.")


class VocabularyView(APIView):
    """The vocabulary: the values filters and claims use, each with its label."""

    permission_classes: list = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Vocabulary: categories, subtypes per category, qualifiers, measures, units, "
        "confidence levels, grades and statuses, each with its label",
        description="Public and cacheable (Cache-Control: public). The values are those the "
        "claim filters and the claim fields take.",
        responses={200: VocabularySerializer},
    )
    def get(self, request):
        response = Response(vocabulary())
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response
