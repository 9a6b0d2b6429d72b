"""A claimant's record: how many claims and figures it made, from when to when, how they were
graded, and how many of its figures other claimants later corroborated or contradicted
(ClaimRelation). One function, `claimant_record`, that the claimant page and the API's
claimant detail both call."""

from __future__ import annotations

from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet

from tracker import trust
from tracker.models import HAS_NUMBER, Claim, Claimant, ClaimRelation


def _linked_later(kind: str, others: QuerySet[Claim]) -> Exists:
    """Whether a claim is linked by a `kind` relation, in either direction, to one of `others`
    made on or after its own claim date."""
    ids = others.values("pk")
    outgoing = ClaimRelation.objects.filter(
        kind=kind,
        from_claim=OuterRef("pk"),
        to_claim__in=ids,
        to_claim__claim_date__gte=OuterRef("claim_date"),
    )
    incoming = ClaimRelation.objects.filter(
        kind=kind,
        to_claim=OuterRef("pk"),
        from_claim__in=ids,
        from_claim__claim_date__gte=OuterRef("claim_date"),
    )
    return Exists(outgoing) | Exists(incoming)


def claimant_record(*, claimant: Claimant, visible: QuerySet[Claim]) -> dict:
    """The record of `claimant` over the claims the caller may see (`visible`, from
    tracker.selectors.claims_visible_to):

    - `claims`, `figures` (claims with a number), `first_claim_date`, `last_claim_date`;
    - `corroborated` / `contradicted`: its figures linked by a `corroborates` / `contradicts`
      relation (either direction) to a visible claim of another claimant (or an unattributed
      press report) made the same day or later; a figure can be both;
    - `superseded`: its claims that a visible claim `supersedes`;
    - `by_confidence` (high, moderate, low: every label, zeros included) and `by_grade`
      (Admiralty reliability + credibility, e.g. "B2", most used first)."""
    own = visible.filter(claimant=claimant).order_by()
    totals = own.aggregate(
        claims=Count("id"),
        figures=Count("id", filter=HAS_NUMBER),
        first=Min("claim_date"),
        last=Max("claim_date"),
    )
    others = visible.exclude(claimant=claimant).order_by()
    figures = own.filter(HAS_NUMBER)
    corroborated = figures.filter(_linked_later(ClaimRelation.Kind.CORROBORATES, others)).count()
    contradicted = figures.filter(_linked_later(ClaimRelation.Kind.CONTRADICTS, others)).count()
    superseding = ClaimRelation.objects.filter(
        kind=ClaimRelation.Kind.SUPERSEDES,
        to_claim=OuterRef("pk"),
        from_claim__in=visible.order_by().values("pk"),
    )
    superseded = own.filter(Exists(superseding)).count()
    confidence = dict(own.values_list("confidence").annotate(n=Count("id")))
    grades = (
        own.values("reliability", "credibility")
        .annotate(n=Count("id"))
        .order_by("-n", "reliability", "credibility")
    )
    return {
        "claimant_id": claimant.pk,
        "claims": totals["claims"],
        "figures": totals["figures"],
        "corroborated": corroborated,
        "contradicted": contradicted,
        "superseded": superseded,
        "first_claim_date": totals["first"],
        "last_claim_date": totals["last"],
        "by_confidence": {level: confidence.get(level, 0) for level in trust.CONFIDENCE_LEVELS},
        "by_grade": [
            {"grade": f"{row['reliability']}{row['credibility']}", "claims": row["n"]}
            for row in grades
        ],
    }
