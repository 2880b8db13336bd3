"""Who may see and do what in accreditation.

Administration side: directors run the process (publish rules, assign reviewers, decide, suspend,
decide appeals, vet people, register formal mechanisms); coordinators follow it and vet people;
reviewers see only the applications assigned to them (a django-guardian grant given at
assignment), and the file only once they have declared no conflict of interest.
Organisation side: an organisation sees only its own applications, documents and
accreditations; its administrators act on them, its members read them.

Every entity has the same four pieces: ``<entities>_for_user`` (what the user may see),
``get_<entity>_for_user(user, pk, action=…)`` (not found for the invisible, refused with a
reason for a forbidden action), ``can_<verb>_<entity>`` predicates, and, where a page offers
buttons, ``<entity>_actions`` (who may act comes from here; when the state allows it, from the
model). Roles come from memberships. Rules of state (a published version never changes) and
separation of duties (the decider did not score, the appeal goes to someone else) are the
services'.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity.models import Document
from activity.permissions import Rule, deny, get_for_user, granted_ids
from activity.typing import AnyUser
from directory.models import Administration, Organisation, Person, Role
from directory.permissions import (
    administration_ids,
    memberships,
    organisation_ids,
    organisations_for_user,
    people_for_user,
)

from .models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    ConditionResponse,
    Criterion,
    Decision,
    FormalMechanism,
    Framework,
    ReviewAssignment,
)

_RUNS_PROCESS = {Role.DIRECTOR, Role.COORDINATOR}
_ORGANISATION_SIDE = {Role.NGO_ADMIN, Role.NGO_MEMBER}

ONLY_THE_DIRECTOR_CHANGES_THE_RULES = gettext_lazy("Only the director can change the rules.")


def _process_admin_ids(user: AnyUser) -> set[int]:
    return administration_ids(user, _RUNS_PROCESS)


def _director_of(user: AnyUser, administration_id: int) -> bool:
    return administration_id in administration_ids(user, {Role.DIRECTOR})


def _runs_process_of(user: AnyUser, administration_id: int) -> bool:
    return administration_id in _process_admin_ids(user)


def _is_applicant(user: AnyUser, application: Application) -> bool:
    return application.organisation_id in organisation_ids(user, _ORGANISATION_SIDE)


def _applicant_admin(user: AnyUser, organisation_id: int) -> bool:
    return organisation_id in organisation_ids(user, {Role.NGO_ADMIN})


def _own_assignment(user: AnyUser, application: Application) -> ReviewAssignment | None:
    if not user.is_authenticated:
        return None
    return application.assignments.filter(reviewer=user).first()


def _administration_of(decision: Decision) -> int:
    return decision.application.framework.administration_id


# Administrations and organisations --------------------------------------------------------------


def directed_administrations_for_user(user: AnyUser) -> QuerySet[Administration]:
    """The administrations in which the user is a director: where they may start a version of
    the rules or register a formal mechanism."""
    return Administration.objects.filter(pk__in=administration_ids(user, {Role.DIRECTOR}))


def own_organisations_for_user(user: AnyUser) -> list[Organisation]:
    """The organisations the user applies for or reads the applications of, as one of their
    administrators or members, by name: from the memberships the request has read already."""
    own = {
        m.organisation for m in memberships(user) if m.organisation and m.role in _ORGANISATION_SIDE
    }
    return sorted(own, key=lambda organisation: organisation.name)


def can_create_application(user: AnyUser, organisation: Organisation) -> bool:
    """An organisation's administrators apply, and renew, on its behalf."""
    return _applicant_admin(user, organisation.pk)


_ORGANISATION_RULES: dict[str, Rule[Organisation]] = {
    "apply": Rule(
        can_create_application,
        "application.create",
        gettext_lazy("Only the organisation's administrators can apply on its behalf."),
    ),
}


def get_organisation_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "apply"] = "view"
) -> Organisation:
    """An organisation as the directory shows it to the user, for accreditation's actions on
    it."""
    return get_for_user(
        user,
        organisations_for_user(user),
        pk,
        entity="organisation",
        action=action,
        rules=_ORGANISATION_RULES,
    )


# Frameworks -------------------------------------------------------------------------------------


def frameworks_for_user(user: AnyUser) -> QuerySet[Framework]:
    """All versions, drafts included, for the administration's directors, coordinators and
    reviewers. Everyone else reads the version in force on the public page."""
    ids = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR, Role.REVIEWER})
    return Framework.objects.filter(administration__in=ids).select_related("administration")


