"""Who may see and do what with visits, the calendar and the gate.

An organisation's members see its visits and request new ones; a monitoring body's members
notify theirs. The administration's directors and coordinators see every visit of the
administration. A facility's visits officer sees that facility's visits and decides them; its
gate officer sees only that facility's visits of today, the day's manifest. Nobody else sees a
visit, and a second administration sees nothing of the first's.

Identity data (document numbers, nationality, contacts) of the people on a visit is shown only
to their own organisation's administrators, to the directors and coordinators who vet them, and
to the gate on the day they are expected.

Roles come from memberships. What the state allows (a refused visit is not approved) is a rule
of the services; here are who-may rules only. No role may refuse or limit a monitoring visit:
that is a rule of the services too, since no permission could allow it.
"""

from dataclasses import dataclass
from typing import Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accreditation.models import FormalMechanism
from activity.models import Document
from activity.permissions import Rule, deny, get_for_user, not_found
from activity.typing import AnyUser
from agreements.models import Agreement
from agreements.selectors import agreements_in_force
from directory.models import Facility, Organisation, Person, Role
from directory.permissions import administration_ids, facility_ids, has_role, organisation_ids

from .models import Category, Closure, EntranceProtocol, Visit, VisitingWindow, Visitor, local_today

#: Who speaks for the administration about visits.
ADMINISTRATION_STAFF = (Role.DIRECTOR, Role.COORDINATOR)
#: Who requests an organisation's visits (a monitoring body's members notify theirs).
REQUESTERS = (Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR)


def _gate_days(user: AnyUser) -> Q:
    """Each of the gate officer's facilities on its own today."""
    visible = Q(pk__in=[])
    facilities = facility_ids(user, (Role.GATE_OFFICER,))
    for facility in Facility.objects.filter(pk__in=facilities).only("time_zone"):
        visible |= Q(facility=facility.pk, day=local_today(facility))
    return visible


def visits_for_user(user: AnyUser) -> QuerySet[Visit]:
    """The visits the user may see."""
    if not user.is_authenticated:
        return Visit.objects.none()
    visible = Q(pk__in=[])
    administrations = administration_ids(user, ADMINISTRATION_STAFF)
    if administrations:
        visible |= Q(administration__in=administrations)
    officer_of = facility_ids(user, (Role.FACILITY_OFFICER,))
    if officer_of:
        visible |= Q(facility__in=officer_of)
    if facility_ids(user, (Role.GATE_OFFICER,)):
        visible |= _gate_days(user)
    organisations = organisation_ids(user, REQUESTERS)
    if organisations:
        visible |= Q(organisation__in=organisations)
        # Experts of an organisation invited on a monitoring body's joint visit: few, read
        # first, so that the organisation's own visits are still found by their index.
        joined = list(
            Visitor.objects.filter(
                category=Category.EXPERT, person__organisation__in=organisations
            ).values_list("visit", flat=True)
        )
        if joined:
            visible |= Q(pk__in=joined)
    return Visit.objects.filter(visible)


def is_visits_officer(user: AnyUser, facility_id: int, administration_id: int) -> bool:
    """The facility's visits officer, or a director of its administration."""
    return facility_id in facility_ids(user, (Role.FACILITY_OFFICER,)) or (
        administration_id in administration_ids(user, (Role.DIRECTOR,))
    )


def is_gate_officer(user: AnyUser, facility_id: int) -> bool:
    return facility_id in facility_ids(user, (Role.GATE_OFFICER,))


def speaks_for_organisation(user: AnyUser, visit: Visit) -> bool:
    return visit.organisation_id in organisation_ids(user, REQUESTERS)


def can_decide_visit(user: AnyUser, visit: Visit) -> bool:
    """Approve, reschedule, refuse, override capacity, settle a review: the facility's visits
    officer or a director."""
    return is_visits_officer(user, visit.facility_id, visit.administration_id)


def can_withdraw_visit(user: AnyUser, visit: Visit) -> bool:
    """The organisation that asked for the visit (or notified it) may call it off."""
    return speaks_for_organisation(user, visit)


def can_work_gate(user: AnyUser, visit: Visit) -> bool:
    """Check in and out, record searches, items, packages, refusals and incidents: the
    facility's gate officer, on the day."""
    return is_gate_officer(user, visit.facility_id) and visit.day == local_today(visit.facility)


