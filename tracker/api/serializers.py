"""What the API reads and writes. Stable snake_case names; rules stay in tracker.services."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from tracker import services, trust, vocab
from tracker.disclosure import PUBLIC_CLAIM_FIELDS
from tracker.models import Article, Claim, Claimant, ClaimRelation, ClaimSource, Outlet


def _as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """Model validation messages, per field, as a 400 body."""
    if hasattr(exc, "error_dict"):
        errors = dict(exc.message_dict)
        if NON_FIELD_ERRORS in errors:
            errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
        return serializers.ValidationError(errors)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class ClaimantRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["id", "name", "short_name"]


class ClaimSourceSerializer(serializers.ModelSerializer):
    article_id = serializers.IntegerField(source="article.id", read_only=True)
    title = serializers.CharField(source="article.title", read_only=True)
    url = serializers.CharField(source="article.url", read_only=True, allow_null=True)
    published_at = serializers.DateTimeField(
        source="article.published_at", read_only=True, allow_null=True
    )
    outlet = serializers.SerializerMethodField()

    class Meta:
        model = ClaimSource
        fields = ["article_id", "title", "url", "published_at", "outlet", "quote"]
        fields += ["quote_start", "quote_end"]

    def get_outlet(self, source: ClaimSource) -> str | None:
        outlet = source.article.outlet
        return outlet.name if outlet is not None else None


class TrustSerializer(serializers.Serializer):
    reliability = serializers.CharField(help_text="Admiralty source reliability A–F.")
    credibility = serializers.IntegerField(help_text="Admiralty information credibility 1–6.")
    confidence = serializers.CharField(help_text="high · moderate · low, derived from the grade.")
    grade = serializers.CharField(help_text="Reliability and credibility together, e.g. B2.")


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as external tools read it: figures, dates, claimant, trust, review and sources."""

    claimant = ClaimantRefSerializer(read_only=True, allow_null=True)
    trust = TrustSerializer(source="*", read_only=True)
    figure = serializers.CharField(source="figure_display", read_only=True)
    has_number = serializers.BooleanField(read_only=True)
    sources = ClaimSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        # The public fields (tracker.disclosure, shared with the claim page) and derived ones.
        fields = [*PUBLIC_CLAIM_FIELDS, "figure", "has_number", "trust", "sources"]
        read_only_fields = fields


QUOTE_OFFSET_MAX = 2_147_483_647


class ClaimSourceWriteSerializer(serializers.Serializer):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    quote = serializers.CharField(max_length=5000)
    # Offsets are characters into an article: bounded by the column (PositiveIntegerField).
    quote_start = serializers.IntegerField(min_value=0, max_value=QUOTE_OFFSET_MAX, required=False)
    quote_end = serializers.IntegerField(min_value=0, max_value=QUOTE_OFFSET_MAX, required=False)

    def validate(self, attrs):
        start, end = attrs.get("quote_start"), attrs.get("quote_end")
        if (start is None) != (end is None):
            raise serializers.ValidationError("Give both quote_start and quote_end, or neither.")
        if start is not None and start > end:
            raise serializers.ValidationError({"quote_end": "Must not be before quote_start."})
        return attrs


_FIGURE = {"required": False, "allow_null": True, "min_value": 0, "max_value": 1e15}


