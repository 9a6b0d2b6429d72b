"""Build the demo data through tracker.services, so every claim passes the same checks as an
editor's. Idempotent: each row is looked up by its natural key before it is created."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from tracker import services
from tracker.demo.articles_2024 import ARTICLES_2024
from tracker.demo.articles_2025 import ARTICLES_2025
from tracker.demo.claims_arms import ARMS_CLAIMS
from tracker.demo.claims_border import BORDER_CLAIMS
from tracker.demo.claims_casualties import CASUALTY_CLAIMS
from tracker.demo.claims_other import OTHER_CLAIMS, RELATIONS
from tracker.demo.claims_troops import ROLE_CLAIMS, TROOP_CLAIMS
from tracker.demo.people import CLAIMANTS, OUTLETS
from tracker.demo.places import CLAIM_PLACES
from tracker.headlines import headline_record_now, headlines_check
from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    ClaimSource,
    Outlet,
    Place,
)
from tracker.places import places_load

ARTICLES = ARTICLES_2024 + ARTICLES_2025
CLAIMS = TROOP_CLAIMS + ROLE_CLAIMS + CASUALTY_CLAIMS + ARMS_CLAIMS + BORDER_CLAIMS + OTHER_CLAIMS
DEMO_USERS = {"editor": "Editors", "analyst": "Analysts"}
CREDENTIALS_FILE = "demo-credentials.txt"


def article_text(raw: str) -> str:
    """The plain text of a demo article: paragraphs split on blank lines, each one line."""
    paragraphs = [" ".join(p.split()) for p in raw.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def quote_text(quote: str) -> str:
    """A quote as it appears in the joined article text (line wraps become spaces)."""
    return " ".join(quote.split())


def credentials_path() -> Path:
    return Path(settings.VAR_DIR) / CREDENTIALS_FILE


def _users() -> tuple[dict, dict[str, str]]:
    """The demo users; a password is generated only for a user created now."""
    User = get_user_model()
    users, new_passwords = {}, {}
    for username, group_name in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demo.example", "is_staff": True}
        )
        if created:
            password = secrets.token_urlsafe(18)
            user.set_password(password)
            user.save(update_fields=["password"])
            new_passwords[username] = password
        user.groups.add(Group.objects.get(name=group_name))
        users[username] = user
    return users, new_passwords


def _write_credentials(new_passwords: dict[str, str]) -> Path | None:
    if not new_passwords:
        return None
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    with path.open("a") as out:
        for username, password in new_passwords.items():
            out.write(f"{username}\t{password}\n")
    return path


def _claimants() -> dict[str, Claimant]:
    """The registry's claimants (migration 0006_claimant_registry), by the demo's keys; one
    an editor deleted comes back ungraded rather than failing the load."""
    found = {}
    for key, name in CLAIMANTS.items():
        found[key], _ = Claimant.objects.get_or_create(name=name)
    return found


def _outlets(*, in_time: bool) -> dict[str, Outlet]:
    """The demo's outlets, in the registry (dated, on a load in time, a day before the first
    article: a past view shows them from then on)."""
    first = min(dt.datetime.fromisoformat(spec["published"]) for spec in ARTICLES)
    found = {}
    with _clock(first - dt.timedelta(days=1) if in_time else None):
        for key, spec in OUTLETS.items():
            fields = dict(spec)
            found[key], _ = Outlet.objects.get_or_create(
                domain=fields.pop("domain"), defaults=fields
            )
    return found


def _articles(outlets: dict[str, Outlet], *, in_time: bool) -> dict[str, Article]:
    found = {}
    for spec in ARTICLES:
        outlet = outlets[spec["outlet"]]
        text = article_text(spec["text"])
        published = dt.datetime.fromisoformat(spec["published"])
        with _clock(published + FETCHED_AFTER if in_time else None):
            found[spec["key"]], _ = Article.objects.get_or_create(
                url=f"https://{outlet.domain}{spec['path']}",
                defaults={
                    "outlet": outlet,
                    "title": spec["title"],
                    "published_at": published,
                    "language": "en",
                    "text": text,
                    "raw": text,
                    "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                    "status": Article.Status.PROCESSED,
                    "relevance": 0.9,
                    "relevance_reasons": ["demo article"],
                },
            )
    return found


def _sources(spec: dict, articles: dict[str, Article]) -> list[dict]:
    sources = []
    for article_key, raw_quote in spec["sources"]:
        article, quote = articles[article_key], quote_text(raw_quote)
        start = article.text.find(quote)
        if start < 0:
            raise ValueError(f"demo claim {spec['key']}: quote not in {article_key}: {quote!r}")
        end = start + len(quote)
        assert article.text[start:end] == quote
        sources.append({"article": article, "quote": quote, "quote_start": start, "quote_end": end})
    return sources


def _existing(fields: dict, spec: dict, claimants, source: dict) -> Claim | None:
    """The demo claim already loaded: same figures, claimant, date and first quote."""
    claimant = claimants[spec["claimant"]] if spec["claimant"] else None
    return (
        Claim.objects.filter(
            category=fields["category"],
            subtype=fields["subtype"],
            claimant=claimant,
            claim_date=fields["claim_date"],
            low=fields["low"],
            best=fields["best"],
            high=fields["high"],
            sources__article=source["article"],
            sources__quote_start=source["quote_start"],
        )
        .order_by("pk")
        .first()
    )


def _place_fields(key: str, places: dict[str, Place]) -> dict:
    slug, precision, origin = CLAIM_PLACES.get(key, (None, None, None))
    if slug is None:
        return {}
    fields = {"place": places[slug], "origin_place": places[origin] if origin else None}
    return fields | ({"location_precision": precision} if precision else {})


# The demo is entered as a newsroom would have entered it, so that its history, the change feed
# and every `?as_of=` view show a past that grew rather than one load on one day: each article
# is fetched an hour after it was published; each claim entered a few hours after its first
# article and reviewed half a day later; each further source added when its article came out;
# each relation drawn once both its claims were reviewed. Only a load into an empty tracker is
# dated so (`in_time`): a top-up of an existing one is entered now, after what is there.
FETCHED_AFTER = dt.timedelta(hours=1)
ENTERED_AFTER = dt.timedelta(hours=3)
REVIEWED_AFTER = dt.timedelta(hours=12)
RELATED_AFTER = dt.timedelta(hours=1)


def _clock(moment: dt.datetime | None):
    """Everything saved inside reads `moment` as the time (history, change log, review and
    creation times); None: the real time."""
    if moment is None:
        return contextlib.nullcontext()
    return mock.patch.object(timezone, "now", return_value=moment)


def _when(article: Article, after: dt.timedelta) -> dt.datetime:
    return article.published_at + after


def _claim_events(spec: dict, sources: list[dict]) -> list[tuple]:
    """(time, step, key, action, payload) for one demo claim: entered with its earliest source,
    each later source when its article came out, reviewed unless left pending."""
    key, status = spec["key"], spec["fields"]["status"]
    sources = sorted(sources, key=lambda source: source["article"].published_at)
    entered = _when(sources[0]["article"], ENTERED_AFTER)
    events = [(entered, 0, key, "enter", sources[0])]
    for source in sources[1:]:
        moment = max(entered, _when(source["article"], ENTERED_AFTER))
        events.append((moment, 1, key, "source", source))
    if status != "pending":
        events.append((entered + REVIEWED_AFTER, 2, key, status, None))
    return events


def _relation_events(claim_events: list[tuple]) -> list[tuple]:
    """Each relation drawn an hour after the later of its two claims was last touched."""
    settled: dict[str, dt.datetime] = {}
    for moment, _step, key, _action, _payload in claim_events:
        settled[key] = max(moment, settled.get(key, moment))
    return [
        (max(settled[relation[0]], settled[relation[2]]) + RELATED_AFTER, 3, relation[0],
         "relate", relation)
        for relation in RELATIONS
    ]  # fmt: skip


def _claims(claimants, articles, editor, *, in_time: bool) -> tuple[dict[str, Claim], int]:
    """Create the demo claims not there yet, their sources, reviews and relations, in the order
    (and, in time, at the moments) of `_claim_events` and `_relation_events`."""
    places_load()  # the gazetteer the demo claims point at (a flushed test database lacks it)
    places = {place.slug: place for place in Place.objects.all()}
    specs, events = {}, []
    for spec in CLAIMS:
        fields = dict(spec["fields"])
        for name in ("claim_date", "period_start", "period_end"):
            if fields[name]:
                fields[name] = dt.date.fromisoformat(fields[name])
        fields.update(_place_fields(spec["key"], places))
        if spec["rel"]:
            fields["reliability"] = spec["rel"]
        sources = _sources(spec, articles)
        specs[spec["key"]] = (spec, fields, _existing(fields, spec, claimants, sources[0]))
        events += _claim_events(spec, sources)
    events += _relation_events(events)
    claims, created = {}, 0
    for moment, _step, key, action, payload in sorted(events, key=lambda e: e[:3]):
        spec, fields, existing = specs[key]
        with _clock(moment if in_time else None):
            if action == "enter" and existing is not None:
                claims[key] = existing
            elif action == "enter":
                claims[key] = services.claim_create(
                    claimant=claimants[spec["claimant"]] if spec["claimant"] else None,
                    created_by=editor if fields["origin"] == "manual" else None,
                    sources=[payload],
                    **(fields | {"status": "pending"}),
                )
                created += 1
            elif action == "source":
                services.claim_source_add(claim=claims[key], **payload)
            elif action == "relate":
                from_key, kind, to_key, note = payload
                services.claim_relation_add(
                    from_claim=claims[from_key],
                    to_claim=claims[to_key],
                    kind=kind,
                    note=note,
                    created_by=editor,
                )
            elif existing is None:
                _review(claims[key], action, editor)
            if in_time:  # a headline it moved changed then, not when the load commits
                headline_record_now()
    if in_time:  # and the daily check's first run: headlines since changed by time alone
        headlines_check()
    return claims, created


def _review(claim: Claim, status: str, editor) -> None:
    """Reviewed through the same services as the admin, so reviewer and time are recorded.
    Seeded, not reviewed: the demo's approvals skip four eyes and the grade-6 question."""
    one = Claim.objects.filter(pk=claim.pk)
    if status == "approved":
        services.claims_approve(claims=one, reviewer=editor, grade_confirmed=True, four_eyes=False)
    else:
        services.claims_reject(
            claims=one, reviewer=editor, reason="Demo: an example of a rejected claim"
        )


