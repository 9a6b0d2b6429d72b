"""What the API reads and writes. Stable snake_case names; rules stay in tracker.services."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker import services, vocab
from tracker.claimants import claimant_record
from tracker.disclosure import PUBLIC_CLAIM_FIELDS
from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimRelation,
    ClaimSource,
    HeadlineChange,
    LocationPrecision,
    Outlet,
    Place,
    WeaponSystem,
)
from tracker.selectors import claims_visible_to, user_sees_unreviewed


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


class PlaceRefSerializer(serializers.ModelSerializer):
    lat = serializers.FloatField(source="latitude", read_only=True)
    lon = serializers.FloatField(source="longitude", read_only=True)

    class Meta:
        model = Place
        fields = ["name", "slug", "lat", "lon", "kind"]


class WeaponSystemRefSerializer(serializers.ModelSerializer):
    """A weapon system as a claim names it."""

    class Meta:
        model = WeaponSystem
        fields = ["name", "slug", "kind"]


class WeaponSystemSerializer(serializers.ModelSerializer):
    """A registry entry: what the system is and every alias it is found by."""

    claim_count = serializers.IntegerField(
        read_only=True, help_text="Claims the caller can see that name this system."
    )

    class Meta:
        model = WeaponSystem
        fields = ["id", "name", "slug", "kind", "calibre", "origin", "aliases", "notes"]
        fields += ["claim_count"]


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
    credibility_suggested = serializers.BooleanField(
        help_text="True while the credibility is the tracker's suggestion from corroboration "
        "(independent claimants agreeing or contradicting), not a grade an editor set."
    )


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as external tools read it: figures, dates, claimant, trust, review and sources."""

    claimant = ClaimantRefSerializer(read_only=True, allow_null=True)
    # Blank when the claim has no place: the schema's enum names "" too.
    location_precision = serializers.ChoiceField(
        choices=[("", "no place"), *LocationPrecision.choices], allow_blank=True, required=False
    )
    place = PlaceRefSerializer(read_only=True, allow_null=True)
    origin_place = PlaceRefSerializer(read_only=True, allow_null=True)
    trust = TrustSerializer(source="*", read_only=True)
    figure = serializers.CharField(source="figure_display", read_only=True)
    has_number = serializers.BooleanField(read_only=True)
    sources = ClaimSourceSerializer(many=True, read_only=True)
    weapon_systems = WeaponSystemRefSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        # The public fields (tracker.disclosure, shared with the claim page) and derived ones.
        fields = [*PUBLIC_CLAIM_FIELDS, "weapon_systems", "figure", "has_number", "trust"]
        fields += ["sources"]
        read_only_fields = fields


QUOTE_OFFSET_MAX = 2_147_483_647


