"""Writes to the domain. Views, admin, API, tasks and commands call these; none re-implements
a rule."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tracker import credibility, quotes, series_state, weapons
from tracker.changes import MERGED, changes_batch, public_change_touch
from tracker.merge import claim_find_same, merged_fields
from tracker.models import Article, Claim, Claimant, ClaimRelation, ClaimSource, WeaponSystem

CLAIM_FIELDS = {
    "category", "subtype", "low", "best", "high", "qualifier", "unit", "measure", "claim_date",
    "period_start", "period_end", "claimant", "location", "place", "location_precision",
    "origin_place", "weapon_system", "summary",
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


# What was claimed: changing any of these by hand makes the editor an author of the claim
# (four eyes). Grading, notes and review fields are not authorship.
CLAIM_CONTENT_FIELDS = CLAIM_FIELDS - {
    "reliability", "credibility", "status", "origin", "rule", "extraction_score", "notes",
}  # fmt: skip

# The short list an editor picks a rejection reason from (free text is accepted too).
REJECT_REASONS = [
    "Not in the article",
    "Wrong figure or unit",
    "Duplicate of another claim",
    "Not about North Korea and Russia",
    "Wrong claimant",
]


def claim_source_check(
    *, article: Article, quote: str, quote_start: int | None = None, quote_end: int | None = None
) -> tuple[str, int, int]:
    """(quote as printed, start, end) of a quote in its article; ValidationError naming the
    article when the quote is not there. The admin forms, the API and import_jsonl all call it
    (the forms through ClaimSource.clean)."""
    return quotes.quote_check(
        article=article, quote=quote, quote_start=quote_start, quote_end=quote_end
    )


def claim_figure_warnings(
    *, low: float | None, best: float | None, high: float | None, quotes_: Iterable[str]
) -> list[str]:
    """Warnings for quotes whose numbers do not contain the claim's figures (empty when fine)."""
    return quotes.figure_warnings(low=low, best=best, high=high, quotes=list(quotes_))


def _require_figures_confirmed(claim: Claim, sources: list[dict], confirmed: bool) -> None:
    if confirmed:
        return
    texts = [s["quote"] for s in sources]
    if claim.pk is not None:
        texts += list(claim.sources.values_list("quote", flat=True))
    warnings = claim_figure_warnings(low=claim.low, best=claim.best, high=claim.high, quotes_=texts)
    if warnings:
        raise ValidationError(
            {"confirm_figures": [*warnings, "Check the figures, or confirm them to save anyway."]}
        )


@transaction.atomic
@changes_batch()
@series_state.flushed
def claim_create(
    *,
    created_by: AbstractBaseUser | None = None,
    sources: Iterable[dict] = (),
    confirm_figures: bool = True,
    weapon_systems: Iterable[WeaponSystem] | None = None,
    **fields,
) -> Claim:
    """Validate and store a claim with its sources ({article, quote, quote_start, quote_end}).
    With confirm_figures=False, quotes whose numbers miss the claim's figures are refused.
    `weapon_systems`: the registry systems it names; None: those its printed label names."""
    return _claim_create(
        created_by=created_by,
        sources=sources,
        confirm_figures=confirm_figures,
        weapon_systems=weapon_systems,
        **fields,
    )


def _claim_create(
    *,
    created_by: AbstractBaseUser | None = None,
    sources: Iterable[dict] = (),
    confirm_figures: bool = True,
    claimant_checked: bool = False,
    weapon_systems: Iterable[WeaponSystem] | None = None,
    **fields,
) -> Claim:
    """claim_create's work, for services already inside its transaction, change batch and
    series flush (claim_propose): no second savepoint. `claimant_checked`: the caller read the
    claimant's row in this transaction, so validation need not look it up again (the foreign
    key still holds in the database)."""
    claim, sources = _claim_built(
        created_by=created_by,
        sources=sources,
        confirm_figures=confirm_figures,
        claimant_checked=claimant_checked,
        **fields,
    )
    claim.save()
    # A new claim has no sources yet: insert them, without get_or_create's lookup and savepoint
    # per source (the same quote listed twice is still one source).
    for source in sources:
        ClaimSource.objects.create(claim=claim, **source)
    claim_weapons_set(claim=claim, systems=weapon_systems, new=True)
    return claim


