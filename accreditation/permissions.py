"""Who may see and do what in accreditation.

Administration side: directors run the process (publish rules, assign reviewers, decide, suspend,
decide appeals, vet people, register formal mechanisms); coordinators follow it and vet people;
reviewers see only the applications assigned to them (a django-guardian grant given at
assignment), and the file only once they have declared no conflict of interest.
Organisation side: an organisation sees only its own applications, documents and
accreditations; its administrators act on them, its members read them.
Separation of duties (the decider did not score, the appeal goes to someone else) is a rule of
the services; here are the role and visibility rules.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from activity.models import Document
from activity.permissions import deny, granted_ids, not_found
from activity.typing import AnyUser
from directory.models import Administration, Organisation, Person, Role
from directory.permissions import (
    administration_ids,
    get_organisation_for_user,
    get_person_for_user,
    organisation_ids,
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

RUNS_PROCESS = {Role.DIRECTOR, Role.COORDINATOR}
ORGANISATION_SIDE = {Role.NGO_ADMIN, Role.NGO_MEMBER}


def _process_admin_ids(user: AnyUser) -> set[int]:
    return administration_ids(user, RUNS_PROCESS)


def _director_of(user: AnyUser, administration_id: int) -> bool:
    return administration_id in administration_ids(user, {Role.DIRECTOR})


# Frameworks -------------------------------------------------------------------------------------


def frameworks_for_user(user: AnyUser) -> QuerySet[Framework]:
    """All versions, drafts included, for the administration's directors, coordinators and
    reviewers. Everyone else reads the version in force on the public page."""
    ids = administration_ids(user, {Role.DIRECTOR, Role.COORDINATOR, Role.REVIEWER})
    return Framework.objects.filter(administration__in=ids).select_related("administration")


def get_framework_for_user(user: AnyUser, pk: int) -> Framework:
    framework = frameworks_for_user(user).filter(pk=pk).first()
    if framework is None:
        raise not_found(user, "framework.view", Framework.objects.filter(pk=pk).first())
    return framework


def can_manage_framework(user: AnyUser, framework: Framework) -> bool:
    """The director writes and publishes the rules."""
    return _director_of(user, framework.administration_id)


def get_framework_for_change(user: AnyUser, pk: int) -> Framework:
    framework = get_framework_for_user(user, pk)
    if not can_manage_framework(user, framework):
        raise deny(
            user, "framework.change", framework, _("Only the director can change the rules.")
        )
    return framework


def administrations_directed_by(user: AnyUser) -> QuerySet[Administration]:
    """The administrations in which the user is a director: where they may start a version of
    the rules or register a formal mechanism."""
    return Administration.objects.filter(pk__in=administration_ids(user, {Role.DIRECTOR}))


def can_create_framework(user: AnyUser) -> bool:
    return bool(administration_ids(user, {Role.DIRECTOR}))


def check_can_create_framework(user: AnyUser) -> None:
    if not can_create_framework(user):
        raise deny(user, "framework.create", None, _("Only the director can change the rules."))


def check_framework_editable(user: AnyUser, framework: Framework) -> None:
    """A published version is the law of the process: it never changes, a new version
    supersedes it."""
    if not framework.is_editable:
        raise deny(
            user,
            "framework.change",
            framework,
            _("Version %(version)s is published and can no longer change. Start a new version.")
            % {"version": framework.version},
        )


def get_framework_for_edit(user: AnyUser, pk: int) -> Framework:
    """A draft version, for its director to change or publish."""
    framework = get_framework_for_change(user, pk)
    check_framework_editable(user, framework)
    return framework


def get_criterion_for_edit(user: AnyUser, pk: int) -> Criterion:
    """A criterion of a draft version, for the director to change or delete."""
    criterion = (
        Criterion.objects.filter(pk=pk, framework__in=frameworks_for_user(user))
        .select_related("framework__administration")
        .first()
    )
    if criterion is None:
        raise not_found(user, "criterion.view", Criterion.objects.filter(pk=pk).first())
    if not can_manage_framework(user, criterion.framework):
        raise deny(
            user, "criterion.change", criterion, _("Only the director can change the rules.")
        )
    check_framework_editable(user, criterion.framework)
    return criterion


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
    own = organisation_ids(user, ORGANISATION_SIDE)
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


def get_application_for_user(user: AnyUser, pk: int) -> Application:
    application = applications_for_user(user).filter(pk=pk).first()
    if application is None:
        raise not_found(user, "application.view", Application.objects.filter(pk=pk).first())
    return application


def is_applicant(user: AnyUser, application: Application) -> bool:
    return application.organisation_id in organisation_ids(user, ORGANISATION_SIDE)


def is_applicant_admin(user: AnyUser, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids(user, {Role.NGO_ADMIN})


def own_assignment(user: AnyUser, application: Application) -> ReviewAssignment | None:
    if not user.is_authenticated:
        return None
    return application.assignments.filter(reviewer=user).first()


def can_see_file(user: AnyUser, application: Application) -> bool:
    """The applicant and the people running the process see the file; a reviewer only after
    declaring no conflict of interest."""
    if is_applicant(user, application):
        return True
    if application.framework.administration_id in _process_admin_ids(user):
        return True
    assignment = own_assignment(user, application)
    return assignment is not None and assignment.may_see_file


def check_can_see_file(user: AnyUser, application: Application) -> None:
    if not can_see_file(user, application):
        raise deny(
            user,
            "application.file",
            application,
            _("Declare whether you have a conflict of interest before you see the file."),
        )


def can_edit_application(user: AnyUser, application: Application) -> bool:
    return is_applicant_admin(user, application.organisation)


def get_application_for_edit(user: AnyUser, pk: int) -> Application:
    application = get_application_for_user(user, pk)
    if not can_edit_application(user, application):
        raise deny(
            user,
            "application.change",
            application,
            _("Only the organisation's administrators can change or submit its application."),
        )
    return application


def can_create_application(user: AnyUser, organisation: Organisation) -> bool:
    return is_applicant_admin(user, organisation)


def get_organisation_for_application(user: AnyUser, pk: int) -> Organisation:
    organisation = get_organisation_for_user(user, pk)
    if not can_create_application(user, organisation):
        raise deny(
            user,
            "application.create",
            organisation,
            _("Only the organisation's administrators can apply on its behalf."),
        )
    return organisation


def can_manage_application(user: AnyUser, application: Application) -> bool:
    """The director returns applications, assigns reviewers and decides."""
    return _director_of(user, application.framework.administration_id)


def get_application_for_management(user: AnyUser, pk: int) -> Application:
    application = get_application_for_user(user, pk)
    if not can_manage_application(user, application):
        raise deny(
            user,
            "application.manage",
            application,
            _("Only the director can return, assign or decide an application."),
        )
    return application


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


def can_see_scores(user: AnyUser, application: Application) -> bool:
    """Directors and coordinators see the score sheet; reviewers once their own scores are in;
    the applicant once the application is decided."""
    if application.framework.administration_id in _process_admin_ids(user):
        return True
    if is_applicant(user, application):
        return application.status == Application.Status.DECIDED
    assignment = own_assignment(user, application)
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
    return application.framework.administration_id in _process_admin_ids(user)


def can_see_decision_letter(user: AnyUser, application: Application) -> bool:
    """The decision letter goes to the applicant's users and the administration's staff, once
    the application is decided."""
    if application.status != Application.Status.DECIDED:
        return False
    return is_applicant(user, application) or (
        application.framework.administration_id in administration_ids(user)
    )


def check_can_see_decision_letter(user: AnyUser, application: Application) -> None:
    if application.status != Application.Status.DECIDED:
        raise Http404
    if not can_see_decision_letter(user, application):
        raise deny(
            user,
            "application.letter",
            application,
            _("The decision letter is for the applicant and the administration."),
        )


# Review -----------------------------------------------------------------------------------------


def assignments_for_user(user: AnyUser) -> QuerySet[ReviewAssignment]:
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user).select_related(
        "application__organisation", "application__framework"
    )


def get_assignment_for_user(user: AnyUser, pk: int) -> ReviewAssignment:
    """A review is the reviewer's own: nobody else opens it."""
    assignment = assignments_for_user(user).filter(pk=pk).first()
    if assignment is None:
        raise not_found(user, "review.view", ReviewAssignment.objects.filter(pk=pk).first())
    return assignment


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


