"""From an article's text to pending claims: extraction, claimant lookup, merge."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ingest.aliases import claimant_resolver_and_names
from ingest.extract import Mention, extract_mentions
from ingest.extract.budget import Budget
from ingest.extract.claimants import OFFICIALS
from tracker import vocab
from tracker.merge import Figure, claimant_is_established, claims_corroborated, merge_window_days
from tracker.models import Article, Claim, Claimant, ClaimRelation, ClaimSource
from tracker.places import Gazetteer, precision_for
from tracker.services import (
    claim_credibility_refresh,
    claim_propose,
    claim_relation_add,
    claimants_lock,
    claims_create_pending,
    claims_credibility_refresh,
)
from tracker.weapons import resolve_all

_NAME_MAX = Claimant._meta.get_field("name").max_length


def article_propose_claims(*, article: Article, budget: Budget | None = None) -> int:
    """Extract claim mentions from `article.text` and propose each as a pending claim (or as
    another source of the claim that already says the same). Idempotent: a second run adds
    nothing. Returns how many claims were created or gained a source from this article.
    A `budget` bounds the extraction's cost (ingest.extract.budget)."""
    published = article.published_at.date() if article.published_at else None
    text = budget.clip(article.text or "") if budget else (article.text or "")
    # The alias table, and the claimants looked up by name: kept per process until a claimant
    # or alias changes (ingest.aliases)
    resolver, known = claimant_resolver_and_names()
    mentions = extract_mentions(text, published=published, aliases=resolver, budget=budget)
    mentions = [m for m in mentions if vocab.subtype_is_valid(m.category, m.subtype)]
    mentions = mentions_without_totals(mentions, text)
    mentions = budget.cap(mentions) if budget else mentions
    if not mentions:
        return 0
    claimants: dict[str | None, Claimant | None] = {}  # one lookup per name per article
    # and per name per process (`known`), until a claimant changes
    for mention in mentions:
        if mention.claimant not in claimants:
            if mention.claimant not in known:
                known[mention.claimant] = claimant_for(name=mention.claimant)
            claimants[mention.claimant] = known[mention.claimant]
    # Established claimants and precise figures first: a headline's unattributed "more than
    # 1,000" then finds the body's "about 1,100" already proposed and becomes its second
    # source (tracker.merge).
    mentions.sort(key=lambda m: _merge_order(m, claimants[m.claimant]))
    # The article's sources as (claim, quote offsets), read once: a proposal that adds a key
    # not in it added a source (ClaimSource is unique on claim, article and offsets). Not
    # read again when the article's lock, in this transaction, found none
    # (services.article_lock): a new article's.
    sources = (
        set()
        if getattr(article, "has_sources", None) is False
        else set(
            ClaimSource.objects.filter(article=article).values_list(
                "claim_id", "quote_start", "quote_end"
            )
        )
    )
    candidates = [
        mention_candidate(mention=m, fallback_date=published, claimant=claimants[m.claimant])
        for m in mentions
    ]
    gazetteer = Gazetteer.current()
    for candidate in candidates:
        candidate.update(place_proposal(candidate=candidate, text=text, gazetteer=gazetteer))
    changed = 0
    touched: dict[int, Claim] = {}
    # Whether the first pass's claimant locks last until the second (they do inside
    # services.article_process, which runs in one transaction).
    one_transaction = transaction.get_connection().in_atomic_block
    had_sources = bool(sources)
    # Two passes: mentions that restate a known claim join it first, so the article's own
    # restatements of it ("at least 100" / "100") find it rather than a claim made from them.
    new: list[dict] = []

    def none_in_article(category: str) -> bool:
        # Under the article's lock (services.article_process), with no sources before this
        # run and none written of this category, the article holds no claim of it.
        return (
            one_transaction
            and not had_sources
            and all(c.category != category for c in touched.values())
        )

    if one_transaction:  # every lookup below locks its claimant: all of them in one query
        claimants_lock(claimants=[candidate["claimant"] for candidate in candidates])
    for candidate in candidates:
        claim, created = _propose(
            article,
            candidate,
            create=False,
            none_in_article=none_in_article(candidate["category"]),
        )
        if claim is None:
            new.append(candidate)
        elif _record(sources, article, claim, candidate):
            changed += 1
            touched[claim.pk] = claim
    batch: list[dict] = []  # known new, of categories the article has no claim of yet

    def create_batch() -> None:
        # One category each: each claim's credibility refresh reads its own series only, so
        # creating them all first and then refreshing each grades as one by one would.
        nonlocal changed
        claims = claims_create_pending(article=article, candidates=batch)
        for candidate, claim in zip(batch, claims, strict=True):
            if claim is not None:
                _record(sources, article, claim, candidate)
                changed += 1
                touched[claim.pk] = claim
        # New evidence: each claim's series graded again (one read for all).
        claims_credibility_refresh(claims=[claim for claim in claims if claim is not None])
        batch.clear()

    for candidate in new:
        # Asked in the first pass already, under the claimant's lock (held to the end of this
        # transaction): only what this article wrote since can match now, and every lookup is
        # by category. A category the article has no claim of yet is asked again for nothing:
        # such claims are created together, in set-based writes.
        category = candidate["category"]
        if none_in_article(category) and all(c["category"] != category for c in batch):
            batch.append(candidate)
            continue
        if batch:
            create_batch()  # written before a lookup that may find them
        claim, created = _propose(article, candidate, create=True)
        if claim is not None and (_record(sources, article, claim, candidate) or created):
            changed += 1
            touched[claim.pk] = claim
    if batch:
        create_batch()
    for claim in touched.values():
        claim_propose_corroborations(claim=claim)
    return changed


