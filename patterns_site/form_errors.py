"""Form errors for the GOV.UK error summary: a list of (link, message) pairs, where each
link goes to the field (the first option of a radio or checkbox group)."""

MULTI_WIDGETS = {"radioselect", "checkboxselectmultiple"}


def anchor(bound_field) -> str:
    """The id the error summary links to for a field."""
    if bound_field.widget_type in MULTI_WIDGETS:
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


class ErrorSummaryMixin:
    """Adds error_summary() to a form, for templates/portal/includes/error-summary.html."""

    def error_summary(self) -> list[tuple[str, str]]:
        items = [
            (f"#{anchor(self[name])}", error)
            for name in self.errors
            if name != "__all__"
            for error in self.errors[name]
        ]
        items += [("", error) for error in self.non_field_errors()]
        return items
