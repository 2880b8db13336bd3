"""Applying for accreditation: the organisation's overview, the list of applications, the file
with its per-role actions, editing, evidence, submission, withdrawal, renewal and documents."""

from datetime import date
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activity.models import Document
from activity.paging import keyset_page
from activity.shortcuts import run_action, run_service
from activity.suggest import filter_suggestions, suggestions_response
from activity.typing import AnyUser, AuthenticatedRequest
from directory.models import Person
from directory.selectors import earliest_local_date

from .. import permissions, selectors
from ..forms.applications import (
    ApplicationFilter,
    ApplicationForm,
    EvidenceForm,
    StartForm,
)
from ..forms.review import DeclarationForm
from ..models import (
    Appeal,
    Application,
    Decision,
    ReviewAssignment,
)
from ..scoring import ScoreSheet
from ..services import applications as applying

T = TypeVar("T")

# Helpers shared with the review and decision views ----------------------------------------------


def people_with_clearance(user: AnyUser, people: QuerySet[Person]) -> QuerySet[Person]:
    """People with the clearances the user may see, newest first, as ``visible_clearances``."""
    return people.prefetch_related(
        Prefetch(
            "clearances",
            queryset=permissions.clearances_for_user(user).order_by("-requested_at", "-id"),
            to_attr="visible_clearances",
        )
    )


def reviewer_labels(user: AnyUser, application: Application, sheet: ScoreSheet) -> list[str]:
    """The heading of each column of the score sheet: the reviewers' names for the people
    running the process, "Reviewer 1, 2…" for everyone else."""
    if permissions.can_see_reviewers(user, application):
        submitted = application.assignments.filter(
            status=ReviewAssignment.Status.SUBMITTED
        ).select_related("reviewer")
        return [a.reviewer.get_full_name() or a.reviewer.get_username() for a in submitted]
    return [_("Reviewer %(number)s") % {"number": n} for n in range(1, sheet.reviewer_count + 1)]


def appeal_deadlines(decision: Decision) -> dict[str, date]:
    """What the decision's organisation may appeal, each with its last day (past or not)."""
    deadlines = {}
    for subject in Appeal.Subject.values:
        deadline = selectors.appeal_deadline(decision, subject)
        if deadline is not None:
            deadlines[subject] = deadline
    return deadlines


def open_appeal_deadlines(decision: Decision, appeals: list[Appeal]) -> dict[str, date]:
    """What may still be appealed today: within the deadline, with no appeal waiting on it. The
    last day lasts while it is that day at one of the administration's facilities, as lodging
    the appeal accepts it (in the evening in Guatemala the server's date is already the next
    day)."""
    waiting = {a.subject for a in appeals if a.is_open}
    deadlines = appeal_deadlines(decision)
    if not deadlines:
        return {}
    today = earliest_local_date(decision.application.administration_id)
    return {
        subject: deadline
        for subject, deadline in deadlines.items()
        if deadline >= today and subject not in waiting
    }


# The organisation's overview --------------------------------------------------------------------


@login_required
def organisation_overview(request: AuthenticatedRequest, organisation_pk: int) -> HttpResponse:
    user = request.user
    organisation = permissions.get_organisation_for_user(user, organisation_pk)
    applications = list(
        permissions.applications_for_user(user)
        .filter(organisation=organisation)
        .select_related("decision__accreditation", "administration")
        .order_by("-created_at", "-id")
    )
    in_progress = [a for a in applications if a.status in Application.OPEN_STATUSES]
    busy = {a.administration_id for a in in_progress}
    # One call to action: while an application is open with an administration, only
    # "Continue"; "Apply" and "Renew" appear where nothing is open.
    renewable = next(
        (
            a
            for a in applications
            if a.status == Application.Status.DECIDED
            and a.decision.grants_accreditation
            and a.administration_id not in busy
        ),
        None,
    )
    frameworks = selectors.frameworks_in_force().exclude(administration__in=busy)
    context = {
        "organisation": organisation,
        "accreditations": permissions.accreditations_for_user(user)
        .filter(organisation=organisation)
        .order_by("-valid_until", "-id"),
        "applications": applications,
        "renewable": renewable,
        "in_progress": in_progress,
        "people": people_with_clearance(user, organisation.people.order_by("full_name")),
        "can_apply": permissions.can_create_application(user, organisation),
        "start_form": StartForm(frameworks=frameworks),
        "frameworks": list(frameworks),
        "bars": selectors.application_bars(organisation, frameworks),
    }
    return render(request, "accreditation/organisation_overview.html", context)