def can_create_framework(user: AnyUser) -> bool:
    """A director starts the next version of their administration's rules."""
    return bool(administration_ids(user, {Role.DIRECTOR}))


def can_change_framework(user: AnyUser, framework: Framework) -> bool:
    """The director writes and publishes the rules."""
    return _director_of(user, framework.administration_id)


_FRAMEWORK_RULES: dict[str, Rule[Framework]] = {
    "change": Rule(can_change_framework, "framework.change", ONLY_THE_DIRECTOR_CHANGES_THE_RULES),
}


def get_framework_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Framework:
    return get_for_user(
        user,
        frameworks_for_user(user),
        pk,
        entity="framework",
        action=action,
        rules=_FRAMEWORK_RULES,
    )


@dataclass(frozen=True)
class FrameworkActions:
    """What the page of a version of the rules offers this user now."""

    # Change the texts and criteria, and publish.
    edit: bool = False


def framework_actions(user: AnyUser, framework: Framework) -> FrameworkActions:
    return FrameworkActions(edit=framework.is_editable and can_change_framework(user, framework))


def criteria_for_user(user: AnyUser) -> QuerySet[Criterion]:
    """The criteria of the versions the user may see."""
    return Criterion.objects.filter(framework__in=frameworks_for_user(user)).select_related(
        "framework__administration"
    )


def can_change_criterion(user: AnyUser, criterion: Criterion) -> bool:
    """A criterion is part of the rules: the director writes it."""
    return can_change_framework(user, criterion.framework)


_CRITERION_RULES: dict[str, Rule[Criterion]] = {
    "change": Rule(can_change_criterion, "criterion.change", ONLY_THE_DIRECTOR_CHANGES_THE_RULES),
}


def get_criterion_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Criterion:
    return get_for_user(
        user,
        criteria_for_user(user),
        pk,
        entity="criterion",
        action=action,
        rules=_CRITERION_RULES,
    )


# Applications -----------------------------------------------------------------------------------


def applications_for_user(user: AnyUser) -> QuerySet[Application]:
    """The applications a user may see: the administration's staff see those submitted to it
    (a draft, or one withdrawn before it was ever submitted, stays the organisation's alone);
    an organisation sees its own; a reviewer sees those assigned to them. Only the clauses of
    the roles the user holds are asked, so that the database can use its indexes (an OR with
    the reviewers' grant table made it read every application)."""
    if not user.is_authenticated:
        return Application.objects.none()
    clauses: list[Q] = []
    staff_of = _process_admin_ids(user)
    if staff_of:
        clauses.append(Q(administration__in=staff_of, submitted_at__isnull=False))
    # The organisation's own and the reviewer's grants are a few rows each: one set of ids,
    # each part read from its own index.
    narrow: list[QuerySet[Any]] = []
    own = organisation_ids(user, _ORGANISATION_SIDE)
    if own:
        narrow.append(Application.objects.filter(organisation__in=own).order_by().values("pk"))
    if administration_ids(user, {Role.REVIEWER}):
        narrow.append(granted_ids(user, "accreditation.view_application", Application))
    if narrow:
        clauses.append(Q(pk__in=narrow[0].union(*narrow[1:])))
    if not clauses:
        return Application.objects.none()
    visible = clauses[0]
    for clause in clauses[1:]:
        visible |= clause
    return Application.objects.filter(visible).select_related(
        "organisation", "framework__administration"
    )


def can_see_file(user: AnyUser, application: Application) -> bool:
    """The applicant and the people running the process see the file; a reviewer only after
    declaring no conflict of interest."""
    if _is_applicant(user, application):
        return True
    if _runs_process_of(user, application.framework.administration_id):
        return True
    assignment = _own_assignment(user, application)
    return assignment is not None and assignment.may_see_file


def can_edit_application(user: AnyUser, application: Application) -> bool:
    """The organisation's administrators change, submit and withdraw its application."""
    return _applicant_admin(user, application.organisation_id)


def can_manage_application(user: AnyUser, application: Application) -> bool:
    """The director returns applications, assigns reviewers and decides."""
    return _director_of(user, application.framework.administration_id)


