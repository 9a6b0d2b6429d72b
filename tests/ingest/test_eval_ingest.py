"""`manage.py eval_ingest`: article files through the real pipeline, every proposal approved,
duplicates counted. The articles are our own sentences, each written for one merge rule."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ArticleFactory, ClaimantFactory
from tracker import services
from tracker.models import Article, Claim, ClaimSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(db):
    for name in (
        "South Korea Joint Chiefs of Staff",
        "South Korea National Intelligence Service",
        "Ukraine Defence Intelligence (GUR)",
    ):
        ClaimantFactory(name=name, reliability="B")


ARTICLES = {
    # A headline restating the body: "more than 1,000" (headline) / "about 1,100" (body).
    "a-headline.txt": """url: https://first.example.org/news/kursk-casualties
outlet: First Wire
published: 2025-01-15
title: Seoul counts more than 1,000 North Korean casualties in Kursk

Seoul counts more than 1,000 North Korean casualties in Kursk

About 1,100 North Korean soldiers have been killed or wounded in the fighting for Russia in \
Kursk, the Joint Chiefs of Staff said. The figure was given to reporters in Seoul.
""",
    # The same JCS figure from another outlet 12 days later (2025-01-15 -> 2025-01-27).
    "b-twelve-days.txt": """url: https://second.example.org/2025/casualty-update
outlet: Second Daily
published: 2025-01-27
title: Losses mount for Pyongyang's soldiers

The Joint Chiefs of Staff said that about 1,100 North Korean soldiers had been killed or \
wounded while fighting for Russia in Kursk. Analysts in Seoul expect the toll to rise.
""",
    # ... and 40 days later (2025-01-15 -> 2025-02-24): outside the 30-day window.
    "c-forty-days.txt": """url: https://third.example.org/february/kursk
outlet: Third Herald
published: 2025-02-24
title: Seoul repeats its casualty estimate

The Joint Chiefs of Staff said that about 1,100 North Korean soldiers had been killed or \
wounded while fighting for Russia in Kursk. No new estimate was given.
""",
    # Two claimants, the same figure, the same day.
    "d-two-claimants.txt": """url: https://fourth.example.org/arrivals
outlet: Fourth Times
published: 2025-01-20
title: Two reports of new arrivals

Some 2,000 North Korean troops arrived in Kursk to fight for Russia, Ukraine's military \
intelligence said. Separately, the Joint Chiefs of Staff said 2,000 North Korean troops \
arrived in Russia by train.
""",
    # The same plan quoted twice in one article.
    "e-plan-twice.txt": """url: https://fifth.example.org/plans
outlet: Fifth Post
published: 2025-01-22
title: More troops planned

North Korea plans to send 6,000 more soldiers to Russia, the National Intelligence Service \
said. Lawmakers were briefed behind closed doors. The spy agency repeated that Pyongyang plans \
to send 6,000 more soldiers to Russia.
""",
}


@pytest.fixture
def paths(tmp_path, registered):
    """The article files, and the claimants they name registered (graded), as a deployment
    has them: two registered claimants are never merged (tracker.merge)."""
    out = []
    for name, text in ARTICLES.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out.append(str(path))
    return out


def _run(*args) -> str:
    out = StringIO()
    call_command("eval_ingest", *args, stdout=out)
    return out.getvalue()


def _claims(subtype: str) -> list[Claim]:
    return list(Claim.objects.filter(subtype=subtype).order_by("claim_date", "claimant__name"))


def test_it_ingests_approves_and_counts_with_every_merge_rule_applied(paths):
    output = _run(*paths)
    # Worked by hand: JCS 1,100 (a: headline + body, b: body) = 1 claim, 3 sources;
    # JCS 1,100 40 days later = 1 claim; 2,000 from GUR and from JCS = 2 claims;
    # the plan = 1 claim, 2 sources. 5 claims, 3 + 1 + 2 + 2 = 8 sources.
    assert "articles: 5\n" in output
    assert "claims: 5\n" in output
    assert "sources: 8\n" in output
    assert "duplicate claims: 0 (0 pairs)" in output
    assert "duplicates per 20 articles: 0.00" in output
    # GUR's and JCS's 2,000 in one article are listed for a reader, not counted.
    assert "same article, two registered claimants (corroboration)" in output
    assert "killed or wounded (casualties/killed_or_wounded): 1,100 troops" in output

    january, february = _claims("killed_or_wounded")
    assert (january.best, january.claim_date) == (1100, dt.date(2025, 1, 15))
    assert {(s.article.outlet.name, s.quote[:20]) for s in january.sources.all()} == {
        ("first.example.org", "Seoul counts more th"),
        ("first.example.org", "About 1,100 North Ko"),
        ("second.example.org", "The Joint Chiefs of "),
    }
    assert february.claim_date == dt.date(2025, 2, 24) and february.sources.count() == 1
    assert february.claimant == january.claimant

    arrivals = Claim.objects.filter(best=2000)
    assert arrivals.count() == 2
    assert len({claim.claimant_id for claim in arrivals}) == 2

    [plan] = Claim.objects.filter(best=6000)
    assert plan.sources.count() == 2
    assert Claim.objects.exclude(status="approved").count() == 0


def test_running_it_again_adds_nothing(paths):
    _run(*paths)
    claims, sources = Claim.objects.count(), ClaimSource.objects.count()
    output = _run(*paths)
    assert "files: 5 (duplicate 5)" in output
    assert (Claim.objects.count(), ClaimSource.objects.count()) == (claims, sources)


def test_it_lists_duplicates_and_fails_above_the_allowed_rate(paths):
    _run(*paths)
    # A duplicate the merge would have caught: JCS's "more than 1,000" five days after its
    # "about 1,100", stored as its own claim (as a pipeline without the merge would).
    first = _claims("killed_or_wounded")[0]
    planned = Article.objects.get(title="More troops planned")  # any quote it prints
    services.claim_create(
        claimant=first.claimant, category="casualties", subtype="killed_or_wounded",
        low=1000, qualifier="more_than", unit="troops", claim_date=dt.date(2025, 1, 20),
        origin="extracted",
        sources=[{"article": planned, "quote": planned.text.split(".")[0]}],
    )  # fmt: skip
    with pytest.raises(CommandError, match="4.00 duplicate claims per 20 articles"):
        _run("--max-per-20", "1", *paths)
    output = _run(*paths)  # 1 extra claim in 5 articles = 4 per 20
    assert "duplicate claims: 1 (1 pairs)" in output
    assert "same claimant within 30 days" in output


def test_it_refuses_a_database_with_other_data(paths):
    ArticleFactory()
    with pytest.raises(CommandError, match="not an evaluation database"):
        _run(*paths)
    assert Claim.objects.count() == 0
    output = _run("--force", *paths)
    assert "articles: 5\n" in output
