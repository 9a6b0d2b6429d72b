"""The domain: who asserts (Claimant), where it was printed (Outlet, Article), what was asserted
(Claim), the exact words (ClaimSource) and how claims relate (ClaimRelation).

Invariants live here, as database constraints and in `clean()`; writes go through
`tracker.services`.
"""

from __future__ import annotations

import functools
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tracker import quotes, trust, vocab


def _choices(mapping: dict) -> list[tuple]:
    return list(mapping.items())


class Reliability(models.TextChoices):
    A = "A", "A – completely reliable"
    B = "B", "B – usually reliable"
    C = "C", "C – fairly reliable"
    D = "D", "D – not usually reliable"
    E = "E", "E – unreliable"
    F = "F", "F – cannot be judged"


class Credibility(models.IntegerChoices):
    CONFIRMED = 1, "1 – confirmed by other sources"
    PROBABLE = 2, "2 – probably true"
    POSSIBLE = 3, "3 – possibly true"
    DOUBTFUL = 4, "4 – doubtful"
    IMPROBABLE = 5, "5 – improbable"
    UNKNOWN = 6, "6 – cannot be judged"


class HistoryValidity(models.Model):
    """What the history rows of the models `?as_of=` reads add to simple-history's: the moment
    each stopped being its object's current state (tracker.validity)."""

    valid_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the next history row of this object replaced this one (empty: the latest).",
    )

    class Meta:
        abstract = True


class History(HistoricalRecords):
    """simple-history's records with `valid_until`, and indexes of their own: the as-of views
    (tracker.asof) filter the history tables as pages filter today's."""

    def __init__(self, *, indexes=(), **kwargs):
        super().__init__(bases=[HistoryValidity], **kwargs)
        self.indexes = tuple(indexes)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = (*options.get("indexes", ()), *self.indexes)
        return options

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            _HISTORY_OF[sender] = self

    @classmethod
    def register(cls, model) -> None:
        """History for a model that cannot declare it, as a many-to-many field's link table:
        simple-history's `register` with these records."""
        import simple_history

        simple_history.register(model, records_class=cls)

    @staticmethod
    def created_rows_insert(instances: list, *, kind: str = "+") -> int:
        """Write the creation rows ('+') of `instances`, which were just inserted in bulk
        (bulk_create, tracker.rows.rows_insert: no post_save), as simple-history's post_save
        writes them: each row has its object's stored fields, a date (the instance's
        `_history_date`, else now), a user (`_history_user`, else the request's) and a change
        reason. The rows are copied from the table (INSERT … SELECT), one insert per date, user
        and reason, not built in Python; the validity trigger (tracker.validity) sets
        `valid_until` on each row, as on any insert. `kind='-'`: their deletion rows instead,
        written before they are deleted (a link table's rows, which send no delete signals);
        `kind='~'`: their change rows, after an UPDATE of their rows
        (tracker.services._credibility_write). Returns how many rows were written."""
        if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return 0
        from django.db import connection
        from django.utils import timezone

        model = type(instances[0])
        records = _HISTORY_OF[model]
        now = timezone.now()
        groups: dict[tuple, list] = {}
        for instance in instances:
            if hasattr(instance, "skip_history_when_saving"):
                continue
            user = records.get_history_user(instance)
            key = (
                getattr(instance, "_history_date", None) or now,
                None if user is None else user.pk,
                records.get_change_reason_for_object(instance, kind, None),
            )
            groups.setdefault(key, []).append(instance.pk)
        head, pk, date_field = _created_rows_sql(model)
        written = 0
        with connection.cursor() as cursor:
            for (date, user, reason), pks in groups.items():
                cursor.execute(
                    f"{head}({', '.join(['%s'] * len(pks))}) ORDER BY {pk}",
                    [date_field.get_db_prep_save(date, connection), kind, user, reason, *pks],
                )
                written += len(pks)
        return written


_HISTORY_COLUMNS = ("history_date", "history_type", "history_user", "history_change_reason")


