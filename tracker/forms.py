"""Forms of the dashboard: the claim filter that every page shares (kept in the query string)."""

from __future__ import annotations

from django import forms

from tracker import trust, vocab
from tracker.models import Claimant

SUBTYPE_CHOICES = [
    (vocab.CATEGORIES[cat], [(sub, label) for sub, label in subs.items()])
    for cat, subs in vocab.SUBTYPES.items()
]

# A text box in ISO form: a browser's date picker shows its own locale's order (mm/dd/yyyy).
ISO_DATE_INPUT = forms.DateInput(
    format="%Y-%m-%d",
    attrs={"placeholder": "YYYY-MM-DD", "pattern": r"\d{4}-\d{2}-\d{2}", "inputmode": "numeric"},
)


class ClaimFilterForm(forms.Form):
    """What an analyst narrows claims by. Every field is optional; invalid values are dropped."""

    category = forms.ChoiceField(
        required=False, choices=[("", "All categories"), *vocab.CATEGORIES.items()]
    )
    subtype = forms.ChoiceField(required=False, choices=[("", "All subtypes"), *SUBTYPE_CHOICES])
    claimant = forms.ModelChoiceField(
        required=False, queryset=Claimant.objects.order_by("name"), empty_label="All claimants"
    )
    min_confidence = forms.ChoiceField(
        required=False,
        label="Confidence",
        choices=[
            ("", "Any confidence"),
            ("moderate", "Moderate or high"),
            ("high", "High only"),
        ],
    )
    date_from = forms.DateField(required=False, label="From", widget=ISO_DATE_INPUT)
    date_to = forms.DateField(required=False, label="To", widget=ISO_DATE_INPUT)
    q = forms.CharField(
        required=False,
        label="Text",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "quote, weapon, place…", "type": "search"}),
    )
    pending = forms.BooleanField(required=False, label="Include pending claims")

    FIELDS = ("category", "subtype", "claimant", "min_confidence", "date_from", "date_to", "q")

    def clean(self):
        data = super().clean()
        category, subtype = data.get("category"), data.get("subtype")
        # A subtype from another category would match nothing: the subtype names the category.
        if subtype and category and not vocab.subtype_is_valid(category, subtype):
            data["category"] = next(c for c, subs in vocab.SUBTYPES.items() if subtype in subs)
        if subtype and not category:
            data["category"] = next(c for c, subs in vocab.SUBTYPES.items() if subtype in subs)
        if data.get("min_confidence") and data["min_confidence"] not in trust.CONFIDENCE_RANK:
            data["min_confidence"] = ""
        return data

    def filters(self) -> dict:
        """The cleaned filters (empty when the form is invalid), for `claims_matching`."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}
