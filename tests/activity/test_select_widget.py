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
