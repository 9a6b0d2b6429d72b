"""When two statements are one claim: the merge rule, written once.

`claim_propose` (every extracted candidate) asks `claim_find_same` which existing claim a
candidate restates; `claim_duplicate_pairs` applies the same rule to claims already stored, so
the evaluation counts exactly what the merge should have caught.

The rule. Two statements are the same claim when they have the same category, subtype and
normalised unit, their figures agree, and either
  (a) they are printed in the same article and have the same claimant, or one of them has none
      (a headline or standfirst usually drops the attribution that the body gives), or one of
      them is only a guessed name (below); or
  (b) they have the same claimant (not empty) and claim dates at most
      CLAIM_MERGE_WINDOW_DAYS apart (another outlet reporting the same figure later).
Within one article, a casualty figure filed as "killed" (or "wounded") and the same figure filed
as "killed or wounded" are one claim too (`subtypes_restating`): a headline shortens "killed or
wounded" to "killed"; the merged claim keeps the subtype of its more precise figure.
Figures agree when low/best/high are equal, or when one is a bound that the other restates:
"more than 1,000" restates "about 1,100" (the estimate lies above the bound and within
RESTATE_FACTOR of it); a vague amount ("thousands") restates nothing.
A guessed name is a claimant the pipeline created on the fly for a name it could not resolve
("him", "an official", "Yonhap" relaying the JCS): kind other, reliability F and nothing else
filled in (`claimant_is_established`). Within one article it yields to the other claimant.
Never merged: figures from two established claimants, even the same size on the same day (two
shipments of 2,000 on one day are two claims: the series adds them); unattributed figures from
different articles (nothing shows they are one statement); increments whose stated periods
differ; claims whose weapon systems are both given and differ.
The merged claim keeps the more precise figure (an estimate beats a bound) and the established
claimant, while it awaits review.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from tracker import vocab
from tracker.models import Article, Claim, Claimant, ClaimSource

# How far above a lower bound (or below an upper bound) an estimate may lie and still be the
# same statement rounded for a headline: "more than 1,000" for 1,100 or "more than 10,000" for
# 12,000, not "more than 1,000" for 5,000.
RESTATE_FACTOR = 1.25
_LOWER_BOUNDS = {"at_least", "more_than"}
_UPPER_BOUNDS = {"up_to", "fewer_than"}


def merge_window_days() -> int:
    """CLAIM_MERGE_WINDOW_DAYS: how far apart the same claimant's same figure still merges."""
    return int(getattr(settings, "CLAIM_MERGE_WINDOW_DAYS", 30))


@dataclass(frozen=True)
class Figure:
    low: float | None
    best: float | None
    high: float | None
    qualifier: str = ""

    @classmethod
    def of(cls, claim: Claim) -> Figure:
        return cls(claim.low, claim.best, claim.high, claim.qualifier)

    @property
    def numbers(self) -> tuple:
        return (self.low, self.best, self.high)

    @property
    def precision(self) -> int:
        """4 an estimate (best), 3 a range, 2 a single bound, 1 a vague amount, 0 no number."""
        if self.qualifier == "vague":
            return 1
        if self.best is not None:
            return 4
        if self.low is not None and self.high is not None:
            return 3
        if self.low is not None or self.high is not None:
            return 2
        return 0


def _restates(bound: Figure, other: Figure) -> bool:
    """Whether the single bound `bound` is `other` (an estimate or a range) rounded."""
    if bound.precision != 2 or other.precision < 3:
        return False
    if other.best is not None:
        lo = hi = other.best
    else:
        lo, hi = other.low, other.high
    if bound.low is not None and bound.qualifier not in _UPPER_BOUNDS:
        return bound.low <= lo and hi <= bound.low * RESTATE_FACTOR
    if bound.high is not None and bound.qualifier not in _LOWER_BOUNDS:
        return hi <= bound.high and lo * RESTATE_FACTOR >= bound.high
    return False