def claim_propose_corroborations(*, claim: Claim) -> list[ClaimRelation]:
    """Propose `claim corroborates other` for each earlier increment that tells the same event
    from another claimant (`tracker.merge.claims_corroborated`), so the series count that
    batch once. Proposed once per pair; an editor can remove a relation that is wrong."""
    made = []
    others = claims_corroborated(claim)
    if not others:
        return made
    # One query for the pairs already related the other way round, not one per claim.
    related = set(
        ClaimRelation.objects.filter(
            from_claim__in=others, to_claim=claim, kind=ClaimRelation.Kind.CORROBORATES
        ).values_list("from_claim_id", flat=True)
    )
    for other in others:
        if other.pk in related:
            continue
        made.append(
            claim_relation_add(
                from_claim=claim,
                to_claim=other,
                kind=ClaimRelation.Kind.CORROBORATES,
                note=(
                    "Proposed by the pipeline: the same figure for the same series from "
                    f"another claimant within {merge_window_days()} days."
                ),
            )
        )
    return made


# "6,000 personnel, including 1,000 engineers and 5,000 builders": what follows breaks it down
_BREAKDOWN = re.compile(
    r"^[\s,;:(–-]*(?:including|comprising|consisting\s+of|of\s+whom|made\s+up\s+of|"
    r"among\s+them)\b",
    re.IGNORECASE,
)


def _amount(mention: Mention) -> float | None:
    """A mention's figure: best, else the midpoint of low–high, else None."""
    if mention.best is not None:
        return float(mention.best)
    if mention.low is not None and mention.high is not None:
        return (mention.low + mention.high) / 2
    return None


def mentions_without_totals(mentions: list[Mention], text: str) -> list[Mention]:
    """The mentions to propose, without an increment that the same sentence breaks down into
    parts ("N in all, including A … and B …", A + B = N): the parts are the batches, the total
    would count them twice. The parts are increments of the same category, at least two,
    printed right after the total behind a breakdown word (`_BREAKDOWN`), adding up to it
    (within 2%)."""
    increments = sorted(
        (m for m in mentions if m.measure == "increment" and _amount(m)),
        key=lambda m: m.quote_start,
    )
    totals = set()
    for whole in increments:
        after = [
            m
            for m in increments
            if m.category == whole.category and m.quote_start >= whole.quote_end
        ]
        if len(after) < 2 or after[0].quote_start - whole.quote_end > 40:
            continue
        gap = text[whole.quote_end : after[0].quote_start]
        if "." in gap or not _BREAKDOWN.search(gap + after[0].quote):
            continue
        # the parts: the mentions that follow one another after the total, within a sentence
        parts = [after[0]]
        for m in after[1:]:
            if (
                m.quote_start > parts[-1].quote_end + 60
                or "." in text[parts[-1].quote_end : m.quote_start]
            ):
                break
            parts.append(m)
        amount = _amount(whole)
        if len(parts) >= 2 and abs(sum(_amount(m) for m in parts) - amount) <= 0.02 * amount:
            totals.add(id(whole))
    return [m for m in mentions if id(m) not in totals]


def _propose(
    article: Article,
    candidate: dict,
    *,
    create: bool,
    known_new: bool = False,
    none_in_article: bool = False,
):
    try:
        claim, created = claim_propose(
            article=article,
            candidate=candidate,
            create=create,
            known_new=known_new,
            none_in_article=none_in_article,
        )
    except ValidationError:
        return None, False  # a candidate the claim model refuses is not worth an editor's time
    if claim is not None:
        claim_credibility_refresh(claim=claim)  # a new claim or source is new evidence
    return claim, created


def _record(sources: set, article: Article, claim, candidate: dict) -> bool:
    """Note the source a proposal stored; whether it is new to this article."""
    key = (claim.pk, *_quote_offsets(article, candidate))
    if key in sources:
        return False
    sources.add(key)
    return True


def _merge_order(mention: Mention, claimant: Claimant | None) -> tuple[bool, bool, int]:
    figure = Figure(mention.low, mention.best, mention.high, mention.qualifier or "")
    return (claimant is None, not claimant_is_established(claimant), -figure.precision)


def _quote_offsets(article: Article, candidate: dict) -> tuple[int, int]:
    """The offsets claim_source_add stores for the candidate's quote."""
    start, end = candidate.get("quote_start"), candidate.get("quote_end")
    if start is not None and end is not None:
        return start, end
    quote = candidate["quote"]
    found = article.text.find(quote) if article.text else -1
    return (found, found + len(quote)) if found >= 0 else (0, 0)


