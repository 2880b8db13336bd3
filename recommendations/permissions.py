"""Who may see and do what with reports, recommendations and the plan of action.

A report is the organisation's until it is submitted: its members write it, and nobody else
knows of it. Once submitted it is confidential between the organisation and the administration:
the administration's directors and coordinators read it and answer; a responsible official reads
the recommendations their actions answer. Nobody else, another organisation, another
administration or the public, sees anything of it until it is published, and then only its
redacted public version, on the public pages.

Roles come from memberships. What the state allows (a draft is not answered, a published report
is not changed) is a rule of the services; here are who-may rules only.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activity.models import Document
from activity.permissions import Rule, deny, get_for_user
from activity.typing import AnyUser
from directory.models import Role
from directory.permissions import administration_ids, organisation_ids, roles
from visits.models import Visit

from .models import Action, Export, Recommendation, Report, Verification

#: Who answers reports and plans the action for the administration.
ADMINISTRATION_STAFF = (Role.DIRECTOR, Role.COORDINATOR)
#: Who writes an organisation's reports and verifies what was done: its members, or a
#: monitoring body's.
WRITERS = (Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR)
#: Who decides that the organisation publishes.
PUBLISHERS = (Role.NGO_ADMIN, Role.MONITOR)


def _staff_of(user: AnyUser) -> set[int]:
    return administration_ids(user, ADMINISTRATION_STAFF)


def writes_for(user: AnyUser, organisation_id: int) -> bool:
    return organisation_id in organisation_ids(user, WRITERS)


def is_staff_of(user: AnyUser, administration_id: int) -> bool:
    return administration_id in _staff_of(user)


# Reports ----------------------------------------------------------------------------------------


def reports_for_user(user: AnyUser) -> QuerySet[Report]:
    """The organisation's own reports, drafts included; the administration's staff, the
    reports submitted to it."""
    if not user.is_authenticated:
        return Report.objects.none()
    visible = Q(pk__in=[])
    organisations = organisation_ids(user, WRITERS)
    if organisations:
        visible |= Q(organisation__in=organisations)
    administrations = _staff_of(user)
    if administrations:
        visible |= Q(administration__in=administrations, status__in=Report.SUBMITTED_STATUSES)
    return Report.objects.filter(visible)


def can_write_report(user: AnyUser, report: Report) -> bool:
    """Findings and recommendations are written by the organisation's members."""
    return writes_for(user, report.organisation_id)


def can_answer_report(user: AnyUser, report: Report) -> bool:
    """Answers, meetings and the agreement to publication come from the directors and
    coordinators of the administration."""
    return is_staff_of(user, report.administration_id)


def can_publish_report(user: AnyUser, report: Report) -> bool:
    """The organisation's administrators (a monitoring body's members) publish."""
    return report.organisation_id in organisation_ids(user, PUBLISHERS)


ReportAction = Literal["view", "write", "answer", "publish"]

_REPORT_RULES: dict[str, Rule[Report]] = {
    "write": Rule(
        can_write_report,
        "report.write",
        _("Only the organisation's members write its report."),
    ),
    "answer": Rule(
        can_answer_report,
        "report.answer",
        _("Only the administration's directors and coordinators answer a report."),
    ),
    "publish": Rule(
        can_publish_report,
        "report.publish",
        _("Only the organisation's administrators publish its report."),
    ),
}


def get_report_for_user(user: AnyUser, pk: int, *, action: ReportAction = "view") -> Report:
    """The report, if the user may see it (else 404) and do ``action`` (else 403)."""
    return get_for_user(
        user,
        reports_for_user(user).select_related(
            "organisation", "administration", "facility", "visit", "agreement"
        ),
        pk,
        entity="report",
        action=action,
        rules=_REPORT_RULES,
    )


@dataclass(frozen=True)
class ReportActions:
    write: bool
    answer: bool
    publish: bool


def report_actions(user: AnyUser, report: Report) -> ReportActions:
    """What the report's page may offer the user; the services still check the state."""
    return ReportActions(
        write=can_write_report(user, report),
        answer=can_answer_report(user, report),
        publish=can_publish_report(user, report),
    )


def reporting_visits(user: AnyUser) -> QuerySet[Visit]:
    """The visits the user may write a report of: their organisation's visits that took place
    (approved or notified, and begun)."""
    organisations = organisation_ids(user, WRITERS)
    if not organisations:
        return Visit.objects.none()
    return Visit.objects.expected().filter(organisation__in=organisations)


# Starting a report (the reports pages) ----------------------------------------------------------