def _claim_built(
    *,
    created_by: AbstractBaseUser | None,
    sources: Iterable[dict],
    confirm_figures: bool,
    claimant_checked: bool,
    place_checked: bool = False,
    **fields,
) -> tuple[Claim, list[dict]]:
    """A new claim validated but not saved, and its sources as ClaimSource fields (article,
    quote, quote_start, quote_end; found in the article, the same quote once). ValidationError
    as claim_create gives it. `place_checked`: the caller checks the places (the claim's and
    the one shipped from) exist."""
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
    exclude = ["claimant"] if claimant_checked else []
    exclude += ["place", "origin_place"] if place_checked else []
    claim.full_clean(exclude=exclude or None, validate_constraints=False)
    _require_figures_confirmed(claim, sources, confirm_figures)
    checked, seen = [], set()
    for source in sources:
        quote, start, end = claim_source_check(
            article=source["article"],
            quote=source["quote"],
            quote_start=source.get("quote_start"),
            quote_end=source.get("quote_end"),
        )
        if (source["article"].pk, start, end) not in seen:
            seen.add((source["article"].pk, start, end))
            checked.append(
                {"article": source["article"], "quote": quote, "quote_start": start,
                 "quote_end": end}
            )  # fmt: skip
    return claim, checked


def claim_weapons_set(
    *, claim: Claim, systems: Iterable[WeaponSystem] | None = None, new: bool = False
) -> None:
    """Link `claim` to `systems`; None: to the systems its printed label names (tracker.weapons,
    the one resolver). Writes nothing when the links are already those (`new`: the claim was
    just created and has none)."""
    wanted = list(systems) if systems is not None else weapons.resolve_all(claim.weapon_system)
    if new:
        if wanted:
            claim.weapon_systems.add(*wanted)
        return
    have = set(claim.weapon_systems.values_list("pk", flat=True))
    if {s.pk for s in wanted} != have:
        claim.weapon_systems.set(wanted)


def claim_source_add(
    *,
    claim: Claim,
    article: Article,
    quote: str,
    quote_start: int | None = None,
    quote_end: int | None = None,
) -> ClaimSource:
    """Link an article quote to a claim; the same quote twice is one source, not two. The quote
    must be in the article (claim_source_check): its offsets are found, not trusted."""
    quote, quote_start, quote_end = claim_source_check(
        article=article, quote=quote, quote_start=quote_start, quote_end=quote_end
    )
    source, _ = ClaimSource.objects.get_or_create(
        claim=claim,
        article=article,
        quote_start=quote_start,
        quote_end=quote_end,
        defaults={"quote": quote},
    )
    return source


def four_eyes_on() -> bool:
    return bool(getattr(settings, "REVIEW_FOUR_EYES", True))


def claim_authors(claim: Claim) -> set[int]:
    """Ids of the editors who entered the claim or changed what it claims by hand."""
    authors = set()
    if claim.origin in (Claim.Origin.MANUAL, Claim.Origin.API) and claim.created_by_id:
        authors.add(claim.created_by_id)
    if claim.edited_by_id:
        authors.add(claim.edited_by_id)
    return authors


def reviewable_by(reviewer: AbstractBaseUser) -> Q:
    """Claims `reviewer` can approve: pending, and (under four eyes) neither entered nor changed
    by hand by them. For review queues ("next")."""
    q = Q(status=Claim.Status.PENDING)
    if four_eyes_on():
        q &= ~Q(edited_by=reviewer.pk)
        q &= ~Q(created_by=reviewer.pk, origin__in=[Claim.Origin.MANUAL, Claim.Origin.API])
    return q


def claim_approval_problem(
    *, claim: Claim, reviewer: AbstractBaseUser, grade_confirmed: bool = False
) -> str:
    """Why `reviewer` may not approve `claim` as it stands ("" when they may), ignoring the
    superuser override: four eyes first, then an ungraded credibility."""
    if four_eyes_on() and reviewer.pk in claim_authors(claim):
        return (
            f"Four eyes: you entered or changed claim #{claim.pk} by hand, so another editor "
            "must approve it."
        )
    if int(claim.credibility) == 6 and not grade_confirmed:
        return (
            f"Claim #{claim.pk} is still graded credibility 6: grade it (1–5), or confirm "
            "that its credibility cannot be judged."
        )
    return ""


