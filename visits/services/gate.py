"""The gate: the first-visit briefing and the acknowledgement of the entrance protocol, the
check-in (identity confirmed, search applied, items checked, pass issued) and check-out of each
person, a refusal of entry, a no-show, incidents and packages.

The gate keeps working through a network outage: what was written on paper is entered
afterwards with its real time, and marked as entered afterwards. A monitoring visit is never
refused at the gate: only a delay may be recorded against it."""

import zoneinfo
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User
from agreements.models import Equipment
from directory.models import Facility, Person

from ..models import (
    Acknowledgement,
    Briefing,
    EntranceProtocol,
    Incident,
    Package,
    SearchLevel,
    Visit,
    Visitor,
    local_today,
)
from ..selectors import entry_checks, experts_without_confidentiality, protocol_in_force


def _locked(visitor: Visitor) -> Visitor:
    return (
        Visitor.objects.select_for_update(of=("self",))
        .select_related(
            "person",
            "visit__facility__administration",
            "visit__organisation",
            "visit__administration",
        )
        .get(pk=visitor.pk)
    )


def _local(visit: Visit, moment: datetime) -> datetime:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(visit.facility.time_zone))


def _real_time(visit: Visit, at: datetime | None) -> tuple[datetime, bool]:
    """The moment an entry happened and whether it is entered afterwards: now, or a time
    written on paper during an outage, which is today at the facility, not in the future and
    not before the visit's day."""
    now = timezone.now()
    if at is None:
        return now, False
    if at > now:
        raise DomainError(_("The time entered is in the future."), field="at")
    day = _local(visit, at).date()
    if day != local_today(visit.facility) or day < visit.day:
        raise DomainError(
            _("Only today's entries, from %(day)s, are entered afterwards.")
            % {"day": date_format(visit.day)},
            field="at",
        )
    return at, True


def _check_on_the_day(visit: Visit) -> None:
    if visit.status not in Visit.EXPECTED_STATUSES:
        raise DomainError(
            _("The visit is not expected (%(status)s): nobody is let in for it.")
            % {"status": visit.get_status_display()}
        )
    if visit.day != local_today(visit.facility):
        raise DomainError(
            _("The visit is on %(day)s, not today.") % {"day": date_format(visit.day)}
        )


# The first-visit briefing and the protocol ------------------------------------------------------


@transaction.atomic
def briefing_record(*, actor: User, person: Person, facility: Facility) -> Briefing:
    """Record that the facility's staff gave the person its security and emergency briefing.
    A person is briefed once per facility."""
    try:
        with transaction.atomic():
            briefing = Briefing.objects.create(person=person, facility=facility, given_by=actor)
    except IntegrityError:
        raise DomainError(
            _("%(person)s has already been briefed at %(facility)s.")
            % {"person": person.full_name, "facility": facility.name}
        ) from None
    audit_record(
        actor=actor,
        action="briefing.recorded",
        target=briefing,
        changes={"person": person.pk},
    )
    return briefing


@transaction.atomic
def protocol_acknowledge(
    *, actor: User, person: Person, protocol: EntranceProtocol, on_paper: bool = False
) -> Acknowledgement:
    """Record that the person has read the facility's entrance protocol in force: by the
    person from their own account, or by the gate from the paper the person signed. Only the
    version in force is acknowledged, once."""
    if not on_paper and person.user_id != actor.pk:
        raise DomainError(
            _(
                "Only the person acknowledges the protocol from their own account; the gate "
                "records the paper they signed."
            )
        )
    in_force = protocol_in_force(protocol.facility)
    if in_force is None or in_force.pk != protocol.pk:
        raise DomainError(_("This version of the protocol is not the one in force."))
    try:
        with transaction.atomic():
            acknowledgement = Acknowledgement.objects.create(
                person=person, protocol=protocol, recorded_by=actor
            )
    except IntegrityError:
        raise DomainError(
            _("%(person)s has already acknowledged version %(version)s of the protocol.")
            % {"person": person.full_name, "version": protocol.version}
        ) from None
    audit_record(
        actor=actor,
        action="protocol.acknowledged",
        target=protocol,
        changes={"person": person.pk, "on_paper": on_paper},
    )
    return acknowledgement


# Entering and leaving -------------------------------------------------------------------------


def _undeclared(visit: Visit, items: Sequence[str]) -> list[str]:
    return [str(Equipment(item).label) for item in items if item not in visit.equipment]


