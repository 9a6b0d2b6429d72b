"""Admin forms that survive a bogus submitted id (both found by tests/security/test_fuzz_forms.py).

Django's AutocompleteSelect looks the submitted values up to redraw a form that failed
validation; a value that is not an id at all ("x", "1e309", an id past the column) raises in
that lookup and the form answers 500 instead of showing its error. These subclasses drop such
values before the lookup, and are installed where ModelAdmin.formfield_for_foreignkey/
manytomany build the widgets.

A multiple choice (a group's permissions, a user's groups) given an id past 2^63 raises
OverflowError on SQLite while it is checked: it becomes the field's "not a valid value" error.
"""

from __future__ import annotations

from django.contrib.admin import options, widgets
from django.core.exceptions import ValidationError
from django.forms import models as form_models


class _KnownIdsOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        valid = []
        for item in value:
            try:
                target.run_validators(target.to_python(item))
            except (ValidationError, TypeError, ValueError, OverflowError):
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class AutocompleteSelect(_KnownIdsOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_KnownIdsOnly, widgets.AutocompleteSelectMultiple):
    pass


options.AutocompleteSelect = AutocompleteSelect
options.AutocompleteSelectMultiple = AutocompleteSelectMultiple


_check_values = form_models.ModelMultipleChoiceField._check_values


def _check_values_in_range(self, value):
    try:
        return _check_values(self, value)
    except OverflowError as exc:
        raise ValidationError(
            self.error_messages["invalid_pk_value"],
            code="invalid_pk_value",
            params={"pk": "an id out of range"},
        ) from exc


form_models.ModelMultipleChoiceField._check_values = _check_values_in_range
