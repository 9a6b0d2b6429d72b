"""`manage.py import_jsonl` trusts nothing: every row validated as the API validates it, derived
fields recomputed, all or nothing, problems reported by line."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from ingest.proposals import article_propose_claims
from tests.factories import ArticleFactory, ClaimantFactory
from tracker import exchange
from tracker.models import Article, Claim, Claimant, ClaimSource, Outlet
from tracker.series import SeriesQuery, series_build

pytestmark = pytest.mark.django_db

TEXT = "Officials said about 1,100 soldiers were killed or wounded. Other news followed."


def _dump(**claim_overrides) -> list[dict]:
    """A small hand-written dump: a claimant, an article, a claim and its source."""
    claim = {
        "category": "casualties",
        "subtype": "killed_or_wounded",
        "best": 1100,
        "qualifier": "approximately",
        "unit": "troops",
        "measure": "cumulative",
        "claim_date": "2024-12-23",
        "claimant": 901,
        "reliability": "B",
        "credibility": 2,
        "status": "approved",
    }
    return [
        {"model": "tracker.claimant", "pk": 901, "fields": {"name": "Joint Chiefs of Staff"}},
        {"model": "tracker.article", "pk": 1, "fields": {"title": "A report", "text": TEXT}},
        {"model": "tracker.claim", "pk": 1, "fields": {**claim, **claim_overrides}},
        {
            "model": "tracker.claimsource",
            "pk": 1,
            "fields": {
                "claim": 1,
                "article": 1,
                "quote": "about 1,100 soldiers were killed or wounded",
                "quote_start": 15,
                "quote_end": 58,
            },
        },
    ]


def _lines(records: list[dict]) -> list[str]:
    return [json.dumps(record) + "\n" for record in records]


def _nothing_written():
    return not (
        Claimant.objects.filter(registry=False).exists()  # the registry ships in every DB
        or Article.objects.exists()
        or Claim.objects.exists()
        or ClaimSource.objects.exists()
    )


def test_a_hand_written_dump_gets_its_derived_fields_and_counts_in_the_series():
    # No confidence, no normalised figures in the dump: they are computed as on every save
    # (B2 -> high; troops -> troops, 1,100 x 1).
    counts = exchange.load_lines(_lines(_dump()))
    assert counts["tracker.claim"] == 1
    claim = Claim.objects.get()
    assert (claim.confidence, claim.norm_unit, claim.norm_best) == ("high", "troops", 1100)
    series = series_build(SeriesQuery(category="casualties", subtype="killed_or_wounded"))
    assert series["latest_headline"]["value"] == 1100


def test_a_stale_derived_field_in_the_dump_is_recomputed():
    # The dump says "low" confidence and 5 km for a claim graded B2 in troops.
    exchange.load_lines(_lines(_dump(confidence="low", norm_unit="km", norm_best=5)))
    claim = Claim.objects.get()
    assert (claim.confidence, claim.norm_unit, claim.norm_best) == ("high", "troops", 1100)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"subtype": "tanks"}, "subtype: 'tanks' is not a subtype of casualties"),
        ({"category": "weather"}, "category: Value 'weather' is not a valid choice."),
        ({"qualifier": "roughly"}, "qualifier: Value 'roughly' is not a valid choice."),
        ({"reliability": "Z"}, "reliability: Value 'Z' is not a valid choice."),
        ({"low": 2000}, "low: Low must not exceed best."),
        (
            {"claimant": 99},
            "claimant: there is no claimant 99 in this database or earlier in the dump",
        ),
    ],
)
def test_a_row_the_api_would_refuse_refuses_the_whole_dump_with_its_line(override, message):
    with pytest.raises(exchange.ImportRefused) as refused:
        exchange.load_lines(_lines(_dump(**override)))
    claim_problem, source_problem = refused.value.errors
    assert claim_problem.startswith("line 3 (tracker.claim 1): ")
    assert message in claim_problem
    # The refused claim's source is refused in turn, and says why.
    assert source_problem == (
        "line 4 (tracker.claimsource 1): claim: there is no claim 1 in this database or "
        "earlier in the dump"
    )
    assert _nothing_written()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (15, 500, "quote offsets 15–500 are outside the article text (80 characters)"),
        (
            0,
            14,
            "quote offsets 0–14 do not hold the quote: the article text there reads "
            "'Officials said'",
        ),
    ],
)
def test_a_broken_quote_offset_is_refused(start, end, message):
    records = _dump()
    records[3]["fields"].update(quote_start=start, quote_end=end)
    with pytest.raises(exchange.ImportRefused) as refused:
        exchange.load_lines(_lines(records))
    assert refused.value.errors == [f"line 4 (tracker.claimsource 1): quote_start: {message}"]
    assert _nothing_written()


def test_every_problem_is_listed_by_line_and_the_command_writes_nothing(tmp_path):
    records = _dump(subtype="tanks")
    records[3]["fields"].update(quote_start=0, quote_end=14)
    lines = _lines(records)
    lines.insert(1, "this is not json\n")  # becomes line 2; the claim moves to line 4
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_jsonl", str(path), stdout=io.StringIO())
    text = str(refused.value)
    assert text.startswith("nothing was imported: 3 problem(s)")
    assert "line 2: not JSON" in text
    assert "line 4 (tracker.claim 1): subtype: 'tanks' is not a subtype" in text
    # The source's claim was refused, so the source is refused too, and says why.
    assert "line 5 (tracker.claimsource 1): claim: there is no claim 1 in this" in text
    assert _nothing_written()


def test_an_unknown_field_is_refused_with_its_line():
    records = _dump()
    records[0]["fields"]["motto"] = "x"
    with pytest.raises(exchange.ImportRefused, match="line 1 "):
        exchange.load_lines(_lines(records))
    assert _nothing_written()


def test_unlocated_offsets_are_located_and_a_quote_not_in_its_article_is_refused():
    # (0, 0) is how earlier versions stored a quote they could not locate: the quote is looked
    # up in the article (15–58 here); one that is not there is refused, as in the admin and API.
    records = _dump()
    records[3]["fields"].update(quote_start=0, quote_end=0)
    exchange.load_lines(_lines(records))
    assert ClaimSource.objects.values_list("quote_start", "quote_end").get() == (15, 58)
    ClaimSource.objects.all().delete()
    records[3]["fields"].update(quote="words from elsewhere")
    with pytest.raises(exchange.ImportRefused) as refused:
        exchange.load_lines(_lines(records))
    assert "This quote is not in article" in refused.value.errors[0]


def test_pipeline_data_round_trips_into_an_empty_database(tmp_path):
    ClaimantFactory(name="South Korea Joint Chiefs of Staff", short_name="JCS")
    article = ArticleFactory(
        text=(
            "Seoul counts more than 1,000 North Korean casualties in Kursk\n\n"
            "About 1,100 North Korean soldiers have been killed or wounded fighting for Russia, "
            "the Joint Chiefs of Staff said. North Korea has also supplied 240mm rocket "
            "launchers to Russia, the JCS said."
        ),
        published_at=dt.datetime(2025, 1, 15, tzinfo=dt.UTC),
    )
    article_propose_claims(article=article)
    assert ClaimSource.objects.count() > Claim.objects.count()  # the headline merged
    path = tmp_path / "dump.jsonl"
    call_command("export_jsonl", str(path))
    before = path.read_text(encoding="utf-8")
    for model in reversed(exchange.EXCHANGE_MODELS):
        model.objects.all().delete()
    Claim.history.all().delete()
    Outlet.objects.all().delete()
    assert _nothing_written()
    call_command("import_jsonl", str(path), stdout=io.StringIO())
    assert "".join(exchange.dump_lines()) == before
    # Importing the same dump again overwrites row by row: nothing clashes with itself.
    call_command("import_jsonl", str(path), stdout=io.StringIO())
    assert "".join(exchange.dump_lines()) == before