def can_brief(user: AnyUser, visit: Visit) -> bool:
    """The first-visit briefing is given by the facility's staff: its gate officers on the day,
    its visits officers (or a director) at any time."""
    return can_work_gate(user, visit) or is_visits_officer(
        user, visit.facility_id, visit.administration_id
    )


def can_record_delay(user: AnyUser, visit: Visit) -> bool:
    """The only thing staff record against a monitoring visit: the facility's staff."""
    return is_gate_officer(user, visit.facility_id) or is_visits_officer(
        user, visit.facility_id, visit.administration_id
    )


def can_write_minutes(user: AnyUser, visit: Visit) -> bool:
    """A coordination meeting's minutes are kept by either side."""
    return (
        speaks_for_organisation(user, visit)
        or visit.administration_id in administration_ids(user, ADMINISTRATION_STAFF)
        or is_visits_officer(user, visit.facility_id, visit.administration_id)
    )


def can_see_identity(user: AnyUser, visit: Visit) -> bool:
    """Identity data of the people on the visit, as the directory's rule has it: the
    organisation's administrators, the directors and coordinators who vet people, and the gate
    on the day they are expected (not for a visit refused, withdrawn or still undecided)."""
    return (
        visit.organisation_id in organisation_ids(user, (Role.NGO_ADMIN,))
        or visit.administration_id in administration_ids(user, ADMINISTRATION_STAFF)
        or (can_work_gate(user, visit) and visit.status in Visit.EXPECTED_STATUSES)
    )


def gate_reads_identity(user: AnyUser, person: Person) -> bool:
    """Registered with the directory: the gate officers of a facility see the identity data
    of the people expected there today, and of nobody else."""
    if not facility_ids(user, (Role.GATE_OFFICER,)):
        return False
    return Visit.objects.expected().filter(_gate_days(user), visitors__person=person).exists()


def can_record_interview(user: AnyUser, visit: Visit) -> bool:
    """That a private interview took place is recorded by the monitoring body holding the
    visit, and by nobody else."""
    return speaks_for_organisation(user, visit)


def can_add_confidentiality(user: AnyUser, visit: Visit) -> bool:
    """The monitoring body that brings experts on its visit uploads their signed
    confidentiality agreements."""
    return speaks_for_organisation(user, visit)


_RULES: dict[str, Rule[Visit]] = {
    "decide": Rule(
        can_decide_visit,
        "visit.decide",
        _("Only the facility's visits officer or a director decides visits."),
    ),
    "withdraw": Rule(
        can_withdraw_visit,
        "visit.withdraw",
        _("Only the organisation that asked for the visit can withdraw it."),
    ),
    "gate": Rule(
        can_work_gate,
        "visit.gate",
        _("Only the facility's gate officers record entries, on the day of the visit."),
    ),
    "delay": Rule(
        can_record_delay,
        "visit.delay",
        _("Only the facility's staff record a delay."),
    ),
    "minutes": Rule(
        can_write_minutes,
        "visit.minutes",
        _("Only the two sides of the meeting keep its minutes."),
    ),
    "interview": Rule(
        can_record_interview,
        "visit.interview",
        _("Only the monitoring body that holds the visit records its private interviews."),
    ),
    "confidentiality": Rule(
        can_add_confidentiality,
        "visit.confidentiality",
        _("Only the monitoring body that holds the visit uploads its experts' agreements."),
    ),
}

VisitAction = Literal[
    "view", "decide", "withdraw", "gate", "delay", "minutes", "interview", "confidentiality"
]


def get_visit_for_user(user: AnyUser, pk: int, *, action: VisitAction = "view") -> Visit:
    """The visit, if the user may see it (else 404) and do ``action`` on it (else 403)."""
    return get_for_user(
        user,
        visits_for_user(user).select_related("facility", "organisation", "administration"),
        pk,
        entity="visit",
        action=action,
        rules=_RULES,
    )


@dataclass(frozen=True)
class VisitActions:
    """What the visit's page may offer the user; whether the state allows it is the services'
    answer, shown when it is tried."""

    decide: bool
    withdraw: bool
    gate: bool
    delay: bool
    minutes: bool
    identity: bool
    interview: bool
    confidentiality: bool
    brief: bool


