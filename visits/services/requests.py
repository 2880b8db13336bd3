"""Requests and decisions: an organisation asks for a visit (or a weekly series) under its MoU,
the facility's visits officer approves, reschedules or refuses it; an undecided request
expires; the organisation may withdraw.

Every request is checked against the MoU's terms (``visits.terms``), the facility's notice
rules and closures, and the window's places, in that order, and refused with every reason at
once."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.errors import DomainError
from activity.notify import Text
from activity.services import audit_record
from activity.transitions import transition
from activity.typing import User
from agreements.models import Agreement
from directory.models import ActivityType, Area, Facility, Organisation, Person

from .. import effects, reminders
from ..models import MAX_SERIES, Category, Visit, VisitingWindow, local_datetime, local_today
from ..terms import Plan, agreements_covering, breaches
from ._common import (
    add_visitors,
    closure_blocking,
    locked,
    officers,
    organisation_side,
    rules_of,
    take_places,
)


def _decide_by(facility: Facility, day: date, starts: time) -> datetime:
    """A request is decided before its notice period runs out: by the start of the day
    ``min_notice_days - 1`` before the visit, so that the organisation knows in time; at a
    facility that takes same-day requests (no minimum notice), by the time the visit starts."""
    notice = rules_of(facility).min_notice_days
    if notice == 0:
        return local_datetime(facility, day, starts)
    return local_datetime(facility, day - timedelta(days=notice - 1), time(0, 0))


def _check_calendar(
    *, facility: Facility, window: VisitingWindow, day: date, areas: Sequence[Area]
) -> list[str]:
    """The facility's own rules: the window opens that day, the notice, the closures."""
    problems: list[str] = []
    when = date_format(day)
    if window.facility_id != facility.pk or not window.falls_on(day):
        problems.append(
            _("The window %(window)s does not open on %(day)s.") % {"window": window, "day": when}
        )
    rules = rules_of(facility)
    today = local_today(facility)
    if day < today + timedelta(days=rules.min_notice_days):
        problems.append(
            _("%(facility)s takes requests at least %(days)s days ahead.")
            % {"facility": facility, "days": rules.min_notice_days}
        )
    elif local_datetime(facility, day, window.starts) <= timezone.now():
        problems.append(
            _("The visit starts at %(starts)s, which has passed.")
            % {"starts": f"{window.starts:%H:%M}"}
        )
    if day > today + timedelta(days=rules.max_notice_days):
        problems.append(
            _("%(facility)s takes requests at most %(days)s days ahead.")
            % {"facility": facility, "days": rules.max_notice_days}
        )
    closure = closure_blocking(facility, day, window, areas)
    if closure is not None:
        problems.append(
            _("%(facility)s is closed to visitors on %(day)s: %(reason)s")
            % {"facility": facility, "day": when, "reason": closure.reason}
        )
    return problems


def _refuse_with(problems: list[str], day: date | None = None) -> None:
    if not problems:
        return
    if day is not None:
        problems = [
            _("%(day)s: %(problem)s") % {"day": date_format(day), "problem": problem}
            for problem in problems
        ]
    raise DomainError(" ".join(problems), reasons=problems)


@transaction.atomic
def visit_request(
    *,
    actor: User,
    organisation: Organisation,
    agreement: Agreement,
    facility: Facility,
    window: VisitingWindow,
    day: date,
    purpose: str,
    people: Sequence[Person],
    areas: Sequence[Area] = (),
    equipment: Sequence[str] = (),
    activity_type: ActivityType | None = None,
    notes: str = "",
    weeks: int = 1,
) -> list[Visit]:
    """Request a visit, or the same visit every week the window opens for ``weeks`` weeks.
    Each date is checked against the MoU, the facility's rules and the window's places; if
    any date fails, nothing is requested and every reason is given. The facility's visits
    officers are told, and told again a day before an undecided request expires."""
    # Read afresh: the MoU may have been terminated or amended since the form was shown.
    found = Agreement.objects.filter(agreements_covering(organisation.pk), pk=agreement.pk)
    fresh = found.select_related("organisation", "administration").first()
    if fresh is None:
        raise DomainError(_("Choose an MoU of your organisation."), field="agreement")
    agreement = fresh
    if not people:
        raise DomainError(_("Name at least one person."), field="people")
    if not 1 <= weeks <= MAX_SERIES:
        raise DomainError(
            _("A series has from 1 to %(max)s visits.") % {"max": MAX_SERIES}, field="weeks"
        )
    days = [day + timedelta(weeks=window.every_weeks * n) for n in range(weeks)]
    visits: list[Visit] = []
    for each in days:
        plan = Plan(
            agreement=agreement,
            facility=facility,
            day=each,
            starts=window.starts,
            ends=window.ends,
            purpose=purpose,
            activity_type=activity_type,
            people=people,
            areas=areas,
            equipment=equipment,
        )
        problems = [
            *(str(breach) for breach in breaches(plan)),
            *_check_calendar(facility=facility, window=window, day=each, areas=areas),
        ]
        _refuse_with(problems, each if weeks > 1 else None)
        try:
            take_places(window=window, day=each, people=people, areas=areas)
        except DomainError as error:
            _refuse_with([error.message], each if weeks > 1 else None)
        visit = Visit.objects.create(
            administration=facility.administration,
            facility=facility,
            organisation=organisation,
            agreement=agreement,
            window=window,
            series=visits[0] if visits else None,
            purpose=purpose,
            activity_type=activity_type,
            day=each,
            starts_at=local_datetime(facility, each, window.starts),
            ends_at=local_datetime(facility, each, window.ends),
            equipment=list(equipment),
            notes=notes,
            requested_by=actor,
            decide_by=_decide_by(facility, each, window.starts),
        )
        visit.areas.set(areas)
        add_visitors(visit, people, Category.ORGANISATION)
        visits.append(visit)
        effects.publish_created(visit)
    first = visits[0]
    audit_record(
        actor=actor,
        action="visit.requested",
        target=first,
        changes={
            "people": [person.pk for person in people],
            "days": [str(each) for each in days],
        },
    )
    _tell_officers(first, count=len(visits))
    return visits


