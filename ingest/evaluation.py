"""Measure the pipeline on a set of article files: ingest them as `ingest_file` does, approve
every proposal, and report what an analyst would see (claims, sources, duplicates left over by
the merge, the headline of each main series)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import Q

from ingest import services
from tracker import vocab
from tracker.merge import (
    DuplicatePair,
    Figure,
    claim_duplicate_pairs,
    figures_agree,
    same_speaker_here,
)
from tracker.models import Article, Claim, ClaimRelation, ClaimSource
from tracker.series import SeriesQuery, series_build
from tracker.services import claims_approve

EVAL_USERNAME = "eval-ingest"
_NUMBERED = [q for q in vocab.QUALIFIERS if q not in {"none", "vague"}]

# (category, subtype, what a reader calls it); subtypes this build's vocabulary lacks are skipped.
MAIN_SERIES = [
    ("troop_deployment", "deployed", "troops in Russia now"),
    ("troop_deployment", "sent_total", "troops sent in total"),
    ("troop_deployment", "additional_deployment", "additional troops (batches)"),
    ("casualties", "killed", "killed"),
    ("casualties", "killed_or_wounded", "killed or wounded"),
    ("casualties", "wounded", "wounded"),
    ("arms_transfer", "artillery_shells", "artillery shells"),
    ("arms_transfer", "containers", "containers"),
    ("arms_transfer", "ballistic_missiles", "ballistic missiles"),
]


class NotAnEvalDatabase(Exception):
    """The database holds data that an evaluation run would mix with its own."""


@dataclass
class EvalReport:
    outcomes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    articles: int = 0
    claims: int = 0
    sources: int = 0
    duplicates: list[DuplicatePair] = field(default_factory=list)
    near_duplicates: list[DuplicatePair] = field(default_factory=list)
    headlines: list[tuple[str, str]] = field(default_factory=list)
    corroborations: list[ClaimRelation] = field(default_factory=list)

    @property
    def duplicate_claims(self) -> int:
        """Claims beyond one per statement: n claims that say one thing count n - 1."""
        return _extra_claims(self.duplicates)

    @property
    def duplicates_per_20(self) -> float:
        return 20 * self.duplicate_claims / self.articles if self.articles else 0.0


def _extra_claims(pairs: list[DuplicatePair]) -> int:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for pair in pairs:
        parent[root(pair.first.pk)] = root(pair.second.pk)
    return len(parent) - len({root(x) for x in parent})


def eval_user():
    user, created = get_user_model().objects.get_or_create(username=EVAL_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def foreign_data() -> list[str]:
    """What in this database did not come from an evaluation run (empty when it is safe)."""
    found = []
    articles = Article.objects.exclude(submitted_by__username=EVAL_USERNAME).count()
    if articles:
        found.append(f"{articles} articles not ingested by an evaluation run")
    claims = (
        Claim.objects.exclude(origin=Claim.Origin.EXTRACTED)
        | Claim.objects.exclude(sources__article__submitted_by__username=EVAL_USERNAME)
    ).count()
    if claims:
        found.append(f"{claims} claims not extracted by an evaluation run")
    return found


def evaluate_files(*, paths: Iterable[Path], force: bool = False) -> EvalReport:
    """Ingest `paths` through the real pipeline into this database, approve every pending
    claim, and measure. Refuses (NotAnEvalDatabase) a database with other data unless
    `force`: the run approves everything it finds."""
    if not force and (found := foreign_data()):
        raise NotAnEvalDatabase("; ".join(found))
    user = eval_user()
    report = EvalReport()
    for path in paths:
        result = services.article_ingest_file(path=Path(path), submitted_by=user)
        report.outcomes[result.outcome] += 1
        if result.outcome == "failed":
            report.failures.append(f"{path}: {result.reason}")
    # "Approve everything": the measure asks what the headlines would read, so the grade-6
    # question is answered "cannot be judged" for every claim still ungraded.
    claims_approve(
        claims=Claim.objects.filter(status=Claim.Status.PENDING),
        reviewer=user,
        grade_confirmed=True,
    )
    evaluated = Q(sources__article__submitted_by=user)
    report.articles = Article.objects.filter(
        submitted_by=user, status=Article.Status.PROCESSED
    ).count()
    report.claims = Claim.objects.filter(evaluated).distinct().count()
    report.sources = ClaimSource.objects.filter(article__submitted_by=user).count()
    claims = Claim.objects.filter(evaluated).distinct()
    report.duplicates = claim_duplicate_pairs(claims)
    report.near_duplicates = near_duplicate_pairs(claims)
    report.headlines = main_headlines()
    report.corroborations = list(
        ClaimRelation.objects.filter(
            kind=ClaimRelation.Kind.CORROBORATES, from_claim__in=claims, to_claim__in=claims
        ).select_related("from_claim__claimant", "to_claim__claimant")
    )
    return report


def near_duplicate_pairs(claims) -> list[DuplicatePair]:
    """Pairs a reader might call one statement that the merge rule keeps as two claims:
    agreeing figures in the same article and category, filed under two subtypes (a headline's
    "killed" for the body's "killed or wounded", or a classification slip) or said by two
    registered claimants (corroboration). Printed for a person to judge."""
    by_article: dict[int, list[Claim]] = {}
    sources = ClaimSource.objects.filter(claim__in=claims.filter(qualifier__in=_NUMBERED))
    for source in sources.select_related("claim__claimant").order_by("claim_id"):
        by_article.setdefault(source.article_id, []).append(source.claim)
    pairs, seen = [], set()
    for group in by_article.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                key = (min(a.pk, b.pk), max(a.pk, b.pk))
                if a.pk == b.pk or key in seen or a.category != b.category:
                    continue
                if not figures_agree(Figure.of(a), Figure.of(b)):
                    continue
                if a.subtype != b.subtype:
                    reason = "same article, other subtype"
                elif not same_speaker_here(a.claimant, b.claimant):
                    reason = "same article, two registered claimants (corroboration)"
                else:
                    continue  # a duplicate proper: claim_duplicate_pairs counts it
                seen.add(key)
                pairs.append(DuplicatePair(a, b, reason))
    return pairs


def main_headlines() -> list[tuple[str, str]]:
    """(series, headline as a reader would say it) for each main series."""
    lines = []
    for category, subtype, label in MAIN_SERIES:
        if not vocab.subtype_is_valid(category, subtype):
            continue
        series = series_build(SeriesQuery(category=category, subtype=subtype))
        lines.append((f"{label} ({category}/{subtype})", _headline_text(series)))
    return lines


def _headline_text(series: dict) -> str:
    parts = []
    latest = series.get("latest_headline")
    if latest and latest.get("value") is not None:
        bound = {"lower": "at least ", "upper": "up to "}.get(latest.get("bound") or "", "")
        freshness = (
            f"stale: {latest.get('age_days')} days old on {latest.get('as_of')}"
            if latest.get("stale")
            else f"current on {latest.get('as_of')}"
        )
        parts.append(
            f"{bound}{latest['value']:,.0f} {series.get('unit') or ''}".rstrip()
            + f" — {latest.get('claimant')}, said {latest.get('claim_date')}"
            + f" (claim #{latest.get('claim_id')}; headline since {latest.get('date')}; "
            + f"{freshness})"
        )
    total = (series.get("increments") or {}).get("total")
    if total:
        parts.append(f"increments sum to {total:,.0f}")
    return "; ".join(parts) or "no figure"


def report_lines(report: EvalReport) -> list[str]:
    """The report as printed by `manage.py eval_ingest`."""
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
    lines = [
        f"files: {sum(report.outcomes.values())} ({outcomes})",
        f"articles: {report.articles}",
        f"claims: {report.claims}",
        f"sources: {report.sources}",
        f"duplicate claims: {report.duplicate_claims} ({len(report.duplicates)} pairs)",
    ]
    lines += _pair_lines(report.duplicates)
    lines.append(f"duplicates per 20 articles: {report.duplicates_per_20:.2f}")
    lines.append(
        "kept apart, for a reader to judge (same figure in one article under another subtype "
        f"or from two registered claimants): {len(report.near_duplicates)}"
    )
    lines += _pair_lines(report.near_duplicates)
    lines.append(
        "corroborations (one event told by two claimants, counted once in increments): "
        f"{len(report.corroborations)}"
    )
    for relation in report.corroborations:
        lines.append(f"  #{relation.from_claim_id} corroborates #{relation.to_claim_id}")
        lines += [
            f"    #{claim.pk} {_claim_line(claim)}"
            for claim in (relation.from_claim, relation.to_claim)
        ]
    lines.append("headlines:")
    lines += [f"  {series}: {text}" for series, text in report.headlines]
    lines += [f"failed: {failure}" for failure in report.failures]
    return lines


def _pair_lines(pairs: list[DuplicatePair]) -> list[str]:
    lines = []
    for pair in pairs:
        lines.append(f"  #{pair.first.pk} = #{pair.second.pk} ({pair.reason})")
        lines += [f"    #{claim.pk} {_claim_line(claim)}" for claim in (pair.first, pair.second)]
    return lines


def _claim_line(claim: Claim) -> str:
    claimant = claim.claimant.name if claim.claimant_id else "unattributed"
    quotes = " | ".join(s.quote[:90] for s in claim.sources.all()[:3])
    return (
        f"{claim.category}/{claim.subtype} {claim.figure_display} · {claimant} · "
        f"{claim.claim_date} · “{quotes}”"
    )