def visit_actions(user: AnyUser, visit: Visit) -> VisitActions:
    return VisitActions(
        decide=can_decide_visit(user, visit) and not visit.monitoring,
        withdraw=can_withdraw_visit(user, visit),
        gate=can_work_gate(user, visit),
        delay=visit.monitoring and can_record_delay(user, visit),
        minutes=can_write_minutes(user, visit),
        identity=can_see_identity(user, visit),
        interview=visit.monitoring and can_record_interview(user, visit),
        confidentiality=visit.monitoring and can_add_confidentiality(user, visit),
        brief=can_brief(user, visit),
    )


# Requests ---------------------------------------------------------------------------------------


def requesting_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations the user may request (or notify) visits for."""
    return Organisation.objects.filter(pk__in=organisation_ids(user, REQUESTERS))


def can_request_visit(user: AnyUser, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids(user, REQUESTERS)


def cannot_request(user: AnyUser) -> PermissionDenied:
    return deny(
        user,
        "visit.request",
        None,
        str(
            _("Only an organisation's members request visits, and a monitoring body's notify them.")
        ),
    )


# Monitoring visits ------------------------------------------------------------------------------


def notifying_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The formal monitoring bodies (an NPM, a body with a special agreement) in which the user
    is a monitor: they notify visits rather than request them. Whether the body's mandate is in
    force on the day is the service's rule."""
    return Organisation.objects.filter(
        pk__in=organisation_ids(user, (Role.MONITOR,)), kind__in=Organisation.FORMAL_KINDS
    ).order_by("name")


def can_notify_visit(user: AnyUser, organisation: Organisation) -> bool:
    return organisation.is_formal_mechanism and organisation.pk in organisation_ids(
        user, (Role.MONITOR,)
    )


def cannot_notify(user: AnyUser) -> PermissionDenied:
    return deny(
        user,
        "visit.notify",
        None,
        str(_("Only the members of a registered monitoring body notify monitoring visits.")),
    )


def notifiable_facilities(user: AnyUser) -> QuerySet[Facility]:
    """Every facility of the administrations with which one of the user's monitoring bodies
    is registered: a mandate covers them all."""
    registered = FormalMechanism.objects.filter(
        organisation__in=notifying_organisations(user)
    ).values("administration")
    return Facility.objects.filter(administration__in=registered)


def expert_candidates() -> QuerySet[Person]:
    """Whom a monitoring body may bring along as an expert: people of organisations that are
    not themselves formal monitoring bodies (whose own people visit as members)."""
    # The few formal bodies are read once and set aside, rather than each person's
    # organisation being joined: a name typed into the suggestions may match most of the
    # people of a country (a third of a million rows on a join, 50 ms, for 20 suggestions).
    formal = Organisation.objects.filter(kind__in=Organisation.FORMAL_KINDS).values("pk")
    return Person.objects.exclude(organisation__in=formal)


def can_read_confidentiality_document(user: AnyUser, document: Document) -> bool:
    """An expert's signed confidentiality agreement is read by whoever sees the visit it was
    uploaded for: both sides, and the gate on the day."""
    return Visitor.objects.filter(
        confidentiality_document=document, visit__in=visits_for_user(user)
    ).exists()


def visible_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities whose visits the user may see some of, to filter lists by."""
    if not user.is_authenticated:
        return Facility.objects.none()
    organisations = organisation_ids(user, REQUESTERS)
    named = Agreement.facilities.through.objects.filter(
        Q(agreement__organisation__in=organisations)
        | Q(agreement__member_organisations__in=organisations)
    ).values("facility")
    return Facility.objects.filter(
        Q(administration__in=administration_ids(user, ADMINISTRATION_STAFF))
        | Q(pk__in=facility_ids(user, (Role.FACILITY_OFFICER, Role.GATE_OFFICER)))
        | Q(pk__in=named)
    ).order_by("name")


# The calendar, closures and the protocol ------------------------------------------------------


def managed_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities whose calendar, closures and entrance protocol the user keeps: a
    visits officer's facility, every facility of a director's administration."""
    if not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(
        Q(pk__in=facility_ids(user, (Role.FACILITY_OFFICER,)))
        | Q(administration__in=administration_ids(user, (Role.DIRECTOR,)))
    )


