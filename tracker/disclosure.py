"""Which fields of a claim the public sees. One allow-list for the claim page's change history
and the API's claim serializer; tests/security/test_disclosure.py fails when a field of the
Claim model is in neither list, so a new field is classified on purpose."""

from __future__ import annotations

# In the API, in this order, and in the claim page's history.
PUBLIC_CLAIM_FIELDS: tuple[str, ...] = (
    "id", "category", "subtype", "low", "best", "high", "qualifier", "unit", "norm_unit",
    "norm_low", "norm_best", "norm_high", "measure", "claim_date", "period_start", "period_end",
    "claimant", "location", "place", "location_precision", "origin_place", "weapon_system",
    "summary", "reliability", "credibility",
    "confidence", "credibility_suggested", "status", "origin", "rule", "reviewed_at",
    "created_at", "updated_at",
)  # fmt: skip

# The editors' desk only: their notes and review reasons, who did what, and the extractor's
# internal score.
# (The extraction rule is public: the claim page names it, so readers see how a claim arose.)
INTERNAL_CLAIM_FIELDS: frozenset[str] = frozenset(
    {"notes", "review_note", "created_by", "reviewed_by", "edited_by", "extraction_score"}
)

# Change-history noise: a timestamp that moves with every save says nothing by itself.
_HISTORY_SILENT = frozenset({"updated_at"})


def claim_field_is_public(name: str) -> bool:
    return name in PUBLIC_CLAIM_FIELDS


def public_history_fields() -> frozenset[str]:
    """The fields whose edits the public change history lists."""
    return frozenset(PUBLIC_CLAIM_FIELDS) - _HISTORY_SILENT