def _save_review(claim: Claim, *, status: str, reviewer, note: str) -> None:
    claim.status, claim.reviewed_by, claim.reviewed_at = status, reviewer, timezone.now()
    claim.review_note = note
    claim._history_user = reviewer
    # simple-history keeps it as the record's change reason: "Rejected: duplicate", …
    label = "Approved" if status == Claim.Status.APPROVED else "Rejected"
    claim._change_reason = (f"{label}: {note}" if note else label)[:100]
    fields = ["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    claim.save(update_fields=fields)


@transaction.atomic
@changes_batch()
@series_state.flushed
def claim_approve(
    *,
    claim: Claim,
    reviewer: AbstractBaseUser,
    grade_confirmed: bool = False,
    override_note: str = "",
) -> Claim:
    """Approve one claim as `reviewer`.

    Four eyes (REVIEW_FOUR_EYES, on by default): an editor who entered or changed the claim by
    hand may not approve it — PermissionDenied — unless a superuser gives `override_note`, which
    the claim and its history keep. A claim graded credibility 6 needs `grade_confirmed`
    ("cannot be judged" on purpose) — ValidationError otherwise.
    """
    given, claim = claim, Claim.objects.select_for_update().get(pk=claim.pk)
    override_note = (override_note or "").strip()
    note = ""
    if four_eyes_on() and reviewer.pk in claim_authors(claim):
        if not (reviewer.is_superuser and override_note):
            hint = " A superuser may override with a note." if reviewer.is_superuser else ""
            raise PermissionDenied(
                claim_approval_problem(claim=claim, reviewer=reviewer, grade_confirmed=True) + hint
            )
        note = f"Four-eyes override: {override_note}"
    if int(claim.credibility) == 6 and not grade_confirmed:
        raise ValidationError(
            {
                "credibility": claim_approval_problem(
                    claim=claim, reviewer=reviewer, grade_confirmed=False
                )
            }
        )
    _save_review(claim, status=Claim.Status.APPROVED, reviewer=reviewer, note=note)
    given.refresh_from_db()  # callers holding the instance see the review too
    return claim


@transaction.atomic
@changes_batch()
@series_state.flushed
def claim_reject(*, claim: Claim, reviewer: AbstractBaseUser, reason: str) -> Claim:
    """Reject one claim with a reason (one of REJECT_REASONS or free text), kept on the claim
    and in its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claim is rejected."})
    if len(reason) > 500:
        raise ValidationError({"reason": "Keep the reason under 500 characters."})
    given, claim = claim, Claim.objects.select_for_update().get(pk=claim.pk)
    _save_review(claim, status=Claim.Status.REJECTED, reviewer=reviewer, note=reason)
    given.refresh_from_db()  # callers holding the instance see the review too
    return claim


@transaction.atomic
@changes_batch()
def claims_approve(
    *,
    claims: QuerySet[Claim],
    reviewer: AbstractBaseUser,
    grade_confirmed: bool = False,
    four_eyes: bool = True,
) -> int:
    """Approve the claims `reviewer` may approve (see claim_approve; four_eyes=False only for
    seeded demo data), recording the reviewer and time. Returns how many; the others stay."""
    approved = 0
    ids = list(claims.order_by().values_list("pk", flat=True))
    # Saved one by one so each review lands in the claim's history with its reviewer; the
    # series state (kept through the signals) is brought up to date once, at the end.
    with series_state.batch():
        for claim in Claim.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
            if four_eyes and four_eyes_on() and reviewer.pk in claim_authors(claim):
                continue
            if int(claim.credibility) == 6 and not grade_confirmed:
                continue
            _save_review(claim, status=Claim.Status.APPROVED, reviewer=reviewer, note="")
            approved += 1
    return approved


@transaction.atomic
@changes_batch()
def claims_reject(*, claims: QuerySet[Claim], reviewer: AbstractBaseUser, reason: str) -> int:
    """Reject claims with one reason, recording the reviewer and time. Returns how many."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claims are rejected."})
    ids = list(claims.order_by().values_list("pk", flat=True))
    rejected = 0
    with series_state.batch():
        for claim in Claim.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
            _save_review(claim, status=Claim.Status.REJECTED, reviewer=reviewer, note=reason)
            rejected += 1
    return rejected


