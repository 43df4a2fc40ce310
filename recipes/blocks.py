"""StreamField blocks for recipe pages. Each renders through a template named after the
GOV.UK Design System component it becomes, so editors and designers share one vocabulary.

In the editor every stream starts collapsed (a recipe's blocks fill many screens when
open), and each block's collapsed header says what is inside it (label_format); the
block picker shows a description and, where a block needs no other content, a preview
rendered with the site's own styles (templates/wagtailcore/shared/block_preview.html)."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .design_system import design_system_choices, design_system_items

COUNCIL_TYPE_CHOICES = [
    ("NMD", "District councils"),
    ("CTY", "County councils"),
    ("UA", "Unitary authorities"),
    ("MD", "Metropolitan districts"),
    ("LBO", "London boroughs"),
    ("SCO", "Scottish councils"),
    ("WPA", "Welsh principal authorities"),
    ("NID", "Northern Ireland district councils"),
]

OUTCOME_UNIT_CHOICES = [
    ("percent", "per cent"),
    ("pounds", "pounds"),
    ("days", "days"),
    ("hours", "hours"),
    ("minutes", "minutes"),
    ("count", "count"),
]


class ComponentIngredientBlock(blocks.StructBlock):
    component = SnippetChooserBlock("catalogue.Component")
    why = blocks.TextBlock(max_length=500, help_text="Why the service needs it, in one sentence.")

    class Meta:
        icon = "cogs"
        label = "Component"
        help_text = "A common component the service needs."
        description = "A common component the service needs, such as taking payments."
        label_format = "{component}"
        template = "blocks/ingredient_component.html"


class StandardIngredientBlock(blocks.StructBlock):
    standard = SnippetChooserBlock("catalogue.Standard")
    why = blocks.TextBlock(
        max_length=500, help_text="What the service must speak or meet, and why."
    )

    class Meta:
        icon = "tick-inverse"
        label = "Standard"
        help_text = "A data or technical standard the service must meet."
        description = "A data or technical standard the service must speak or meet."
        label_format = "{standard}"
        template = "blocks/ingredient_standard.html"


class PeopleIngredientBlock(blocks.StructBlock):
    role = blocks.CharBlock(max_length=100, help_text="For example: Product manager.")
    days = blocks.DecimalBlock(
        min_value=0, max_digits=6, decimal_places=1, help_text="Days of effort."
    )
    notes = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "user"
        label = "People"
        help_text = "A role on the team and the days of effort it takes."
        description = "A role on the team and the days of effort it takes."
        label_format = "{role}, {days} days"
        preview_value = {"role": "Product manager", "days": "20", "notes": "Part time."}
        template = "blocks/ingredient_people.html"


class IngredientsBlock(blocks.StreamBlock):
    component = ComponentIngredientBlock()
    standard = StandardIngredientBlock()
    people = PeopleIngredientBlock()

    class Meta:
        block_counts = {"component": {"min_num": 1}}
        collapsed = True


class MethodStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=150)
    body = blocks.RichTextBlock(features=["bold", "italic", "ul", "ol", "link"], max_length=5000)
    design_system = blocks.ChoiceBlock(
        choices=design_system_choices,
        required=False,
        label="GOV.UK Design System pattern",
        help_text="If this step is a screen users see, the pattern or component it should use.",
    )
    components = blocks.ListBlock(
        SnippetChooserBlock("catalogue.Component"),
        default=[],
        label="Components this step uses",
        help_text="Choose from the components in the ingredients. The architecture picture "
        "draws a line from this step to each one.",
    )

    class Meta:
        icon = "list-ol"
        label = "Step"
        help_text = "One step to build or run the service."
        description = "One numbered step to build or run the service."
        label_format = "{title}"
        preview_template = "blocks/previews/method_step.html"
        preview_value = {
            "title": "Check the address",
            "body": "<p>Ask for a postcode and let the resident pick their address.</p>",
            "design_system": "",
        }
        template = "blocks/method_step.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["design_system_item"] = design_system_items().get(value.get("design_system"))
        return context


class MethodBlock(blocks.StreamBlock):
    step = MethodStepBlock()

    class Meta:
        block_counts = {"step": {"min_num": 1}}
        collapsed = True


class UserNeedBlock(blocks.StructBlock):
    as_a = blocks.CharBlock(label="As a", max_length=150)
    i_need = blocks.CharBlock(label="I need", max_length=300)
    so_that = blocks.CharBlock(label="So that", max_length=300)

    class Meta:
        icon = "user"
        label = "User need"
        help_text = "As a … I need … so that …"
        description = "What a user needs from the service, and why."
        label_format = "As a {as_a}, I need {i_need}"
        preview_value = {
            "as_a": "resident",
            "i_need": "to report a missed bin online",
            "so_that": "it is collected without phoning the council",
        }
        template = "blocks/user_need.html"


class UserNeedsBlock(blocks.StreamBlock):
    user_need = UserNeedBlock()

    class Meta:
        collapsed = True


class OutcomeBlock(blocks.StructBlock):
    metric = blocks.CharBlock(max_length=150, help_text="Use the same wording adoptions use.")
    value = blocks.DecimalBlock(max_digits=12, decimal_places=2)
    baseline = blocks.DecimalBlock(required=False, max_digits=12, decimal_places=2)
    unit = blocks.ChoiceBlock(choices=OUTCOME_UNIT_CHOICES)
    source = blocks.CharBlock(max_length=300, help_text="Where the figure comes from.")
    date = blocks.DateBlock(
        required=False, label="When measured", help_text="When the figure was measured."
    )

    class Meta:
        icon = "pick"
        label = "Outcome"
        help_text = "A measured result the recipe targets, drawn as before and after bars."
        description = "A measured result the recipe targets, with where the figure comes from."
        label_format = "{metric}: {value} {unit}"
        preview_value = {
            "metric": "Reports made online",
            "value": "70",
            "baseline": "20",
            "unit": "percent",
            "source": "Sample figure",
        }
        template = "blocks/outcome.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["unit_label"] = dict(OUTCOME_UNIT_CHOICES).get(value.get("unit"), "")
        return context


class OutcomesBlock(blocks.StreamBlock):
    outcome = OutcomeBlock()

    class Meta:
        collapsed = True


class VariationBlock(blocks.StructBlock):
    council_type = blocks.ChoiceBlock(choices=COUNCIL_TYPE_CHOICES)
    title = blocks.CharBlock(max_length=150)
    body = blocks.RichTextBlock(features=["bold", "italic", "ul", "ol", "link"], max_length=5000)

    class Meta:
        icon = "repeat"
        label = "Variation"
        help_text = "How councils of one type adapt the recipe."
        description = "How councils of one type adapt the recipe."
        label_format = "{council_type}: {title}"
        preview_value = {
            "council_type": "CTY",
            "title": "Two-tier areas",
            "body": "<p>The district collects the bins; the county runs the tip.</p>",
        }
        template = "blocks/variation.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["council_type_label"] = dict(COUNCIL_TYPE_CHOICES).get(
            value.get("council_type"), ""
        )
        return context


class VariationsBlock(blocks.StreamBlock):
    variation = VariationBlock()

    class Meta:
        collapsed = True