@transaction.atomic
def visitor_check_in(
    *,
    actor: User,
    visitor: Visitor,
    identity_confirmed: bool,
    search_level: int | None = None,
    search_justification: str = "",
    items: Sequence[str] = (),
    items_note: str = "",
    at: datetime | None = None,
) -> Visitor:
    """Let the person in and issue their pass. The gate has confirmed that the identity
    document matches the one on file; the person's clearance (or, for a monitoring body's
    member, the body's mandate) is in force; they have been briefed and have acknowledged the
    protocol in force; on a joint monitoring visit, every expert has undertaken confidentiality.
    The search applied is the protocol's default for the person's category unless another is
    chosen; a higher one needs a written justification. Items not declared on the visit stay
    at the gate."""
    visitor = _locked(visitor)
    visit = visitor.visit
    _check_on_the_day(visit)
    if visitor.checked_in_at is not None:
        raise DomainError(_("%(person)s is already checked in.") % {"person": visitor.person})
    if visitor.outcome in (Visitor.Outcome.REFUSED_ENTRY, Visitor.Outcome.NO_SHOW):
        raise DomainError(
            _("%(person)s is recorded as: %(outcome)s.")
            % {"person": visitor.person, "outcome": visitor.get_outcome_display()}
        )
    moment, late = _real_time(visit, at)
    if not identity_confirmed:
        raise DomainError(
            _("Confirm that the identity document matches the one on file."),
            field="identity_confirmed",
        )
    protocol = protocol_in_force(visit.facility)
    check = entry_checks([visitor], facility=visit.facility, day=visit.day, protocol=protocol)
    problems = list(check[visitor.pk].problems)
    if visit.monitoring:
        missing = experts_without_confidentiality(visit)
        if missing:
            problems.append(
                _(
                    "The visit cannot start until these experts have undertaken "
                    "confidentiality: %(people)s."
                )
                % {"people": ", ".join(expert.person.full_name for expert in missing)}
            )
    if problems:
        raise DomainError(" ".join(problems), reasons=problems)
    assert protocol is not None  # a missing protocol is one of the problems
    default = protocol.default_level(visitor.category)
    level = default if search_level is None else search_level
    if level not in SearchLevel.values:
        raise DomainError(_("Choose a search level."), field="search_level")
    justification = search_justification.strip()
    if level > default and not justification:
        raise DomainError(
            _(
                "The protocol's search for %(category)s is “%(default)s”: write why a "
                "higher one is needed."
            )
            % {
                "category": visitor.get_category_display(),
                "default": SearchLevel(default).label,
            },
            field="search_justification",
        )
    undeclared = _undeclared(visit, items)
    if undeclared:
        raise DomainError(
            _("Not declared on the visit, so it stays at the gate: %(items)s.")
            % {"items": ", ".join(undeclared)},
            field="items",
        )
    visitor.checked_in_at = moment
    visitor.checked_in_by = actor
    visitor.checked_in_late = late
    visitor.search_level = level
    visitor.search_justification = justification if level > default else ""
    visitor.items_declared = list(items)
    visitor.items_note = items_note
    visitor.save(
        update_fields=[
            "checked_in_at",
            "checked_in_by",
            "checked_in_late",
            "search_level",
            "search_justification",
            "items_declared",
            "items_note",
        ]
    )
    changes: dict[str, Any] = {
        "checked_in_at": moment,
        "search_level": level,
        "default_level": default,
        "items_declared": list(items),
    }
    if visitor.search_justification:
        changes["search_justification"] = visitor.search_justification
    if late:
        changes["checked_in_late"] = True
    audit_record(actor=actor, action="visitor.checked_in", target=visitor, changes=changes)
    return visitor


@transaction.atomic
def visitor_check_out(
    *, actor: User, visitor: Visitor, at: datetime | None = None, cut_short: str = ""
) -> Visitor:
    """Let the person out. They attended; if they leave before the visit's end because it was
    cut short, the reason says why."""
    visitor = _locked(visitor)
    visit = visitor.visit
    if not visitor.is_inside:
        raise DomainError(_("%(person)s is not inside.") % {"person": visitor.person})
    moment, late = _real_time(visit, at)
    assert visitor.checked_in_at is not None
    if moment < visitor.checked_in_at:
        raise DomainError(
            _("%(person)s came in at %(time)s: they cannot have left before.")
            % {
                "person": visitor.person,
                "time": _local(visit, visitor.checked_in_at).strftime("%H:%M"),
            },
            field="at",
        )
    reason = cut_short.strip()
    if reason and moment >= visit.ends_at:
        raise DomainError(
            _("The visit had ended by then: it was not cut short."), field="cut_short"
        )
    visitor.checked_out_at = moment
    visitor.checked_out_by = actor
    visitor.checked_out_late = late
    visitor.outcome = Visitor.Outcome.CUT_SHORT if reason else Visitor.Outcome.ATTENDED
    visitor.outcome_note = reason
    visitor.save(
        update_fields=[
            "checked_out_at",
            "checked_out_by",
            "checked_out_late",
            "outcome",
            "outcome_note",
        ]
    )
    changes: dict[str, Any] = {"checked_out_at": moment, "outcome": visitor.outcome}
    if reason:
        changes["outcome_note"] = reason
    if late:
        changes["checked_out_late"] = True
    audit_record(actor=actor, action="visitor.checked_out", target=visitor, changes=changes)
    return visitor