class ClaimSourceWriteSerializer(serializers.Serializer):
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    quote = serializers.CharField(max_length=5000)
    # Offsets are characters into an article: bounded by the column (PositiveIntegerField).
    quote_start = serializers.IntegerField(min_value=0, max_value=QUOTE_OFFSET_MAX, required=False)
    quote_end = serializers.IntegerField(min_value=0, max_value=QUOTE_OFFSET_MAX, required=False)

    def validate(self, attrs):
        # A PATCH makes every nested field optional (DRF passes `partial` down); a source added
        # by it still needs its article and quote.
        missing = {name: "This field is required." for name in ("article", "quote")}
        missing = {name: text for name, text in missing.items() if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        start, end = attrs.get("quote_start"), attrs.get("quote_end")
        if (start is None) != (end is None):
            raise serializers.ValidationError("Give both quote_start and quote_end, or neither.")
        if start is not None and start > end:
            raise serializers.ValidationError({"quote_end": "Must not be before quote_start."})
        # The quote must be in its article; the offsets stored are the ones found there.
        try:
            quote, start, end = services.claim_source_check(
                article=attrs["article"], quote=attrs["quote"], quote_start=start, quote_end=end
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc
        return {**attrs, "quote": quote, "quote_start": start, "quote_end": end}


_PLACE_ERRORS = {
    "does_not_exist": "No place has the slug '{value}' (the map page /map/ lists places).",
    "invalid": "Give a place's slug, e.g. sudzha.",
}
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
    place = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Place.objects.all(),
        required=False,
        allow_null=True,
        error_messages=_PLACE_ERRORS,
        help_text="The place's slug in the gazetteer (the map page /map/ lists places).",
    )
    origin_place = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Place.objects.all(),
        required=False,
        allow_null=True,
        error_messages=_PLACE_ERRORS,
        help_text="Arms transfers: the slug of the place the shipment left from.",
    )
    sources = ClaimSourceWriteSerializer(many=True, required=False, write_only=True)
    weapon_systems = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=WeaponSystem.objects.all(),
        required=False,
        help_text="Registry slugs (/api/v1/weapon-systems/) of the systems the claim names; "
        "an unknown slug is refused (400). Left out: those its weapon_system label names.",
    )
    confirm_figures = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="When a quote's numbers do not contain the claim's figures the request is "
        "refused (400, key confirm_figures); send true to save the figures anyway.",
    )

    class Meta:
        model = Claim
        fields = [
            "id", "category", "subtype", "low", "best", "high", "qualifier", "unit", "measure",
            "claim_date", "period_start", "period_end", "claimant", "location", "place",
            "location_precision", "origin_place", "weapon_system", "weapon_systems", "summary",
            "reliability", "credibility", "notes", "sources", "confirm_figures",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def create(self, validated_data):
        sources = validated_data.pop("sources", [])
        confirm = validated_data.pop("confirm_figures", False)
        try:
            return services.claim_create(
                created_by=self.context["request"].user,
                sources=sources,
                confirm_figures=confirm,
                origin=Claim.Origin.API,
                **validated_data,
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc

    def update(self, instance, validated_data):
        sources = validated_data.pop("sources", [])
        confirm = validated_data.pop("confirm_figures", False)
        try:
            return services.claim_update(
                claim=instance,
                editor=self.context["request"].user,
                sources=sources,
                confirm_figures=confirm,
                **validated_data,
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from exc

    def to_representation(self, instance):
        return ClaimSerializer(instance, context=self.context).data


class ReviewSerializer(serializers.Serializer):
    """No body needed: the reviewer is the caller."""


class ApproveSerializer(serializers.Serializer):
    """Approving: the reviewer is the caller."""

    confirm_ungraded = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Required (true) to approve a claim still graded credibility 6: confirms it "
        "cannot be judged. Otherwise grade it first (PATCH credibility).",
    )
    override_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=400,
        help_text="Superusers only: approve a claim they entered or changed themselves (four "
        "eyes), with this note, kept in the claim's history.",
    )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        help_text="Why the claim is rejected: one of the usual reasons ("
        + "; ".join(services.REJECT_REASONS)
        + ") or your own words. Kept on the claim and in its history.",
    )


class ClaimantSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = Claimant
        fields = ["id", "name", "short_name", "country", "kind", "reliability"]
        fields += ["reliability_reason", "registry", "description", "aliases"]


class GradeCountSerializer(serializers.Serializer):
    grade = serializers.CharField(help_text="Admiralty reliability and credibility, e.g. B2.")
    claims = serializers.IntegerField()


class ClaimantRecordSerializer(serializers.Serializer):
    """tracker.claimants.claimant_record, over approved claims."""

    claims = serializers.IntegerField(help_text="Approved claims by this claimant.")
    figures = serializers.IntegerField(help_text="Of them, claims with a number.")
    corroborated = serializers.IntegerField(
        help_text="Figures linked by a corroborates relation (either direction) to another "
        "claimant's claim made the same day or later."
    )
    contradicted = serializers.IntegerField(
        help_text="Figures linked likewise by a contradicts relation."
    )
    superseded = serializers.IntegerField(help_text="Claims that another claim supersedes.")
    first_claim_date = serializers.DateField(allow_null=True)
    last_claim_date = serializers.DateField(allow_null=True)
    by_confidence = serializers.DictField(
        child=serializers.IntegerField(), help_text="Claims per confidence label."
    )
    by_grade = GradeCountSerializer(many=True, help_text="Claims per grade, most used first.")