def can_start_report(user: AnyUser) -> bool:
    """An organisation's members (a monitoring body's) write the reports of its visits."""
    return bool(organisation_ids(user, WRITERS))


def cannot_start_report(user: AnyUser) -> PermissionDenied:
    return deny(
        user,
        "report.create",
        None,
        str(_("Only an organisation's members write the reports of its visits.")),
    )


# Recommendations --------------------------------------------------------------------------------


def recommendations_for_user(user: AnyUser) -> QuerySet[Recommendation]:
    """The recommendations of the reports the user sees, and, for a responsible official,
    those their actions answer."""
    if not user.is_authenticated:
        return Recommendation.objects.none()
    visible = Q(pk__in=[])
    organisations = organisation_ids(user, WRITERS)
    if organisations:
        visible |= Q(organisation__in=organisations)
    administrations = _staff_of(user)
    if administrations:
        visible |= Q(
            administration__in=administrations, report__status__in=Report.SUBMITTED_STATUSES
        )
    if Role.RESPONSIBLE_OFFICIAL in roles(user):
        visible |= Q(
            pk__in=Action.recommendations.through.objects.filter(action__responsible=user).values(
                "recommendation"
            )
        )
    return Recommendation.objects.filter(visible)


_RECOMMENDATION_RULES: dict[str, Rule[Recommendation]] = {
    "answer": Rule(
        lambda user, rec: is_staff_of(user, rec.administration_id),
        "recommendation.answer",
        _("Only the administration's directors and coordinators answer a recommendation."),
    ),
    "verify": Rule(
        lambda user, rec: writes_for(user, rec.organisation_id),
        "recommendation.verify",
        _("Only the organisation that made the recommendation verifies it."),
    ),
    "write": Rule(
        lambda user, rec: writes_for(user, rec.organisation_id),
        "recommendation.write",
        _("Only the organisation's members write its report."),
    ),
}

RecommendationAction = Literal["view", "answer", "verify", "write"]


def get_recommendation_for_user(
    user: AnyUser, pk: int, *, action: RecommendationAction = "view"
) -> Recommendation:
    return get_for_user(
        user,
        recommendations_for_user(user).select_related(
            "report", "facility", "area", "organisation", "repeats__report"
        ),
        pk,
        entity="recommendation",
        action=action,
        rules=_RECOMMENDATION_RULES,
    )


@dataclass(frozen=True)
class RecommendationActions:
    answer: bool
    verify: bool
    plan: bool


def recommendation_actions(user: AnyUser, rec: Recommendation) -> RecommendationActions:
    staff = is_staff_of(user, rec.administration_id)
    return RecommendationActions(
        answer=staff, verify=writes_for(user, rec.organisation_id), plan=staff
    )


# The plan of action -----------------------------------------------------------------------------


def actions_for_user(user: AnyUser) -> QuerySet[Action]:
    """The administration's staff see its plan; a responsible official, their own actions;
    the organisation, the actions answering its recommendations."""
    if not user.is_authenticated:
        return Action.objects.none()
    visible = Q(pk__in=[])
    # Only an official is made responsible; leaving the condition out for everyone else keeps
    # a director's list on its index instead of an OR over two.
    if Role.RESPONSIBLE_OFFICIAL in roles(user):
        visible |= Q(responsible=user)
    administrations = _staff_of(user)
    if administrations:
        visible |= Q(administration__in=administrations)
    organisations = organisation_ids(user, WRITERS)
    if organisations:
        visible |= Q(organisation__in=organisations)
    return Action.objects.filter(visible)


def can_manage_action(user: AnyUser, action: Action) -> bool:
    """Plan, change and reassign: the administration's directors and coordinators."""
    return is_staff_of(user, action.administration_id)


def can_report_progress(user: AnyUser, action: Action) -> bool:
    """The responsible official posts progress, or the staff who planned it."""
    return action.responsible_id == user.pk or can_manage_action(user, action)


def can_verify_action(user: AnyUser, action: Action) -> bool:
    return writes_for(user, action.organisation_id)


_ACTION_RULES: dict[str, Rule[Action]] = {
    "manage": Rule(
        can_manage_action,
        "action.manage",
        _("Only the administration's directors and coordinators plan the actions."),
    ),
    "progress": Rule(
        can_report_progress,
        "action.progress",
        _("Only the responsible official reports progress on this action."),
    ),
    "verify": Rule(
        can_verify_action,
        "action.verify",
        _("Only the organisation whose recommendations it answers verifies an action."),
    ),
}

ActionAction = Literal["view", "manage", "progress", "verify"]


