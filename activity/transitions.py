"""The one helper that moves an object through its explicit state machine."""

from collections.abc import Mapping, Set
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from .errors import DomainError
from .services import Actor, audit_record

# A model's states: its ``Status`` choices, which are strings.
State = TypeVar("State", bound=str)


def transition(
    obj: models.Model,
    to: str,
    *,
    actor: Actor,
    transitions: Mapping[State, Set[State]],
    field: str = "status",
    extra_fields: tuple[str, ...] = (),
    details: dict[str, Any] | None = None,
) -> None:
    """Check that ``obj`` may go from its current state to ``to``; save it and audit the change.

    ``extra_fields`` are other fields the caller set on ``obj`` that must be saved with it.
    """
    current = getattr(obj, field)
    if to not in transitions.get(current, set()):
        choices = obj._meta.get_field(field).flatchoices  # type: ignore[union-attr]
        labels = dict(choices)
        raise DomainError(
            _("This cannot change from “%(current)s” to “%(to)s”.")
            % {"current": labels.get(current, current), "to": labels.get(to, to)}
        )
    setattr(obj, field, to)
    obj.save(update_fields=[field, *extra_fields])
    audit_record(
        actor=actor,
        action=f"{obj._meta.model_name}.{to}",
        target=obj,
        changes={field: [current, to], **(details or {})},
    )
