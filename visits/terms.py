"""A visit checked against the MoU it is made under: who, when, where, what, how often and with
what equipment, and whether the MoU, the accreditation and each person's clearance are in force
on the day. Each breach names the MoU's clause that it breaks, so that the organisation reads
why in the words it signed, in its own language."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accreditation.selectors import accreditation_in_force, cleared_people
from agreements.models import Agreement, AgreementClause, Clause, Equipment, Weekday
from agreements.selectors import people_in_force_ids
from directory.models import ActivityType, Area, Facility, Person

from .models import Purpose, Visit


@dataclass(frozen=True)
class Breach:
    """One way a visit falls outside what the MoU allows."""

    message: str
    clause: str = ""

    def __str__(self) -> str:
        return f"{self.message} ({self.clause})" if self.clause else self.message


@dataclass(frozen=True)
class Plan:
    """What a visit would be: checked before it is created, and again when it is decided."""

    agreement: Agreement
    facility: Facility
    day: date
    starts: time
    ends: time
    purpose: str
    activity_type: ActivityType | None
    people: Sequence[Person]
    areas: Sequence[Area]
    equipment: Sequence[str]
    # The visit itself when it is checked again: not counted against its own frequency.
    visit_id: int | None = None


def _clause_names(agreement: Agreement) -> dict[str, str]:
    """The MoU's clauses by kind, as a reader names them: "clause 3, “Days, hours and
    frequency of access”"."""
    clauses = (
        AgreementClause.objects.filter(agreement=agreement, included=True)
        .select_related("clause_version__clause")
        .order_by("order")
    )
    names: dict[str, str] = {}
    for number, clause in enumerate(clauses, start=1):
        kind = clause.clause_version.clause.kind
        names.setdefault(
            kind,
            _("clause %(number)s, “%(title)s”")
            % {"number": number, "title": clause.clause_version.clause.title},
        )
    return names


def _names(items: Iterable[object]) -> str:
    return ", ".join(str(item) for item in items)