def get_action_for_user(user: AnyUser, pk: int, *, action: ActionAction = "view") -> Action:
    return get_for_user(
        user,
        actions_for_user(user).select_related("responsible", "organisation", "administration"),
        pk,
        entity="action",
        action=action,
        rules=_ACTION_RULES,
    )


@dataclass(frozen=True)
class ActionActions:
    manage: bool
    progress: bool
    verify: bool


def action_actions(user: AnyUser, action: Action) -> ActionActions:
    return ActionActions(
        manage=can_manage_action(user, action),
        progress=can_report_progress(user, action),
        verify=can_verify_action(user, action),
    )


def planning_administrations(user: AnyUser) -> set[int]:
    """The administrations whose plan of action the user keeps."""
    return _staff_of(user)


# Follow-up checklists ---------------------------------------------------------------------------


def checklist_for_user(user: AnyUser, visit: Visit) -> QuerySet[Verification]:
    """A follow-up visit's checklist is read by whoever reads the recommendations on it."""
    return Verification.objects.filter(
        visit=visit, recommendation__in=recommendations_for_user(user)
    )


def can_verify_on_visit(user: AnyUser, visit: Visit) -> bool:
    """The visiting organisation records what it verified."""
    return writes_for(user, visit.organisation_id)


# Documents --------------------------------------------------------------------------------------


def can_read_evidence(user: AnyUser, document: Document) -> bool:
    """A finding's attachment or an action's evidence is read by whoever reads the report or
    the action it belongs to."""
    return (
        reports_for_user(user).filter(findings__attachments=document).exists()
        or actions_for_user(user).filter(updates__evidence=document).exists()
    )


# Dashboards -------------------------------------------------------------------------------------


def can_view_dashboard(user: AnyUser) -> bool:
    """The recommendations dashboard: the administration's directors and coordinators see the
    figures of the reports submitted to it; an organisation's members, those of its own
    reports. Each sees only what ``recommendations_for_user`` gives them."""
    return bool(_staff_of(user) or organisation_ids(user, WRITERS))


DASHBOARD_REFUSED = _(
    "The recommendations dashboard is for the administration's directors and coordinators and "
    "for the organisations that make recommendations."
)


# Exports ----------------------------------------------------------------------------------------


def can_export_confidential(user: AnyUser) -> bool:
    """The confidential exports, with full texts, answers and names, are for the organisations'
    writers and the administrations' staff; what they hold is still only what the user sees."""
    return user.is_authenticated and bool(organisation_ids(user, WRITERS) or _staff_of(user))


CONFIDENTIAL_EXPORT_REFUSED = _(
    "Only an organisation's members and the administration's directors and coordinators export "
    "the confidential version; the public version is open to you."
)


def exports_for_user(user: AnyUser) -> QuerySet[Export]:
    """An export is its requester's alone."""
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(requested_by=user)


def get_export_for_user(user: AnyUser, pk: int) -> Export:
    return get_for_user(user, exports_for_user(user), pk, entity="export")


# Follow-up visits (the checklist pages) ---------------------------------------------------------


def followup_visits_for_user(user: AnyUser) -> QuerySet[Visit]:
    """A follow-up visit's checklist is the business of the visiting organisation's writers and
    of the administration's directors and coordinators; the visits app's own rules (gate,
    facility officers) do not reach it."""
    if not user.is_authenticated:
        return Visit.objects.none()
    visible = Q(pk__in=[])
    organisations = organisation_ids(user, WRITERS)
    if organisations:
        visible |= Q(organisation__in=organisations)
    administrations = _staff_of(user)
    if administrations:
        visible |= Q(administration__in=administrations)
    return Visit.objects.filter(visible)


_FOLLOWUP_RULES: dict[str, Rule[Visit]] = {
    "verify": Rule(
        can_verify_on_visit,
        "checklist.verify",
        _("Only the visiting organisation records what it verified."),
    ),
}


def get_followup_visit_for_user(
    user: AnyUser, pk: int, *, action: Literal["view", "verify"] = "view"
) -> Visit:
    """The visit, for its checklist, if the user may see it (else 404) and do ``action``
    (else 403)."""
    return get_for_user(
        user,
        followup_visits_for_user(user).select_related("facility", "organisation"),
        pk,
        entity="checklist",
        action=action,
        rules=_FOLLOWUP_RULES,
    )


def cannot_plan(user: AnyUser) -> PermissionDenied:
    """The refusal of the new-action page to whoever keeps no administration's plan."""
    rule = _ACTION_RULES["manage"]
    return deny(user, "action.create", None, str(rule.reason))
