"""Dated dataset releases: numbered, immutable, with files whose checksums the manifest states,
notes that list what changed since the previous release, listed on /releases/ and in the API,
downloadable by anyone."""

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from tests.factories import ArticleFactory, ClaimantFactory, UserFactory
from tracker import services
from tracker.models import Claim, HeadlineChange, Release

pytestmark = pytest.mark.django_db
QUOTE = "about 1,100 soldiers were killed or wounded"


@pytest.fixture(autouse=True)
def _releases_in_tmp(settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "releases"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", is_staff=True, groups=["Editors"])


@pytest.fixture
def approved(editor, reviewer, django_capture_on_commit_callbacks):
    """Create and approve a claim as two editors, running what follows the commit (headline
    changes)."""

    def make(claimant, best, day, **fields):
        claim = services.claim_create(
            created_by=editor,
            sources=[{"article": ArticleFactory(), "quote": QUOTE}],
            category="casualties", subtype="killed_or_wounded", best=best,
            qualifier="approximately", unit="troops", measure="cumulative",
            claim_date=day, claimant=claimant, credibility=2, origin=Claim.Origin.MANUAL,
            **fields,
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            services.claim_approve(claim=claim, reviewer=reviewer)
        return claim

    return make


def _release(tmp_path=None) -> Release:
    args = ["release"] + (["--out", str(tmp_path)] if tmp_path else [])
    call_command(*args)
    return Release.objects.order_by("-number").first()


def test_manifest_checksums_and_counts_match_the_files(approved):
    jcs = ClaimantFactory(name="JCS")
    approved(jcs, 1100, dt.date(2025, 1, 10))
    approved(jcs, 1500, dt.date(2025, 2, 10))
    release = _release()
    directory = Path(release.directory)
    on_disk = json.loads((directory / "manifest.json").read_text())
    assert on_disk == release.manifest
    names = {f["name"] for f in on_disk["files"]}
    assert names == {"claims.jsonl", "claims.csv", "series.csv", "NOTES.md"}
    for entry in on_disk["files"]:
        data = (directory / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    assert on_disk["counts"]["claims"] == 2
    lines = (directory / "claims.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["best"] for line in lines) == [1100, 1500]
    with (directory / "claims.csv").open(encoding="utf-8-sig") as f:
        assert len(list(csv.DictReader(f))) == 2
    with (directory / "series.csv").open(encoding="utf-8-sig") as f:
        headline = [r for r in csv.DictReader(f) if r["line"] == "headline"]
    assert [(r["date"], r["value"]) for r in headline][-1][1] in ("1500", "1500.0")


def test_releases_are_numbered_in_order_and_dated(approved, tmp_path):
    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    first, second = _release(), _release(tmp_path / "elsewhere")
    assert (first.number, second.number) == (1, 2)
    assert second.manifest["previous_release"] == 1
    assert Path(second.directory) == (tmp_path / "elsewhere" / "2").resolve()
    assert first.date <= second.date and first.created_at < second.created_at


def test_notes_list_claims_added_corrected_retracted_and_headlines_moved(
    approved, editor, reviewer, django_capture_on_commit_callbacks
):
    jcs, nis = ClaimantFactory(name="JCS"), ClaimantFactory(name="NIS")
    kept = approved(jcs, 1100, dt.date(2025, 1, 10))
    doomed = approved(nis, 900, dt.date(2025, 1, 5))
    first = _release()
    assert "## Claims added (2)" in first.notes and "JCS" in first.notes
    # Between the releases: one added, one corrected, one retracted.
    approved(nis, 3000, dt.date(2025, 2, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(claim=kept, editor=editor, summary="Officials' figure")
        services.claim_reject(claim=doomed, reviewer=reviewer, reason="Duplicate of another claim")
    second = _release()
    notes = second.notes
    assert "## Claims added (1)" in notes and "3,000" in notes
    assert "## Claims corrected (1)" in notes and "changed: " in notes and "summary" in notes
    assert "## Claims retracted (1)" in notes and "Duplicate of another claim" in notes
    moved = HeadlineChange.objects.filter(changed_at__gt=first.created_at).order_by("id")
    assert moved.exists()
    last = moved.last()
    assert f"{last.old_value:,.0f} → {last.new_value:,.0f} troops" in notes
    assert second.manifest["counts"]["added"] == 1
    assert (Path(second.directory) / "NOTES.md").read_text() == notes


def test_a_release_cannot_be_edited(approved):
    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    release = _release()
    release.notes = "rewritten"
    with pytest.raises(ValidationError):
        release.save()
    assert Release.objects.get(pk=release.pk).notes != "rewritten"


def test_the_page_and_the_api_list_releases_with_citations(approved, client):
    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    first, _ = _release(), _release()
    page = client.get("/releases/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Release 2") < text.index("Release 1")
    assert f"dataset release 1 ({first.date.isoformat()})" in text
    assert "/releases/1/claims.jsonl" in text
    body = Client().get("/api/v1/releases/").json()
    assert [r["number"] for r in body["results"]] == [2, 1]
    listed = body["results"][1]
    assert listed["citation"].startswith("NK–Russia military cooperation claims tracker")
    assert "http://testserver/releases/#release-1" in listed["citation"]
    urls = {f["name"]: f["url"] for f in listed["files"]}
    assert urls["claims.csv"] == "http://testserver/releases/1/claims.csv"
    assert listed["manifest_url"] == "http://testserver/releases/1/manifest.json"


def test_anyone_can_download_a_release_file_and_nothing_else(approved):
    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    release = _release()
    anonymous = Client()
    response = anonymous.get("/releases/1/claims.jsonl")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    entry = next(f for f in release.manifest["files"] if f["name"] == "claims.jsonl")
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert anonymous.get("/releases/1/manifest.json").status_code == 200
    for path in ("/releases/1/..%2F..%2Fsecret", "/releases/1/other.txt", "/releases/9/NOTES.md"):
        assert anonymous.get(path).status_code == 404


def test_a_release_holds_only_public_claims(approved, editor):
    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    services.claim_create(
        created_by=editor, category="casualties", subtype="killed_or_wounded", best=777,
        qualifier="approximately", unit="troops", claim_date=dt.date(2025, 1, 11),
        notes="zqx internal note",
    )  # fmt: skip
    directory = Path(_release().directory)
    for name in ("claims.jsonl", "claims.csv", "series.csv"):
        text = (directory / name).read_text()
        assert "777" not in text and "zqx" not in text, name


def test_the_beat_schedule_writes_a_monthly_release_by_default(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dataset-release"]
    assert entry["task"] == "tracker.tasks.release_dataset"
    schedule = entry["schedule"]
    assert (schedule._orig_minute, schedule._orig_hour, schedule._orig_day_of_month) == (
        "0",
        "3",
        "1",
    )


def test_the_release_task_writes_a_release(approved):
    from tracker.tasks import release_dataset

    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    # Run here (apply), as a worker would: the claims live in this test's transaction.
    assert release_dataset.apply().get() == 1
    assert Release.objects.get().manifest["counts"]["claims"] == 1


def test_an_existing_directory_is_never_overwritten(approved, tmp_path):
    approved(ClaimantFactory(name="JCS"), 1100, dt.date(2025, 1, 10))
    taken = tmp_path / "out" / "1"
    taken.mkdir(parents=True)
    (taken / "keep.txt").write_text("someone's file")
    with pytest.raises(CommandError, match="already exists"):
        call_command("release", "--out", str(tmp_path / "out"))
    assert (taken / "keep.txt").read_text() == "someone's file"
    assert not Release.objects.exists()


def test_the_demo_shows_a_release_and_writes_it_once(client):
    call_command("load_demo", "--release")
    release = Release.objects.get()
    assert release.manifest["counts"]["claims"] > 100
    page = client.get("/releases/").content.decode()
    assert f"release-{release.number}" in page and "claims.csv" in page
    call_command("load_demo", "--release")  # make run again: the same release, no second one
    assert Release.objects.get() == release