@functools.cache
def _created_rows_sql(model) -> tuple[str, str, models.Field]:
    """History.created_rows_insert's statement up to its list of ids, the quoted primary key
    column and the history's date field: the same for every call, built once per model."""
    from django.apps import apps
    from django.db import connection

    history = apps.get_model(model._meta.app_label, f"Historical{model.__name__}")
    fields = _HISTORY_OF[model].fields_included(model)
    quote = connection.ops.quote_name
    into = [quote(history._meta.get_field(f.name).column) for f in fields]
    into += [quote(history._meta.get_field(name).column) for name in _HISTORY_COLUMNS]
    pk = quote(model._meta.pk.column)
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(into)}) "
        f"SELECT {', '.join(quote(f.column) for f in fields)}, %s, %s, %s, %s "
        f"FROM {quote(model._meta.db_table)} WHERE {pk} IN "
    )
    return head, pk, history._meta.get_field("history_date")


_HISTORY_OF: dict[type, History] = {}  # model -> its History (History.created_rows_insert)


class Claimant(models.Model):
    class Kind(models.TextChoices):
        MILITARY = "military", "Military"
        INTELLIGENCE = "intelligence", "Intelligence"
        GOVERNMENT = "government", "Government"
        MEDIA = "media", "Media"
        NGO = "ngo", "NGO / research"
        INTERNATIONAL = "international", "International organisation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    country = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    reliability = models.CharField(
        "default source reliability",
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Used as the reliability of new claims by this claimant.",
    )
    # db_default too: rows written by raw SQL (bench/ COPY) get the same defaults.
    reliability_reason = models.TextField(
        "why this reliability",
        blank=True,
        default="",
        db_default="",
        help_text="The written reason for the default reliability, shown with the grade.",
    )
    registry = models.BooleanField(
        "in the registry",
        default=False,
        db_default=False,
        help_text="One of the usual claimants the tracker ships with (migration "
        "0006_claimant_registry); the others were met in articles or added by editors.",
    )
    description = models.TextField(blank=True)

    # Its name and grade as they stood on any day: `?as_of=` (tracker.asof) reads it.
    history = History()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claimant-detail", args=[self.pk])

    @property
    def label(self) -> str:
        return self.short_name or self.name


