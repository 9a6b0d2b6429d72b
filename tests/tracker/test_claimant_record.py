"""A claimant's record (tracker.claimants.claimant_record), worked out by hand on a small set of
claims; the claimant page and the API's claimant detail show the same numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ClaimantFactory, ClaimFactory
from tracker.claimants import claimant_record
from tracker.models import Claim, ClaimRelation
from tracker.selectors import claims_visible_to

pytestmark = pytest.mark.django_db


def _claim(who, day: str, best=100, **fields):
    fields.setdefault("qualifier", "approximately" if best is not None else "none")
    return ClaimFactory(claimant=who, claim_date=dt.date.fromisoformat(day), best=best, **fields)


def _link(a, kind: str, b) -> None:
    ClaimRelation.objects.create(from_claim=a, to_claim=b, kind=kind)


@pytest.fixture
def record_case():
    """Claimant A's claims and the links others made to them. By hand:
    claims (approved) a1 a2 a3 a5 = 4; with a figure a1 a2 a5 = 3;
    corroborated: a1 (b1, another claimant, 10 days later); not a2 (b0 is earlier, r1 is
    rejected), not a5's link (a5 is A's own claim) = 1;
    contradicted: a1 (its own link to c2, made later: either direction counts), a2 (c1 later) = 2;
    superseded: a1 (a2 supersedes it) = 1; first 2024-01-10, latest 2024-03-01;
    confidence: B2 high ×2 (a1 a5), B3 moderate (a2), D5 low (a3)."""
    a, b, c = (ClaimantFactory(name=n) for n in ("Claimant A", "Claimant B", "Claimant C"))
    a1 = _claim(a, "2024-01-10", 100, reliability="B", credibility=2)
    a2 = _claim(a, "2024-02-01", 200, reliability="B", credibility=3)
    _claim(a, "2024-03-01", None, reliability="D", credibility=5)
    a4 = _claim(a, "2024-04-01", 300, status=Claim.Status.PENDING)
    a5 = _claim(a, "2024-01-15", 150, reliability="B", credibility=2)
    b0 = _claim(b, "2024-01-05", 190)
    b1 = _claim(b, "2024-01-20", 110)
    c1 = _claim(c, "2024-02-10", 900)
    c2 = _claim(c, "2024-05-01", 1000)
    r1 = _claim(b, "2024-02-05", 200, status=Claim.Status.REJECTED)
    p1 = _claim(c, "2024-04-02", 50, status=Claim.Status.PENDING)
    _link(b1, "corroborates", a1)
    _link(a5, "corroborates", a1)  # the claimant's own claim: not a corroboration by others
    _link(b0, "corroborates", a2)  # earlier than a2: not "later"
    _link(r1, "corroborates", a2)  # rejected: nobody sees it
    _link(a1, "contradicts", c2)
    _link(c1, "contradicts", a2)
    _link(p1, "contradicts", a4)  # both pending
    _link(a2, "supersedes", a1)
    return a


def test_the_record_counts_what_was_worked_out_by_hand(record_case):
    record = claimant_record(
        claimant=record_case, visible=claims_visible_to(None, include_unreviewed=False)
    )
    assert record["claims"] == 4
    assert record["figures"] == 3
    assert record["corroborated"] == 1
    assert record["contradicted"] == 2
    assert record["superseded"] == 1
    assert record["first_claim_date"] == dt.date(2024, 1, 10)
    assert record["last_claim_date"] == dt.date(2024, 3, 1)
    assert record["by_confidence"] == {"high": 2, "moderate": 1, "low": 1}
    assert record["by_grade"] == [
        {"grade": "B2", "claims": 2},
        {"grade": "B3", "claims": 1},
        {"grade": "D5", "claims": 1},
    ]


def test_a_claimant_with_no_claims_has_an_empty_record(db):
    record = claimant_record(claimant=ClaimantFactory(), visible=Claim.objects.all())
    assert record["claims"] == record["figures"] == record["corroborated"] == 0
    assert record["first_claim_date"] is None
    assert record["by_confidence"] == {"high": 0, "moderate": 0, "low": 0}
    assert record["by_grade"] == []


def test_the_claimant_page_and_the_api_show_the_record(client, record_case):
    page = client.get(record_case.get_absolute_url())
    assert page.status_code == 200
    assert page.context["record"]["contradicted"] == 2
    html = page.content.decode()
    assert "Figures later corroborated" in html and "Figures later contradicted" in html
    body = client.get(f"/api/v1/claimants/{record_case.pk}/").json()
    assert body["record"]["corroborated"] == 1
    assert body["record"]["contradicted"] == 2
    assert body["record"]["first_claim_date"] == "2024-01-10"
    assert body["record"]["by_grade"][0] == {"grade": "B2", "claims": 2}
    # The list stays light: the record is on the detail only.
    listed = client.get("/api/v1/claimants/").json()
    assert all("record" not in row for row in listed["results"])