def mention_candidate(
    *, mention: Mention, fallback_date: dt.date | None, claimant: Claimant | None
) -> dict:
    """The candidate dict `claim_propose` takes, for one extracted mention whose claimant
    (`claimant_for(name=mention.claimant)`) was looked up by the caller."""
    claim_date = _date(mention.claim_date) or fallback_date or timezone.localdate()
    candidate = {
        "category": mention.category,
        "subtype": mention.subtype,
        "low": mention.low,
        "best": mention.best,
        "high": mention.high,
        "qualifier": mention.qualifier if mention.qualifier in vocab.QUALIFIERS else "exact",
        "unit": (mention.unit or "")[:30],
        "claim_date": claim_date,
        "period_start": _date(mention.period_start),
        "period_end": _date(mention.period_end),
        "claimant": claimant,
        "weapon_system": (mention.weapon_system or "")[:120],
        # The registry's systems the label names (tracker.weapons, the one resolver).
        "weapon_systems": resolve_all(mention.weapon_system or ""),
        "rule": (mention.rule or "")[:120],
        "extraction_score": mention.score,
        "quote": mention.quote,
        "quote_start": mention.quote_start,
        "quote_end": mention.quote_end,
        # The machine's credibility: 6 until tracker.credibility finds corroboration.
        "credibility_suggested": True,
    }
    if mention.measure in vocab.MEASURES:
        candidate["measure"] = mention.measure
    return troop_kind(candidate)


# "SEOUL --", "KYIV, Dec 24 (Reuters) -", "SEOUL (Yonhap) —", "SEOUL, South Korea, Nov 20,
# (AP):" at the start of a paragraph.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]*[A-Z](?:,[^\n(]{0,30})?\s*(?:\([^)\n]{0,40}\))?\s*(?:--|—|–|-|:)"
)


def paragraph_around(text: str, start: int | None, end: int | None) -> str:
    """The paragraph holding text[start:end] (the lines it spans); '' without offsets. A
    stored text keeps a paragraph on one line: main text from HTML puts one block per line
    with no blank line between, and pasted articles and files one paragraph per line, with or
    without blank lines; so a blank line alone would make most articles one paragraph."""
    if start is None or end is None or not text:
        return ""
    first = text.rfind("\n", 0, start)
    last = text.find("\n", end)
    return text[first + 1 : last if last >= 0 else len(text)]


def place_proposal(*, candidate: dict, text: str, gazetteer: Gazetteer) -> dict:
    """The place a candidate's own sentence names, else its paragraph's, with the precision its
    kind gives ({} when neither names one). Countries are left out: nearly every article names
    North Korea and Russia, which says nothing of where a claim happened; so are capitals that
    stand for their governments ("Pyongyang has sent", `Gazetteer.matches`). An arms transfer
    also gets the place it was shipped from (`Gazetteer.shipped_from`: "from Rajin"), first
    from its sentence, then its paragraph; it counts at its destination, so its place is then
    another one, or none."""
    paragraph = paragraph_around(text, candidate.get("quote_start"), candidate.get("quote_end"))
    # A dateline says where the story was filed, not where the claim happened.
    passages = [_DATELINE.sub("", p, count=1) for p in (candidate.get("quote") or "", paragraph)]
    proposal: dict = {}
    origin = None
    if candidate.get("category") == "arms_transfer":
        origin = next(filter(None, map(gazetteer.shipped_from, passages)), None)
        if origin is not None:
            proposal["origin_place"] = origin
    for passage in passages:
        place = gazetteer.resolve(passage, countries=False, besides=origin, prose=True)
        if place is not None:
            proposal.update(place=place, location_precision=precision_for(place))
            break
    return proposal


def troop_kind(candidate: dict) -> dict:
    """A troop figure's subtype and measure agree (vocab.FIXED_MEASURE): a batch counted as
    'deployed' is an additional deployment; an additional deployment is an increment; 'in Russia
    now' and 'sent in total' are running figures."""
    if candidate["category"] != "troop_deployment":
        return candidate
    if candidate["subtype"] == "deployed" and candidate.get("measure") == "increment":
        candidate["subtype"] = "additional_deployment"
    fixed = vocab.FIXED_MEASURE.get(candidate["subtype"])
    if fixed:
        candidate["measure"] = fixed
    return candidate


def claimant_for(*, name: str | None) -> Claimant | None:
    """The Claimant a resolved name stands for (by name, short name or alias); an unknown
    name becomes a new claimant of kind other, reliability F, for an editor to grade."""
    name = (name or "").strip()[:_NAME_MAX]
    if not name:
        return None
    found = (
        Claimant.objects.filter(
            Q(name__iexact=name) | Q(short_name__iexact=name) | Q(aliases__alias__iexact=name)
        )
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    institution = OFFICIALS.get(name)
    if institution:  # a named official speaks for their institution
        return claimant_for(name=institution)
    claimant, _ = Claimant.objects.get_or_create(
        name=name, defaults={"kind": Claimant.Kind.OTHER, "reliability": "F"}
    )
    return claimant


def _date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