@transaction.atomic
@changes_batch()
@series_state.flushed
def claim_save_from_form(
    *, claim: Claim, editor: AbstractBaseUser, changed: Iterable[str]
) -> Claim:
    """Save a claim edited in a form: a new claim is the editor's (manual, pending, the
    claimant's default reliability unless one was chosen); changing what an existing claim
    claims makes the editor its author for four eyes. Reviews go through claim_approve /
    claim_reject, never a status typed into a form."""
    changed = set(changed)
    if claim.pk is None:
        claim.created_by = editor
        if "reliability" not in changed or not claim.reliability:
            claim.reliability = default_reliability(claim.claimant)
    elif changed & (CLAIM_CONTENT_FIELDS | {"sources"}):
        claim.edited_by = editor
    if "credibility" in changed:
        claim.credibility_suggested = False  # the editor's grade: never recomputed
    claim._history_user = editor
    claim.save()
    return claim


@transaction.atomic
@changes_batch()
def claim_mark_edited(*, claim: Claim, editor: AbstractBaseUser) -> None:
    """Record that `editor` changed the claim's sources by hand (four eyes)."""
    if claim.edited_by_id != editor.pk:
        claim.edited_by = editor
        claim._history_user = editor
        claim.save(update_fields=["edited_by", "updated_at"])


_LOOK_UP = object()  # _claim_propose: lock the claimant and look for the same claim first


def claim_propose(
    *,
    article: Article,
    candidate: dict,
    create: bool = True,
    known_new: bool = False,
    none_in_article: bool = False,
) -> tuple[Claim | None, bool]:
    """Turn an extracted candidate into a pending claim, or merge it into the claim that already
    says the same (tracker.merge: adding the quote as another source; a claim still awaiting
    review takes the more precise figure and a missing claimant). Returns (claim, created);
    with create=False, a candidate that restates no claim is left alone: (None, False).
    `known_new`: the caller already asked, in this transaction and under the claimant's lock,
    and nothing written since can match: create without asking again (ingest.proposals).
    `none_in_article`: the caller knows, under the article's lock, that the article has no
    claim of the candidate's category yet: the same-article half of the lookup is skipped."""
    if not create and not known_new and transaction.get_connection().in_atomic_block:
        # A lookup that may write nothing: in the caller's transaction (which keeps the
        # claimant's lock to its end) it needs no savepoint; one is opened only to merge.
        same = _claim_same(article=article, candidate=candidate, none_in_article=none_in_article)
        if same is None:
            return None, False
        return _claim_propose(article=article, candidate=candidate, create=False, same=same)
    return _claim_propose(
        article=article,
        candidate=candidate,
        create=create,
        same=None if known_new else _LOOK_UP,
        none_in_article=none_in_article,
    )


