"""The label of a field's choice, for lists: ``choice_label(row, "status")`` in code and
``{{ row|choice_label:"status" }}`` in templates (``{% load choices %}``).

Django's ``get_status_display`` builds a dictionary of every choice of the field, translating
each label to hash it, on every call: a list of fifty rows translated hundreds of labels to
show fifty. This reads the one label it shows, in the reader's language."""

from functools import cache
from typing import Any

from django.db.models import Model


@cache
def _labels(model: type[Model], field: str) -> dict[Any, Any]:
    # The labels stay lazy: each is translated when shown, in the language of the request.
    return dict(model._meta.get_field(field).flatchoices)  # type: ignore[union-attr]


def choice_label(row: Model, field: str) -> str:
    value = getattr(row, field)
    return str(_labels(type(row), field).get(value, value))
