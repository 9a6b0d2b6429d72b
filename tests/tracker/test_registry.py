"""The claimant registry (migration 0006_claimant_registry) ships in every database: the usual
claimants, graded with a written reason, reachable by the names articles use for them."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from ingest.aliases import claimant_aliases
from ingest.extract.claimants import resolver_for
from ingest.proposals import article_propose_claims, claimant_for
from tests.factories import ArticleFactory
from tracker.models import Claim, Claimant, ClaimantAlias

registry_migration = importlib.import_module("tracker.migrations.0006_claimant_registry")
pytestmark = pytest.mark.django_db

JCS = "South Korea Joint Chiefs of Staff"
NIS = "South Korea National Intelligence Service"


def resolve(phrase: str) -> Claimant | None:
    """What ingest does with a speaker phrase: resolve it through the alias table read from
    the database (ingest/aliases.py), then find the claimant of that name."""
    return claimant_for(name=resolver_for(claimant_aliases()).resolve(phrase))


def test_a_fresh_database_holds_at_least_forty_graded_claimants_with_reasons():
    registry = Claimant.objects.filter(registry=True)
    assert registry.count() >= 40
    for claimant in registry:
        assert claimant.reliability in "ABCDE", claimant.name
        assert len(claimant.reliability_reason) > 40, claimant.name
        assert claimant.country and claimant.kind != "other", claimant.name
    names = set(registry.values_list("name", flat=True))
    assert {
        JCS, NIS, "South Korea Ministry of National Defense", "South Korea presidential office",
        "Volodymyr Zelensky", "Ukraine Defence Intelligence (GUR)",
        "Ukraine Security Service (SBU)", "Ukraine General Staff", "Ukraine Ministry of Defence",
        "US Department of Defense", "US Department of State", "US White House",
        "UK Ministry of Defence", "UK Defence Intelligence", "Japan Ministry of Defense",
        "NATO", "European Union", "Institute for the Study of War",
        "UN Panel of Experts on North Korea", "Multilateral Sanctions Monitoring Team",
        "Kremlin", "Russia Ministry of Foreign Affairs", "Russia Ministry of Defence",
        "North Korea KCNA", "Kim Jong Un",
    } <= names  # fmt: skip


@pytest.mark.parametrize(
    ("phrase", "name", "grade"),
    [
        ("JCS", JCS, "B"),
        ("the Joint Chiefs of Staff", JCS, "B"),
        ("South Korea's Joint Chiefs of Staff", JCS, "B"),
        ("NIS", NIS, "B"),
        ("the spy agency", NIS, "B"),
        ("GUR", "Ukraine Defence Intelligence (GUR)", "C"),
        ("HUR", "Ukraine Defence Intelligence (GUR)", "C"),
        ("Pentagon", "US Department of Defense", "B"),
        ("the State Department", "US Department of State", "B"),
        ("UK Ministry of Defence", "UK Ministry of Defence", "B"),
        ("British military intelligence", "UK Defence Intelligence", "B"),
        ("KCNA", "North Korea KCNA", "E"),
        ("Korean Central News Agency", "North Korea KCNA", "E"),
        ("Russian Defence Ministry", "Russia Ministry of Defence", "D"),
        ("the Kremlin", "Kremlin", "D"),
        ("Zelensky", "Volodymyr Zelensky", "C"),
        ("MSMT", "Multilateral Sanctions Monitoring Team", "B"),
        ("ISW", "Institute for the Study of War", "C"),
    ],
)
def test_usual_names_resolve_to_graded_registry_claimants(phrase, name, grade):
    claimant = resolve(phrase)
    assert claimant is not None and claimant.name == name
    assert claimant.registry and claimant.reliability == grade
    assert claimant.reliability_reason


def test_an_extracted_claim_takes_the_registry_claimant_and_its_grade():
    before = Claimant.objects.count()
    article = ArticleFactory(
        text="About 1,100 North Korean soldiers have been killed or wounded fighting for Russia, "
        "the Joint Chiefs of Staff said on Monday.",
        published_at=dt.datetime(2024, 12, 24, 9, 0, tzinfo=dt.UTC),
    )
    article_propose_claims(article=article)
    claim = Claim.objects.get(category="casualties")
    assert claim.claimant.name == JCS
    assert claim.reliability == "B"  # the registry's default, not F
    assert Claimant.objects.count() == before  # no new, ungraded claimant


def test_installing_the_registry_again_keeps_an_editors_grade_and_aliases():
    jcs = Claimant.objects.get(name=JCS)
    Claimant.objects.filter(pk=jcs.pk).update(reliability="C", reliability_reason="")
    # An editor pointed "spy agency" at another claimant: it stays there.
    other = Claimant.objects.create(name="Some other agency", reliability="C")
    ClaimantAlias.objects.filter(alias="spy agency").update(claimant=other)
    counts = (Claimant.objects.count(), ClaimantAlias.objects.count())

    registry_migration.install_registry(apps, None)

    jcs.refresh_from_db()
    assert jcs.reliability == "C"
    assert jcs.reliability_reason.startswith("Graded C by an editor; the registry's default is B")
    assert ClaimantAlias.objects.get(alias="spy agency").claimant == other
    assert (Claimant.objects.count(), ClaimantAlias.objects.count()) == counts


def test_it_adopts_a_claimant_under_a_name_the_tracker_used_before():
    Claimant.objects.filter(name="North Korea KCNA").delete()
    old = Claimant.objects.create(name="Korean Central News Agency (KCNA)", reliability="F")

    registry_migration.install_registry(apps, None)

    old.refresh_from_db()
    assert (old.name, old.reliability, old.registry) == ("North Korea KCNA", "E", True)
    assert ClaimantAlias.objects.filter(
        claimant=old, alias="Korean Central News Agency (KCNA)"
    ).exists()
    assert Claimant.objects.filter(name__icontains="KCNA").count() == 1


def test_the_claimant_page_and_api_give_the_reason_for_the_grade(client):
    nis = Claimant.objects.get(name=NIS)
    page = client.get(nis.get_absolute_url())
    assert page.status_code == 200
    assert nis.reliability_reason in page.content.decode()
    body = client.get(f"/api/v1/claimants/{nis.pk}/").json()
    assert body["reliability_reason"] == nis.reliability_reason
    assert body["registry"] is True
    assert "NIS" in body["aliases"] or body["short_name"] == "NIS"


def test_the_methodology_page_lists_the_registry(client):
    page = client.get("/methodology/").content.decode()
    assert "The claimant registry" in page
    assert "Multilateral Sanctions Monitoring Team" in page


def test_the_admin_shows_and_edits_the_reason(editor_client):
    nis = Claimant.objects.get(name=NIS)
    page = editor_client.get(f"/admin/tracker/claimant/{nis.pk}/change/")
    assert page.status_code == 200
    assert nis.reliability_reason in page.content.decode()
    listing = editor_client.get("/admin/tracker/claimant/?registry__exact=1")
    assert listing.status_code == 200 and NIS in listing.content.decode()