def _claim_same(*, article: Article, candidate: dict, none_in_article: bool) -> Claim | None:
    """Lock the candidate's claimant (serialising proposals per claimant, so two workers cannot
    create the same claim twice) and return the claim it restates, or None."""
    claimant = candidate.get("claimant")
    if claimant is not None and not _lock_held(claimant):
        if Claimant.objects.select_for_update().filter(pk=claimant.pk).first() is not None:
            # Locked, so it stays till the commit: a claim created in this transaction need
            # not look it up again (known_new comes back with the same object), and a second
            # lookup in it need not lock it again (nor after claimants_lock).
            _mark_locked(claimant)
    return claim_find_same(
        article=None if none_in_article else article,
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


@transaction.atomic
@changes_batch()
@series_state.flushed
def _claim_propose(
    *, article: Article, candidate: dict, create: bool, same, none_in_article: bool = False
) -> tuple[Claim | None, bool]:
    """claim_propose's writes. `same`: the claim found already, None (known new), or
    _LOOK_UP."""
    if same is _LOOK_UP:
        same = _claim_same(article=article, candidate=candidate, none_in_article=none_in_article)
    candidate = dict(candidate)
    systems = candidate.pop("weapon_systems", None)  # None: resolved from the printed label
    quote = candidate.pop("quote")
    start, end = candidate.pop("quote_start", None), candidate.pop("quote_end", None)
    claimant = candidate.get("claimant")
    source = {"article": article, "quote": quote, "quote_start": start, "quote_end": end}
    if same is not None:
        public_change_touch(same.pk, hint=MERGED)  # an approved claim logs it as merged
        if changes := merged_fields(claim=same, candidate=candidate):
            if "claimant" in changes:
                changes["reliability"] = default_reliability(changes["claimant"], article)
            for name, value in changes.items():
                setattr(same, name, value)
            same.full_clean(validate_constraints=False)
            same.save()
        claim_source_add(claim=same, **source)
        if systems and not same.weapon_systems.exists():
            same.weapon_systems.add(*systems)  # fills a blank, as a missing claimant is filled
        return same, False
    if not create:
        return None, False
    fields = {k: v for k, v in candidate.items() if k in CLAIM_FIELDS}
    fields.setdefault("status", Claim.Status.PENDING)
    fields.setdefault("origin", Claim.Origin.EXTRACTED)
    checked = claimant is not None and getattr(claimant, "_locked_in", None) is _outermost_block()
    return (
        _claim_create(sources=[source], claimant_checked=checked, weapon_systems=systems, **fields),
        True,
    )


@transaction.atomic(savepoint=False)  # a failure rolls the caller's transaction back whole
def claims_create_pending(*, article: Article, candidates: list[dict]) -> list[Claim | None]:
    """Create a pending claim from each candidate (claim_propose's dict) that the caller knows
    restates no stored claim (ingest.proposals: asked in this transaction, under the
    claimant's lock), each with its source and weapon systems, as claim_propose would one by
    one, in set-based writes: the claims, their sources, the history rows of each and the
    weapon links in one insert each (tracker.rows.rows_insert: bulk_create's rows, its SQL
    written once). Returns, per candidate, its new claim, or None where the
    claim model refuses it (a ValidationError, which claim_propose's callers skip).

    Bulk inserts send no signals: their work is done here. A new pending claim moves no public
    headline, series, change-log entry or public cache version (tracker.headlines,
    series_state, changes, cache); what remains is simple-history's creation rows
    (History.created_rows_insert) and the editors' data version, bumped once."""
    from tracker.cache import data_changed
    from tracker.models import History, Place
    from tracker.rows import rows_insert

    built: list[tuple[Claim, list[dict], list[WeaponSystem]] | None] = []
    for candidate in candidates:
        candidate = dict(candidate)
        systems = candidate.pop("weapon_systems", None)  # None: resolved from the printed label
        source = {
            "article": article,
            "quote": candidate.pop("quote"),
            "quote_start": candidate.pop("quote_start", None),
            "quote_end": candidate.pop("quote_end", None),
        }
        fields = {k: v for k, v in candidate.items() if k in CLAIM_FIELDS}
        if fields.setdefault("status", Claim.Status.PENDING) != Claim.Status.PENDING:
            raise ValueError("claims_create_pending creates pending claims only")
        fields.setdefault("origin", Claim.Origin.EXTRACTED)
        claimant = fields.get("claimant")
        locked = (
            claimant is not None and getattr(claimant, "_locked_in", None) is _outermost_block()
        )
        try:
            claim, sources = _claim_built(
                created_by=None,
                sources=[source],
                confirm_figures=True,
                claimant_checked=locked,
                place_checked=True,
                **fields,
            )
        except ValidationError:
            built.append(None)
            continue
        wanted = weapons.resolve_all(claim.weapon_system) if systems is None else systems
        built.append((claim, sources, list({s.pk: s for s in wanted}.values())))
    # The places named exist (full_clean's check, one query for all, not one per claim).
    named = {p for b in built if b is not None for p in _place_ids(b[0])} - {None}
    if named:
        gone = named - _ids_found(Place, named)
        built = [None if b is None or gone.intersection(_place_ids(b[0])) else b for b in built]
    made = [b for b in built if b is not None]
    claims = [claim for claim, _, _ in made]
    for claim in claims:
        claim.derive_fields()  # as Claim.save does
    rows_insert(claims)
    sources = [ClaimSource(claim=claim, **source) for claim, found, _ in made for source in found]
    rows_insert(sources)
    History.created_rows_insert(claims)
    History.created_rows_insert(sources)
    field = Claim._meta.get_field("weapon_systems")
    through = field.remote_field.through
    links = [
        through(**{f"{field.m2m_field_name()}_id": claim.pk,
                   f"{field.m2m_reverse_field_name()}_id": system.pk})
        for claim, _, systems in made
        for system in systems
    ]  # fmt: skip
    rows_insert(links)
    History.created_rows_insert(links)
    if made:
        data_changed()  # what the signals of a pending claim, source or weapon link do
    return [None if b is None else b[0] for b in built]


def claimants_lock(*, claimants: Iterable[Claimant | None]) -> None:
    """Lock the rows of `claimants` to the end of the caller's transaction, in one query (in id
    order), as claim_propose's lookups would lock them one by one: those lookups then take no
    lock of their own. Outside a transaction, nothing (each proposal locks in its own)."""
    if _outermost_block() is None:
        return
    pending = [c for c in claimants if c is not None and not _lock_held(c)]
    if not pending:
        return
    locked = _ids_found(Claimant, {c.pk for c in pending}, lock=True)
    for claimant in pending:
        if claimant.pk in locked:  # a claimant deleted meanwhile stays unlocked, as it would
            _mark_locked(claimant)


def _place_ids(claim: Claim) -> tuple[int | None, int | None]:
    """The places a claim names: where it happened and where a shipment left from."""
    return claim.place_id, claim.origin_place_id


def _ids_found(model, ids: Iterable[int], *, lock: bool = False) -> set[int]:
    """Which of `ids` are rows of `model`: `model.objects.filter(pk__in=ids)` (with `lock`:
    `.select_for_update().order_by("pk")`, so that rows are locked in id order), in SQL
    written once per number of ids (each article asks; the ORM built it each time)."""
    ids = sorted(set(ids))
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_ids_found_sql(model, len(ids), lock), ids)
        return {row[0] for row in cursor.fetchall()}


