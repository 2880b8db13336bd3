"""Keyset pagination: each page starts after the last row of the previous one, so a page costs
the same however deep into the list it is, and no COUNT of the whole table is needed."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field, Model, Q, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)

PAGE_SIZE = 50


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    # To the microsecond: Django's JSON encoder stops at the millisecond, and the next page
    # would then skip the rows created in the same millisecond as the last one shown.
    exact = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(exact, cls=DjangoJSONEncoder).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != count:
        return None
    return values


def _to_python(model: type[Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # an ordering names concrete fields
    return field.to_python(value)


def _after(ordering: tuple[str, ...], values: list[Any], model: type[Model]) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (fields may start with ``-``). The bound
    on the first field, implied by the rest, is what lets the database start reading the
    ordering's index at the cursor instead of at the first page."""
    first = ordering[0].lstrip("-")
    bound = "lte" if ordering[0].startswith("-") else "gte"
    start = Q(**{f"{first}__{bound}": _to_python(model, first, values[0])})
    condition = Q()
    for i, name in enumerate(ordering):
        field = name.lstrip("-")
        value = _to_python(model, field, values[i])
        step = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": value})
        for prior, prior_value in zip(ordering[:i], values[:i], strict=False):
            prior_field = prior.lstrip("-")
            step &= Q(**{prior_field: _to_python(model, prior_field, prior_value)})
        condition |= step
    return start & condition


def keyset_page(
    queryset: QuerySet[M],
    request: HttpRequest,
    *,
    ordering: tuple[str, ...],
    size: int = PAGE_SIZE,
) -> KeysetPage[M]:
    """One page of ``queryset`` in ``ordering`` (which must end with a unique field), starting
    after the cursor in the request's ``after`` parameter. A malformed cursor starts over."""
    model = queryset.model
    cursor = request.GET.get("after")
    values = _decode(cursor, len(ordering)) if cursor else None
    queryset = queryset.order_by(*ordering)
    if values is not None:
        try:
            queryset = queryset.filter(_after(ordering, values, model))
        except Exception:  # a forged cursor with values of the wrong type
            queryset = queryset.order_by(*ordering)
    items = list(queryset[: size + 1])
    next_cursor = None
    if len(items) > size:
        items = items[:size]
        last = items[-1]
        next_cursor = _encode([getattr(last, name.lstrip("-")) for name in ordering])
    return KeysetPage(items, next_cursor)