@transaction.atomic
def demo_load() -> dict:
    """Load (or top up) the demo data; returns row counts, plus `new_credentials` (username →
    password) for users created by this run and the credentials file they were written to."""
    in_time = not Claim.objects.exists()
    users, new_passwords = _users()
    claimants = _claimants()
    articles = _articles(_outlets(in_time=in_time), in_time=in_time)
    claims, created = _claims(claimants, articles, users["editor"], in_time=in_time)
    path = _write_credentials(new_passwords)
    return {
        "claimants": Claimant.objects.count(),
        "aliases": ClaimantAlias.objects.count(),
        "outlets": Outlet.objects.count(),
        "articles": Article.objects.count(),
        "claims": Claim.objects.count(),
        "claims_created": created,
        "sources": ClaimSource.objects.count(),
        "relations": ClaimRelation.objects.count(),
        "new_credentials": new_passwords,
        "credentials_file": str(path or credentials_path()),
    }


def demo_release():
    """The demo's dataset release: the latest one, or release 1 written now (tracker.releases)
    when there is none. A folder left by an earlier database under RELEASES_ROOT is never
    overwritten: the release then goes beside it, in a folder named with the time."""
    from django.utils import timezone

    from tracker.models import Release
    from tracker.releases import ReleaseRefused, release_create, releases_root

    latest = Release.objects.order_by("-number").first()
    if latest is not None:
        return latest
    try:
        return release_create()
    except ReleaseRefused:
        return release_create(out=releases_root() / f"demo-{timezone.now():%Y%m%d-%H%M%S}")
