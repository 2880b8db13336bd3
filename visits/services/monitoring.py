"""Monitoring mode: a formal monitoring body (an NPM, a body with a special agreement such as the
ICRC) notifies its visit under its mandate; nothing in the system refuses it or holds it to the
facility's capacity, notice or closures. Staff record only a delay, which the directors hear of
at once. The body records that its private interviews took place, never what was said or with
whom, and uploads the signed confidentiality agreements of the experts it brings along."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.models import FormalMechanism
from activity import notify
from activity.errors import DomainError
from activity.services import audit_record, document_add
from activity.typing import User
from directory.models import Area, Facility, Organisation, Person, Role
from directory.selectors import administration_users

from .. import effects, reminders
from ..models import (
    Category,
    Delay,
    Interview,
    Purpose,
    Visit,
    Visitor,
    local_date,
    local_datetime,
    local_today,
)
from ._common import add_visitors, gate_officers, locked, officers

#: What a monitoring body may notify: a visit under its mandate, or the follow-up of one.
NOTIFIED_PURPOSES = (Purpose.MONITORING, Purpose.FOLLOW_UP)


def mandate_in_force(organisation: Organisation, facility: Facility, day: date) -> FormalMechanism:
    """The body's registration with the facility's administration, in force on the day, or
    the reason there is none."""
    if not organisation.is_formal_mechanism:
        raise DomainError(
            _(
                "%(organisation)s is not a formal monitoring body: it requests its visits "
                "under an MoU."
            )
            % {"organisation": organisation}
        )
    mechanism = FormalMechanism.objects.filter(
        organisation=organisation, administration=facility.administration_id
    ).first()
    if mechanism is None or not mechanism.is_in_force(day):
        raise DomainError(
            _(
                "%(organisation)s has no mandate registered with %(administration)s in force on "
                "%(day)s."
            )
            % {
                "organisation": organisation,
                "administration": facility.administration,
                "day": date_format(day),
            }
        )
    return mechanism


def _names(people: Sequence[Person]) -> str:
    return ", ".join(person.full_name for person in people)


def _check_people(
    organisation: Organisation,
    mechanism: FormalMechanism,
    members: Sequence[Person],
    experts: Sequence[Person],
    roles: Mapping[int, str],
) -> None:
    if not members:
        raise DomainError(_("Name at least one member of the mandate."), field="members")
    mandated = set(mechanism.members.values_list("pk", flat=True))
    outside = [person for person in members if person.pk not in mandated]
    if outside:
        raise DomainError(
            _("Not members of the mandate of %(organisation)s: %(people)s.")
            % {"organisation": organisation, "people": _names(outside)},
            field="members",
        )
    own = [person for person in experts if person.organisation_id == organisation.pk]
    if own:
        raise DomainError(
            _("Experts come from other organisations; name your own people as members: %(people)s.")
            % {"people": _names(own)},
            field="experts",
        )
    if len({person.pk for person in [*members, *experts]}) != len(members) + len(experts):
        raise DomainError(_("Name each person once."), field="experts")
    unagreed = [person for person in experts if not roles.get(person.pk, "").strip()]
    if unagreed:
        raise DomainError(
            _("Give the role agreed in advance for each expert: %(people)s.")
            % {"people": _names(unagreed)},
            field="experts",
        )


@transaction.atomic
def visit_notify(
    *,
    actor: User,
    organisation: Organisation,
    facility: Facility,
    day: date,
    starts: time,
    ends: time,
    members: Sequence[Person],
    experts: Sequence[Person] = (),
    roles: Mapping[int, str] | None = None,
    areas: Sequence[Area] = (),
    purpose: str = Purpose.MONITORING,
    notes: str = "",
) -> Visit:
    """Notify a monitoring visit to any facility of the administration with which the body
    has a mandate in force on the day: today, now, or later, with the members of the mandate
    and, for a joint visit, experts of other organisations, each with the role agreed in
    advance. The body chooses its areas freely. No window, capacity, notice or closure applies
    and nobody decides it: the facility's visits officers, its gate and the administration's
    directors are told at once."""
    roles = roles or {}
    mechanism = mandate_in_force(organisation, facility, day)
    if day < local_today(facility):
        raise DomainError(_("A visit is notified for today or a later day."), field="day")
    if ends <= starts:
        raise DomainError(_("The visit ends after it starts."), field="ends")
    if purpose not in NOTIFIED_PURPOSES:
        raise DomainError(_("Choose monitoring or a follow-up visit."), field="purpose")
    elsewhere = [area for area in areas if area.facility_id != facility.pk]
    if elsewhere:
        raise DomainError(
            _("Choose areas of %(facility)s.") % {"facility": facility}, field="areas"
        )
    _check_people(organisation, mechanism, members, experts, roles)
    visit = Visit.objects.create(
        administration=facility.administration,
        facility=facility,
        organisation=organisation,
        agreement=None,
        window=None,
        purpose=purpose,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
        day=day,
        starts_at=local_datetime(facility, day, starts),
        ends_at=local_datetime(facility, day, ends),
        notes=notes,
        requested_by=actor,
    )
    visit.areas.set(areas)
    clean_roles = {pk: role.strip() for pk, role in roles.items()}
    add_visitors(visit, members, Category.MONITOR, clean_roles)
    add_visitors(visit, experts, Category.EXPERT, clean_roles)
    effects.publish_created(visit)
    audit_record(
        actor=actor,
        action="visit.notified",
        target=visit,
        changes={
            "day": str(day),
            "members": [person.pk for person in members],
            "experts": {str(person.pk): clean_roles[person.pk] for person in experts},
            "areas": [area.pk for area in areas],
        },
    )
    _tell_facility(visit)
    return visit


def directors(visit: Visit) -> list[User]:
    return list(administration_users(visit.administration, (Role.DIRECTOR,)))


def _tell_facility(visit: Visit) -> None:
    recipients = {
        user.pk: user
        for user in [*officers(visit.facility), *gate_officers(visit.facility), *directors(visit)]
    }
    notify.remind(
        recipients=recipients.values(),
        kind=reminders.MONITORING_NOTIFIED,
        key=notify.reminder_key(visit, "notified"),
        subject=gettext_lazy(
            "%(organisation)s notifies a monitoring visit to %(facility)s on %(day)s"
        ),
        body=gettext_lazy(
            "From %(starts)s. A monitoring body's visit is not decided: it cannot be refused or "
            "limited. Only a delay may be recorded, with its justification."
        ),
        params={
            "organisation": visit.organisation.name,
            "facility": visit.facility.name,
            "day": visit.day,
            "starts": visit.starts_at.strftime("%H:%M"),
        },
        url=visit.get_absolute_url(),
    )


def _check_monitoring(visit: Visit) -> None:
    if not visit.monitoring:
        raise DomainError(_("This is not a monitoring body's visit."))
    if visit.status != Visit.Status.NOTIFIED:
        raise DomainError(
            _("The visit is %(status)s.") % {"status": visit.get_status_display().lower()}
        )


@transaction.atomic
def delay_record(*, actor: User, visit: Visit, minutes: int, justification: str) -> Delay:
    """Record that the facility held a monitoring visit up, for how long and why: the only
    thing staff record against it. The administration's directors are alerted at once, and
    the visitors not yet inside are marked as delayed."""
    visit = locked(visit)
    _check_monitoring(visit)
    justification = justification.strip()
    if not justification:
        raise DomainError(_("Justify the delay."), field="justification")
    if not 1 <= minutes <= 24 * 60:
        raise DomainError(_("A delay lasts from 1 minute to 24 hours."), field="minutes")
    delay = Delay.objects.create(
        visit=visit, minutes=minutes, justification=justification, recorded_by=actor
    )
    delayed = Visitor.objects.filter(
        visit=visit, checked_in_at__isnull=True, outcome__in=["", Visitor.Outcome.DELAYED]
    ).update(outcome=Visitor.Outcome.DELAYED)
    audit_record(
        actor=actor,
        action="delay.recorded",
        target=delay,
        changes={
            "visit": visit.pk,
            "minutes": minutes,
            "justification": justification,
            "visitors_delayed": delayed,
        },
    )
    notify.remind(
        recipients=directors(visit),
        kind=reminders.DELAY_RECORDED,
        key=notify.reminder_key(delay, "recorded"),
        subject=gettext_lazy(
            "The monitoring visit of %(organisation)s to %(facility)s was delayed by "
            "%(minutes)s minutes"
        ),
        body=gettext_lazy("Recorded by %(actor)s. Justification: %(justification)s"),
        params={
            "organisation": visit.organisation.name,
            "facility": visit.facility.name,
            "minutes": minutes,
            "actor": actor.get_username(),
            "justification": justification,
        },
        url=visit.get_absolute_url(),
        due_at=timezone.now(),
    )
    return delay


@transaction.atomic
def interview_record(
    *, actor: User, visit: Visit, held_at: datetime, area: Area | None = None
) -> Interview:
    """Record that a private interview took place during the visit, where and when. What was
    said, and with whom, is never recorded: there is nowhere to put it."""
    visit = locked(visit)
    _check_monitoring(visit)
    if area is not None and area.facility_id != visit.facility_id:
        raise DomainError(
            _("Choose an area of %(facility)s.") % {"facility": visit.facility}, field="area"
        )
    if held_at > timezone.now():
        raise DomainError(_("Record an interview once it has taken place."), field="held_at")
    if local_date(visit.facility, held_at) != visit.day:
        raise DomainError(
            _("The interview took place on the day of the visit, %(day)s.")
            % {"day": date_format(visit.day)},
            field="held_at",
        )
    interview = Interview.objects.create(visit=visit, area=area, held_at=held_at, recorded_by=actor)
    audit_record(
        actor=actor,
        action="interview.recorded",
        target=interview,
        changes={
            "visit": visit.pk,
            "area": area.pk if area else None,
            "held_at": held_at.isoformat(),
        },
        administration=visit.administration,
    )
    return interview


@transaction.atomic
def confidentiality_add(*, actor: User, visitor: Visitor, uploaded: UploadedFile) -> Visitor:
    """Keep an expert's separate signed confidentiality agreement for the visit: with it (or
    an MoU in force between the expert's organisation and the administration) the expert may
    enter."""
    visit = locked(visitor.visit)
    _check_monitoring(visit)
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk, visit=visit)
    if visitor.category != Category.EXPERT:
        raise DomainError(
            _("Only experts from other organisations sign a separate confidentiality agreement.")
        )
    before = visitor.confidentiality_document_id
    document = document_add(actor=actor, organisation=visit.organisation, uploaded=uploaded)
    visitor.confidentiality_document = document
    visitor.save(update_fields=["confidentiality_document"])
    audit_record(
        actor=actor,
        action="visitor.confidentiality_uploaded",
        target=visitor,
        changes={"document": [before, document.pk], "visit": visit.pk},
    )
    return visitor
