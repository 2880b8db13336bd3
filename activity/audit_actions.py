"""The audit trail in the users' words.

Each app declares the actions it records in its ``AppConfig.ready()``, with the kind of action
people filter on and the sentence that tells the entry::

    audit_actions.register(
        "application.decided",
        _("Application decided"),
        _("%(actor)s decided the application of %(organisation)s: %(outcome)s"),
        choices={"outcome": Decision.Outcome},
    )

A sentence may name ``actor`` (the person's full name), ``object`` (the label of what was acted
on), ``organisation`` and any key of the entry's details. ``choices`` names the values of a
detail by their labels; ``references`` says which details hold ids of another model, so that
they are shown by name. An action nobody declared is told by a generic sentence.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str | Promise
    sentence: str | Promise
    choices: Mapping[str, type[models.Choices]] = field(default_factory=dict)
    references: Mapping[str, str] = field(default_factory=dict)
    formerly: tuple[str, ...] = ()


_actions: dict[str, AuditAction] = {}
# The codes an action was recorded under before it was renamed: entries are never rewritten
# (the hash chain covers the code), so the old ones are read, and found, as the new.
_former: dict[str, str] = {}

#: Names of details that are not fields of the object acted on.
DETAIL_LABELS: dict[str, str | Promise] = {
    "reason": gettext_lazy("reason"),
    "reasons": gettext_lazy("reasons"),
    "message": gettext_lazy("message"),
    "note": gettext_lazy("note"),
    "outcome": gettext_lazy("outcome"),
    "score": gettext_lazy("weighted score"),
    "passed": gettext_lazy("passed the threshold"),
    "reviewers": gettext_lazy("reviewers"),
    "conflict": gettext_lazy("conflict of interest declared"),
    "version": gettext_lazy("version"),
    "copied_from": gettext_lazy("copied from version"),
    "previous": gettext_lazy("renews"),
    "valid_until": gettext_lazy("valid until"),
    "code": gettext_lazy("verification code"),
    "people": gettext_lazy("people"),
    "members": gettext_lazy("members"),
    "fields": gettext_lazy("changed"),
    "framework": gettext_lazy("criteria"),
    "levels": gettext_lazy("levels"),
    "organisation": gettext_lazy("organisation"),
    "type": gettext_lazy("file type"),
    "size": gettext_lazy("size"),
    "user": gettext_lazy("user"),
    "scope": gettext_lazy("where"),
    "subject": gettext_lazy("appeal against"),
    "vetting": gettext_lazy("vetting requested for"),
    "conditions": gettext_lazy("conditions"),
    "lifted": gettext_lazy("conditions lifted"),
    "superseded": gettext_lazy("accreditation replaced"),
    "reinstated": gettext_lazy("accreditation reinstated"),
    "replaces": gettext_lazy("replaces version"),
    "scored": gettext_lazy("criteria scored"),
    "unscored": gettext_lazy("scores taken back"),
    "translation": gettext_lazy("copy in another language"),
}


def register(
    code: str,
    label: str | Promise,
    sentence: str | Promise,
    *,
    choices: Mapping[str, type[models.Choices]] | None = None,
    references: Mapping[str, str] | None = None,
    formerly: tuple[str, ...] = (),
) -> AuditAction:
    """Declare an action; ``formerly`` lists the codes it was recorded under before."""
    action = AuditAction(
        code, label, sentence, dict(choices or {}), dict(references or {}), formerly
    )
    existing = _actions.setdefault(code, action)
    if existing != action:
        raise ValueError(f"Audit action {code!r} is already registered differently.")
    for old in formerly:
        _former[old] = code
    return action


def get(code: str) -> AuditAction | None:
    return _actions.get(_former.get(code, code))


def codes(code: str) -> list[str]:
    """The codes entries of the action ``code`` carry: its own and those it had before."""
    action = _actions.get(code)
    return [code, *(action.formerly if action else ())]


def choices() -> list[tuple[str, str]]:
    """Every declared kind of action, for a filter: ``(code, label)`` in label order."""
    return sorted(((a.code, str(a.label)) for a in _actions.values()), key=lambda c: c[1])


# Reading an entry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One line of an entry's details: ``label: before → after``, or ``label: value``."""

    label: str
    after: str
    before: str | None = None

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.label}: {self.after}"
        return f"{self.label}: {self.before} → {self.after}"


@dataclass(frozen=True)
class ReadableEntry:
    entry: AuditEntry
    kind: str
    sentence: str
    changes: list[Change]


class _Params(dict[str, str]):
    # A sentence may name a detail an older entry lacks.
    def __missing__(self, key: str) -> str:
        return "—"


def _model(entry: AuditEntry) -> type[models.Model] | None:
    try:
        return apps.get_model(entry.object_type) if entry.object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> "models.Field[Any, Any] | None":
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