def can_see_scores(user: AnyUser, application: Application) -> bool:
    """Directors and coordinators see the score sheet; reviewers once their own scores are in;
    the applicant once the application is decided."""
    if _runs_process_of(user, application.framework.administration_id):
        return True
    if _is_applicant(user, application):
        return application.status == Application.Status.DECIDED
    assignment = _own_assignment(user, application)
    # A reviewer sees the combined result once every review is in, not after their own.
    return (
        assignment is not None
        and assignment.status == ReviewAssignment.Status.SUBMITTED
        and (
            application.is_ready_for_decision() or application.status == Application.Status.DECIDED
        )
    )


def can_see_reviewers(user: AnyUser, application: Application) -> bool:
    """Who reviewed, and what each wrote, is known to the directors and coordinators; the
    applicant and the other reviewers see the scores under "Reviewer 1, 2…"."""
    return _runs_process_of(user, application.framework.administration_id)


def can_see_score_comments(user: AnyUser, application: Application) -> bool:
    """What the reviewers wrote beside their scores goes to the people running the process
    (with the reviewers' names) and to the applicant (without)."""
    return can_see_reviewers(user, application) or _is_applicant(user, application)


def can_see_moderation_note(user: AnyUser, application: Application) -> bool:
    """The moderation note is the administration's: everyone who reads the decision sees it
    but the applicant."""
    return not _is_applicant(user, application)


def can_read_decision_letter(user: AnyUser, application: Application) -> bool:
    """The decision letter goes to the applicant's users and the administration's staff."""
    return _is_applicant(user, application) or (
        application.framework.administration_id in administration_ids(user)
    )


_APPLICATION_RULES: dict[str, Rule[Application]] = {
    "edit": Rule(
        can_edit_application,
        "application.change",
        gettext_lazy(
            "Only the organisation's administrators can change or submit its application."
        ),
    ),
    "manage": Rule(
        can_manage_application,
        "application.manage",
        gettext_lazy("Only the director can return, assign or decide an application."),
    ),
    "read_letter": Rule(
        can_read_decision_letter,
        "application.letter",
        gettext_lazy("The decision letter is for the applicant and the administration."),
    ),
}


def get_application_for_user(
    user: AnyUser,
    pk: int,
    *,
    action: Literal["view", "edit", "manage", "read_letter"] = "view",
) -> Application:
    return get_for_user(
        user,
        applications_for_user(user),
        pk,
        entity="application",
        action=action,
        rules=_APPLICATION_RULES,
    )


@dataclass(frozen=True)
class ApplicationActions:
    """What the page of an application offers this user now."""

    edit: bool = False
    submit: bool = False
    withdraw: bool = False
    send_back: bool = False
    assign: bool = False
    decide: bool = False
    # Shown beside a disabled "Decide" while the reviews are not all in.
    decide_waits_for: str = ""


def application_actions(user: AnyUser, application: Application) -> ApplicationActions:
    """The buttons of an application's page: who may act comes from here, when the state
    allows it from the model's state machine."""
    Status = Application.Status
    applicant = can_edit_application(user, application)
    director = can_manage_application(user, application)
    waits_for = ""
    ready = False
    if director and application.may_become(Status.DECIDED):
        ready = application.is_ready_for_decision()
        if not ready:
            submitted, assigned = application.review_progress()
            waits_for = _(
                "%(submitted)s of %(assigned)s reviews submitted: the application can be "
                "decided once every assigned reviewer, and at least %(minimum)s, has scored it."
            ) % {
                "submitted": submitted,
                "assigned": assigned,
                "minimum": Application.MIN_REVIEWERS,
            }
    return ApplicationActions(
        edit=applicant and application.is_editable,
        submit=applicant and application.may_become(Status.SUBMITTED),
        withdraw=applicant and application.may_become(Status.WITHDRAWN),
        send_back=director and application.may_become(Status.RETURNED),
        assign=director and application.status in {Status.SUBMITTED, Status.UNDER_REVIEW},
        decide=ready,
        decide_waits_for=waits_for,
    )


# Review -----------------------------------------------------------------------------------------