# Decisions, accreditations, appeals -------------------------------------------------------------


def accreditations_for_user(user: AnyUser) -> QuerySet[Accreditation]:
    if not user.is_authenticated:
        return Accreditation.objects.none()
    return Accreditation.objects.filter(
        Q(decision__application__framework__administration__in=_process_admin_ids(user))
        | Q(organisation__in=organisation_ids(user, ORGANISATION_SIDE))
    ).select_related("organisation", "decision__application__framework")


def get_accreditation_for_user(user: AnyUser, pk: int) -> Accreditation:
    accreditation = accreditations_for_user(user).filter(pk=pk).first()
    if accreditation is None:
        raise not_found(user, "accreditation.view", Accreditation.objects.filter(pk=pk).first())
    return accreditation


def can_change_accreditation(user: AnyUser, accreditation: Accreditation) -> bool:
    """The director suspends, reinstates and revokes."""
    return _director_of(user, accreditation.decision.application.framework.administration_id)


def get_accreditation_for_change(user: AnyUser, pk: int) -> Accreditation:
    accreditation = get_accreditation_for_user(user, pk)
    if not can_change_accreditation(user, accreditation):
        raise deny(
            user,
            "accreditation.change",
            accreditation,
            _("Only the director can suspend, reinstate or revoke an accreditation."),
        )
    return accreditation