@transaction.atomic
def visitor_refuse_entry(*, actor: User, visitor: Visitor, note: str) -> Visitor:
    """Turn the person away at the gate, saying why. A monitoring body's visit is never
    refused: the gate may only record a delay."""
    visitor = _locked(visitor)
    visit = visitor.visit
    if visit.monitoring:
        raise DomainError(
            _(
                "A monitoring body's visit cannot be refused at the gate: only a delay may be "
                "recorded, with its justification."
            )
        )
    _check_on_the_day(visit)
    if visitor.checked_in_at is not None:
        raise DomainError(_("%(person)s is already checked in.") % {"person": visitor.person})
    if visitor.outcome:
        raise DomainError(
            _("%(person)s is recorded as: %(outcome)s.")
            % {"person": visitor.person, "outcome": visitor.get_outcome_display()}
        )
    if not note.strip():
        raise DomainError(_("Write why entry is refused."), field="note")
    visitor.outcome = Visitor.Outcome.REFUSED_ENTRY
    visitor.outcome_note = note.strip()
    visitor.save(update_fields=["outcome", "outcome_note"])
    audit_record(
        actor=actor, action="visitor.refused_entry", target=visitor, changes={"reason": note}
    )
    return visitor


@transaction.atomic
def visitor_mark_no_show(*, actor: User, visitor: Visitor) -> Visitor:
    """Record that the person did not come, once the visit's hours are over."""
    visitor = _locked(visitor)
    visit = visitor.visit
    if visitor.checked_in_at is not None or visitor.outcome:
        raise DomainError(
            _("%(person)s came or was already recorded: not a no-show.")
            % {"person": visitor.person}
        )
    if timezone.now() < visit.ends_at:
        raise DomainError(
            _("The visit runs until %(time)s: a no-show is recorded after it.")
            % {"time": _local(visit, visit.ends_at).strftime("%H:%M")}
        )
    visitor.outcome = Visitor.Outcome.NO_SHOW
    visitor.save(update_fields=["outcome"])
    audit_record(actor=actor, action="visitor.marked_no_show", target=visitor)
    return visitor


# Incidents and packages -----------------------------------------------------------------------


@transaction.atomic
def incident_record(
    *,
    actor: User,
    visit: Visit,
    description: str,
    occurred_at: datetime | None = None,
    entered_late: bool = False,
) -> Incident:
    """Record something that happened during the visit, now or at the time it happened
    (today, not in the future); ``entered_late`` when it is copied from a paper record."""
    if not description.strip():
        raise DomainError(_("Describe what happened."), field="description")
    when, _late = _real_time(visit, occurred_at)
    incident = Incident.objects.create(
        visit=visit,
        occurred_at=when,
        description=description.strip(),
        recorded_by=actor,
        entered_late=entered_late,
    )
    audit_record(
        actor=actor,
        action="incident.recorded",
        target=incident,
        changes={"occurred_at": when, "entered_late": entered_late},
    )
    return incident


#: The inspection results that are explained.
EXPLAINED_RESULTS = (Package.Result.ADMITTED_PARTLY, Package.Result.HELD, Package.Result.REFUSED)


@transaction.atomic
def package_register(
    *,
    actor: User,
    visit: Visit,
    description: str,
    result: str,
    brought_by: Visitor | None = None,
    note: str = "",
) -> Package:
    """Register a package or parcel brought in for the visit's activity, with what its
    inspection found; anything not simply admitted is explained."""
    _check_on_the_day(visit)
    if brought_by is not None and brought_by.visit_id != visit.pk:
        raise DomainError(_("Choose a person on this visit."), field="brought_by")
    if result not in Package.Result.values:
        raise DomainError(_("Choose the inspection result."), field="result")
    if result in EXPLAINED_RESULTS and not note.strip():
        raise DomainError(_("Explain what was kept and why."), field="note")
    package = Package.objects.create(
        visit=visit,
        brought_by=brought_by,
        description=description,
        result=result,
        note=note.strip(),
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action="package.registered",
        target=package,
        changes={"result": result, "brought_by": brought_by.person_id if brought_by else None},
    )
    return package