def assignments_for_user(user: AnyUser) -> QuerySet[ReviewAssignment]:
    """A review is the reviewer's own: nobody else opens it."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user).select_related(
        "application__organisation", "application__framework"
    )


def get_assignment_for_user(user: AnyUser, pk: int) -> ReviewAssignment:
    return get_for_user(user, assignments_for_user(user), pk, entity="review")


# Documents --------------------------------------------------------------------------------------


def can_read_document(user: AnyUser, document: Document) -> bool:
    """The people running the process read the documents of organisations that applied to
    their administration; a reviewer reads those of a file they declared on and were cleared
    to see. (The organisation's own users are admitted by the directory's rule.)"""
    staff_of = _process_admin_ids(user)
    applied = Application.objects.filter(
        evidence__documents=document, framework__administration__in=staff_of
    ).exclude(status=Application.Status.DRAFT)
    mandate = FormalMechanism.objects.filter(
        mandate_document=document, administration__in=administration_ids(user)
    )
    reviewing = ReviewAssignment.objects.filter(
        reviewer_id=user.pk,
        status__in=[ReviewAssignment.Status.SCORING, ReviewAssignment.Status.SUBMITTED],
        application__evidence__documents=document,
    )
    # An organisation's answer to a condition goes to the administration that set it.
    answered = ConditionResponse.objects.filter(
        documents=document, condition__decision__application__framework__administration__in=staff_of
    )
    return (
        bool(staff_of) and (applied.exists() or mandate.exists() or answered.exists())
    ) or reviewing.exists()


# Decisions and appeals --------------------------------------------------------------------------


def decisions_for_user(user: AnyUser) -> QuerySet[Decision]:
    """A decision is seen with its application."""
    return Decision.objects.filter(application__in=applications_for_user(user)).select_related(
        "application__organisation", "application__framework"
    )


def can_appeal_decision(user: AnyUser, decision: Decision) -> bool:
    """The organisation's administrators appeal a decision, or a suspension or revocation of
    the accreditation it gave."""
    return _applicant_admin(user, decision.application.organisation_id)


_DECISION_RULES: dict[str, Rule[Decision]] = {
    "appeal": Rule(
        can_appeal_decision,
        "appeal.lodge",
        gettext_lazy("Only the organisation's administrators can appeal."),
    ),
}


def get_decision_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "appeal"] = "view"
) -> Decision:
    return get_for_user(
        user, decisions_for_user(user), pk, entity="decision", action=action, rules=_DECISION_RULES
    )


def appeals_for_user(user: AnyUser) -> QuerySet[Appeal]:
    """An appeal is seen with the application whose decision it appeals."""
    return Appeal.objects.filter(
        decision__application__in=applications_for_user(user)
    ).select_related("decision__application__framework", "decision__application__organisation")


def _decides_appeals(user: AnyUser, decision: Decision) -> bool:
    return _director_of(user, _administration_of(decision))


def can_decide_appeal(user: AnyUser, appeal: Appeal) -> bool:
    """A director decides appeals; the service refuses the author of the decision appealed."""
    return _decides_appeals(user, appeal.decision)


_APPEAL_RULES: dict[str, Rule[Appeal]] = {
    "decide": Rule(
        can_decide_appeal, "appeal.decide", gettext_lazy("Only a director can decide an appeal.")
    ),
}


def get_appeal_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "decide"] = "view"
) -> Appeal:
    return get_for_user(
        user, appeals_for_user(user), pk, entity="appeal", action=action, rules=_APPEAL_RULES
    )


def _verifies_conditions(user: AnyUser, decision: Decision) -> bool:
    return _runs_process_of(user, _administration_of(decision))


@dataclass(frozen=True)
class DecisionActions:
    """What a decision offers this user, on its application's page and its accreditation's."""

    read_letter: bool = False
    appeal: bool = False
    decide_appeals: bool = False
    verify_conditions: bool = False


def decision_actions(
    user: AnyUser, decision: Decision, *, open_deadlines: Mapping[str, date]
) -> DecisionActions:
    """``open_deadlines`` is what may still be appealed today (the services' deadlines)."""
    return DecisionActions(
        read_letter=can_read_decision_letter(user, decision.application),
        appeal=can_appeal_decision(user, decision) and bool(open_deadlines),
        decide_appeals=_decides_appeals(user, decision),
        verify_conditions=_verifies_conditions(user, decision),
    )


# Accreditations ---------------------------------------------------------------------------------


def accreditations_for_user(user: AnyUser) -> QuerySet[Accreditation]:
    if not user.is_authenticated:
        return Accreditation.objects.none()
    return Accreditation.objects.filter(
        Q(decision__application__framework__administration__in=_process_admin_ids(user))
        | Q(organisation__in=organisation_ids(user, _ORGANISATION_SIDE))
    ).select_related("organisation", "decision__application__framework")


def can_change_accreditation(user: AnyUser, accreditation: Accreditation) -> bool:
    """The director suspends, reinstates and revokes."""
    return _director_of(user, _administration_of(accreditation.decision))


_ACCREDITATION_RULES: dict[str, Rule[Accreditation]] = {
    "change": Rule(
        can_change_accreditation,
        "accreditation.change",
        gettext_lazy("Only the director can suspend, reinstate or revoke an accreditation."),
    ),
}


def get_accreditation_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "change"] = "view"
) -> Accreditation:
    return get_for_user(
        user,
        accreditations_for_user(user),
        pk,
        entity="accreditation",
        action=action,
        rules=_ACCREDITATION_RULES,
    )