def can_appeal(user: AnyUser, decision: Decision) -> bool:
    return is_applicant_admin(user, decision.application.organisation)


def get_decision_for_appeal(user: AnyUser, pk: int) -> Decision:
    decision = Decision.objects.filter(pk=pk).select_related("application__organisation").first()
    if decision is None:
        raise Http404
    get_application_for_user(user, decision.application_id)
    if not can_appeal(user, decision):
        raise deny(
            user,
            "appeal.lodge",
            decision,
            _("Only the organisation's administrators can appeal."),
        )
    return decision


def can_decide_appeal(user: AnyUser, appeal: Appeal) -> bool:
    """A director decides appeals; the service refuses the author of the decision appealed."""
    return _director_of(user, appeal.decision.application.framework.administration_id)


def get_appeal_for_decision(user: AnyUser, pk: int) -> Appeal:
    appeal = (
        Appeal.objects.filter(pk=pk)
        .select_related("decision__application__framework", "decision__application__organisation")
        .first()
    )
    if appeal is None:
        raise Http404
    get_application_for_user(user, appeal.decision.application_id)
    if not can_decide_appeal(user, appeal):
        raise deny(user, "appeal.decide", appeal, _("Only a director can decide an appeal."))
    return appeal


def can_verify_condition(user: AnyUser, condition: Condition) -> bool:
    """Directors and coordinators confirm that a condition was met."""
    framework = condition.decision.application.framework
    return framework.administration_id in _process_admin_ids(user)


def get_condition_for_verification(user: AnyUser, pk: int) -> Condition:
    condition = (
        Condition.objects.filter(pk=pk).select_related("decision__application__framework").first()
    )
    if condition is None:
        raise Http404
    get_application_for_user(user, condition.decision.application_id)
    if not can_verify_condition(user, condition):
        raise deny(
            user,
            "condition.met",
            condition,
            _("Only the administration confirms that a condition was met."),
        )
    return condition


def conditions_for_user(user: AnyUser) -> QuerySet[Condition]:
    """The directors and coordinators of the administration that set a condition, and the
    organisation it was set for, see it with its history."""
    if not user.is_authenticated:
        return Condition.objects.none()
    return Condition.objects.filter(
        Q(decision__application__framework__administration__in=_process_admin_ids(user))
        | Q(decision__application__organisation__in=organisation_ids(user, ORGANISATION_SIDE))
    ).select_related(
        "owner",
        "decision__application__organisation",
        "decision__application__framework__administration",
    )