def figures_agree(a: Figure, b: Figure) -> bool:
    """Equal figures, or a bound that restates an estimate ("more than 1,000" / "about 1,100")."""
    if a.numbers == b.numbers:
        return True
    return _restates(a, b) or _restates(b, a)


# Subtypes that a headline uses loosely for one another, within one article only.
_LOOSE_SUBTYPES = {
    "casualties": ({"killed", "killed_or_wounded"}, {"wounded", "killed_or_wounded"}),
}


def subtypes_restating(category: str, subtype: str) -> set[str]:
    """The subtypes a figure of (`category`, `subtype`) in the same article may restate: its
    own, and for casualties "killed" / "wounded" with "killed or wounded"."""
    found = {subtype}
    for family in _LOOSE_SUBTYPES.get(category, ()):
        if subtype in family:
            found |= family
    return found


def _norm_unit(unit: str) -> str:
    return vocab.normalise_unit(unit)[0]


def _weapons_agree(a: str, b: str) -> bool:
    return not a or not b or a.strip().lower() == b.strip().lower()


def _periods_agree(measure_a, measure_b, a: tuple, b: tuple) -> bool:
    """Increments are events: two stated periods that differ are two events."""
    if "increment" not in (measure_a, measure_b):
        return True
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def claimant_is_established(claimant: Claimant | None) -> bool:
    """Whether a claimant is known (registered, graded or described by an editor) rather than
    a name the pipeline guessed: `ingest.proposals.claimant_for` creates an unknown name as
    kind other, reliability F, with no short name, country, description or alias."""
    if claimant is None:
        return False
    known = getattr(claimant, "_established", None)  # one alias query per instance
    if known is None:
        known = claimant._established = bool(
            claimant.reliability != "F"
            or claimant.kind != Claimant.Kind.OTHER
            or claimant.short_name
            or claimant.country
            or claimant.description
            or claimant.aliases.exists()
        )
    return known


def same_speaker_here(a: Claimant | None, b: Claimant | None) -> bool:
    """Within one article: the same claimant, or not two different established claimants."""
    if a is None or b is None or a.pk == b.pk:
        return True
    return not (claimant_is_established(a) and claimant_is_established(b))


def claim_find_same(
    *,
    article: Article | None,
    claimant: Claimant | None,
    category: str,
    subtype: str,
    unit: str = "",
    low: float | None = None,
    best: float | None = None,
    high: float | None = None,
    qualifier: str = "",
    claim_date: dt.date,
    measure: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    weapon_system: str = "",
) -> Claim | None:
    """The stored claim that a candidate restates under the merge rule (module docstring), or
    None. Among several, an exact figure match comes first, then the oldest claim."""
    window = dt.timedelta(days=merge_window_days())
    figure = Figure(low, best, high, qualifier)
    # The rule reads a few values of each candidate claim: read those, and load the one claim
    # that wins (a claimant's series within the window may hold hundreds of claims).
    fields = _ROW_FIELDS
    found: dict[int, tuple] = {}
    if article is not None and article.pk is not None:
        # (a) in this article: same claimant, one side unattributed or a guessed name.
        here = Claim.objects.filter(
            category=category,
            subtype__in=subtypes_restating(category, subtype),
            norm_unit=_norm_unit(unit),
            sources__article=article,
        )
        rows = list(here.order_by().values_list(*fields).distinct())
        speakers = _claimants({r[-1] for r in rows} - {None, claimant and claimant.pk})
        if claimant is not None:
            speakers[claimant.pk] = claimant
        for row in rows:
            if same_speaker_here(claimant, speakers.get(row[-1])):
                found[row[0]] = row
    if claimant is not None:
        # (b) the same claimant, anywhere, within the window: Claim.objects.filter(category=…,
        # subtype=…, norm_unit=…, claimant=…, claim_date__range=…).values_list(*fields),
        # written out (every proposal asks it; the ORM's building of it cost more than its rows).
        params = [category, subtype, _norm_unit(unit), claimant.pk]
        with connection.cursor() as cursor:
            cursor.execute(_same_series_sql(), [*params, claim_date - window, claim_date + window])
            for row in cursor.fetchall():
                found.setdefault(row[0], tuple(row))
    matches = [
        row
        for row in found.values()
        if _agrees_with(figure, row)
        and _weapons_agree(weapon_system, row[6])
        and _periods_agree(measure, row[7], (period_start, period_end), (row[8], row[9]))
    ]
    if not matches:
        return None
    best_match = min(
        matches,
        key=lambda row: (
            row[1] != subtype,
            (row[2], row[3], row[4]) != figure.numbers,
            row[10] != (claimant.pk if claimant else None),
            row[0],
        ),
    )
    return Claim.objects.select_related("claimant").get(pk=best_match[0])