@functools.lru_cache(maxsize=256)
def _ids_found_sql(model, count: int, lock: bool) -> str:
    name = connection.ops.quote_name
    pk = name(model._meta.pk.column)
    sql = (
        f"SELECT {pk} FROM {name(model._meta.db_table)} WHERE {pk} IN ({', '.join(['%s'] * count)})"
    )
    if lock:
        sql += f" ORDER BY {pk}"
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE"
    return sql


def _mark_locked(claimant: Claimant) -> None:
    """Note that this transaction locked the claimant's row: `_locked_in` (its outermost block:
    the claimant was read in it, validation need not read it again) and the atomic blocks open
    when it was locked (`_lock_held`)."""
    blocks = transaction.get_connection().atomic_blocks
    claimant._locked_in = blocks[0] if blocks else None
    claimant._locked_under = tuple(blocks)


def _lock_held(claimant: Claimant) -> bool:
    """Whether the claimant's row lock is still held: every atomic block open when it was taken
    is still open (a savepoint rolled back since, and with it the lock, is another block)."""
    under = getattr(claimant, "_locked_under", None)
    blocks = transaction.get_connection().atomic_blocks
    return (
        under is not None
        and len(blocks) >= len(under)
        and all(a is b for a, b in zip(under, blocks, strict=False))
    )


def _outermost_block():
    """The outermost atomic block of this thread's connection: identifies its transaction."""
    blocks = transaction.get_connection().atomic_blocks
    return blocks[0] if blocks else None


def claim_next_pending(*, after: Claim | None = None) -> Claim | None:
    """The next claim in the review queue (oldest pending first), skipping `after`."""
    qs = Claim.objects.filter(status=Claim.Status.PENDING).order_by("created_at", "id")
    if after is not None:
        qs = qs.exclude(pk=after.pk)
    return qs.first()


@transaction.atomic
@changes_batch()
@series_state.flushed
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
@changes_batch()
@series_state.flushed
def claim_update(
    *,
    claim: Claim,
    editor: AbstractBaseUser,
    sources: Iterable[dict] = (),
    confirm_figures: bool = True,
    weapon_systems: Iterable[WeaponSystem] | None = None,
    **fields,
) -> Claim:
    """Change a claim's fields with the model's validation, as `editor` (in its history), and
    add any new sources. Review status changes go through claim_approve / claim_reject.
    `weapon_systems` replaces the systems it names; when not given and the printed weapon label
    changed, they are resolved from the new label."""
    unknown = set(fields) - CLAIM_FIELDS
    if unknown:
        raise TypeError(f"unknown claim fields: {', '.join(sorted(unknown))}")
    sources = list(sources)
    changed = {name for name, value in fields.items() if getattr(claim, name) != value}
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.full_clean()
    if sources or changed & {"low", "best", "high"}:
        _require_figures_confirmed(claim, sources, confirm_figures)
    claim_save_from_form(
        claim=claim, editor=editor, changed=changed | ({"sources"} if sources else set())
    )
    for source in sources:
        claim_source_add(claim=claim, **source)
    if weapon_systems is not None or "weapon_system" in changed:
        claim_weapons_set(claim=claim, systems=weapon_systems)
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
    from tracker.series import SeriesQuery, series_headline

    series = series_headline(SeriesQuery(category=category, subtype=subtype))
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
    from tracker.cache import data_changed

    # Pages cache their "What changed" lists by category version: show this change next request.
    data_changed(categories={category})
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
    return claims_credibility_refresh(claims=[claim])