def _tell_officers(visit: Visit, *, count: int) -> None:
    recipients = officers(visit.facility)
    params = {
        "organisation": visit.organisation.name,
        "facility": visit.facility.name,
        "day": visit.day,
        "count": count,
    }
    notify.remind(
        recipients=recipients,
        kind=reminders.REQUEST_AWAITING,
        key=notify.reminder_key(visit, "requested"),
        subject=gettext_lazy("%(organisation)s asks to visit %(facility)s on %(day)s"),
        body=gettext_lazy("Visits asked for: %(count)s."),
        params=params,
        url=visit.get_absolute_url(),
    )
    assert visit.decide_by is not None
    warn_at = visit.decide_by - timedelta(hours=reminders.EXPIRING_NOTICE_HOURS)
    if warn_at > timezone.now():
        notify.remind(
            recipients=recipients,
            kind=reminders.REQUEST_EXPIRING,
            key=notify.reminder_key(visit, "expiring"),
            subject=gettext_lazy(
                "The request of %(organisation)s to visit %(facility)s on %(day)s expires "
                "tomorrow undecided"
            ),
            params=params,
            url=visit.get_absolute_url(),
            due_at=warn_at,
        )


def _check_decidable(visit: Visit) -> None:
    if visit.monitoring:
        raise DomainError(_("A monitoring body's visit is not decided: it cannot be refused."))
    if visit.is_expired():
        raise DomainError(
            _("The request expired undecided on %(day)s; the organisation may ask again.")
            % {"day": date_format(timezone.localtime(visit.decide_by))}
        )


def plan_of(visit: Visit, *, day: date, window: VisitingWindow) -> Plan:
    """The visit as a plan for ``day`` in ``window``, to check against its MoU."""
    assert visit.agreement is not None
    return Plan(
        agreement=visit.agreement,
        facility=visit.facility,
        day=day,
        starts=window.starts,
        ends=window.ends,
        purpose=visit.purpose,
        activity_type=visit.activity_type,
        people=[visitor.person for visitor in visit.visitors.select_related("person")],
        areas=list(visit.areas.all()),
        equipment=visit.equipment,
        visit_id=visit.pk,
    )


def _tell_organisation(visit: Visit, subject: Text, body: Text = "", **params: object) -> None:
    notify.remind(
        recipients=organisation_side(visit),
        kind=reminders.DECIDED,
        key=notify.reminder_key(visit, f"decided:{visit.status}:{timezone.now().timestamp():.0f}"),
        subject=subject,
        body=body,
        params={"facility": visit.facility.name, "day": visit.day, **params},
        url=visit.get_absolute_url(),
    )


@transaction.atomic
def visit_approve(*, actor: User, visit: Visit) -> Visit:
    """Approve a request, or confirm a visit in review. It is checked against the MoU again:
    what changed since it was asked (an annex, a clearance) is found now, not at the gate."""
    visit = locked(visit)
    _check_decidable(visit)
    assert visit.window is not None
    _refuse_with([str(b) for b in breaches(plan_of(visit, day=visit.day, window=visit.window))])
    visit.decided_by = actor
    visit.decided_at = timezone.now()
    visit.review_reason = ""
    visit.review_since = None
    transition(
        visit,
        Visit.Status.APPROVED,
        actor=actor,
        transitions=Visit.TRANSITIONS,
        extra_fields=("decided_by", "decided_at", "review_reason", "review_since"),
    )
    notify.cancel(key=notify.reminder_key(visit, "expiring"))
    _tell_organisation(visit, gettext_lazy("Your visit to %(facility)s on %(day)s is approved"))
    return visit


