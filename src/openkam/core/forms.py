from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for error in errors:
            if target is None and field != NON_FIELD_ERRORS:
                form.add_error(None, f"{field}: {' '.join(error.messages)}")
            else:
                form.add_error(target, error)
