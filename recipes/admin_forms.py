"""The recipe editor's form: a change note is required to publish a recipe again.

The note ("What changed", RecipePage.change_summary) is saved with each revision and read
back by the public change log (recipes.selectors.recipe_change_logs). A model field keeps
its value from revision to revision, so without this form every later publication would
repeat the last note, which the change log shows as "Minor edits". The form therefore
starts the field empty once its note has been published, and asks for a new one when the
editor publishes or sends the recipe for review (the reviewer then publishes that note).
"""

from django.core.exceptions import ValidationError
from django.db.models.fields.json import KeyTextTransform
from wagtail.admin.forms import WagtailAdminPageForm

CHANGE_NOTE_FIELD = "change_summary"
# The edit view's submit buttons that lead to a publication: publish (now or scheduled),
# submit for moderation, and resubmit after changes were asked for.
PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")

CHANGE_NOTE_MISSING = "Enter what changed, in a sentence, for the recipe's public change log"
CHANGE_NOTE_REPEATED = "Enter what changed since the last publication: this note is already logged"


def published_change_note(page) -> str:
    """The change note of the recipe's live revision, or "" if it has none. Read from the
    database: the page being edited is rebuilt from its latest revision, whose own record
    of the live revision may be older."""
    note = (
        type(page)
        .objects.filter(pk=page.pk)
        .annotate(note=KeyTextTransform(CHANGE_NOTE_FIELD, "live_revision__content"))
        .values_list("note", flat=True)
        .first()
    )
    return (note or "").strip()


class RecipePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_note = published_change_note(self.instance) if self.instance.pk else ""
        if CHANGE_NOTE_FIELD in self.fields and self.previous_note:
            current = (self.initial.get(CHANGE_NOTE_FIELD) or "").strip()
            if current == self.previous_note:
                self.initial[CHANGE_NOTE_FIELD] = ""

    @property
    def is_publishing(self) -> bool:
        return any(self.data.get(action) for action in PUBLISHING_ACTIONS)

    @property
    def was_published(self) -> bool:
        """A recipe's first publication is logged as "First published", so the note is
        needed only from the second one on."""
        return bool(self.instance.pk and self.instance.first_published_at)

    def clean(self):
        cleaned_data = super().clean()
        if CHANGE_NOTE_FIELD not in self.fields or not self.is_publishing:
            return cleaned_data
        note = (cleaned_data.get(CHANGE_NOTE_FIELD) or "").strip()
        if self.was_published and not note:
            self.add_error(CHANGE_NOTE_FIELD, ValidationError(CHANGE_NOTE_MISSING))
        elif note and note == self.previous_note:
            self.add_error(CHANGE_NOTE_FIELD, ValidationError(CHANGE_NOTE_REPEATED))
        return cleaned_data