class ClaimantAlias(models.Model):
    """Another name a claimant goes by in articles (JCS, spy agency, HUR…); editable in admin
    so editors can teach the extractor new names without code."""

    claimant = models.ForeignKey(Claimant, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "claimant aliases"

    def __str__(self) -> str:
        return f"{self.alias} → {self.claimant}"


class Place(models.Model):
    """A named place claims happen at: a front town, a port, a training ground, a city, a DMZ
    sector, a balloon landing area… The gazetteer ships as data (tracker/data/places.json,
    loaded by a migration and `manage.py load_places`); editors extend it in the admin.
    `tracker.places.resolve` finds a place by any of its names."""

    class Kind(models.TextChoices):
        FRONT = "front", "Front line"
        TRAINING_GROUND = "training_ground", "Training ground"
        PORT = "port", "Port"
        RAIL_CROSSING = "rail_crossing", "Rail crossing"
        AIRFIELD = "airfield", "Airfield"
        FACILITY = "facility", "Facility or depot"
        CITY = "city", "City or town"
        DMZ_SECTOR = "dmz_sector", "DMZ / MDL sector"
        BALLOON_AREA = "balloon_area", "Balloon landing area"
        REGION = "region", "Region"
        COUNTRY = "country", "Country"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(max_length=80)
    latitude = models.FloatField()
    longitude = models.FloatField()
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names and spellings (transliterations, local scripts), one per item.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="place_latitude_valid"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def default_precision(self) -> str:
        """How exactly this place pins a claim down (Claim.location_precision)."""
        return PRECISION_OF_KIND[self.kind]

    def clean(self) -> None:
        if not isinstance(self.aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in self.aliases
        ):
            raise ValidationError({"aliases": 'A list of names, e.g. ["Najin", "라진"].'})


class LocationPrecision(models.TextChoices):
    """How exactly a claim's place is known, after UCDP GED's where_prec: the spot itself, the
    area around a town (within some 25 km), a region (oblast, province), or only the country."""

    EXACT = "exact", "Exact spot"
    AREA = "area", "Town or area"
    REGION = "region", "Region"
    COUNTRY = "country", "Country only"


PRECISION_OF_KIND = {
    "front": "area",
    "training_ground": "exact",
    "port": "exact",
    "rail_crossing": "exact",
    "airfield": "exact",
    "facility": "exact",
    "city": "area",
    "dmz_sector": "area",
    "balloon_area": "area",
    "region": "region",
    "country": "country",
}


class WeaponSystem(models.Model):
    """A weapon system reported in claims (the registry, tracker/data/weapon_systems.json,
    loaded by migration 0016 and `manage.py load_weapon_systems`; editors extend it in admin).
    A claim names systems through `Claim.weapon_systems`; tracker.weapons resolves printed
    labels ("KN-23/KN-24", "170mm SPG and 240mm MRL") to these rows through their aliases."""

    class Kind(models.TextChoices):
        SRBM = "srbm", "Short-range ballistic missile"
        MRL = "mrl", "Multiple rocket launcher"
        ROCKET = "rocket", "Artillery rocket"
        SPG = "spg", "Self-propelled gun"
        GUN = "gun", "Gun / howitzer"
        SHELL = "shell", "Artillery shell"
        MORTAR = "mortar", "Mortar bomb"
        ANTI_TANK = "anti_tank", "Anti-tank weapon"
        DRONE = "drone", "Drone"
        AIR_DEFENCE = "air_defence", "Air defence"
        SMALL_ARMS = "small_arms", "Small arms"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    calibre = models.CharField(max_length=40, blank=True, help_text="e.g. 170 mm")
    origin = models.CharField("origin country", max_length=80, blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Designations and other names as printed (KN-23, Hwasong-11A, 240mm MRL…). "
        "Matching ignores case, spaces, hyphens and slashes.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from tracker import weapons

        clash = weapons.alias_clash(system=self)
        if clash:
            raise ValidationError({"aliases": clash})


class Outlet(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=200, unique=True, help_text="e.g. example.com")
    reliability = models.CharField(
        "default reliability", max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    country = models.CharField(max_length=80, blank=True)

    # Its grade as it stood on any day: `?as_of=` (tracker.asof) reads it.
    history = History()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        FETCHED = "fetched", "Fetched"
        PROCESSED = "processed", "Processed"
        IRRELEVANT = "irrelevant", "Irrelevant"
        FAILED = "failed", "Failed"
        # Processed in part: the extraction budget ran out (ingest/extract/budget.py).
        TOO_LONG = "too_long", "Too long, review by hand"

    url = models.URLField(max_length=2000, unique=True, null=True, blank=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=10, default="en", blank=True)
    text = models.TextField(blank=True)
    raw = models.TextField(blank=True, help_text="The body as fetched (HTML or text), untrusted.")
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    relevance = models.FloatField(null=True, blank=True)
    relevance_reasons = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash=""),
                name="article_content_hash_unique",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="article_status_idx")]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("article-detail", args=[self.pk])


# A claim with a number: any of low, best, high given (claims without one are claims too).
HAS_NUMBER = Q(low__isnull=False) | Q(best__isnull=False) | Q(high__isnull=False)