def get_condition_for_user(user: AnyUser, pk: int) -> Condition:
    condition = conditions_for_user(user).filter(pk=pk).first()
    if condition is None:
        raise not_found(user, "condition.view", Condition.objects.filter(pk=pk).first())
    return condition


def can_answer_condition(user: AnyUser, condition: Condition) -> bool:
    """The organisation's administrators answer its conditions."""
    return is_applicant_admin(user, condition.decision.application.organisation)


def get_condition_for_answer(user: AnyUser, pk: int) -> Condition:
    condition = get_condition_for_user(user, pk)
    if not can_answer_condition(user, condition):
        raise deny(
            user,
            "condition.answer",
            condition,
            _("Only the organisation's administrators answer a condition."),
        )
    return condition


def can_list_conditions(user: AnyUser) -> bool:
    return bool(_process_admin_ids(user))


def open_conditions_for_user(user: AnyUser) -> QuerySet[Condition]:
    """The conditions not yet met across the organisations accredited by the administrations
    the user runs the process of (directors and coordinators); nothing for anyone else."""
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


# People vetting ---------------------------------------------------------------------------------


def clearances_for_user(user: AnyUser) -> QuerySet[Clearance]:
    """Directors and coordinators see the vetting of their own administration; organisations
    see their own people's clearances with every administration."""
    if not user.is_authenticated:
        return Clearance.objects.none()
    return Clearance.objects.filter(
        Q(administration__in=_process_admin_ids(user))
        | Q(person__organisation__in=organisation_ids(user, ORGANISATION_SIDE))
    ).select_related("person__organisation", "administration")


def can_vet_people(user: AnyUser) -> bool:
    """Directors and coordinators vet people for their administration."""
    return bool(_process_admin_ids(user))


def can_decide_clearance(user: AnyUser, clearance: Clearance) -> bool:
    return clearance.administration_id in _process_admin_ids(user)


def vets_person(user: AnyUser, person: Person) -> bool:
    """The directors and coordinators of an administration asked to vet the person see the
    identity data they vet."""
    staff_of = _process_admin_ids(user)
    return bool(staff_of) and person.clearances.filter(administration__in=staff_of).exists()


def get_clearance_for_decision(user: AnyUser, pk: int) -> Clearance:
    clearance = clearances_for_user(user).filter(pk=pk).first()
    if clearance is None:
        raise not_found(user, "clearance.view", Clearance.objects.filter(pk=pk).first())
    if not can_decide_clearance(user, clearance):
        raise deny(
            user,
            "clearance.decide",
            clearance,
            _("Only the administration's directors and coordinators vet people."),
        )
    return clearance


def can_see_clearances(user: AnyUser, person: Person) -> bool:
    """The directors and coordinators of an administration (its own vetting only), and the
    person's own organisation."""
    return can_vet_people(user) or person.organisation_id in organisation_ids(
        user, ORGANISATION_SIDE
    )


def get_person_for_clearances(user: AnyUser, pk: int) -> Person:
    person = get_person_for_user(user, pk)
    if not can_see_clearances(user, person):
        raise deny(
            user,
            "clearance.view",
            person,
            _("Only the person's organisation and the administration see their vetting."),
        )
    return person


def can_request_clearance(user: AnyUser, person: Person) -> bool:
    return is_applicant_admin(user, person.organisation)


def get_person_for_clearance_request(user: AnyUser, pk: int) -> Person:
    person = get_person_for_user(user, pk)
    if not can_request_clearance(user, person):
        raise deny(
            user,
            "clearance.request",
            person,
            _("Only the organisation's administrators can ask for its people to be vetted."),
        )
    return person


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
    mechanism = mechanisms_for_user(user).filter(pk=pk).first()
    if mechanism is None:
        raise not_found(user, "mechanism.view", FormalMechanism.objects.filter(pk=pk).first())
    return mechanism


def can_register_mechanism(user: AnyUser) -> bool:
    return bool(administration_ids(user, {Role.DIRECTOR}))


def check_can_register_mechanism(user: AnyUser) -> None:
    if not can_register_mechanism(user):
        raise deny(
            user,
            "mechanism.register",
            None,
            _("Only the director registers formal mechanisms."),
        )