def can_manage_facility(user: AnyUser, facility: Facility) -> bool:
    return is_visits_officer(user, facility.pk, facility.administration_id)


def covered_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities that the MoUs in force of the user's organisations name: where they may
    book visits, and whose windows and free places they read to choose a date."""
    organisations = organisation_ids(user, REQUESTERS)
    if not organisations:
        return Facility.objects.none()
    in_force = agreements_in_force().filter(
        Q(organisation__in=organisations) | Q(member_organisations__in=organisations)
    )
    named = Agreement.facilities.through.objects.filter(agreement__in=in_force.values("pk"))
    return Facility.objects.filter(pk__in=named.values("facility"))


def calendar_facilities_for_user(user: AnyUser) -> QuerySet[Facility]:
    """The facilities whose calendar the user reads: those they keep, and those their
    organisations' MoUs in force name (read only)."""
    if not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(
        Q(pk__in=managed_facilities(user).values("pk"))
        | Q(pk__in=covered_facilities(user).values("pk"))
    )


_KEEPERS_ONLY = _(
    "Only the facility's visits officer or a director keeps its calendar and protocol."
)

_FACILITY_RULES: dict[str, Rule[Facility]] = {
    "manage": Rule(can_manage_facility, "facility.manage_visits", _KEEPERS_ONLY),
}


#: What belongs to a facility's calendar or protocol.
F = TypeVar("F", VisitingWindow, Closure, EntranceProtocol)


def _kept_at_facility(model: type[F]) -> dict[str, Rule[F]]:
    """The rule of what belongs to a facility's calendar or protocol (a window, a closure, a
    protocol version): "manage" is for those who keep the facility."""
    return {
        "manage": Rule(
            lambda user, obj: can_manage_facility(user, obj.facility),
            f"{model._meta.model_name}.manage",
            _KEEPERS_ONLY,
        )
    }


def get_calendar_facility_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "manage"] = "view"
) -> Facility:
    """The facility, if the user reads its calendar (else 404) and, for "manage", keeps it
    (else 403)."""
    return get_for_user(
        user,
        calendar_facilities_for_user(user).select_related("administration"),
        pk,
        entity="facility",
        action=action,
        rules=_FACILITY_RULES,
    )


def windows_for_user(user: AnyUser) -> QuerySet[VisitingWindow]:
    """Windows are read by the staff who keep them and by the organisations that book them:
    an organisation sees the windows of the facilities its MoUs in force name."""
    return VisitingWindow.objects.filter(facility__in=calendar_facilities_for_user(user))


def get_window_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "manage"] = "view"
) -> VisitingWindow:
    return get_for_user(
        user,
        windows_for_user(user).select_related("facility__administration"),
        pk,
        entity="visitingwindow",
        action=action,
        rules=_kept_at_facility(VisitingWindow),
    )


def closures_for_user(user: AnyUser) -> QuerySet[Closure]:
    """Closures are read where windows are: the organisations that book need to know."""
    return Closure.objects.filter(facility__in=calendar_facilities_for_user(user))


def get_closure_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "manage"] = "view"
) -> Closure:
    """The closure, if the user reads its facility's calendar (else 404) and, for "manage",
    keeps it (else 403)."""
    return get_for_user(
        user,
        closures_for_user(user).select_related("facility"),
        pk,
        entity="closure",
        action=action,
        rules=_kept_at_facility(Closure),
    )


def reviews_for_user(user: AnyUser) -> QuerySet[Visit]:
    """The review queue: the visits in review at the facilities the user keeps."""
    return Visit.objects.filter(
        status=Visit.Status.IN_REVIEW, facility__in=managed_facilities(user)
    )


def protocol_facilities_for_user(user: AnyUser) -> QuerySet[Facility]:
    """The facilities whose entrance protocol in force the user reads: whoever may enter or
    works there. Its keepers and the administration's staff; its gate and visits officers;
    members of organisations whose MoU in force names it; and members of monitoring bodies,
    who may visit any facility."""
    if not user.is_authenticated:
        return Facility.objects.none()
    if has_role(user, Role.MONITOR):
        return Facility.objects.all()
    return Facility.objects.filter(
        Q(administration__in=administration_ids(user, ADMINISTRATION_STAFF))
        | Q(pk__in=facility_ids(user, (Role.FACILITY_OFFICER, Role.GATE_OFFICER)))
        | Q(pk__in=covered_facilities(user).values("pk"))
    )