class Claim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Extracted"
        MANUAL = "manual", "Manual"
        API = "api", "API"

    category = models.CharField(max_length=30, choices=_choices(vocab.CATEGORIES))
    subtype = models.CharField(max_length=40, choices=vocab.subtype_choices())
    low = models.FloatField(null=True, blank=True)
    best = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    qualifier = models.CharField(max_length=20, choices=_choices(vocab.QUALIFIERS))
    unit = models.CharField(max_length=30, blank=True, help_text="As printed (troops, miles…)")
    # Figures in the normalised unit (miles → km) that charts and totals use.
    norm_unit = models.CharField(max_length=30, blank=True, editable=False)
    norm_low = models.FloatField(null=True, blank=True, editable=False)
    norm_best = models.FloatField(null=True, blank=True, editable=False)
    norm_high = models.FloatField(null=True, blank=True, editable=False)
    measure = models.CharField(
        max_length=20, choices=_choices(vocab.MEASURES), default="cumulative"
    )
    claim_date = models.DateField(help_text="When the claimant said it.")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    claimant = models.ForeignKey(
        Claimant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="Empty when the article asserts it itself.",
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="Where, as printed (free text)."
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="Where it happened (for an arms transfer: where it went), from the gazetteer.",
    )
    location_precision = models.CharField(
        max_length=10,
        choices=LocationPrecision.choices,
        blank=True,
        help_text="How exactly the place is known; left empty, the place's kind decides.",
    )
    origin_place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments_from",
        help_text="Arms transfers only: where the shipment left from.",
    )
    # The label as printed ("170mm SPG and 240mm MRL"); counts use `weapon_systems`.
    weapon_system = models.CharField(max_length=120, blank=True)
    weapon_systems = models.ManyToManyField(
        WeaponSystem,
        blank=True,
        related_name="claims",
        help_text="The registry's systems the claim names (from the label when left empty).",
    )
    summary = models.CharField(max_length=300, blank=True)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default="F")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.UNKNOWN
    )
    # True while the credibility is the machine's suggestion (tracker.credibility); it is then
    # recomputed as claims arrive. Any credibility an editor sets by hand clears it for good.
    credibility_suggested = models.BooleanField(default=False, db_default=False, editable=False)
    # Derived from reliability + credibility by trust.confidence_for on every save.
    confidence = models.CharField(
        max_length=10, choices=_choices(trust.CONFIDENCE_LEVELS), default="low", editable=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    rule = models.CharField(max_length=120, blank=True, help_text="Extraction rule that fired.")
    extraction_score = models.FloatField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Who last changed what was claimed by hand (figures, dates, claimant, quotes…): under the
    # four-eyes rule that editor may not approve the claim (tracker.services.claim_approve).
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="last edited by hand by",
    )
    review_note = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why it was rejected, or a superuser's note when overriding four eyes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The as-of views (tracker.asof) filter the versions as lists and series filter today's
    # rows (the claim table's indexes, and migration 0003's on PostgreSQL), plus the validity
    # columns, carried so that counts and series read the index alone (PostgreSQL's INCLUDE).
    history = History(
        indexes=[
            models.Index(fields=["status", "claim_date"], name="hclaim_status_date_idx"),
            models.Index(fields=["claim_date"], name="hclaim_date_idx"),
            models.Index(
                fields=["status", "category", "confidence", "claim_date"],
                include=["history_date", "valid_until", "history_type"],
                name="hclaim_list_idx",
            ),
            models.Index(
                fields=["category", "subtype", "status", "claim_date"],
                include=[
                    "id",
                    "measure",
                    "norm_unit",
                    "norm_low",
                    "norm_best",
                    "norm_high",
                    "period_end",
                    "claimant",
                    "confidence",
                    "reliability",
                    "qualifier",
                    "credibility",
                    "history_date",
                    "valid_until",
                    "history_type",
                ],  # fmt: skip
                name="hclaim_series_cover_idx",
            ),
        ]
    )

    class Meta:
        ordering = ["-claim_date", "-id"]
        permissions = [("review_claim", "Can approve or reject claims")]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(best__isnull=True) | Q(low__lte=F("best")),
                name="claim_low_le_best",
            ),
            models.CheckConstraint(
                condition=Q(best__isnull=True) | Q(high__isnull=True) | Q(best__lte=F("high")),
                name="claim_best_le_high",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="claim_low_le_high",
            ),
            # A qualifier of "none" means no numbers, and numbers need a real qualifier.
            models.CheckConstraint(
                condition=(
                    Q(qualifier="none", low__isnull=True, best__isnull=True, high__isnull=True)
                    | (
                        ~Q(qualifier="none")
                        & (Q(low__isnull=False) | Q(best__isnull=False) | Q(high__isnull=False))
                    )
                ),
                name="claim_qualifier_none_iff_no_numbers",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(low__gte=0), name="claim_low_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="claim_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=list(trust.RELIABILITY)),
                name="claim_reliability_valid",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="claim_credibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="claim_status_valid",
            ),
            # What a troop figure counts fixes its measure (vocab.FIXED_MEASURE).
            models.CheckConstraint(
                condition=~Q(subtype="additional_deployment") | Q(measure="increment"),
                name="claim_additional_deployment_increment",
            ),
            models.CheckConstraint(
                condition=~Q(subtype__in=["deployed", "sent_total"]) | Q(measure="cumulative"),
                name="claim_troop_stock_cumulative",
            ),
            # A place has a precision and only a place has one.
            models.CheckConstraint(
                condition=Q(place__isnull=True, location_precision="")
                | (Q(place__isnull=False) & ~Q(location_precision="")),
                name="claim_precision_iff_place",
            ),
            models.CheckConstraint(
                condition=Q(origin_place__isnull=True) | Q(category="arms_transfer"),
                name="claim_origin_place_arms_only",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "subtype", "claim_date"], name="claim_series_idx"),
            models.Index(fields=["status", "claim_date"], name="claim_status_date_idx"),
            # The API's and pages' claim lists of a category, newest first (with the id as the
            # tie-break): read in order, not found among all approved claims and sorted.
            models.Index(
                fields=["status", "category", "claim_date", "id"],
                name="claim_status_category_date_idx",
            ),
            models.Index(fields=["claimant", "claim_date"], name="claim_claimant_date_idx"),
            models.Index(fields=["confidence"], name="claim_confidence_idx"),
            models.Index(fields=["claim_date"], name="claim_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subtype_display()}: {self.figure_display} ({self.claim_date})"

    def get_absolute_url(self) -> str:
        return reverse("claim-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.category
            and self.subtype
            and not vocab.subtype_is_valid(self.category, self.subtype)
        ):
            errors["subtype"] = (
                f"'{self.subtype}' is not a subtype of {self.category}; choose one of: "
                + ", ".join(vocab.SUBTYPES.get(self.category, {}))
            )
        has_number = any(v is not None for v in (self.low, self.best, self.high))
        if self.qualifier == "none" and has_number:
            errors["qualifier"] = "A claim with numbers needs a qualifier other than 'none'."
        elif self.qualifier and self.qualifier != "none" and not has_number:
            errors["qualifier"] = "A claim without numbers takes the qualifier 'none'."
        for name in ("low", "best", "high"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "Figures cannot be negative."
        if self.low is not None and self.best is not None and self.low > self.best:
            errors["low"] = "Low must not exceed best."
        if self.best is not None and self.high is not None and self.best > self.high:
            errors["high"] = "High must not be below best."
        if self.low is not None and self.high is not None and self.low > self.high:
            errors["high"] = "High must not be below low."
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = "The period must not end before it starts."
        fixed = vocab.FIXED_MEASURE.get(self.subtype)
        valid_subtype = vocab.subtype_is_valid(self.category, self.subtype)
        if fixed and valid_subtype and self.measure and self.measure != fixed:
            label = vocab.SUBTYPES[self.category][self.subtype]
            errors["measure"] = (
                f"“{label}” is always {fixed}: {vocab.subtype_meaning(self.category, self.subtype)}"
            )
        if self.origin_place_id and self.category != "arms_transfer":
            errors["origin_place"] = "Only an arms transfer has a place it was shipped from."
        if not self.place_id:
            self.location_precision = ""  # a precision belongs to a place
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Set what is computed from other fields: confidence (from the grade) and the figures in
        the normalised unit. Every save does; an import's raw save calls it itself."""
        # -0.0 + 0.0 is 0.0: a figure of "minus zero" is stored and shown as 0.
        self.low, self.best, self.high = (
            None if v is None else v + 0.0 for v in (self.low, self.best, self.high)
        )
        self.confidence = trust.confidence_for(self.reliability, int(self.credibility))
        # No place, no precision; a place with none given takes its kind's.
        if self.place_id is None:
            self.location_precision = ""
        elif not self.location_precision:
            self.location_precision = PRECISION_OF_KIND.get(self.place.kind, "area")
        self.norm_unit, factor = vocab.normalise_unit(self.unit)
        self.norm_low = None if self.low is None else self.low * factor
        self.norm_best = None if self.best is None else self.best * factor
        self.norm_high = None if self.high is None else self.high * factor

    @property
    def has_number(self) -> bool:
        return any(v is not None for v in (self.low, self.best, self.high))

    @property
    def grade(self) -> str:
        """Admiralty grade such as 'B2'."""
        return f"{self.reliability}{self.credibility}"

    @property
    def figure_display(self) -> str:
        return figure_text(self.low, self.best, self.high, self.qualifier, self.unit)

    @property
    def statement(self) -> str:
        """What the claim asserts, in words, for a claim with no number ("supplies rocket
        launchers"): its editor's summary, else its kind and weapon system."""
        if self.summary:
            return self.summary
        label = vocab.SUBTYPES.get(self.category, {}).get(self.subtype, self.subtype)
        return f"{label}: {self.weapon_system}" if self.weapon_system else label

    @property
    def first_source(self) -> ClaimSource | None:
        """The earliest source; no query when the list prefetched `sources` (the dashboard's
        lists do, with each article's outlet)."""
        sources = self.sources.all()
        return sources[0] if sources else None


def _num(value: float) -> str:
    value = float(value) + 0.0  # never "-0"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def figure_text(low, best, high, qualifier: str, unit: str) -> str:
    """Human reading of a figure: 'more than 1,000 troops', '10,000–12,000 troops'."""
    unit = f" {unit}" if unit else ""
    if qualifier == "none" or (low is None and best is None and high is None):
        return "no figure"
    # A "range" missing one end (the API accepts it) reads as its single figure.
    if low is not None and high is not None and (qualifier == "range" or best is None):
        return f"{_num(low)}–{_num(high)}{unit}"
    prefix = {
        "approximately": "about ",
        "at_least": "at least ",
        "more_than": "more than ",
        "up_to": "up to ",
        "fewer_than": "fewer than ",
        "vague": "",
    }.get(qualifier, "")
    value = best if best is not None else (low if low is not None else high)
    text = f"{prefix}{_num(value)}{unit}"
    if qualifier == "vague":
        text = f"{_num(value)}+{unit} (vague)"
    if best is not None and low is not None and high is not None:
        text += f" (range {_num(low)}–{_num(high)})"
    return text


# Which systems each claim named, as it stood on any day (`?as_of=`): the links' own history.
# Links send no save or delete signals: tracker.weapons writes their rows (on_links_changed).
History.register(Claim.weapon_systems.through)


class ClaimSource(models.Model):
    """One article that carries a claim, with the verbatim quote and where it sits."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claim_sources")
    quote = models.TextField()
    quote_start = models.PositiveIntegerField(default=0)
    quote_end = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = History()

    class Meta:
        ordering = ["article__published_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "article", "quote_start", "quote_end"],
                name="claimsource_unique_quote",
            ),
            models.CheckConstraint(
                condition=Q(quote_start__lte=F("quote_end")), name="claimsource_offsets_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} — “{self.quote[:60]}”"

    def clean(self) -> None:
        # The quote must be in the article; the offsets are found, not typed.
        if self.article_id is not None:
            self.quote, self.quote_start, self.quote_end = quotes.quote_check(
                article=self.article,
                quote=self.quote,
                quote_start=self.quote_start,
                quote_end=self.quote_end,
            )

    @property
    def found_in_article(self) -> bool:
        """Whether the quote is in the article's text (as stored, or after normalising)."""
        text = self.article.text or ""
        return quotes.quote_locate(text, self.quote, self.quote_start, self.quote_end) is not None

    @property
    def excerpt(self) -> str:
        return quote_excerpt(self.quote)

    def context(self, width: int = 240) -> tuple[str, str, str]:
        """(before, quote, after) from the article text, trimmed to sentence-ish edges."""
        return quote_context(self.article.text, self.quote, self.quote_start, self.quote_end, width)


QUOTE_EXCERPT_CHARS = 140


def quote_excerpt(quote: str, limit: int = QUOTE_EXCERPT_CHARS) -> str:
    """A quote on one line, cut to `limit` characters with an ellipsis (lists and cards; the
    claim page shows it whole)."""
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[: limit - 1].rstrip() + "…"


def quote_context(
    text: str, quote: str, start: int, end: int, width: int = 240
) -> tuple[str, str, str]:
    """The quote with the text around it, for reviewers: (before, quote, after)."""
    if not text:
        return "", quote, ""
    if not (0 <= start < end <= len(text)) or text[start:end].strip() != quote.strip():
        found = text.find(quote)
        if found < 0:
            return "", quote, ""
        start, end = found, found + len(quote)
    left = text.rfind(". ", max(0, start - width), start)
    left = max(0, start - width) if left < 0 else left + 2
    right = text.find(". ", end, end + width)
    right = min(len(text), end + width) if right < 0 else right + 1
    return text[left:start], text[start:end], text[end:right]


class ClaimRelation(models.Model):
    class Kind(models.TextChoices):
        CORROBORATES = "corroborates", "corroborates"
        CONTRADICTS = "contradicts", "contradicts"
        SUPERSEDES = "supersedes", "supersedes"

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = History()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"], name="claimrelation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")), name="claimrelation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} {self.kind} #{self.to_claim_id}"


class HeadlineChange(models.Model):
    """A change of a series headline: the figure of the default public series (approved claims,
    no filters) moved from `old_value` to `new_value`, now held by `claim`, after `reviewer`'s
    approval, edit or deletion. Recorded by `services.headline_change_record` only."""

    category = models.CharField(max_length=30, choices=_choices(vocab.CATEGORIES))
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    old_value = models.FloatField(null=True, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="headline_changes"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(
                fields=["category", "subtype", "unit", "-changed_at"], name="headline_series_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype}: {self.old_value} → {self.new_value}"


class PublicChange(models.Model):
    """One change of what the public sees of a claim, in commit order (`seq`): the change feed
    (/api/v1/changes/, /feeds/changes.atom) and release notes read it. Written by
    `tracker.changes.public_changes_record` only, in the transaction of the change. `snapshot`
    is the claim as the API gives it to anonymous callers after the change (null once it is no
    longer public); replaying the entries in `seq` order rebuilds the public dataset."""

    class Kind(models.TextChoices):
        APPROVED = "approved", "approved"
        CORRECTED = "corrected", "corrected"
        MERGED = "merged", "merged"
        SUPERSEDED = "superseded", "superseded"
        RETRACTED = "retracted", "retracted"

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # A plain id, not a foreign key: the entry outlives a deleted claim.
    claim_id = models.BigIntegerField()
    changed_fields = models.JSONField(default=list, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    superseded_by = models.JSONField(default=list, blank=True)
    related_claim_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["claim_id", "-seq"], name="publicchange_claim_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} claim {self.claim_id}"


class Release(models.Model):
    """A numbered, dated dataset release (tracker.releases): its files live in `directory`,
    listed with their SHA-256 in `manifest`. Immutable once written."""

    number = models.PositiveIntegerField(unique=True)
    date = models.DateField()
    created_at = models.DateTimeField()
    last_change_seq = models.BigIntegerField(
        default=0, help_text="The last change-log entry (PublicChange.seq) it includes."
    )
    manifest = models.JSONField(default=dict)
    notes = models.TextField(blank=True)
    directory = models.CharField(max_length=500)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Release {self.number} ({self.date.isoformat()})"

    def get_absolute_url(self) -> str:
        return f"{reverse('release-list')}#release-{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and Release.objects.filter(pk=self.pk).exists():
            raise ValidationError("A release is immutable: make a new release instead.")
        super().save(*args, **kwargs)


# --- Series state (tracker.series_state) ----------------------------------------------------
# What the default public series (approved claims, no filters) read instead of every claim:
# kept in the same transaction as each change to the claims, rebuilt by `rebuild_series_state`.
# Derived data only: never edited, never shown by itself.


class SeriesEstimate(models.Model):
    """One claimant's estimate of one day in a series (category, subtype, unit): the last
    approved cumulative claim that day (`series.cumulative_rows`), with how many it stands for."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    claimant_id = models.BigIntegerField(null=True)  # no FK: derived rows, rebuilt at will
    day = models.DateField()
    claim_id = models.BigIntegerField()
    low = models.FloatField(null=True)
    best = models.FloatField(null=True)
    high = models.FloatField(null=True)
    qualifier = models.CharField(max_length=20)
    confidence = models.CharField(max_length=10)
    reliability = models.CharField(max_length=1)
    credibility = models.PositiveSmallIntegerField()
    claims = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["category", "subtype", "unit", "day"], name="series_estimate_idx"),
            models.Index(
                fields=["category", "subtype", "unit", "claimant_id", "day"],
                name="series_estimate_claimant_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) #{self.claimant_id} {self.day}"


class SeriesDay(models.Model):
    """A day on which a series' headline or band changed (`series._headline`, swept with no end
    date): the band of current estimates and, when the headline moved, its new step. Rows with
    `category` "" mark that the state was built (`series_state.rebuild`)."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    day = models.DateField()
    window = models.PositiveIntegerField()  # the freshness window it was swept with
    band_min = models.FloatField(null=True)
    band_max = models.FloatField(null=True)
    band_claimants = models.PositiveIntegerField(default=0)
    step = models.BooleanField(default=False)  # the headline moved: the fields below
    claim_id = models.BigIntegerField(null=True)
    value = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    bound = models.CharField(max_length=10, blank=True)
    claim_date = models.DateField(null=True)
    claimant_id = models.BigIntegerField(null=True)
    confidence = models.CharField(max_length=10, blank=True)
    reliability = models.CharField(max_length=1, blank=True)
    credibility = models.PositiveSmallIntegerField(null=True)
    stale = models.BooleanField(default=False)
    age_days = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["category", "subtype", "unit", "day"], name="series_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) {self.day}"


class SeriesChange(models.Model):
    """A (series, claimant, day) whose estimate a change may have moved, not yet brought into
    the state: `series_state.flush` (at the end of each service call, or before the next read)
    recomputes it and deletes the row."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    claimant_id = models.BigIntegerField(null=True)
    day = models.DateField()
    # The change touched an increment claim (its figure, its status, a relation): the series'
    # summed increments are stale (`SeriesTotal.revision`). A database default, so that a
    # process from before the field records changes too.
    increment = models.BooleanField(default=False, db_default=False)
    # The day an increment claim counts on (its period's end, else its claim date:
    # `SeriesIncrement.day`); None for a cumulative claim, and from a process from before the
    # field (its flush then sums the series' increments again whole).
    when = models.DateField(null=True, db_default=None)

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) #{self.claimant_id} {self.day}"


class SeriesLine(models.Model):
    """One claimant's line in a series (category, subtype, unit), counted from its
    `SeriesEstimate` rows: how many, the newest row's id, the claims they stand for and the
    latest day — the line's revision (`series_state._lines`), read for a whole series in a few
    rows instead of grouping its estimates."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    claimant_id = models.BigIntegerField(null=True)
    estimates = models.PositiveIntegerField()
    last_id = models.BigIntegerField()
    claims = models.PositiveIntegerField()
    last_day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["category", "subtype", "unit"], name="series_line_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) claimant {self.claimant_id}"


class SeriesCount(models.Model):
    """How many claims a default public series counts for one claimant, day and measure (any
    unit's claims, approved, with numbers, not superseded); summed by `SeriesTotal`."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    claimant_id = models.BigIntegerField(null=True)
    day = models.DateField()
    measure = models.CharField(max_length=20, blank=True)
    claims = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["category", "subtype", "unit", "claimant_id", "day"],
                name="series_count_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) {self.day} {self.measure}"


class SeriesIncrement(models.Model):
    """The increment claims a default public series sums for one claimant and day (the day an
    increment counts on: its period's end, else its claim date), as `series._increments_by_day`
    sums them: their figures, how many, the last claim's id and the status; and the same sums
    over the claims that are not repeats of an event already counted (`series._repeats`), which
    the combined line adds up per day, with the ids of the repeats (so a flush sees which claims
    stopped or started being repeats). Maintained by `series_state.flush` for the (series,
    claimant, day)s a change touched."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    claimant_id = models.BigIntegerField(null=True)
    day = models.DateField()
    claims = models.PositiveIntegerField()
    amount = models.FloatField()
    last_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    counted = models.PositiveIntegerField()  # the claims that are not repeats
    # Exact sums (`series.exact_sum`): the combined line adds them up per day in the database.
    counted_amount = models.DecimalField(max_digits=38, decimal_places=12, null=True)
    counted_low = models.DecimalField(max_digits=38, decimal_places=12, null=True)
    counted_high = models.DecimalField(max_digits=38, decimal_places=12, null=True)
    repeats = models.JSONField(default=list)  # ids of the repeats, ascending

    class Meta:
        indexes = [
            models.Index(
                fields=["category", "subtype", "unit", "claimant_id", "day"],
                name="series_increment_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) #{self.claimant_id} {self.day}"


def series_revision() -> int:
    """A fresh `SeriesTotal.revision`: random, so a state rebuilt (or a test's rolled-back
    rows) never meets the revision of another state's entries in the cache."""
    return secrets.randbits(62)


class SeriesTotal(models.Model):
    """How many claims a default public series counts per unit and measure: its main unit (the
    most used) and whether it has increments, without counting the claims. `revision` (of the
    increment row) is drawn again whenever a flushed change touched an increment claim of the
    series (`SeriesChange.increment`): the summed increments are cached under it
    (`series_state.increments`)."""

    category = models.CharField(max_length=30)
    subtype = models.CharField(max_length=40)
    unit = models.CharField(max_length=30, blank=True)
    measure = models.CharField(max_length=20, blank=True)
    claims = models.IntegerField()
    revision = models.BigIntegerField(default=series_revision, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["category", "subtype"], name="series_total_idx")]

    def __str__(self) -> str:
        return f"{self.category}.{self.subtype} ({self.unit}) {self.measure}: {self.claims}"