def _week(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def _month(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def _visits_between(plan: Plan, first: date, last: date) -> int:
    """The MoU's visits that hold places between the two days, this one left out."""
    visits = Visit.objects.holding_places().filter(
        agreement=plan.agreement, day__gte=first, day__lte=last
    )
    if plan.visit_id is not None:
        visits = visits.exclude(pk=plan.visit_id)
    return visits.count()


def breaches(plan: Plan) -> list[Breach]:
    """Every way the visit falls outside the MoU, each naming its clause; none if it is
    within it. About ten queries, whatever the number of people and areas."""
    agreement = plan.agreement
    clause = _clause_names(agreement)
    found: list[Breach] = []

    def breach(kind: str, message: str) -> None:
        found.append(Breach(message, clause.get(kind, "")))

    # In force on the day: signed, within its term, the accreditation in force.
    if not agreement.is_within_term(plan.day):
        breach(
            Clause.Kind.TERM,
            _("The MoU is not in force on %(day)s.") % {"day": date_format(plan.day)},
        )
    elif accreditation_in_force(agreement.organisation, agreement.administration, plan.day) is None:
        breach(
            Clause.Kind.TERMINATION,
            _(
                "The organisation's accreditation is not in force on %(day)s, so the MoU is "
                "suspended."
            )
            % {"day": date_format(plan.day)},
        )

    # Where.
    facility_ids = set(agreement.facilities.values_list("pk", flat=True))
    if plan.facility.pk not in facility_ids:
        breach(
            Clause.Kind.PURPOSE,
            _("The MoU does not cover %(facility)s.") % {"facility": plan.facility},
        )
    forbidden = set(agreement.forbidden_areas.values_list("pk", flat=True))
    permitted = set(agreement.permitted_areas.values_list("pk", flat=True))
    off_limits = [area for area in plan.areas if area.pk in forbidden]
    if off_limits:
        breach(
            Clause.Kind.OFF_LIMITS,
            ngettext(
                "The MoU puts this area off limits: %(areas)s.",
                "The MoU puts these areas off limits: %(areas)s.",
                len(off_limits),
            )
            % {"areas": _names(area.name for area in off_limits)},
        )
    not_permitted = [
        area for area in plan.areas if area.pk not in permitted and area.pk not in forbidden
    ]
    if not_permitted:
        breach(
            Clause.Kind.OFF_LIMITS,
            ngettext(
                "The MoU does not permit this area: %(areas)s.",
                "The MoU does not permit these areas: %(areas)s.",
                len(not_permitted),
            )
            % {"areas": _names(area.name for area in not_permitted)},
        )

    # Who: named in the MoU (with its annexes) and cleared on the day.
    named = people_in_force_ids(agreement)
    not_named = [person for person in plan.people if person.pk not in named]
    if not_named:
        breach(
            Clause.Kind.PEOPLE,
            ngettext(
                "The MoU does not name %(people)s.",
                "The MoU does not name these people: %(people)s.",
                len(not_named),
            )
            % {"people": _names(not_named)},
        )
    cleared = set(
        cleared_people(agreement.administration, on=plan.day)
        .filter(pk__in=[person.pk for person in plan.people])
        .values_list("pk", flat=True)
    )
    not_cleared = [person for person in plan.people if person.pk not in cleared]
    if not_cleared:
        found.append(
            Breach(
                ngettext(
                    "%(people)s is not cleared by the administration on that day.",
                    "These people are not cleared by the administration on that day: %(people)s.",
                    len(not_cleared),
                )
                % {"people": _names(not_cleared)}
            )
        )

    # When: the days of the week, the hours, how often.
    if plan.day.weekday() not in agreement.weekdays:
        breach(
            Clause.Kind.SCHEDULE,
            _("The MoU does not allow visits on %(weekday)s.")
            % {"weekday": Weekday(plan.day.weekday()).label},
        )
    if plan.starts < agreement.day_starts or plan.ends > agreement.day_ends:
        breach(
            Clause.Kind.SCHEDULE,
            _("The MoU allows visits from %(starts)s to %(ends)s only.")
            % {"starts": f"{agreement.day_starts:%H:%M}", "ends": f"{agreement.day_ends:%H:%M}"},
        )
    if _visits_between(plan, *_week(plan.day)) + 1 > agreement.visits_per_week:
        breach(
            Clause.Kind.SCHEDULE,
            ngettext(
                "The MoU allows %(count)s visit a week, and that week has it already.",
                "The MoU allows %(count)s visits a week, and that week has them already.",
                agreement.visits_per_week,
            )
            % {"count": agreement.visits_per_week},
        )
    if _visits_between(plan, *_month(plan.day)) + 1 > agreement.visits_per_month:
        breach(
            Clause.Kind.SCHEDULE,
            ngettext(
                "The MoU allows %(count)s visit a month, and that month has it already.",
                "The MoU allows %(count)s visits a month, and that month has them already.",
                agreement.visits_per_month,
            )
            % {"count": agreement.visits_per_month},
        )

    # What: the activity and the equipment.
    activities = set(agreement.activity_types.values_list("code", flat=True))
    if plan.activity_type is not None and plan.activity_type.code not in activities:
        breach(
            Clause.Kind.ACTIVITIES,
            _("The MoU does not include this activity: %(activity)s.")
            % {"activity": plan.activity_type},
        )
    if plan.purpose == Purpose.MONITORING and ActivityType.Code.MONITORING not in activities:
        breach(Clause.Kind.ACTIVITIES, _("The MoU does not include monitoring."))
    not_allowed = [item for item in plan.equipment if item not in agreement.equipment]
    if not_allowed:
        breach(
            Clause.Kind.ACTIVITIES,
            ngettext(
                "The MoU does not allow this equipment: %(items)s.",
                "The MoU does not allow this equipment: %(items)s.",
                len(not_allowed),
            )
            % {"items": _names(Equipment(item).label for item in not_allowed)},
        )
    return found


def agreements_covering(organisation_id: int) -> Q:
    """The MoUs a member of the organisation may request visits under: its own, and a
    network's MoUs that cover it."""
    return Q(organisation=organisation_id) | Q(member_organisations=organisation_id)
