"""The one field partial (templates/components/field.html) writes a choice field's radios and
checkboxes as GOV.UK markup with the ids, names, values, labels and checked state Django's
own widget gives them, escaped."""

from bs4 import BeautifulSoup
from django import forms
from django.template.loader import render_to_string


def parse(html):
    return BeautifulSoup(html, "html.parser")


class Choices(forms.Form):
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("blue", "Blue <b>bold</b>")], widget=forms.RadioSelect
    )
    sizes = forms.MultipleChoiceField(
        choices=[("s", "Small"), ("m", "Medium"), ("l", "Large")],
        widget=forms.CheckboxSelectMultiple,
    )


def inputs(html, kind):
    soup = parse(html)
    return [
        (
            item.find("input")["id"],
            item.find("input")["name"],
            item.find("input")["type"],
            item.find("input")["value"],
            item.find("input").has_attr("checked"),
            item.find("label")["for"],
            item.find("label").get_text(),
        )
        for item in soup.select(f".govuk-{kind}__item")
    ]


def test_radios_and_checkboxes_match_the_widgets_own_options():
    form = Choices(data={"colour": "blue", "sizes": ["s", "l"]})
    radios = render_to_string("components/field.html", {"field": form["colour"]})
    assert inputs(radios, "radios") == [
        ("id_colour_0", "colour", "radio", "red", False, "id_colour_0", "Red"),
        ("id_colour_1", "colour", "radio", "blue", True, "id_colour_1", "Blue <b>bold</b>"),
    ]
    assert "<b>" not in radios  # the label is text, escaped
    checkboxes = render_to_string("components/field.html", {"field": form["sizes"]})
    assert [(i[0], i[3], i[4]) for i in inputs(checkboxes, "checkboxes")] == [
        ("id_sizes_0", "s", True),
        ("id_sizes_1", "m", False),
        ("id_sizes_2", "l", True),
    ]
    # The same ids Django's own rendering gives each option.
    own = parse(str(form["sizes"]))
    assert [i["id"] for i in own.find_all("input")] == ["id_sizes_0", "id_sizes_1", "id_sizes_2"]
