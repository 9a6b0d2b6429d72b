"""tracker.rows writes what the ORM's bulk_create and save(update_fields=…) write: the ingest
pipeline uses them for every article, so a row they store must be the row the ORM would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError
from django.db.models.signals import post_save, pre_save

from tests.factories import ArticleFactory, ClaimantFactory
from tracker.models import Article, Claim, ClaimSource
from tracker.rows import row_update, rows_insert

pytestmark = pytest.mark.django_db

_NOT_COMPARED = {"id", "created_at", "updated_at"}


def _claims(claimant, article) -> list[Claim]:
    common = {"category": "casualties", "subtype": "killed_or_wounded", "unit": "troops"}
    claims = [
        Claim(claimant=claimant, best=1100, qualifier="approximately", **common,
              claim_date=dt.date(2025, 1, 13), status="pending", origin="extracted"),
        Claim(claimant=None, low=10, high=20, qualifier="range", summary="a range",
              claim_date=dt.date(2025, 1, 14), **common),
    ]  # fmt: skip
    for claim in claims:
        claim.derive_fields()
    return claims


def _stored(model, pks) -> list[dict]:
    rows = model.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in _NOT_COMPARED} for row in rows]


def test_rows_insert_stores_the_rows_bulk_create_stores():
    claimant, article = ClaimantFactory(), ArticleFactory()
    by_orm = Claim.objects.bulk_create(_claims(claimant, article))
    ours = rows_insert(_claims(claimant, article))
    assert all(c.pk and not c._state.adding for c in ours)
    assert [c.credibility_suggested for c in ours] == [c.credibility_suggested for c in by_orm]
    assert _stored(Claim, [c.pk for c in ours]) == _stored(Claim, [c.pk for c in by_orm])
    assert all(c.created_at and c.updated_at for c in ours)
    sources = rows_insert(
        [ClaimSource(claim=c, article=article, quote="q", quote_start=0, quote_end=1) for c in ours]
    )
    assert [s.claim_id for s in ClaimSource.objects.filter(pk__in=[s.pk for s in sources])] == [
        c.pk for c in ours
    ]
    assert rows_insert([]) == []


def test_row_update_saves_as_save_with_update_fields_does():
    article = ArticleFactory(title="Before")
    seen = []

    def note(signal):
        return lambda sender, instance, update_fields, **kw: seen.append((signal, update_fields))

    on_pre, on_post = note("pre"), note("post")
    pre_save.connect(on_pre, sender=Article)
    post_save.connect(on_post, sender=Article)
    try:
        stamp = Article.objects.get(pk=article.pk).updated_at
        article.title, article.relevance_reasons = "After", ["North Korea", {"troops": 2}]
        row_update(article, ["title", "relevance_reasons", "updated_at"])
    finally:
        pre_save.disconnect(on_pre, sender=Article)
        post_save.disconnect(on_post, sender=Article)
    fields = frozenset({"title", "relevance_reasons", "updated_at"})
    assert seen == [("pre", fields), ("post", fields)]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.relevance_reasons) == ("After", ["North Korea", {"troops": 2}])
    assert stored.updated_at == article.updated_at > stamp
    Article.objects.filter(pk=article.pk).delete()
    with pytest.raises(DatabaseError):
        row_update(article, ["title"])
