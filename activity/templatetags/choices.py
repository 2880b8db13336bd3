"""``{{ row|choice_label:"status" }}``: the label of a field's choice (``activity.choices``)."""

from django import template

from activity.choices import choice_label

register = template.Library()
register.filter("choice_label", choice_label)