class _Reader:
    """Turns entries into sentences; the ids their details hold are read in one query per
    model, whatever the number of entries."""

    def __init__(self, entries: list[AuditEntry]) -> None:
        wanted: dict[str, set[Any]] = defaultdict(set)
        for entry in entries:
            action = get(entry.action)
            for key, label in (action.references if action else {}).items():
                wanted[label].update(_ids(entry.changes.get(key)))
        self.names: dict[str, dict[str, str]] = {}
        for label, ids in wanted.items():
            model = apps.get_model(label)
            ids = {pk for pk in ids if isinstance(pk, int)}
            rows = model._default_manager.filter(pk__in=ids) if ids else []
            self.names[label] = {str(obj.pk): str(obj) for obj in rows}

    def value(self, entry: AuditEntry, key: str, value: Any) -> str:
        action = get(entry.action)
        if value is None or value == "" or value == []:
            return "—"
        if action and key in action.references:
            known = self.names.get(action.references[key], {})
            return ", ".join(known.get(str(pk), _("(removed)")) for pk in _ids(value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return ", ".join(self.value(entry, key, item) for item in value)
        if isinstance(value, dict):
            return "; ".join(
                f"{self.label(entry, k)}: {self.value(entry, k, v)}" for k, v in value.items()
            )
        labels = self._choice_labels(entry, key)
        if str(value) in labels:
            return str(labels[str(value)])
        if key == "size" and isinstance(value, int):
            return str(filesizeformat(value))
        if key == "fields" and isinstance(value, str):
            return self.label(entry, value)
        return str(value)

    def _choice_labels(self, entry: AuditEntry, key: str) -> dict[str, Any]:
        action = get(entry.action)
        if action and key in action.choices:
            # Keyed as text, as the value is looked up: an IntegerChoices' keys are numbers.
            return {str(k): v for k, v in action.choices[key].choices}
        found = _field(_model(entry), key)
        if found is not None and found.choices:
            return {str(k): v for k, v in found.flatchoices}
        return {}

    def label(self, entry: AuditEntry, key: str) -> str:
        found = _field(_model(entry), key)
        if found is not None:
            return str(found.verbose_name)
        if key in DETAIL_LABELS:
            return str(DETAIL_LABELS[key])
        return key.replace("_", " ")

    def changes(self, entry: AuditEntry) -> list[Change]:
        details = entry.changes if isinstance(entry.changes, dict) else {}
        before, after = details.get("before"), details.get("after")
        if isinstance(before, dict) and isinstance(after, dict):
            # ``{"before": {...}, "after": {...}}``: one line per field that changed.
            return [
                Change(
                    self.label(entry, key),
                    self.value(entry, key, after.get(key)),
                    self.value(entry, key, before.get(key)),
                )
                for key in after
                if before.get(key) != after.get(key)
            ]
        lines = []
        # What changed from one value to another first, then the other details.
        ordered = sorted(details.items(), key=lambda item: not self._is_change(entry, *item))
        for key, value in ordered:
            if self._is_change(entry, key, value):
                # ``{field: [before, after]}``, as services and state changes record them.
                lines.append(
                    Change(
                        self.label(entry, key),
                        self.value(entry, key, value[1]),
                        self.value(entry, key, value[0]),
                    )
                )
            elif value not in (None, "", []):
                lines.append(Change(self.label(entry, key), self.value(entry, key, value)))
        return lines

    @staticmethod
    def _is_change(entry: AuditEntry, key: str, value: Any) -> bool:
        return (
            isinstance(value, list) and len(value) == 2 and _field(_model(entry), key) is not None
        )

    def read(self, entry: AuditEntry) -> ReadableEntry:
        action = get(entry.action)
        actor = entry.actor
        params = _Params(
            actor=(actor.get_full_name() or actor.get_username())
            if actor is not None
            else (entry.actor_label or _("The system")),
            object=entry.object_label or "—",
            organisation=entry.organisation.name if entry.organisation else entry.object_label,
            action=entry.action,
        )
        for key, value in (entry.changes if isinstance(entry.changes, dict) else {}).items():
            if key in params:
                continue
            if self._is_change(entry, key, value):
                value = value[1]
            params[key] = self.value(entry, key, value)
        if action is None:
            sentence = _("%(actor)s recorded “%(action)s” about %(object)s") % params
            kind = entry.action
        else:
            sentence = str(action.sentence) % params
            kind = str(action.label)
        return ReadableEntry(entry, kind, sentence, self.changes(entry))


def _ids(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def readable(entries: Iterable[AuditEntry]) -> list[ReadableEntry]:
    """The entries as sentences and named changes, in the active language."""
    entries = list(entries)
    reader = _Reader(entries)
    return [reader.read(entry) for entry in entries]