_ROW_FIELDS = (
    "pk", "subtype", "low", "best", "high", "qualifier", "weapon_system", "measure",
    "period_start", "period_end", "claimant_id",
)  # fmt: skip


@functools.cache
def _same_series_sql() -> str:
    """claim_find_same's (b): the _ROW_FIELDS of the claims of one claimant's series in a
    date range (placeholders: category, subtype, norm_unit, claimant id, first, last date)."""
    name = connection.ops.quote_name

    def column(field: str) -> str:
        if field == "pk":
            return name(Claim._meta.pk.column)
        return name(Claim._meta.get_field(field.removesuffix("_id")).column)

    where = " AND ".join(
        f"{column(f)} = %s" for f in ("category", "subtype", "norm_unit", "claimant_id")
    )
    return (
        f"SELECT {', '.join(column(f) for f in _ROW_FIELDS)} FROM {name(Claim._meta.db_table)} "
        f"WHERE {where} AND {column('claim_date')} BETWEEN %s AND %s"
    )


def _agrees_with(figure: Figure, row: tuple) -> bool:
    """figures_agree(figure, the row's figure): row[2:6] are low, best, high, qualifier. Equal
    numbers agree; otherwise only a single bound (precision 2) can restate an estimate or a
    range (3 or more), so a pair without one is decided without building the row's Figure."""
    if figure.numbers == row[2:5]:
        return True
    mine = figure.precision
    if mine < 2:
        return False  # neither restates the other (figures_agree: _restates needs 2 and ≥ 3)
    if mine >= 3:
        low, best, high, qualifier = row[2:6]
        if qualifier == "vague" or best is not None or (low is None) == (high is None):
            return False  # the row is not a single bound: it cannot restate this figure
    return figures_agree(figure, Figure(*row[2:6]))


def _claimants(ids: set[int]) -> dict[int, Claimant]:
    """The claimants of these ids (one query; none when there are none)."""
    return Claimant.objects.in_bulk(list(ids)) if ids else {}


def merged_fields(*, claim: Claim, candidate: dict) -> dict:
    """What a claim still awaiting review takes from a candidate that restates it: the
    candidate's claimant when the claim had none or only a guessed name, and the candidate's
    figure when that is more precise. A
    reviewed claim is the editor's and keeps what it has (the candidate only adds a source)."""
    if claim.status != Claim.Status.PENDING or claim.origin != Claim.Origin.EXTRACTED:
        return {}
    changes: dict = {}
    speaker = candidate.get("claimant")
    if speaker is not None and speaker.pk != claim.claimant_id:
        if claim.claimant is None or (
            claimant_is_established(speaker) and not claimant_is_established(claim.claimant)
        ):
            changes["claimant"] = speaker
    new = Figure(
        candidate.get("low"), candidate.get("best"), candidate.get("high"), candidate["qualifier"]
    )
    if new.precision > Figure.of(claim).precision:
        changes.update(low=new.low, best=new.best, high=new.high, qualifier=new.qualifier)
        if candidate.get("subtype") and candidate["subtype"] != claim.subtype:
            changes["subtype"] = candidate["subtype"]  # the precise figure says what it counts
    return changes


# --- The same rule over stored claims: what the evaluation counts as duplicates ----------------