class ClaimWriteSerializer(serializers.ModelSerializer):
    """Create or update a claim. New claims come in pending (origin api); review them with the
    approve/reject endpoints. Validation is the model's (tracker.models.Claim.clean)."""

    low = serializers.FloatField(**_FIGURE)
    best = serializers.FloatField(**_FIGURE)
    high = serializers.FloatField(**_FIGURE)
    claimant = serializers.PrimaryKeyRelatedField(
        queryset=Claimant.objects.all(), required=False, allow_null=True
    )
    sources = ClaimSourceWriteSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "category", "subtype", "low", "best", "high", "qualifier", "unit", "measure",
            "claim_date", "period_start", "period_end", "claimant", "location", "weapon_system",
            "summary", "reliability", "credibility", "notes", "sources",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def create(self, validated_data):
        sources = validated_data.pop("sources", [])
        try:
            return services.claim_create(
                created_by=self.context["request"].user,
                sources=sources,
                origin=Claim.Origin.API,
                **validated_data,
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc

    def update(self, instance, validated_data):
        sources = validated_data.pop("sources", [])
        try:
            return services.claim_update(
                claim=instance,
                editor=self.context["request"].user,
                sources=sources,
                **validated_data,
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc

    def to_representation(self, instance):
        return ClaimSerializer(instance, context=self.context).data


class ReviewSerializer(serializers.Serializer):
    """No body needed: the reviewer is the caller."""


class ClaimantSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = Claimant
        fields = ["id", "name", "short_name", "country", "kind", "reliability", "description"]
        fields += ["aliases"]


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "reliability", "country"]


class OutletRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain"]


class ArticleSerializer(serializers.ModelSerializer):
    outlet = OutletRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Article
        fields = [
            "id", "url", "outlet", "title", "author", "published_at", "language", "status",
            "error", "relevance", "created_at", "updated_at",
        ]  # fmt: skip


class ArticleDetailSerializer(ArticleSerializer):
    """The detail adds the extracted plain text (never the raw HTML as fetched)."""

    class Meta(ArticleSerializer.Meta):
        fields = ArticleSerializer.Meta.fields + ["text"]


ARTICLE_FILE_MAX_BYTES = 5 * 1024 * 1024


class ArticleIngestSerializer(serializers.Serializer):
    url = serializers.URLField(required=False, max_length=2000, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2_000_000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    file = serializers.FileField(
        required=False,
        help_text="A .txt (optional url/outlet/published/title header lines) or .html file, "
        "sent as multipart/form-data; at most 5 MB.",
    )

    def validate_file(self, upload):
        if upload is not None and upload.size > ARTICLE_FILE_MAX_BYTES:
            raise serializers.ValidationError("The file is larger than 5 MB.")
        return upload

    def validate_url(self, url: str) -> str:
        if url and not url.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https URLs can be ingested.")
        return url

    def validate(self, attrs):
        url, text = attrs.get("url", ""), attrs.get("text", "").strip()
        if sum(map(bool, (url, text, attrs.get("file")))) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give one of a url, a text or a file."]}
            )
        return attrs


class ArticleIngestResultSerializer(serializers.Serializer):
    article_id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.URLField()


class ClaimRelationSerializer(serializers.ModelSerializer):
    from_claim = serializers.IntegerField(source="from_claim_id", read_only=True)
    to_claim = serializers.IntegerField(source="to_claim_id", read_only=True)

    class Meta:
        model = ClaimRelation
        fields = ["id", "from_claim", "to_claim", "kind", "note", "created_at"]


class SeriesQuerySerializer(serializers.Serializer):
    """Query parameters of /api/v1/series/."""

    category = serializers.ChoiceField(choices=list(vocab.CATEGORIES))
    subtype = serializers.ChoiceField(choices=[s for subs in vocab.SUBTYPES.values() for s in subs])
    unit = serializers.CharField(required=False, max_length=30)
    claimant = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False
    )
    min_confidence = serializers.ChoiceField(choices=list(trust.CONFIDENCE_RANK), required=False)
    include_pending = serializers.BooleanField(
        required=False, default=False, help_text="Editors only; ignored for everyone else."
    )
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    location = serializers.CharField(required=False, max_length=200)
    weapon_system = serializers.CharField(required=False, max_length=120)

    def validate(self, attrs):
        if not vocab.subtype_is_valid(attrs["category"], attrs["subtype"]):
            raise serializers.ValidationError(
                {"subtype": f"'{attrs['subtype']}' is not a subtype of {attrs['category']}."}
            )
        return attrs
