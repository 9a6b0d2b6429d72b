"""Public pages and the API show public claim fields only: one allow-list
(tracker.disclosure), and every field of the Claim model must be classified in it."""

from __future__ import annotations

import pytest

from tests.factories import ClaimFactory, UserFactory
from tracker.api.serializers import ClaimSerializer
from tracker.disclosure import INTERNAL_CLAIM_FIELDS, PUBLIC_CLAIM_FIELDS
from tracker.models import Claim

MODEL_FIELDS = sorted(f.name for f in Claim._meta.concrete_fields)


@pytest.mark.parametrize("name", MODEL_FIELDS)
def test_every_claim_field_is_classified_public_or_internal_exactly_once(name):
    # A new field on Claim fails here until it is added to one of the two lists on purpose.
    assert (name in PUBLIC_CLAIM_FIELDS) != (name in INTERNAL_CLAIM_FIELDS), name


def test_the_lists_name_only_real_fields():
    assert set(PUBLIC_CLAIM_FIELDS) | INTERNAL_CLAIM_FIELDS <= set(MODEL_FIELDS)


def test_the_api_serializes_exactly_the_public_model_fields():
    serialized = set(ClaimSerializer.Meta.fields) & set(MODEL_FIELDS)
    assert serialized == set(PUBLIC_CLAIM_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(INTERNAL_CLAIM_FIELDS))
def test_an_edit_to_an_internal_field_never_reaches_the_claim_page(client, name):
    editor = UserFactory(username="zqxreviewer", is_staff=True, groups=["Editors"])
    claim = ClaimFactory()
    field = Claim._meta.get_field(name)
    texts = {"notes": "zqxinternal", "review_note": "zqxinternal reason"}
    value = {**texts, "extraction_score": 0.123456789}.get(name, editor)
    setattr(claim, field.name, value)
    claim.save()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert f"<code>{name}</code>" not in page
    assert "zqxinternal" not in page and "0.123456789" not in page
    assert editor.username not in page