class ClaimantDetailSerializer(ClaimantSerializer):
    record = serializers.SerializerMethodField()

    class Meta(ClaimantSerializer.Meta):
        fields = [*ClaimantSerializer.Meta.fields, "record"]

    @extend_schema_field(ClaimantRecordSerializer)
    def get_record(self, claimant: Claimant) -> dict:
        approved = claims_visible_to(None, include_unreviewed=False)
        return ClaimantRecordSerializer(claimant_record(claimant=claimant, visible=approved)).data


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


class ArticleClaimSerializer(serializers.ModelSerializer):
    figure = serializers.CharField(source="figure_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "category", "subtype", "figure", "status", "url"]

    def get_url(self, claim: Claim) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("api:claim-detail", args=[claim.pk])
        return request.build_absolute_uri(path) if request is not None else path


class ArticleDetailSerializer(ArticleSerializer):
    """The detail adds the extracted plain text (never the raw HTML as fetched), the relevance
    verdict as a sentence and the claims proposed from the article (those the caller sees)."""

    relevance_summary = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = ArticleSerializer.Meta.fields + ["relevance_summary", "claims", "text"]

    def _claims(self, article: Article):
        from tracker.selectors import claims_visible_to

        request = self.context.get("request")
        user = getattr(request, "user", None)
        return (
            claims_visible_to(user)
            .filter(sources__article=article)
            .distinct()
            .order_by("-claim_date", "id")
        )

    def get_relevance_summary(self, article: Article) -> str:
        from tracker.selectors import article_relevance_summary

        return article_relevance_summary(article, figures=self._claims(article).count())

    @extend_schema_field(ArticleClaimSerializer(many=True))
    def get_claims(self, article: Article) -> list[dict]:
        return ArticleClaimSerializer(self._claims(article), many=True, context=self.context).data


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
    """The series' own query parameters of /api/v1/series/ (one series: a category and a
    subtype); the claim filters are the shared language (tracker.filtering)."""

    category = serializers.ChoiceField(choices=list(vocab.CATEGORIES))
    subtype = serializers.ChoiceField(
        choices=[s for subs in vocab.SUBTYPES.values() for s in subs],
        help_text=vocab.subtype_help(),
    )
    unit = serializers.CharField(required=False, max_length=30)
    freshness_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Days an estimate stays current (default: the SERIES_FRESHNESS_DAYS setting, "
        "180). Older estimates leave the band and hold the headline only while nothing "
        "fresher exists.",
    )
    on = serializers.DateField(
        required=False,
        help_text="The date freshness is judged on (default: date_to, else today — or the "
        "as_of date), over the claims known at the time asked for (as_of, default now).",
    )

    def validate(self, attrs):
        if not vocab.subtype_is_valid(attrs["category"], attrs["subtype"]):
            raise serializers.ValidationError(
                {"subtype": f"'{attrs['subtype']}' is not a subtype of {attrs['category']}."}
            )
        return attrs


class HeadlineChangeSerializer(serializers.ModelSerializer):
    """One change of a public headline: the series, old → new figure, the claim now holding
    it, who caused it (editors only) and when."""

    claim_url = serializers.SerializerMethodField()
    claimant = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField(
        help_text="The editor whose approval, edit or deletion changed the headline; editors "
        "only (null for everyone else)."
    )

    class Meta:
        model = HeadlineChange
        fields = [
            "id", "category", "subtype", "unit", "old_value", "new_value", "claim", "claim_url",
            "claimant", "reviewer", "changed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_claim_url(self, change: HeadlineChange) -> str | None:
        return change.claim.get_absolute_url() if change.claim_id else None

    def get_claimant(self, change: HeadlineChange) -> str | None:
        claim = change.claim
        return claim.claimant.name if claim is not None and claim.claimant_id else None

    def get_reviewer(self, change: HeadlineChange) -> str | None:
        request = self.context.get("request")
        if change.reviewer_id is None or not user_sees_unreviewed(getattr(request, "user", None)):
            return None
        return change.reviewer.get_username()
