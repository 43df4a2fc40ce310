"""Form errors for the GOV.UK error summary: a list of (link, message) pairs, where each
link goes to the field (the first option of a radio or checkbox group)."""

MULTI_WIDGETS = {"radioselect", "checkboxselectmultiple"}


def anchor(bound_field) -> str:
    """The id the error summary links to for a field."""
    if bound_field.widget_type in MULTI_WIDGETS:
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def field_error_summary(form) -> list[tuple[str, str]]:
    """(link, message) for each field error of a form, then its errors about no field."""
    items = [
        (f"#{anchor(form[name])}", error)
        for name in form.errors
        if name in form.fields
        for error in form.errors[name]
    ]
    items += [("", error) for error in form.non_field_errors()]
    return items


class ErrorSummaryMixin:
    """Adds error_summary() to a form, for templates/components/error-summary.html; forms
    with errors beyond their fields (formsets) extend it."""

    def error_summary(self) -> list[tuple[str, str]]:
        return field_error_summary(self)


def error_summary(form_or_items) -> list[tuple[str, str]]:
    """The error summary's (link, message) pairs for a form, or the pairs given."""
    if not form_or_items:
        return []
    if isinstance(form_or_items, list | tuple):
        return list(form_or_items)
    if isinstance(form_or_items, ErrorSummaryMixin):
        return form_or_items.error_summary()
    return field_error_summary(form_or_items)
