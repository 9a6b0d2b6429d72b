"""Dated dataset releases: a numbered, immutable copy of the public dataset that can be cited.

`release_create` writes, into RELEASES_ROOT/<number>/ (or another directory):
  claims.jsonl   one approved claim per line, its public JSON (as GET /api/v1/claims/<id>/)
  claims.csv     the claims CSV (tracker.csvexport: the same file as /claims.csv and the API's)
  series.csv     every public series in the series CSV's columns, one after the other
  NOTES.md       what changed since the previous release, from the public change log
  manifest.json  counts, and the size and SHA-256 of every other file
and a `Release` row. The manage.py command `release`, the monthly beat task and tests call it;
the page /releases/ and /api/v1/releases/ list them.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tracker import csvexport, vocab
from tracker.changes import _lock_log, claim_public_json, public_claims
from tracker.models import Claim, HeadlineChange, PublicChange, Release

FILES = ("claims.jsonl", "claims.csv", "series.csv", "NOTES.md")
CHUNK = 1000


class ReleaseRefused(Exception):
    """The release cannot be written where asked."""


def releases_root() -> Path:
    return Path(getattr(settings, "RELEASES_ROOT", settings.VAR_DIR / "releases"))


def release_citation(release: Release, *, site: str = "") -> str:
    """How to cite a release: one line, with its number, date and where to download it."""
    title = getattr(settings, "RELEASE_CITATION_TITLE", "NK–Russia military cooperation claims")
    site = site or getattr(settings, "RELEASE_SITE_URL", "")
    where = f"{site.rstrip('/')}/releases/#release-{release.number}" if site else "/releases/"
    return (
        f"{title} tracker, dataset release {release.number} ({release.date.isoformat()}). {where}"
    )


def release_file(release: Release, name: str) -> Path | None:
    """The path of one of the release's files (None for a name the manifest does not list)."""
    listed = {f["name"] for f in release.manifest.get("files", [])} | {"manifest.json"}
    if name not in listed:
        return None
    return Path(release.directory) / name