def claims_credibility_refresh(*, claims: list[Claim]) -> list[int]:
    """claim_credibility_refresh of each of `claims`, each of another series (an article's new
    claims: claims_create_pending), their facts read in one query: no claim's refresh reads
    or writes another's series, so this is the same as refreshing them one after another.
    The grades that changed are written together (_credibility_write)."""
    if not claims:
        return []
    window = credibility.merge_window_days()
    # Everything within two windows: each claim to recompute is judged on its own window.
    grades: dict[int, int] = {}
    for claim, facts in zip(claims, credibility.series_facts(claims, days=2 * window), strict=True):
        grades.update(_credibility_refresh(claim, facts, window))
    _credibility_write(grades)
    return list(grades)


def _credibility_refresh(claim: Claim, facts: list, window: int) -> dict[int, int]:
    """The new grades ({claim id: credibility}) of the claims of `claim`'s series whose
    suggested grade changed."""
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
    voices = credibility.Voices(facts)  # grouped once for every target
    days = timedelta(days=window)
    grades = {
        f.pk: credibility.assess(f, voices, claim=claim, window=days, grade_only=True).grade
        for f in targets
    }
    current = {f.pk: f.credibility for f in facts}  # read with the facts: no second query
    return {pk: grade for pk, grade in grades.items() if current.get(pk) != grade}


def _credibility_write(grades: dict[int, int]) -> None:
    """Store each claim's new credibility as `claim.save(update_fields=["credibility",
    "confidence", "updated_at"])` would, claim by claim. For the claims still pending (those
    the refresh grades), in three statements: their status and reliability read, one UPDATE,
    their history rows copied; what their save's signals would do besides is bump the editors'
    data version (a pending claim moves no headline, series or change-log entry:
    tracker.headlines, series_state, changes). A claim no longer pending is saved by itself,
    with every signal, as before."""
    if not grades:
        return
    with transaction.atomic(savepoint=False):  # all of them, or none
        _credibility_write_all(grades)


def _credibility_write_all(grades: dict[int, int]) -> None:
    from tracker import trust
    from tracker.cache import data_changed
    from tracker.models import History

    rows = Claim.objects.filter(pk__in=grades).values_list("pk", "status", "reliability")
    pending = {
        pk: reliability for pk, status, reliability in rows if status == Claim.Status.PENDING
    }
    for pk in sorted(grades.keys() - pending.keys()):  # changed meanwhile (gone: get() raises)
        target = Claim.objects.get(pk=pk)
        target.credibility = grades[pk]
        target.save(update_fields=["credibility", "confidence", "updated_at"])
    if not pending:
        return
    ids = sorted(pending)
    field = Claim._meta.get_field("updated_at")
    params = [pk_or_value for pk in ids for pk_or_value in (pk, grades[pk])]
    params += [
        value for pk in ids for value in (pk, trust.confidence_for(pending[pk], int(grades[pk])))
    ]
    params += [field.get_db_prep_save(timezone.now(), connection), *ids]
    with connection.cursor() as cursor:
        cursor.execute(_credibility_update_sql(len(ids)), params)
    History.created_rows_insert([Claim(pk=pk) for pk in ids], kind="~")
    data_changed()  # what the signals of a pending claim's save do


@functools.lru_cache(maxsize=64)
def _credibility_update_sql(count: int) -> str:
    """UPDATE of `count` claims' credibility, confidence (CASE on the id, each) and
    updated_at."""
    name = connection.ops.quote_name
    pk = name(Claim._meta.pk.column)
    column = {f: name(Claim._meta.get_field(f).column) for f in ("credibility", "confidence")}
    when = " ".join(["WHEN %s THEN %s"] * count)
    return (
        f"UPDATE {name(Claim._meta.db_table)} SET "
        f"{column['credibility']} = CASE {pk} {when} END, "
        f"{column['confidence']} = CASE {pk} {when} END, "
        f"{name(Claim._meta.get_field('updated_at').column)} = %s "
        f"WHERE {pk} IN ({', '.join(['%s'] * count)})"
    )
