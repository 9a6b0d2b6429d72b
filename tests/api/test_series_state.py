"""One series implementation (issue 16, "no cold cliff"): the default public series read from the
state kept by tracker.series_state give exactly what computing them from the claims gives (the
sparse path everywhere; the dense PostgreSQL path too on PostgreSQL), on seeded random data;
the state after any sequence of approvals, edits, rejections, merges and relation changes is
the state a rebuild from scratch makes; and the headline an overview card reads from the state
is series_build's headline."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import Max

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.services import requires
from tracker import series_state, services
from tracker.models import (
    Claim,
    ClaimRelation,
    SeriesChange,
    SeriesCount,
    SeriesDay,
    SeriesEstimate,
    SeriesIncrement,
    SeriesLine,
    SeriesTotal,
)
from tracker.series import SeriesQuery, series_build, series_headline

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"
START = dt.date(2024, 1, 1)
SERIES = [("casualties", "killed_or_wounded"), ("casualties", "killed")]


@pytest.fixture(autouse=True)
def _two_eyes(settings):
    settings.REVIEW_FOUR_EYES = False  # the random reviews are one editor's


def _figure(rng: random.Random) -> dict:
    x = float(rng.randrange(1, 40) * 100)
    return rng.choice(
        [
            {"best": x, "low": None, "high": None, "qualifier": "approximately"},
            {"best": None, "low": x, "high": x + 500, "qualifier": "range"},
            {"best": None, "low": x, "high": None, "qualifier": "at_least"},
            {"best": None, "low": None, "high": x, "qualifier": "up_to"},
        ]
    )


def _claim_fields(rng: random.Random, claimants: list, increments: float = 1 / 6) -> dict:
    category, subtype = rng.choice(SERIES)
    return {
        "category": category,
        "subtype": subtype,
        "claimant": rng.choice(claimants),
        # Few days, so claimants often speak the same day and estimates go stale in between.
        "claim_date": START + dt.timedelta(days=rng.randrange(0, 400, 3)),
        "reliability": rng.choice("ABCF"),
        "credibility": rng.randrange(1, 6),
        "measure": "increment" if rng.random() < increments else "cumulative",
        **_figure(rng),
    }


def _period_end(rng: random.Random, claim_date: dt.date) -> dt.date | None:
    """An increment's period end, often none (the claim date counts): on or before its claim
    date, often on another claim's day (they share the increments' (claimant, day)s)."""
    if rng.random() < 0.5:
        return None
    return claim_date - dt.timedelta(days=rng.randrange(0, 30, 3))


def _random_claims(seed: int, n: int = 120, increments: float = 1 / 6) -> list[Claim]:
    rng = random.Random(seed)
    claimants = [ClaimantFactory(name=f"R{seed}-{i}") for i in range(4)] + [None]
    claims = []
    for _ in range(n):
        fields = _claim_fields(rng, claimants, increments)
        fields["status"] = rng.choice(["approved"] * 4 + ["pending", "rejected"])
        if fields["measure"] == "increment":
            fields["period_end"] = _period_end(rng, fields["claim_date"])
        claims.append(ClaimFactory(**fields))
    for _ in range(n // 10):
        a, b = rng.sample(claims, 2)
        kind = rng.choice([ClaimRelation.Kind.SUPERSEDES, ClaimRelation.Kind.CORROBORATES])
        ClaimRelation.objects.get_or_create(from_claim=a, to_claim=b, kind=kind)
    return claims


def _queries(freshness: int | None = None):
    for category, subtype in SERIES:
        for as_of in (None, dt.date(2024, 6, 1), dt.date(2025, 3, 1)):
            yield SeriesQuery(category=category, subtype=subtype, as_of=as_of)


def _without_state(query: SeriesQuery, **kwargs) -> dict:
    return series_build(query, state=False, **kwargs)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_series_from_the_state_equal_series_from_the_claims(seed):
    _random_claims(seed)
    for query in _queries():
        computed = _without_state(query)
        if query.as_of is not None and query.as_of < dt.date(2025, 3, 1):
            # Claims after as_of: the state cannot answer, and the build computes instead.
            assert series_build(query) == computed
            continue
        assert series_build(query, state=True) == computed
        assert computed["latest_headline"] is not None


@requires(ON_POSTGRES, "needs PostgreSQL (CI): the dense path is PostgreSQL's DISTINCT ON")
@pytest.mark.parametrize("seed", [4, 5])
def test_the_dense_and_sparse_paths_give_the_same_series(seed):
    _random_claims(seed)
    for query in _queries():
        sparse = _without_state(query, dense=False)
        assert _without_state(query, dense=True) == sparse
        if query.as_of is None:
            assert series_build(query, state=True) == sparse


def _snapshot() -> tuple[list, ...]:
    estimates = sorted(
        SeriesEstimate.objects.values_list(
            "category", "subtype", "unit", "claimant_id", "day", "claim_id", "low", "best",
            "high", "qualifier", "confidence", "reliability", "credibility", "claims",
        ),
        key=repr,
    )  # fmt: skip
    days = sorted(
        SeriesDay.objects.exclude(category="").values_list(
            "category", "subtype", "unit", "day", "window", "band_min", "band_max",
            "band_claimants", "step", "claim_id", "value", "low", "high", "bound", "claim_date",
            "claimant_id", "confidence", "reliability", "credibility", "stale", "age_days",
        ),
        key=repr,
    )  # fmt: skip
    counts = sorted(
        SeriesCount.objects.values_list(
            "category", "subtype", "unit", "claimant_id", "day", "measure", "claims"
        ),
        key=repr,
    )
    totals = sorted(
        SeriesTotal.objects.exclude(claims=0).values_list(
            "category", "subtype", "unit", "measure", "claims"
        ),
        key=repr,
    )
    # Each line's count, with whether its newest estimate row is the one it names (ids differ
    # between a rebuild and the changes that led to the same estimates).
    newest = {
        row[:4]: row[4]
        for row in SeriesEstimate.objects.order_by()
        .values("category", "subtype", "unit", "claimant_id")
        .annotate(last=Max("id"))
        .values_list("category", "subtype", "unit", "claimant_id", "last")
    }
    lines = sorted(
        (
            (*row[:4], *row[5:], newest.get(row[:4]) == row[4])
            for row in SeriesLine.objects.values_list(
                "category", "subtype", "unit", "claimant_id", "last_id", "estimates", "claims",
                "last_day",
            )
        ),
        key=repr,
    )  # fmt: skip
    increments = sorted(
        SeriesIncrement.objects.values_list(
            "category", "subtype", "unit", "claimant_id", "day", "claims", "amount", "last_id",
            "status", "counted", "counted_amount", "counted_low", "counted_high", "repeats",
        ),
        key=repr,
    )  # fmt: skip
    return estimates, days, counts, totals, lines, increments


def _random_change(rng: random.Random, claims: list[Claim], claimants: list, editor) -> None:
    claim = Claim.objects.get(pk=rng.choice(claims).pk)
    action = rng.choice(
        [
            "approve", "approve", "edit", "edit", "reject", "merge", "supersede", "corroborate",
            "unrelate", "add", "delete",
        ]
    )  # fmt: skip
    if action == "approve" and claim.status != "approved":
        services.claim_approve(claim=claim, reviewer=editor)
    elif action == "reject":
        services.claim_reject(claim=claim, reviewer=editor, reason="Wrong figure or unit")
    elif action == "edit":
        fields = _claim_fields(rng, claimants)
        fields.pop("measure")
        fields = rng.choice(
            [
                {k: fields[k] for k in ("best", "low", "high", "qualifier")},
                {"claim_date": fields["claim_date"]},
                {"claimant": fields["claimant"]},
                {"category": fields["category"], "subtype": fields["subtype"]},
                {"credibility": fields["credibility"]},
                # An increment's day: its period's end, else its claim date.
                {"period_end": _period_end(rng, claim.claim_date)},
            ]
        )
        services.claim_update(claim=claim, editor=editor, **fields)
    elif action == "merge":
        # An article restating a pending claim merges into it; approving it then counts it.
        pending = Claim.objects.filter(status="pending", pk__in=[c.pk for c in claims]).first()
        if pending is not None:
            services.claims_approve(
                claims=Claim.objects.filter(pk=pending.pk), reviewer=editor, grade_confirmed=True
            )
    elif action == "supersede":
        other = rng.choice(claims)
        if other.pk != claim.pk:
            services.claim_relation_add(
                from_claim=claim, to_claim=other, kind=ClaimRelation.Kind.SUPERSEDES
            )
    elif action == "corroborate":
        # Corroborating increments are one event, counted once (`series._repeats`).
        increments = [c for c in claims if c.measure == "increment" and c.pk != claim.pk]
        if increments:
            services.claim_relation_add(
                from_claim=claim, to_claim=rng.choice(increments),
                kind=ClaimRelation.Kind.CORROBORATES,
            )  # fmt: skip
    elif action == "delete":
        claim.delete()  # the admin's way: the signals record it, the next read flushes
        left = set(Claim.objects.values_list("pk", flat=True))  # and what it cascaded to
        claims[:] = [c for c in claims if c.pk in left]
        series_state.flush()
    elif action == "unrelate":
        relation = ClaimRelation.objects.order_by("?").first()
        if relation is not None:
            relation.delete()  # the admin's way: the signals record it, the next read flushes
            series_state.flush()
    elif action == "add":
        fields = _claim_fields(rng, claimants)
        article = ArticleFactory()
        new, _ = services.claim_propose(
            article=article,
            candidate={**fields, "unit": "troops", "quote": article.text[:20]},
        )
        claims.append(new)


def test_the_state_after_random_changes_equals_a_rebuild(editor):
    rng = random.Random(8)
    claims = _random_claims(8, n=60)
    claimants = list({c.claimant for c in claims})
    series_state.flush()
    for step in range(60):
        _random_change(rng, claims, claimants, editor)
        if step % 10 == 9:
            assert not SeriesChange.objects.exists()  # the services flushed in their transaction
            kept = _snapshot()
            series_state.rebuild()
            assert _snapshot() == kept, f"after change {step}"
    for query in _queries():
        if query.as_of is None:
            assert series_build(query, state=True) == _without_state(query)


def test_a_card_reads_series_build_headline_from_the_state(editor):
    claims = _random_claims(9)
    for query in _queries():
        if query.as_of is not None:
            continue
        card = series_headline(query, state=True)
        full = _without_state(query)
        assert card["latest_headline"] == full["latest_headline"]
        assert card["current_band"] == full["current_band"]
        assert card["cumulative"]["headline"] == full["cumulative"]["headline"]
        assert card["unit"] == full["unit"]
    # An approval moves the card at once (same transaction), with no rebuild.
    newest = ClaimFactory(
        claimant=claims[0].claimant, claim_date=dt.date(2025, 6, 1), credibility=1,
        reliability="A", best=123456.0, qualifier="exact", status="pending",
    )  # fmt: skip
    services.claim_approve(claim=newest, reviewer=editor)
    query = SeriesQuery(category=newest.category, subtype=newest.subtype)
    card = series_headline(query, state=True)
    assert card["latest_headline"] == _without_state(query)["latest_headline"], newest.pk
    assert card["latest_headline"]["value"] == 123456.0
    assert card["latest_headline"] == _without_state(query)["latest_headline"]


def test_the_rebuild_command_and_a_series_before_any_build(capsys):
    from django.core.management import call_command

    _random_claims(10, n=30)
    SeriesDay.objects.all().delete()  # as if the claims came in by COPY: no state yet
    query = SeriesQuery(category="casualties", subtype="killed_or_wounded")
    with pytest.raises(ValueError):
        series_build(query, state=True)
    assert series_build(query) == _without_state(query)  # computed from the claims meanwhile
    call_command("rebuild_series_state")
    assert "series state rebuilt" in capsys.readouterr().out
    assert series_build(query, state=True) == _without_state(query)


@pytest.mark.parametrize("cap", [30, 5000])
def test_series_read_after_each_change_equal_a_full_build(editor, monkeypatch, cap):
    """Reads cache each claimant's line (series_state._lines) and the summed increments
    (series_state.increments) and, after a change, build again only the lines of the claimants
    it touched and the increments only if it touched a day with increment claims: after every
    random change (corroborating increments among them) the next read equals the series
    computed from the claims, aggregated (cap 30) or daily (cap 5000)."""
    from tracker import series

    monkeypatch.setattr(series, "MAX_POINTS", cap)
    read = []
    estimates = series_state._estimates
    monkeypatch.setattr(
        series_state, "_estimates", lambda key, ids: read.append(set(ids)) or estimates(key, ids)
    )
    summed = []
    increments = series._increments
    monkeypatch.setattr(series, "_increments", lambda qs: summed.append(1) or increments(qs))
    monkeypatch.setattr(series_state, "increment_parts", lambda key, known: None)  # summed
    rng = random.Random(12)
    claims = _random_claims(12, n=60)
    claimants = list({c.claimant for c in claims})
    queries = [query for query in _queries() if query.as_of is None]
    for query in queries:
        series_build(query, state=True)
    read.clear()
    for query in queries:  # nothing changed: every line comes from the cache
        assert series_build(query, state=True) == _without_state(query)
    assert read == []
    summed.clear()
    for query in queries:  # and the increments
        series_build(query, state=True)
    assert summed == []
    for step in range(30):
        _random_change(rng, claims, claimants, editor)
        for query in queries:
            built = series_build(query, state=True)
            assert built == _without_state(query), f"after change {step}"
            if cap == 30:
                assert built["aggregated"]["bucket"] != "day"
    assert read and all(len(ids) <= 2 for ids in read)  # only the touched claimants' lines


def test_a_read_from_the_state_asks_its_totals_lines_and_days_once(django_assert_num_queries):
    """A default series read asks the state two questions when its lines are cached: its
    window and totals together (the main unit, whether it has increments, whether the state is
    built and current), and its lines' revisions (which also say whether it holds claims after
    `as_of`) with its days; a change made outside the services is flushed by the read."""
    claimants = [ClaimantFactory(name=f"Q{i}") for i in range(3)]
    for i in range(12):
        ClaimFactory(
            claimant=claimants[i % 3],
            best=100 * (i + 1),
            claim_date=START + dt.timedelta(days=7 * i),
        )
    query = SeriesQuery(category="casualties", subtype="killed_or_wounded")
    first = series_build(query, state=True)  # flushes the factories' changes, caches the lines
    assert first == _without_state(query)
    with django_assert_num_queries(2):
        assert series_build(query, state=True) == first
    ClaimFactory(claimant=claimants[0], best=5000, claim_date=START + dt.timedelta(days=200))
    assert series_build(query, state=True) == _without_state(query)
    assert series_build(query, state=True)["latest_headline"]["value"] == 5000


@pytest.mark.parametrize("dated", [False, True])
def test_increments_are_summed_again_when_corroborated_or_edited(editor, dated):
    """The summed increments are cached under their revision (series_state.increments): a
    `corroborates` relation between two counted increments (one event, counted once) and an
    edit of one's figure change it, an approval of a cumulative claim does not."""
    from tracker import series

    claimants = [ClaimantFactory(name=f"I{i}") for i in range(2)]
    first, second = (
        ClaimFactory(
            claimant=claimants[i], measure="increment", best=100.0 * (i + 1),
            claim_date=START + dt.timedelta(days=i), period_end=START if dated else None,
        )
        for i in range(2)
    )  # fmt: skip
    ClaimFactory(claimant=claimants[0], best=1000.0, claim_date=START)
    query = SeriesQuery(category="casualties", subtype="killed_or_wounded")
    assert series_build(query, state=True)["increments"]["total"] == 300.0
    pending = ClaimFactory(
        claimant=claimants[1], best=2000.0, claim_date=START + dt.timedelta(days=1),
        status="pending",
    )  # fmt: skip
    revision = SeriesTotal.objects.get(measure="increment").revision
    services.claim_approve(claim=pending, reviewer=editor)
    assert SeriesTotal.objects.get(measure="increment").revision == revision
    services.claim_relation_add(
        from_claim=second, to_claim=first, kind=ClaimRelation.Kind.CORROBORATES
    )
    built = series_build(query, state=True)
    assert built == _without_state(query)
    assert built["increments"]["total"] == 100.0  # one event, counted at its first report
    assert built["increments"] == series._increments(series.series_claims(query))
    services.claim_update(claim=Claim.objects.get(pk=first.pk), editor=editor, best=150.0)
    assert series_build(query, state=True) == _without_state(query)
    assert _without_state(query)["increments"]["total"] == 150.0


