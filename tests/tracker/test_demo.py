"""The demo data: idempotent, verbatim quotes, every kind of claim, series worth charting."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tracker.demo import demo_load
from tracker.models import Claim, Claimant, ClaimRelation, ClaimSource
from tracker.series import SeriesQuery, series_build

COUNTED = ("claimants", "aliases", "outlets", "articles", "claims", "sources", "relations")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module, inside a transaction rolled back at its end; each
    test runs in a savepoint within it."""
    var_dir = tmp_path_factory.mktemp("var")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var_dir, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return loaded


def test_loading_twice_leaves_the_same_counts(demo):
    again = demo_load()
    assert {k: again[k] for k in COUNTED} == {k: demo[k] for k in COUNTED}
    assert again["claims_created"] == 0
    assert again["new_credentials"] == {}


def test_it_loads_a_realistic_amount_of_data(demo):
    assert demo["articles"] >= 20
    assert 130 <= demo["claims"] <= 200
    assert demo["claimants"] >= 10
    assert demo["aliases"] > demo["claimants"]


def test_it_files_every_claim_under_a_registry_claimant(demo):
    # The registry (migration 0006) is in every database; the demo adds no claimant of its own.
    assert demo["claimants"] == Claimant.objects.filter(registry=True).count()
    assert not Claim.objects.filter(claimant__registry=False).exists()
    kcna = Claimant.objects.get(short_name="KCNA")
    assert (kcna.name, kcna.reliability) == ("North Korea KCNA", "E")


def test_every_quote_is_verbatim_at_its_offsets(demo):
    sources = list(ClaimSource.objects.select_related("article"))
    assert len(sources) == demo["sources"]
    for source in sources:
        assert source.quote
        assert source.article.text[source.quote_start : source.quote_end] == source.quote


def test_every_claim_has_a_source_and_every_article_is_processed(demo):
    assert not Claim.objects.filter(sources__isnull=True).exists()
    for source in ClaimSource.objects.select_related("article__outlet"):
        article = source.article
        assert article.status == "processed" and article.relevance is not None
        assert article.url.startswith(f"https://{article.outlet.domain}/")


def test_it_covers_every_category_confidence_measure_and_status(demo):
    claims = Claim.objects.all()
    assert set(claims.values_list("category", flat=True)) == {
        "troop_deployment",
        "casualties",
        "arms_transfer",
        "border_activity",
        "other",
    }
    assert set(claims.values_list("confidence", flat=True)) == {"high", "moderate", "low"}
    assert set(claims.values_list("measure", flat=True)) == {"cumulative", "increment"}
    assert set(claims.values_list("status", flat=True)) == {"approved", "pending", "rejected"}
    assert 15 <= claims.filter(status="pending").count() <= 25
    qualifiers = set(claims.values_list("qualifier", flat=True))
    assert qualifiers >= {"exact", "approximately", "at_least", "more_than", "up_to", "range"}
    assert qualifiers >= {"vague", "none"}


def test_reviewed_claims_record_the_demo_editor(demo):
    editor = get_user_model().objects.get(username="editor")
    reviewed = Claim.objects.exclude(status="pending")
    assert reviewed.exists()
    assert not reviewed.exclude(reviewed_by=editor).exists()
    assert not reviewed.filter(reviewed_at__isnull=True).exists()
    assert not Claim.objects.filter(status="pending", reviewed_by__isnull=False).exists()


def test_the_same_figure_from_several_outlets_is_one_claim(demo):
    jcs = Claim.objects.get(claimant__short_name="JCS", subtype="killed_or_wounded", best=1100)
    outlets = {s.article.outlet.domain for s in jcs.sources.select_related("article__outlet")}
    assert len(outlets) >= 2
    assert jcs.sources.count() == 3


def test_it_relates_claims_in_every_way(demo):
    kinds = set(ClaimRelation.objects.values_list("kind", flat=True))
    assert kinds == {"corroborates", "contradicts", "supersedes"}


def test_the_casualty_series_compares_at_least_three_claimants(demo):
    series = series_build(SeriesQuery("casualties", "killed_or_wounded"))
    assert series["unit"] == "troops"
    assert len(series["cumulative"]["claimants"]) >= 3
    headline = series["latest_headline"]
    # The latest highest-confidence estimate: NIS, April 2025, about 4,700.
    assert headline["claimant"] == "South Korea National Intelligence Service"
    assert headline["value"] == 4700
    assert headline["confidence"] == "high"


def test_balloon_increments_add_up_to_a_running_total(demo):
    series = series_build(SeriesQuery("border_activity", "balloons"))
    assert series["increments"]["total"] > 3000
    assert len(series["increments"]["combined"]) >= 10


def test_the_troop_card_reads_in_russia_now_with_sent_in_total_beside_it(demo, client):
    # The demo's "15,000 sent in total, replacements included" is a sent_total figure: the
    # troop card heads with the "in Russia now" estimate and shows 15,000 beside it.
    card = next(c for c in client.get("/").context["cards"] if c["subtype"] == "deployed")
    assert card["label"] == "in Russia now (in theatre)"
    assert card["value"] != "15,000"
    assert (card["beside"]["label"], card["beside"]["value"]) == (
        "sent in total (rotations included)",
        "15,000",
    )


def test_troops_in_russia_now_and_sent_in_total_are_two_series(demo):
    now = series_build(SeriesQuery("troop_deployment", "deployed"))["latest_headline"]
    total = series_build(SeriesQuery("troop_deployment", "sent_total"))["latest_headline"]
    # NIS, June 2025: about 10,000 still stationed in Russia (after 11,000–12,000 in April);
    # NIS, April 2025: about 15,000 sent in total, replacements included.
    assert (now["claimant"], now["value"]) == ("South Korea National Intelligence Service", 10000)
    assert (total["claimant"], total["value"]) == (
        "South Korea National Intelligence Service",
        15000,
    )
    in_russia = Claim.objects.filter(subtype="deployed", status="approved", best__isnull=False)
    assert max(in_russia.values_list("best", flat=True)) <= 12000