def _write_claims(directory: Path) -> int:
    count = 0
    with (directory / "claims.jsonl").open("w", encoding="utf-8", newline="\n") as out:
        claims = public_claims().order_by("pk")
        ids = list(claims.values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            chunk = claims.filter(pk__in=ids[start : start + CHUNK])
            for row in claim_public_json(chunk):
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    with (directory / "claims.csv").open("w", encoding="utf-8", newline="") as out:
        claims = csvexport.claims_for_csv(public_claims().order_by("pk"))
        rows = (csvexport.claim_row(c, claim_url_prefix=_claim_url_prefix()) for c in claims)
        out.writelines(csvexport.csv_lines(csvexport.CLAIM_COLUMNS, rows))
    return count


def _claim_url_prefix() -> str:
    site = getattr(settings, "RELEASE_SITE_URL", "").rstrip("/")
    return f"{site}{reverse('claim-list')}"


def series_csv_rows():
    """Every public series (approved claims, no filters, its main unit) as rows of the series
    CSV (tracker.csvexport.series_rows), one series after the other."""
    from tracker.series import SeriesQuery, series_build

    pairs = (
        Claim.objects.filter(status=Claim.Status.APPROVED)
        .values_list("category", "subtype")
        .distinct()
        .order_by("category", "subtype")
    )
    for category, subtype in pairs:
        if vocab.subtype_is_valid(category, subtype):
            series = series_build(SeriesQuery(category=category, subtype=subtype))
            yield from csvexport.series_rows(series, claim_url_prefix=_claim_url_prefix())


def _write_series(directory: Path) -> int:
    rows = 0
    with (directory / "series.csv").open("w", encoding="utf-8", newline="") as out:
        for line in csvexport.csv_lines(csvexport.SERIES_COLUMNS, series_csv_rows()):
            out.write(line)
            rows += 1
    return rows - 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


# --- Release notes ------------------------------------------------------------------------------


def _label(snapshot: dict | None, claim_id: int) -> str:
    if not snapshot:
        return f"claim #{claim_id}"
    who = (snapshot.get("claimant") or {}).get("name") or "Press report"
    return (
        f"#{claim_id} {who}: {snapshot.get('figure', '')} "
        f"({snapshot.get('category')}/{snapshot.get('subtype')}, {snapshot.get('claim_date')})"
    )


def _figure(value) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def release_notes(*, after_seq: int, upto_seq: int, since=None, until=None) -> dict:
    """What changed in the public dataset between two points of the change log, claim by claim
    (the net effect: a claim added then corrected in the period is added), and the headlines
    that moved between `since` and `until` (HeadlineChange). Plain data; `notes_markdown`
    writes it out."""
    from tracker.disclosure import public_history_fields

    entries = list(PublicChange.objects.filter(seq__gt=after_seq, seq__lte=upto_seq))
    ids = list(dict.fromkeys(e.claim_id for e in entries))
    before = {
        e.claim_id: e
        for e in PublicChange.objects.filter(
            seq__in=PublicChange.objects.filter(claim_id__in=ids, seq__lte=after_seq)
            .values("claim_id")
            .annotate(last=Max("seq"))
            .values("last")
        )
    }
    by_claim: dict[int, list[PublicChange]] = {}
    for entry in entries:
        by_claim.setdefault(entry.claim_id, []).append(entry)
    shown = public_history_fields() | {"figure", "trust", "sources", "claimant", "superseded_by"}
    notes: dict[str, list] = {"added": [], "corrected": [], "superseded": [], "retracted": []}
    for claim_id, changes in by_claim.items():
        start = before.get(claim_id)
        was_public = start is not None and start.snapshot is not None
        last = changes[-1]
        if not was_public and last.snapshot is not None:
            notes["added"].append({"claim": claim_id, "label": _label(last.snapshot, claim_id)})
        elif was_public and last.snapshot is None:
            notes["retracted"].append(
                {
                    "claim": claim_id,
                    "label": _label(start.snapshot, claim_id),
                    "reason": last.reason,
                }
            )
        elif was_public:
            fields = sorted(
                {f for c in changes for f in c.changed_fields if f in shown} - {"superseded_by"}
            )
            if fields:
                notes["corrected"].append(
                    {"claim": claim_id, "label": _label(last.snapshot, claim_id), "fields": fields}
                )
            if any(c.kind == PublicChange.Kind.SUPERSEDED for c in changes) and last.superseded_by:
                notes["superseded"].append(
                    {
                        "claim": claim_id,
                        "label": _label(last.snapshot, claim_id),
                        "by": list(last.superseded_by),
                    }
                )
    headlines = HeadlineChange.objects.order_by("changed_at", "id")
    if since is not None:
        headlines = headlines.filter(changed_at__gt=since)
    if until is not None:
        headlines = headlines.filter(changed_at__lte=until)
    notes["headlines"] = [
        {
            "series": f"{h.category}/{h.subtype}",
            "unit": h.unit,
            "old": h.old_value,
            "new": h.new_value,
            "at": h.changed_at.isoformat(),
        }
        for h in headlines
    ]
    return notes


def notes_markdown(*, number: int, date, notes: dict, previous: Release | None) -> str:
    since = (
        f"release {previous.number} ({previous.date.isoformat()})"
        if previous
        else "the start of the log"
    )
    out = [f"# Release {number} ({date.isoformat()})", "", f"Changes since {since}.", ""]

    def section(title: str, rows: list[str]) -> None:
        out.extend([f"## {title} ({len(rows)})", ""])
        out.extend(rows or ["None."])
        out.append("")

    section("Claims added", [f"- {n['label']}" for n in notes["added"]])
    section(
        "Claims corrected",
        [f"- {n['label']} — changed: {', '.join(n['fields'])}" for n in notes["corrected"]],
    )
    section(
        "Claims superseded",
        [
            f"- {n['label']} — superseded by {', '.join(f'#{i}' for i in n['by'])}"
            for n in notes["superseded"]
        ],
    )
    section("Claims retracted", [f"- {n['label']} — {n['reason']}" for n in notes["retracted"]])
    section(
        "Headlines that moved",
        [
            f"- {h['series']}: {_figure(h['old'])} → {_figure(h['new'])} {h['unit']}".rstrip()
            + f" ({h['at'][:10]})"
            for h in notes["headlines"]
        ],
    )
    return "\n".join(out)


# --- Writing a release --------------------------------------------------------------------------


@transaction.atomic
def release_create(*, out: Path | str | None = None) -> Release:
    """Write the next release (number = last + 1, dated today) into `out`/<number>/ (default
    RELEASES_ROOT) and record it. The change log is locked while it is written, so the files
    are the public dataset exactly as of `last_change_seq`."""
    _lock_log()
    previous = Release.objects.select_for_update().order_by("-number").first()
    number = previous.number + 1 if previous else 1
    now = timezone.now()
    date = timezone.localdate(now)
    directory = Path(out or releases_root()).resolve() / str(number)
    if directory.exists():
        # Never overwritten: another database's release, or a failed run, to look at by hand.
        raise ReleaseRefused(
            f"{directory} already exists: move it away or write elsewhere (--out)."
        )
    directory.mkdir(parents=True)
    upto = PublicChange.objects.aggregate(last=Max("seq"))["last"] or 0
    claims = _write_claims(directory)
    series_rows = _write_series(directory)
    notes = release_notes(
        after_seq=previous.last_change_seq if previous else 0,
        upto_seq=upto,
        since=previous.created_at if previous else None,
        until=now,
    )
    text = notes_markdown(number=number, date=date, notes=notes, previous=previous)
    (directory / "NOTES.md").write_text(text, encoding="utf-8")
    release = Release(
        number=number,
        date=date,
        created_at=now,
        last_change_seq=upto,
        notes=text,
        directory=str(directory),
    )
    files = [
        {
            "name": name,
            "bytes": (directory / name).stat().st_size,
            "sha256": _sha256(directory / name),
            "lines": _lines(directory / name),
        }
        for name in FILES
    ]
    release.manifest = {
        "release": number,
        "date": date.isoformat(),
        "created_at": now.isoformat(),
        "last_change_seq": upto,
        "previous_release": previous.number if previous else None,
        "counts": {
            "claims": claims,
            "series_rows": series_rows,
            "added": len(notes["added"]),
            "corrected": len(notes["corrected"]),
            "superseded": len(notes["superseded"]),
            "retracted": len(notes["retracted"]),
            "headline_changes": len(notes["headlines"]),
        },
        "files": files,
        "citation": release_citation(release),
    }
    manifest = io.StringIO()
    json.dump(release.manifest, manifest, ensure_ascii=False, indent=2, sort_keys=True)
    (directory / "manifest.json").write_text(manifest.getvalue() + "\n", encoding="utf-8")
    release.save()
    return release


def releases_listed():
    """Releases, newest first (the page and the API)."""
    return Release.objects.order_by("-number")