@login_required
@require_POST
def application_create(request: AuthenticatedRequest, organisation_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(
        request.user, organisation_pk, action="apply"
    )
    form = StartForm(request.POST, frameworks=selectors.frameworks_in_force())
    if form.is_valid():
        done, application = run_service(
            form,
            lambda: applying.application_create(
                actor=request.user,
                organisation=organisation,
                framework=form.cleaned_data["framework"],
            ),
        )
        if done and application:
            messages.success(request, _("Your application was started. Fill it in and submit it."))
            return redirect("accreditation:application_edit", application.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("accreditation:organisation_overview", organisation.pk)


@login_required
@require_POST
def application_renew(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    previous = permissions.get_application_for_user(request.user, pk)
    organisation = permissions.get_organisation_for_user(
        request.user, previous.organisation_id, action="apply"
    )
    administration = previous.framework.administration
    already = organisation.applications.open().filter(administration=administration).first()
    if already is not None:
        # A renewal asked for while an application is in progress goes to that one.
        messages.info(request, _("Your application in progress is below: continue it."))
        return redirect(already)
    framework = selectors.framework_in_force(administration)
    if framework is None:
        messages.error(request, _("No accreditation rules are in force: renewal is not open."))
        return redirect(previous)
    done, renewal = run_action(
        request,
        lambda: applying.application_create(
            actor=request.user, organisation=organisation, framework=framework, previous=previous
        ),
        _("A renewal was started from your last application. Check it and submit it."),
    )
    if done and renewal:
        return redirect("accreditation:application_edit", renewal.pk)
    return redirect(previous)


# List and file ----------------------------------------------------------------------------------


@login_required
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    filterset = ApplicationFilter(request.GET, permissions.applications_for_user(user), user=user)
    page = keyset_page(
        # A list, not a manager per row: fifty managers and their querysets cost 3 ms.
        filterset.qs.with_review_progress().prefetch_related(
            Prefetch("activity_types", to_attr="activity_list")
        ),
        request,
        ordering=("-created_at", "-id"),
    )
    own = permissions.own_organisations_for_user(user)
    context = {"filter": filterset, "page": page, "own_organisations": own}
    return render(request, "accreditation/application_list.html", context)


@login_required
@require_GET
def application_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filters, from the applications the user may see."""
    user = request.user
    filterset = ApplicationFilter(None, permissions.applications_for_user(user), user=user)
    return filter_suggestions(filterset, field, request)


def file_context(user: AnyUser, application: Application) -> dict[str, Any]:
    """The file of an application: profile, scope, people, plans and evidence per criterion."""
    criteria = list(application.framework.criteria.prefetch_related("levels"))
    evidence = {e.criterion_id: e for e in application.evidence.prefetch_related("documents")}
    return {
        "criteria_evidence": [(c, evidence.get(c.pk)) for c in criteria],
        "activity_types": list(application.activity_types.all()),
        "facilities": list(application.facilities.all()),
        "people": people_with_clearance(user, application.people.order_by("full_name")),
        "members": list(application.member_organisations.all()),
    }


def _decision_context(user: AnyUser, application: Application) -> dict[str, Any]:
    decision = (
        Decision.objects.filter(application=application)
        .select_related("decided_by", "accreditation")
        .first()
    )
    if decision is None:
        return {}
    decision.application = application
    conditions = list(decision.conditions.select_related("owner", "met_by"))
    appeals = list(decision.appeals.select_related("decided_by"))
    accreditation = getattr(decision, "accreditation", None)
    return {
        "decision": decision,
        "conditions": conditions,
        "appeals": appeals,
        "accreditation": accreditation,
        "decision_actions": permissions.decision_actions(
            user, decision, open_deadlines=open_appeal_deadlines(decision, appeals)
        ),
    }


def _scores_context(user: AnyUser, application: Application) -> dict[str, Any]:
    if not permissions.can_see_scores(user, application):
        return {}
    sheet = selectors.application_score_sheet(application)
    context: dict[str, Any] = {
        "sheet": sheet,
        "reviewer_labels": reviewer_labels(user, application, sheet),
    }
    named = permissions.can_see_reviewers(user, application)
    if permissions.can_see_score_comments(user, application):
        context["comments"] = selectors.application_score_comments(application, named=named)
        context["comments_named"] = named
    return context


@login_required
def application_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    application = permissions.get_application_for_user(user, pk)
    assignment = permissions.assignments_for_user(user).filter(application=application).first()
    if not permissions.can_see_file(user, application):
        # A reviewer who has not declared (or is recused) sees the name and the declaration.
        return render(
            request,
            "accreditation/application_closed.html",
            {"application": application, "assignment": assignment, "form": DeclarationForm()},
        )
    actions = permissions.application_actions(user, application)
    context: dict[str, Any] = {
        "application": application,
        "actions": actions,
        "can_see_moderation_note": permissions.can_see_moderation_note(user, application),
        "can_edit": actions.edit,
        "own_assignment": assignment,
        **file_context(user, application),
        **_decision_context(user, application),
        **_scores_context(user, application),
    }
    if context["can_edit"]:
        context["missing"] = selectors.missing_items(application)
    if permissions.can_see_reviewers(user, application):
        context["assignments"] = list(application.assignments.select_related("reviewer"))
    return render(request, "accreditation/application_detail.html", context)


# Editing ----------------------------------------------------------------------------------------


@login_required
def application_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="edit")
    form = ApplicationForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, _result = run_service(
            form,
            lambda: applying.application_update(
                actor=request.user,
                application=application,
                data=form.profile(),
                activity_types=data["activity_types"],
                facilities=data["facilities"],
                people=data["people"],
                member_organisations=data.get("member_organisations", ()),
            ),
        )
        if done:
            messages.success(request, _("The application was saved."))
            return redirect(application)
    return render(
        request,
        "accreditation/application_form.html",
        {"form": form, "application": application},
    )


@login_required
@require_GET
def application_facility_choices(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """Suggestions of target facilities for whoever may edit the application: the facilities
    of the administration it is made to."""
    application = permissions.get_application_for_user(request.user, pk, action="edit")
    facilities = application.framework.administration.facilities.all()
    return suggestions_response(facilities, request)


@login_required
def evidence_edit(request: AuthenticatedRequest, pk: int, criterion_pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="edit")
    criterion = get_object_or_404(
        application.framework.criteria.prefetch_related("levels"), pk=criterion_pk
    )
    evidence = application.evidence.filter(criterion=criterion).first()
    documents = evidence.documents.all() if evidence else Document.objects.none()
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        documents=documents,
        initial={"text": evidence.text if evidence else ""},
    )
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: applying.evidence_save(
                actor=request.user,
                application=application,
                criterion_id=criterion.pk,
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["documents"],
                remove_document_ids=form.removed_ids(),
            ),
        )
        if done:
            messages.success(
                request, _("The evidence for “%(name)s” was saved.") % {"name": criterion.name}
            )
            return redirect(f"{application.get_absolute_url()}#criterion-{criterion.pk}")
    context = {
        "form": form,
        "application": application,
        "criterion": criterion,
        "documents": documents,
    }
    return render(request, "accreditation/evidence_form.html", context)


@login_required
@require_POST
def application_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="edit")
    run_action(
        request,
        lambda: applying.application_submit(actor=request.user, application=application),
        _("The application was submitted to the administration."),
    )
    return redirect(application)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="edit")
    run_action(
        request,
        lambda: applying.application_withdraw(actor=request.user, application=application),
        _("The application was withdrawn."),
    )
    return redirect(application)