def _sums_from_the_state(key: tuple) -> dict | None:
    """The increments of a default series read from the state's rows (`increment_parts`), daily,
    as `series._increments` gives them; None when they are summed from the claims."""
    parts = series_state.increment_parts(key)
    if parts is None:
        return None
    lines, combined = parts.reduced("day")
    return {
        "claimants": [
            {**line, "points": points} for line, points in zip(parts.lines, lines, strict=True)
        ],
        "combined": combined,
        "total": parts.total,
        "_claims": parts.claims,
    }


def _sums_from_the_claims(query: SeriesQuery) -> dict:
    """The increments of a default series summed from its claims (`series._increments`)."""
    from tracker import series

    unit = series_build(query, state=False)["unit"]
    return series._increments(series.series_claims(query).filter(norm_unit=unit))


@pytest.mark.parametrize("seed", [21, 22])
def test_the_increment_sums_after_random_changes_equal_the_claims(editor, monkeypatch, seed):
    """The state's increments per claimant and day (`SeriesIncrement`) after random approvals,
    edits (figures, claim dates, period ends, claimants, series), rejections, deletions,
    supersessions and corroborations equal a rebuild; and a dense series read from them (more
    increment claims than MAX_POINTS: summed per claimant and day) equals one summed from the
    claims, before aggregation and after."""
    from tracker import series

    monkeypatch.setattr(series, "MAX_POINTS", 8)
    monkeypatch.setattr(series, "_dense_increments", lambda: True)  # as on PostgreSQL
    rng = random.Random(seed)
    claims = _random_claims(seed, n=60, increments=0.7)
    claimants = list({c.claimant for c in claims})
    series_state.flush()
    queries = [query for query in _queries() if query.as_of is None]
    dense = 0
    for step in range(40):
        _random_change(rng, claims, claimants, editor)
        for query in queries:
            assert series_build(query, state=True) == _without_state(query), f"change {step}"
            unit = series_build(query, state=False)["unit"]
            key = (query.category, query.subtype, unit)
            found = _sums_from_the_state(key)
            if found is not None:
                dense += 1
                assert found == _sums_from_the_claims(query), f"after change {step}"
        if step % 8 == 7:
            kept = _snapshot()
            series_state.rebuild()
            assert _snapshot() == kept, f"after change {step}"
    assert dense > 20  # the state's sums were read, not only the claims'


