"""The one helper that moves an object through its explicit state machine."""

from collections.abc import Mapping, Set
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from .errors import DomainError
from .services import Actor, audit_record

# A model's states: its ``Status`` choices, which are strings.
State = TypeVar("State", bound=str)


def change_state(
    obj: models.Model,
    to: str,
    *,
    transitions: Mapping[State, Set[State]],
    field: str = "status",
    extra_fields: tuple[str, ...] = (),
) -> list[str]:
    """Check that ``obj`` may go from its current state to ``to`` and save it; return
    ``[before, after]``.

    Without an audit entry of its own: for a change that is part of another act, whose one
    entry records it (the accreditation an upheld appeal reinstates). ``extra_fields`` are
    other fields the caller set on ``obj`` that must be saved with it.
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
    return [current, to]


def transition(
    obj: models.Model,
    to: str,
    *,
    actor: Actor,
    transitions: Mapping[State, Set[State]],
    field: str = "status",
    extra_fields: tuple[str, ...] = (),
    details: dict[str, Any] | None = None,
    event: str = "",
) -> None:
    """Check that ``obj`` may go from its current state to ``to``; save it and write the one
    audit entry of the change, ``<model>.<event>``.

    ``event`` is the past participle that names the change, when the new state's name is not
    one (an accreditation made active again is "reinstated"); by default, the new state.
    """
    change = change_state(obj, to, transitions=transitions, field=field, extra_fields=extra_fields)
    audit_record(
        actor=actor,
        action=f"{obj._meta.model_name}.{event or to}",
        target=obj,
        changes={field: change, **(details or {})},
    )
