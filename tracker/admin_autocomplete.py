"""Admin autocomplete widgets that survive a bogus submitted id.

Django's AutocompleteSelect looks the submitted values up to redraw a form that failed
validation; a value that is not an id at all ("x", "1e309", an id past the column) raises in
that lookup and the form answers 500 instead of showing its error (found by
tests/security/test_fuzz_forms.py). These subclasses drop such values before the lookup, and
are installed where ModelAdmin.formfield_for_foreignkey/manytomany build the widgets.
"""

from __future__ import annotations

from django.contrib.admin import options, widgets
from django.core.exceptions import ValidationError


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
