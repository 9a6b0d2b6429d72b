"""Writes to the domain. Views, admin, API, tasks and commands call these; none re-implements
a rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tracker import credibility
from tracker.merge import claim_find_same, merged_fields
from tracker.models import Article, Claim, Claimant, ClaimRelation, ClaimSource

CLAIM_FIELDS = {
    "category", "subtype", "low", "best", "high", "qualifier", "unit", "measure", "claim_date",
    "period_start", "period_end", "claimant", "location", "weapon_system", "summary",
    "reliability", "credibility", "status", "origin", "rule", "extraction_score", "notes",
    "credibility_suggested",
}  # fmt: skip


def default_reliability(claimant: Claimant | None, article: Article | None = None) -> str:
    """A claim's reliability before an editor grades it: the claimant's, else the outlet's."""
    if claimant is not None:
        return claimant.reliability
    if article is not None and article.outlet_id:
        return article.outlet.reliability
    return "F"


@transaction.atomic
def claim_create(
    *,
    created_by: AbstractBaseUser | None = None,
    sources: Iterable[dict] = (),
    **fields,
) -> Claim:
    """Validate and store a claim with its sources ({article, quote, quote_start, quote_end})."""
    unknown = set(fields) - CLAIM_FIELDS
    if unknown:
        raise TypeError(f"unknown claim fields: {', '.join(sorted(unknown))}")
    sources = list(sources)
    if "reliability" not in fields:
        first_article = sources[0]["article"] if sources else None
        fields["reliability"] = default_reliability(fields.get("claimant"), first_article)
    claim = Claim(created_by=created_by, **fields)
    if claim.status != Claim.Status.PENDING and created_by is not None:
        claim.reviewed_by, claim.reviewed_at = created_by, timezone.now()
    # clean() states the same rules as the CHECK constraints, with field messages; the database
    # still enforces them, so skip Django's one-query-per-constraint re-validation.
    claim.full_clean(validate_constraints=False)
    claim.save()
    for source in sources:
        claim_source_add(claim=claim, **source)
    return claim


def claim_source_add(
    *,
    claim: Claim,
    article: Article,
    quote: str,
    quote_start: int | None = None,
    quote_end: int | None = None,
) -> ClaimSource:
    """Link an article quote to a claim; the same quote twice is one source, not two."""
    if quote_start is None or quote_end is None:
        found = article.text.find(quote) if article.text else -1
        quote_start, quote_end = (found, found + len(quote)) if found >= 0 else (0, 0)
    source, _ = ClaimSource.objects.get_or_create(
        claim=claim,
        article=article,
        quote_start=quote_start,
        quote_end=quote_end,
        defaults={"quote": quote},
    )
    return source


def _review(claims: QuerySet[Claim], *, status: str, reviewer: AbstractBaseUser) -> int:
    now = timezone.now()
    changed = 0
    # Saved one by one so each review lands in the claim's history with its reviewer.
    ids = list(claims.order_by().values_list("pk", flat=True))
    for claim in Claim.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
        claim.status, claim.reviewed_by, claim.reviewed_at = status, reviewer, now
        claim._history_user = reviewer
        claim.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
        changed += 1
    return changed


@transaction.atomic
def claims_approve(*, claims: QuerySet[Claim], reviewer: AbstractBaseUser) -> int:
    """Approve claims, recording the reviewer and time. Returns how many."""
    return _review(claims, status=Claim.Status.APPROVED, reviewer=reviewer)


@transaction.atomic
def claims_reject(*, claims: QuerySet[Claim], reviewer: AbstractBaseUser) -> int:
    """Reject claims, recording the reviewer and time. Returns how many."""
    return _review(claims, status=Claim.Status.REJECTED, reviewer=reviewer)


def claim_approve(*, claim: Claim, reviewer: AbstractBaseUser) -> Claim:
    claims_approve(claims=Claim.objects.filter(pk=claim.pk), reviewer=reviewer)
    claim.refresh_from_db()
    return claim


def claim_reject(*, claim: Claim, reviewer: AbstractBaseUser) -> Claim:
    claims_reject(claims=Claim.objects.filter(pk=claim.pk), reviewer=reviewer)
    claim.refresh_from_db()
    return claim


def claim_save_from_form(
    *, claim: Claim, editor: AbstractBaseUser, changed: Iterable[str]
) -> Claim:
    """Save a claim edited in a form: a new claim is the editor's, manual; a status change is a
    review by the editor."""
    if claim.pk is None:
        claim.created_by = editor
        if "reliability" not in changed:
            claim.reliability = default_reliability(claim.claimant)
    if "status" in changed and claim.status != Claim.Status.PENDING:
        claim.reviewed_by, claim.reviewed_at = editor, timezone.now()
    if "credibility" in changed:
        claim.credibility_suggested = False  # the editor's grade: never recomputed
    claim._history_user = editor
    claim.save()
    return claim