@transaction.atomic
def visit_reschedule(
    *,
    actor: User,
    visit: Visit,
    day: date,
    window: VisitingWindow,
    note: str,
    override: str = "",
) -> Visit:
    """Approve the visit on another date or window of the facility, with a word to the
    organisation. The new date is checked against the MoU, the closures and the places; the
    officer may admit it beyond capacity with a recorded reason."""
    visit = locked(visit)
    _check_decidable(visit)
    if not note.strip():
        raise DomainError(_("Tell the organisation why the visit moves."), field="note")
    problems = [str(b) for b in breaches(plan_of(visit, day=day, window=window))]
    if window.facility_id != visit.facility_id or not window.falls_on(day):
        problems.append(
            _("The window %(window)s does not open on %(day)s.")
            % {"window": window, "day": date_format(day)}
        )
    closure = closure_blocking(visit.facility, day, window, visit.areas.all())
    if closure is not None:
        problems.append(
            _("%(facility)s is closed to visitors on %(day)s: %(reason)s")
            % {"facility": visit.facility, "day": date_format(day), "reason": closure.reason}
        )
    _refuse_with(problems)
    take_places(
        window=window,
        day=day,
        people=[visitor.person for visitor in visit.visitors.select_related("person")],
        areas=list(visit.areas.all()),
        moving=visit,
        override=override,
    )
    before = {"day": str(visit.day), "window": visit.window_id, "status": visit.status}
    visit.day = day
    visit.window = window
    visit.starts_at = local_datetime(visit.facility, day, window.starts)
    visit.ends_at = local_datetime(visit.facility, day, window.ends)
    visit.status = Visit.Status.APPROVED
    visit.status_note = note
    visit.capacity_override = override
    visit.decided_by = actor
    visit.decided_at = timezone.now()
    visit.review_reason = ""
    visit.review_since = None
    visit.save(
        update_fields=[
            "day",
            "window",
            "starts_at",
            "ends_at",
            "status",
            "status_note",
            "capacity_override",
            "decided_by",
            "decided_at",
            "review_reason",
            "review_since",
        ]
    )
    audit_record(
        actor=actor,
        action="visit.rescheduled",
        target=visit,
        changes={
            "day": [before["day"], str(day)],
            "window": [before["window"], window.pk],
            "status": [before["status"], visit.status],
            "note": note,
            **({"override": override} if override else {}),
        },
    )
    notify.cancel(key=notify.reminder_key(visit, "expiring"))
    # A "visit tomorrow" already scheduled names the old day.
    notify.cancel(key=notify.reminder_key(visit, "tomorrow"))
    _tell_organisation(
        visit,
        gettext_lazy("Your visit to %(facility)s is moved to %(day)s"),
        gettext_lazy("%(note)s"),
        note=note,
    )
    return visit


@transaction.atomic
def visit_refuse(*, actor: User, visit: Visit, reason: str, note: str = "") -> Visit:
    """Refuse a request, or a visit in review, with a reason code; "other" is explained."""
    visit = locked(visit)
    _check_decidable(visit)
    if reason not in Visit.RefusalReason.values:
        raise DomainError(_("Choose a reason."), field="reason")
    if reason == Visit.RefusalReason.OTHER and not note.strip():
        raise DomainError(_("Explain the reason."), field="note")
    visit.refusal_reason = reason
    visit.status_note = note
    visit.decided_by = actor
    visit.decided_at = timezone.now()
    transition(
        visit,
        Visit.Status.REFUSED,
        actor=actor,
        transitions=Visit.TRANSITIONS,
        extra_fields=("refusal_reason", "status_note", "decided_by", "decided_at"),
        details={"reason": reason, "note": note},
    )
    notify.cancel(key=notify.reminder_key(visit))
    _tell_organisation(
        visit,
        gettext_lazy("Your visit to %(facility)s on %(day)s is refused"),
        gettext_lazy("Reason: %(reason)s. %(note)s"),
        reason=Visit.RefusalReason(reason).label,
        note=note,
    )
    return visit


@transaction.atomic
def visit_withdraw(*, actor: User, visit: Visit, note: str = "") -> Visit:
    """The organisation calls the visit off; its places are free again."""
    visit = locked(visit)
    if visit.ends_at < timezone.now():
        raise DomainError(_("The visit is over; it can no longer be withdrawn."))
    visit.status_note = note
    transition(
        visit,
        Visit.Status.WITHDRAWN,
        actor=actor,
        transitions=Visit.TRANSITIONS,
        extra_fields=("status_note",),
        details={"note": note},
    )
    notify.cancel(key=notify.reminder_key(visit))
    return visit