@dataclass(frozen=True)
class AccreditationActions:
    """What the page of an accreditation offers this user now."""

    suspend: bool = False
    reinstate: bool = False
    revoke: bool = False


def accreditation_actions(user: AnyUser, accreditation: Accreditation) -> AccreditationActions:
    if not can_change_accreditation(user, accreditation):
        return AccreditationActions()
    Status = Accreditation.Status
    possible = Accreditation.TRANSITIONS[Status(accreditation.status)]
    return AccreditationActions(
        suspend=Status.SUSPENDED in possible,
        # A revocation is overturned only on appeal: the director reinstates a suspension.
        reinstate=accreditation.status == Status.SUSPENDED,
        revoke=Status.REVOKED in possible,
    )


# Conditions -------------------------------------------------------------------------------------


def conditions_for_user(user: AnyUser) -> QuerySet[Condition]:
    """The directors and coordinators of the administration that set a condition, and the
    organisation it was set for, see it with its history."""
    if not user.is_authenticated:
        return Condition.objects.none()
    return Condition.objects.filter(
        Q(decision__application__framework__administration__in=_process_admin_ids(user))
        | Q(decision__application__organisation__in=organisation_ids(user, _ORGANISATION_SIDE))
    ).select_related(
        "owner",
        "decision__application__organisation",
        "decision__application__framework__administration",
    )


def can_run_process(user: AnyUser) -> bool:
    """Directors and coordinators run an administration's accreditation: they see what waits
    on a decision or an appeal, assign reviewers, decide, follow the conditions and vet
    people."""
    return bool(_process_admin_ids(user))


def can_list_conditions(user: AnyUser) -> bool:
    return can_run_process(user)


def open_conditions_for_user(user: AnyUser) -> QuerySet[Condition]:
    """The conditions not yet met across the organisations accredited by the administrations
    the user runs the process of (directors and coordinators); the list is theirs alone."""
    if not can_list_conditions(user):
        raise deny(
            user,
            "condition.list",
            None,
            _("Only the administration's directors and coordinators follow up conditions."),
        )
    return (
        Condition.objects.not_met()
        .filter(decision__application__administration__in=_process_admin_ids(user))
        .select_related("owner", "decision__application__organisation")
    )


def can_answer_condition(user: AnyUser, condition: Condition) -> bool:
    """The organisation's administrators answer its conditions."""
    return _applicant_admin(user, condition.decision.application.organisation_id)


def can_verify_condition(user: AnyUser, condition: Condition) -> bool:
    """Directors and coordinators confirm that a condition was met, or find it was not."""
    return _verifies_conditions(user, condition.decision)


_CONDITION_RULES: dict[str, Rule[Condition]] = {
    "answer": Rule(
        can_answer_condition,
        "condition.answer",
        gettext_lazy("Only the organisation's administrators answer a condition."),
    ),
    "verify": Rule(
        can_verify_condition,
        "condition.met",
        gettext_lazy("Only the administration confirms that a condition was met."),
    ),
}


def get_condition_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "answer", "verify"] = "view"
) -> Condition:
    return get_for_user(
        user,
        conditions_for_user(user),
        pk,
        entity="condition",
        action=action,
        rules=_CONDITION_RULES,
    )


@dataclass(frozen=True)
class ConditionActions:
    """What the page of a condition offers this user now."""

    answer: bool = False
    mark_met: bool = False
    mark_not_met: bool = False