@transaction.atomic
def claim_propose(
    *, article: Article, candidate: dict, create: bool = True
) -> tuple[Claim | None, bool]:
    """Turn an extracted candidate into a pending claim, or merge it into the claim that already
    says the same (tracker.merge: adding the quote as another source; a claim still awaiting
    review takes the more precise figure and a missing claimant). Returns (claim, created);
    with create=False, a candidate that restates no claim is left alone: (None, False)."""
    candidate = dict(candidate)
    quote = candidate.pop("quote")
    start, end = candidate.pop("quote_start", None), candidate.pop("quote_end", None)
    claimant = candidate.get("claimant")
    if claimant is not None:
        # Serialise proposals per claimant so two workers cannot create the same claim twice.
        Claimant.objects.select_for_update().filter(pk=claimant.pk).first()
    same = claim_find_same(
        article=article,
        claimant=claimant,
        category=candidate["category"],
        subtype=candidate["subtype"],
        unit=candidate.get("unit") or "",
        low=candidate.get("low"),
        best=candidate.get("best"),
        high=candidate.get("high"),
        qualifier=candidate.get("qualifier") or "",
        claim_date=candidate["claim_date"],
        measure=candidate.get("measure") or "",
        period_start=candidate.get("period_start"),
        period_end=candidate.get("period_end"),
        weapon_system=candidate.get("weapon_system") or "",
    )
    source = {"article": article, "quote": quote, "quote_start": start, "quote_end": end}
    if same is not None:
        if changes := merged_fields(claim=same, candidate=candidate):
            if "claimant" in changes:
                changes["reliability"] = default_reliability(changes["claimant"], article)
            for name, value in changes.items():
                setattr(same, name, value)
            same.full_clean(validate_constraints=False)
            same.save()
        claim_source_add(claim=same, **source)
        return same, False
    if not create:
        return None, False
    fields = {k: v for k, v in candidate.items() if k in CLAIM_FIELDS}
    fields.setdefault("status", Claim.Status.PENDING)
    fields.setdefault("origin", Claim.Origin.EXTRACTED)
    return claim_create(sources=[source], **fields), True


def claim_next_pending(*, after: Claim | None = None) -> Claim | None:
    """The next claim in the review queue (oldest pending first), skipping `after`."""
    qs = Claim.objects.filter(status=Claim.Status.PENDING).order_by("created_at", "id")
    if after is not None:
        qs = qs.exclude(pk=after.pk)
    return qs.first()


def claim_relation_add(
    *, from_claim: Claim, to_claim: Claim, kind: str, note: str = "", created_by=None
) -> ClaimRelation:
    """Record that one claim corroborates, contradicts or supersedes another (once)."""
    if from_claim.pk == to_claim.pk:
        raise ValidationError({"to_claim": "A claim cannot relate to itself."})
    relation, _ = ClaimRelation.objects.get_or_create(
        from_claim=from_claim,
        to_claim=to_claim,
        kind=kind,
        defaults={"note": note, "created_by": created_by},
    )
    return relation


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    editor: AbstractBaseUser,
    sources: Iterable[dict] = (),
    **fields,
) -> Claim:
    """Change a claim's fields with the model's validation, as `editor` (in its history), and
    add any new sources. Review status changes go through claim_approve / claim_reject."""
    unknown = set(fields) - CLAIM_FIELDS
    if unknown:
        raise TypeError(f"unknown claim fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.full_clean()
    claim_save_from_form(claim=claim, editor=editor, changed=fields)
    for source in sources:
        claim_source_add(claim=claim, **source)
    return claim


@transaction.atomic
def headline_change_record(
    *, category: str, subtype: str, reviewer: AbstractBaseUser | None = None
):
    """Record the headline of the default public series of (category, subtype) — approved
    claims, no filters, its main unit — if its figure differs from the last one recorded.
    Idempotent: called twice with nothing changed in between, it records once. Returns the new
    HeadlineChange, or None. The recorded claim is the one holding the public headline, so it
    is always an approved claim."""
    from tracker.models import HeadlineChange
    from tracker.series import SeriesQuery, series_build

    series = series_build(SeriesQuery(category=category, subtype=subtype))
    current = series["latest_headline"]
    new_value = current["value"] if current else None
    last = (
        HeadlineChange.objects.select_for_update()
        .filter(category=category, subtype=subtype, unit=series["unit"])
        .order_by("-changed_at", "-id")
        .first()
    )
    old_value = last.new_value if last else None
    if old_value == new_value:
        return None
    from tracker.cache import bump_data_version

    # Pages cache their "What changed" lists by data version: show this change next request.
    transaction.on_commit(bump_data_version)
    return HeadlineChange.objects.create(
        category=category,
        subtype=subtype,
        unit=series["unit"],
        old_value=old_value,
        new_value=new_value,
        claim_id=current["claim_id"] if current else None,
        reviewer=reviewer if reviewer is not None and reviewer.is_authenticated else None,
        changed_at=timezone.now(),
    )


def claim_credibility_refresh(*, claim: Claim) -> list[int]:
    """Recompute the suggested credibility (tracker.credibility) of `claim` and of the claims
    it can corroborate or contradict, after it arrived or gained a source. Only pending claims
    whose credibility is still the suggestion change (at most MAX_REFRESH, nearest in date): a
    grade an editor set, or approved with the claim, stays. Returns the ids that changed."""
    window = credibility.merge_window_days()
    # Everything within two windows: each claim to recompute is judged on its own window.
    facts = credibility.claim_facts(credibility.series_claims(claim, days=2 * window))
    targets = sorted(
        (
            f
            for f in facts
            if f.suggested
            and f.status == Claim.Status.PENDING
            and abs(f.claim_date - claim.claim_date) <= timedelta(days=window)
        ),
        key=lambda f: (f.pk != claim.pk, abs(f.claim_date - claim.claim_date)),
    )[: credibility.MAX_REFRESH]
    grades = {f.pk: credibility.assess(f, facts, claim=claim).grade for f in targets}
    current = dict(Claim.objects.filter(pk__in=grades).values_list("pk", "credibility"))
    changed = []
    for pk, grade in grades.items():
        if current.get(pk) != grade:
            target = Claim.objects.get(pk=pk)
            target.credibility = grade
            target.save(update_fields=["credibility", "confidence", "updated_at"])
            changed.append(pk)
    return changed