def test_a_corroboration_moves_the_repeat_to_another_claimant_and_day(editor, monkeypatch):
    """Claims linked by `corroborates` are one event, counted at its first report: approving a
    claim that reports it earlier makes a claim of another claimant and day (which no change
    touched) a repeat, and rejecting it makes that claim count again. The state's sums follow
    (equal to the claims' and to a rebuild)."""
    from tracker import series

    monkeypatch.setattr(series, "MAX_POINTS", 1)
    monkeypatch.setattr(series, "_dense_increments", lambda: True)
    claimants = [ClaimantFactory(name=f"C{i}") for i in range(4)]

    def increment(i: int, day: int, best: float, status: str = "approved") -> Claim:
        return ClaimFactory(
            claimant=claimants[i], measure="increment", best=best, status=status,
            claim_date=START + dt.timedelta(days=day),
        )  # fmt: skip

    later, earlier = increment(1, 6, 500.0), increment(2, 3, 300.0)
    first = increment(0, 1, 100.0, status="pending")
    increment(3, 10, 50.0)  # another event
    services.claim_relation_add(
        from_claim=later, to_claim=earlier, kind=ClaimRelation.Kind.CORROBORATES
    )
    services.claim_relation_add(
        from_claim=first, to_claim=later, kind=ClaimRelation.Kind.CORROBORATES
    )
    query = SeriesQuery(category="casualties", subtype="killed_or_wounded")
    key = ("casualties", "killed_or_wounded", "troops")

    def counted() -> float:
        found = _sums_from_the_state(key)
        assert found == _sums_from_the_claims(query)
        kept = _snapshot()
        series_state.rebuild()
        assert _snapshot() == kept
        return found["total"]

    assert counted() == 350.0  # `earlier` reports it first: `later` repeats it
    series_state.increment_parts(key).reduced("day")  # cached (the rebuild made new rows)
    built = []
    lines = series_state._increment_lines
    monkeypatch.setattr(
        series_state, "_increment_lines", lambda key, ids: built.extend(ids) or lines(key, ids)
    )
    services.claim_approve(claim=first, reviewer=editor)
    series_state.increment_parts(key).reduced("day")
    # The lines whose days changed are built again (the new repeat's among them), no other.
    assert claimants[2].pk in built
    assert claimants[3].pk not in built
    assert counted() == 150.0  # now `first` does: `earlier` (claimant 2, day 3) repeats it
    repeats = SeriesIncrement.objects.filter(claimant_id=claimants[2].pk)
    assert list(repeats.values_list("repeats", flat=True)) == [[earlier.pk]]
    services.claim_update(claim=Claim.objects.get(pk=first.pk), editor=editor,
                          period_end=START + dt.timedelta(days=4))  # fmt: skip
    assert counted() == 350.0  # `first` counts on day 4: `earlier` is the first report again
    services.claim_reject(
        claim=Claim.objects.get(pk=first.pk), reviewer=editor, reason="Wrong figure or unit"
    )
    assert counted() == 350.0
    assert series_build(query, state=True) == _without_state(query)