def condition_actions(user: AnyUser, condition: Condition) -> ConditionActions:
    Status = Condition.Status
    possible = Condition.TRANSITIONS[Status(condition.status)]
    verifies = can_verify_condition(user, condition)
    return ConditionActions(
        answer=can_answer_condition(user, condition) and condition.may_be_answered(),
        mark_met=verifies and Status.MET in possible,
        mark_not_met=verifies and Status.NOT_MET in possible,
    )


# People vetting ---------------------------------------------------------------------------------


def clearances_for_user(user: AnyUser) -> QuerySet[Clearance]:
    """Directors and coordinators see the vetting of their own administration; organisations
    see their own people's clearances with every administration."""
    if not user.is_authenticated:
        return Clearance.objects.none()
    return Clearance.objects.filter(
        Q(administration__in=_process_admin_ids(user))
        | Q(person__organisation__in=organisation_ids(user, _ORGANISATION_SIDE))
    ).select_related("person__organisation", "administration")


def can_vet_people(user: AnyUser) -> bool:
    """Directors and coordinators vet people for their administration."""
    return can_run_process(user)


def can_vet_person(user: AnyUser, person: Person) -> bool:
    """The directors and coordinators of an administration asked to vet the person: they see
    the identity data they vet."""
    staff_of = _process_admin_ids(user)
    return bool(staff_of) and person.clearances.filter(administration__in=staff_of).exists()


def can_decide_clearance(user: AnyUser, clearance: Clearance) -> bool:
    return _runs_process_of(user, clearance.administration_id)


def can_see_clearances(user: AnyUser, person: Person) -> bool:
    """The directors and coordinators of an administration (its own vetting only), and the
    person's own organisation."""
    return can_vet_people(user) or person.organisation_id in organisation_ids(
        user, _ORGANISATION_SIDE
    )


def can_request_clearance(user: AnyUser, person: Person) -> bool:
    """An organisation's administrators ask for its people to be vetted."""
    return _applicant_admin(user, person.organisation_id)


_CLEARANCE_RULES: dict[str, Rule[Clearance]] = {
    "decide": Rule(
        can_decide_clearance,
        "clearance.decide",
        gettext_lazy("Only the administration's directors and coordinators vet people."),
    ),
}


def get_clearance_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "decide"] = "view"
) -> Clearance:
    return get_for_user(
        user,
        clearances_for_user(user),
        pk,
        entity="clearance",
        action=action,
        rules=_CLEARANCE_RULES,
    )


_PERSON_RULES: dict[str, Rule[Person]] = {
    "see_clearances": Rule(
        can_see_clearances,
        "clearance.view",
        gettext_lazy("Only the person's organisation and the administration see their vetting."),
    ),
    "request_clearance": Rule(
        can_request_clearance,
        "clearance.request",
        gettext_lazy("Only the organisation's administrators can ask for its people to be vetted."),
    ),
}


def get_person_for_user(
    user: AnyUser,
    pk: int,
    *,
    action: Literal["view", "see_clearances", "request_clearance"] = "view",
) -> Person:
    """A person as the directory shows them to the user, for accreditation's actions on
    them."""
    return get_for_user(
        user, people_for_user(user), pk, entity="person", action=action, rules=_PERSON_RULES
    )


@dataclass(frozen=True)
class ClearanceActions:
    """What the vetting page of a person offers this user."""

    request: bool = False
    decide: bool = False


def clearance_actions(user: AnyUser, person: Person) -> ClearanceActions:
    return ClearanceActions(
        request=can_request_clearance(user, person), decide=can_vet_people(user)
    )


# Formal mechanisms ------------------------------------------------------------------------------


def mechanisms_for_user(user: AnyUser) -> QuerySet[FormalMechanism]:
    """The administration's staff see the register in full; a body sees its own entry."""
    if not user.is_authenticated:
        return FormalMechanism.objects.none()
    return FormalMechanism.objects.filter(
        Q(administration__in=administration_ids(user))
        | Q(organisation__in=organisation_ids(user, {Role.MONITOR}))
    ).select_related("organisation", "administration")


def get_mechanism_for_user(user: AnyUser, pk: int) -> FormalMechanism:
    return get_for_user(user, mechanisms_for_user(user), pk, entity="mechanism")


def can_register_mechanism(user: AnyUser) -> bool:
    """The director registers the bodies with a mandate to visit."""
    return bool(administration_ids(user, {Role.DIRECTOR}))