def test_additional_deployments_are_increments_that_add_up(demo):
    batches = Claim.objects.filter(subtype="additional_deployment")
    assert set(batches.values_list("measure", flat=True)) == {"increment"}
    series = series_build(SeriesQuery("troop_deployment", "additional_deployment"))
    # NIS 1,500 (Oct 2024) + JCS 3,000 (Feb 2025) + Russia 1,000 deminers + NIS 6,000 (Jun 2025)
    assert series["increments"]["total"] == 11500


def test_most_claims_have_a_place_for_the_map(demo):
    claims = Claim.objects.all()
    placed = claims.filter(place__isnull=False)
    assert placed.count() >= 0.7 * claims.count()
    assert not placed.filter(location_precision="").exists()
    assert not claims.filter(place__isnull=True).exclude(location_precision="").exists()
    # Troops on the Kursk front, shipments from Rajin by sea, missiles on Ukrainian cities.
    assert placed.filter(category="troop_deployment", place__slug="kursk-oblast").exists()
    shipped = placed.filter(origin_place__slug="rajin").values_list("place__slug", flat=True)
    assert {"dunai", "vostochny-port"} <= set(shipped)
    struck = placed.filter(category="arms_transfer", place__country="Ukraine")
    assert struck.values("place").distinct().count() >= 3
    assert placed.filter(subtype="balloons", place__slug__in=["seoul", "paju"]).exists()


# --- Entered in time: the demo's past (tracker.demo.load) --------------------------------------


def test_a_fresh_load_is_dated_as_a_newsroom_would_have_entered_it(demo):
    from tracker.demo.load import ENTERED_AFTER, REVIEWED_AFTER

    for claim in Claim.objects.prefetch_related("sources__article"):
        # Entered with its earliest source: three hours after that article came out.
        first = min(source.article.published_at for source in claim.sources.all())
        versions = list(claim.history.order_by("history_date", "history_id"))
        assert versions[0].history_date == claim.created_at == first + ENTERED_AFTER
        if claim.status != Claim.Status.PENDING:
            assert claim.reviewed_at == claim.created_at + REVIEWED_AFTER
            assert versions[-1].status == claim.status
            assert versions[-1].history_date == claim.reviewed_at
        # A source from a later article was added when that article came out.
        for source in claim.sources.all():
            assert source.created_at >= source.article.published_at


def test_the_change_feed_of_a_fresh_load_runs_forward_in_time(demo):
    from tracker.models import PublicChange

    times = list(PublicChange.objects.order_by("seq").values_list("at", flat=True))
    assert len(times) > 100
    assert times == sorted(times)
    assert times[0].year == 2024 and times[-1] < timezone.now()


def test_past_views_of_a_fresh_demo_show_what_had_been_entered_by_then(demo, client):
    """Worked by hand from the demo's files: the JCS's 1,100 killed or wounded (its article
    came out on 2024-12-23 at 15:05 Seoul, 06:05 UTC) is entered at 09:05 UTC and approved at
    21:05 UTC that day."""
    jcs = Claim.objects.get(claimant__short_name="JCS", best=1100, subtype="killed_or_wounded")
    assert jcs.reviewed_at == dt.datetime(2024, 12, 23, 21, 5, tzinfo=dt.UTC)

    def listed(as_of: str) -> set[int]:
        body = client.get("/api/v1/claims/", {"as_of": as_of, "page_size": 200}).json()
        return {row["id"] for row in body["results"]}

    assert jcs.pk not in listed("2024-12-23T21:04:00Z")
    assert jcs.pk in listed("2024-12-23T21:05:00Z")
    counts = [len(listed(day)) for day in ("2024-07-01", "2024-11-01", "2025-03-01")]
    today = Claim.objects.filter(status=Claim.Status.APPROVED).count()
    assert 0 < counts[0] < counts[1] < counts[2] < today


def test_headline_changes_of_a_fresh_load_are_dated_when_they_happened(demo, client):
    """The JCS's 1,100 (above) took the killed-or-wounded headline from the 100 said before
    when it was approved, at 21:05 UTC on 2024-12-23; and every series' last recorded change
    is its headline today (the load ends with the daily check, which records those that time
    alone changed since), so the cards and "What changed" agree."""
    from tracker.models import HeadlineChange
    from tracker.series import series_headline

    jcs = Claim.objects.get(claimant__short_name="JCS", best=1100, subtype="killed_or_wounded")
    change = HeadlineChange.objects.get(claim=jcs)
    assert (change.old_value, change.new_value) == (100, 1100)
    assert change.changed_at == jcs.reviewed_at == dt.datetime(2024, 12, 23, 21, 5, tzinfo=dt.UTC)
    assert change.reviewer == jcs.reviewed_by

    series = set(
        Claim.objects.filter(status=Claim.Status.APPROVED).values_list("category", "subtype")
    )
    for category, subtype in series:
        now = series_headline(SeriesQuery(category=category, subtype=subtype))
        last = (
            HeadlineChange.objects.filter(category=category, subtype=subtype, unit=now["unit"])
            .order_by("-changed_at", "-id")
            .first()
        )
        value = now["latest_headline"]["value"] if now["latest_headline"] else None
        assert (last.new_value if last else None) == value, (category, subtype)
    assert HeadlineChange.objects.filter(changed_at__year=2024).count() > 10
    assert "No headline has changed yet" not in client.get("/?as_of=2024-11-01").content.decode()
