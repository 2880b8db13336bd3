"""The project's select (``templates/django/forms/widgets/select.html``) writes its options in
Python (``activity.templatetags.widgets``): the same markup as Django's own template, every value
and label escaped."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

CHOICES = [
    ("", "Any kind"),
    ("plain", "Plain"),
    ('quote"d', "Tom & Jerry <script>alert(1)</script>"),
    (
        "Group <b>",
        [("g1", "First in the group"), ("g2", mark_safe("<em>Safe</em> label"))],
    ),
]


def spaced(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_options_are_djangos_markup_with_every_value_and_label_escaped():
    for widget, value in [
        (forms.Select(choices=CHOICES, attrs={"id": "kind"}), 'quote"d'),
        (forms.SelectMultiple(choices=CHOICES), ["plain", "g2"]),
    ]:
        ours = widget.render("kind", value)
        djangos = widget.render("kind", value, renderer=DjangoTemplates())
        assert spaced(ours) == spaced(djangos)
    ours = forms.Select(choices=CHOICES).render("kind", 'quote"d')
    assert '<option value="quote&quot;d" selected>' in ours
    assert "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;" in ours
    assert '<optgroup label="Group &lt;b&gt;">' in ours
    assert "<em>Safe</em> label" in ours
    assert "<script>" not in ours


def test_a_filter_without_a_choice_selects_its_empty_option():
    html = forms.Select(choices=CHOICES).render("kind", "")
    assert '<option value="" selected>Any kind</option>' in html
    assert html.count("selected") == 1


def test_attributes_are_djangos_markup_in_their_order_escaped():
    """``attrs.html`` writes them in Python too: ``False`` left out, ``True`` as the name alone,
    any other value (``None`` too) as text, escaped, in the order given."""
    attrs = {
        "id": 'kind"<x>',
        "required": True,
        "disabled": False,
        "data-none": None,
        "maxlength": 300,
        "aria-describedby": "kind_helptext",
    }
    widgets = [
        (forms.TextInput(attrs=attrs), 'Tom & "Jerry"'),
        (forms.CheckboxInput(attrs=attrs), True),
        (forms.Textarea(attrs=attrs), "<script>"),
        (forms.Select(choices=CHOICES, attrs=attrs), "plain"),
        (forms.NumberInput(attrs=attrs), None),
    ]
    for widget, value in widgets:
        ours = widget.render("kind", value)
        assert spaced(ours) == spaced(widget.render("kind", value, renderer=DjangoTemplates()))
    html = forms.TextInput(attrs=attrs).render("kind", "")
    assert ' id="kind&quot;&lt;x&gt;" required data-none="None" maxlength="300"' in html
    assert "disabled" not in html


def test_a_labels_attributes_are_djangos_markup():
    class Form(forms.Form):
        name = forms.CharField(label="Name <b>")

    field = Form()["name"]
    ours = field.label_tag(attrs={"class": 'a"b', "hidden": True, "lang": False})
    with_django = Form(renderer=DjangoTemplates())["name"].label_tag(
        attrs={"class": 'a"b', "hidden": True, "lang": False}
    )
    assert ours == with_django
    assert 'class="a&quot;b" hidden' in ours


def test_a_label_without_attributes_is_written_as_django_writes_it():
    class Form(forms.Form):
        name = forms.CharField(label="Name")

    assert Form()["name"].label_tag() == Form(renderer=DjangoTemplates())["name"].label_tag()