@dataclass(frozen=True)
class DuplicatePair:
    first: Claim
    second: Claim
    reason: str  # "same article" or "same claimant within N days"


def claim_duplicate_pairs(claims: QuerySet[Claim] | None = None) -> list[DuplicatePair]:
    """Pairs of distinct claims that the merge rule says are one statement: what a reader would
    call the same figure said twice. Reads every claim once (evaluation and audits)."""
    qs = Claim.objects.all() if claims is None else claims
    rows = list(qs.select_related("claimant").order_by("pk"))
    articles: dict[int, set[int]] = defaultdict(set)
    for claim_id, article_id in ClaimSource.objects.filter(
        claim__in=[c.pk for c in rows]
    ).values_list("claim_id", "article_id"):
        articles[claim_id].add(article_id)
    window = merge_window_days()
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in rows:
        # Subtypes that may restate one another share a group (`_duplicate_reason` decides).
        loose = len(subtypes_restating(claim.category, claim.subtype)) > 1
        groups[(claim.category, "" if loose else claim.subtype, claim.norm_unit)].append(claim)
    pairs: list[DuplicatePair] = []
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                reason = _duplicate_reason(a, b, articles, window)
                if reason:
                    pairs.append(DuplicatePair(a, b, reason))
    return pairs


def _duplicate_reason(a: Claim, b: Claim, articles: dict, window: int) -> str:
    if not (
        figures_agree(Figure.of(a), Figure.of(b))
        and _weapons_agree(a.weapon_system, b.weapon_system)
        and _periods_agree(
            a.measure, b.measure, (a.period_start, a.period_end), (b.period_start, b.period_end)
        )
    ):
        return ""
    if articles[a.pk] & articles[b.pk] and same_speaker_here(a.claimant, b.claimant):
        if b.subtype in subtypes_restating(a.category, a.subtype):
            return "same article"
        return ""
    if a.subtype != b.subtype:
        return ""
    if (
        a.claimant_id is not None
        and a.claimant_id == b.claimant_id
        and abs((a.claim_date - b.claim_date).days) <= window
    ):
        return f"same claimant within {window} days"
    return ""


# --- Corroboration: the same event told by two claimants ----------------------------------------


def claims_corroborated(claim: Claim) -> list[Claim]:
    """The earlier-stored increment claims that `claim` (an increment) corroborates: same
    category, subtype and normalised unit, figures that agree (`figures_agree`, a vague amount
    never), the same weapon system and stated period where both give one, another claimant
    (both named: the same claimant's repeat is a merge, an unattributed figure shows nothing),
    claim dates at most CLAIM_MERGE_WINDOW_DAYS apart, and no article in common. One batch
    told by two claimants is one event; the series counts it once through the `corroborates`
    relation. Figures that merely coincide can still be two events: the relation says who
    proposed it, and an editor removes it where the texts show two batches."""
    figure = Figure.of(claim)
    if claim.measure != "increment" or claim.claimant_id is None or figure.precision < 2:
        return []
    window = dt.timedelta(days=merge_window_days())
    others = (
        Claim.objects.filter(
            category=claim.category,
            subtype=claim.subtype,
            norm_unit=claim.norm_unit,
            measure="increment",
            claimant__isnull=False,
            claim_date__range=(claim.claim_date - window, claim.claim_date + window),
            pk__lt=claim.pk,
        )
        .exclude(claimant_id=claim.claimant_id)
        .exclude(status=Claim.Status.REJECTED)
        # Within one article the writer tells whether two claimants' figures are one batch
        # ("separately, … said 2,000 too"): those pairs are left for a reader.
        .exclude(sources__article__in=claim.sources.values("article_id"))
        .order_by("pk")
        .distinct()
    )
    return [
        other
        for other in others
        if Figure.of(other).precision >= 2
        and figures_agree(figure, Figure.of(other))
        and _weapons_agree(claim.weapon_system, other.weapon_system)
        and _periods_agree(
            "increment",
            "increment",
            (claim.period_start, claim.period_end),
            (other.period_start, other.period_end),
        )
    ]