def get_protocol_facility_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "manage"] = "view"
) -> Facility:
    """The facility, if the user reads its protocol (else 404) and, for "manage", keeps it
    (else 403)."""
    return get_for_user(
        user,
        protocol_facilities_for_user(user).select_related("administration"),
        pk,
        entity="facility",
        action=action,
        rules=_FACILITY_RULES,
    )


def protocols_for_user(user: AnyUser) -> QuerySet[EntranceProtocol]:
    """Published versions are read by whoever reads the facility's protocol; drafts only by
    those who keep it."""
    if not user.is_authenticated:
        return EntranceProtocol.objects.none()
    return EntranceProtocol.objects.filter(
        Q(published_at__isnull=False, facility__in=protocol_facilities_for_user(user))
        | Q(facility__in=managed_facilities(user))
    )


def get_protocol_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "manage"] = "view"
) -> EntranceProtocol:
    return get_for_user(
        user,
        protocols_for_user(user).select_related("facility__administration"),
        pk,
        entity="entranceprotocol",
        action=action,
        rules=_kept_at_facility(EntranceProtocol),
    )


def gate_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities whose gate the user works."""
    return Facility.objects.filter(pk__in=facility_ids(user, (Role.GATE_OFFICER,)))


# The gate -------------------------------------------------------------------------------------


def _staff_facilities(user: AnyUser) -> QuerySet[Facility]:
    """The facilities the user sees as staff: every facility of a director's or coordinator's
    administration, a visits officer's and a gate officer's own."""
    if not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(
        Q(administration__in=administration_ids(user, ADMINISTRATION_STAFF))
        | Q(pk__in=facility_ids(user, (Role.FACILITY_OFFICER, Role.GATE_OFFICER)))
    )


def get_gate_facility_for_user(user: AnyUser, pk: int) -> Facility:
    """The facility whose gate (the day's manifest) the user works: 404 for a facility they do
    not see as staff (another facility's gate officer, an organisation, another
    administration), 403 for the staff who see it but do not work its gate."""
    facility = _staff_facilities(user).select_related("administration").filter(pk=pk).first()
    if facility is None:
        raise not_found(user, "facility.gate", Facility.objects.filter(pk=pk).first())
    if not is_gate_officer(user, facility.pk):
        raise deny(
            user,
            "facility.gate",
            facility,
            str(_("Only the facility's gate officers work with its manifest.")),
        )
    return facility


_VISITOR_RULES: dict[str, Rule[Visitor]] = {
    "gate": Rule(
        lambda user, visitor: can_work_gate(user, visitor.visit),
        "visit.gate",
        _("Only the facility's gate officers record entries, on the day of the visit."),
    ),
    "brief": Rule(
        lambda user, visitor: can_brief(user, visitor.visit),
        "visit.brief",
        _("Only the facility's staff record a briefing."),
    ),
}

VisitorAction = Literal["view", "gate", "brief"]


def get_visitor_for_user(user: AnyUser, pk: int, *, action: VisitorAction = "view") -> Visitor:
    """A person on a visit, if the user may see the visit (else 404) and do ``action`` (else
    403)."""
    return get_for_user(
        user,
        Visitor.objects.filter(visit__in=visits_for_user(user)).select_related(
            "person",
            "visit__facility__administration",
            "visit__organisation",
            "visit__administration",
            "visit__agreement",
        ),
        pk,
        entity="visitor",
        action=action,
        rules=_VISITOR_RULES,
    )


def searches_for_user(user: AnyUser) -> QuerySet[Visitor]:
    """The searches above the protocol's default, with their justification, are read by the
    administration's directors and coordinators; anyone else is refused."""
    administrations = administration_ids(user, ADMINISTRATION_STAFF)
    if not administrations:
        raise deny(
            user,
            "visit.searches",
            None,
            str(_("Only the administration's directors and coordinators read the searches.")),
        )
    return Visitor.objects.filter(visit__administration__in=administrations).exclude(
        search_justification=""
    )


def own_person(user: AnyUser) -> Person | None:
    """The person an organisation named with the user's account: who acknowledges a protocol
    for themselves."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("organisation").first()
