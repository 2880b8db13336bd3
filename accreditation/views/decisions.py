"""Running the process: returns, reviewer assignment, decisions and their letter, the
accreditations with their suspension, reinstatement and revocation, appeals and conditions."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.suggest import filter_suggestions
from activity.typing import AuthenticatedRequest
from activity.uploads import attachment_response

from .. import permissions, selectors
from ..forms.decisions import (
    AccreditationFilter,
    AppealDecisionForm,
    AppealForm,
    AssignForm,
    BaseConditionFormSet,
    ConditionAnswerForm,
    ConditionFilter,
    ConditionFormSet,
    ConditionMetForm,
    ConditionNotMetForm,
    DecisionForm,
    ReasonForm,
    ReturnForm,
    condition_owners,
)
from ..models import Condition, Decision
from ..services import applications, decisions, letters, review
from .applications import appeal_deadlines, open_appeal_deadlines, reviewer_labels

# Applications -----------------------------------------------------------------------------------


@login_required
def application_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="manage")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: applications.application_return(
                actor=request.user, application=application, message=form.cleaned_data["message"]
            ),
        )
        if done:
            messages.success(
                request, _("The application was returned; the decision clock is stopped.")
            )
            return redirect(application)
    return render(
        request, "accreditation/application_return.html", {"form": form, "application": application}
    )


@login_required
def reviewers_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="manage")
    form = AssignForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: review.reviewers_assign(
                actor=request.user,
                application=application,
                reviewers=form.cleaned_data["reviewers"],
                due_at=form.due_at(),
            ),
        )
        if done:
            messages.success(request, _("The reviewers were assigned and told."))
            return redirect(application)
    context = {
        "form": form,
        "application": application,
        "assignments": application.assignments.select_related("reviewer"),
    }
    return render(request, "accreditation/application_assign.html", context)


@login_required
def decision_make(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = permissions.get_application_for_user(request.user, pk, action="manage")
    data = request.POST if request.method == "POST" else None
    form = DecisionForm(data)
    conditions = cast(
        BaseConditionFormSet,
        ConditionFormSet(
            data, prefix="conditions", form_kwargs={"owners": condition_owners(application)}
        ),
    )
    if data is not None and form.is_valid() and conditions.is_valid():
        done, _result = run_service(
            form,
            lambda: decisions.decision_make(
                actor=request.user,
                application=application,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                justification=form.cleaned_data["justification"],
                moderation_note=form.cleaned_data["moderation_note"],
                conditions=conditions.specs(),
            ),
        )
        if done:
            messages.success(request, _("The decision was recorded and the organisation told."))
            return redirect(application)
    sheet = selectors.application_score_sheet(application)
    context = {
        "form": form,
        "conditions": conditions,
        "application": application,
        "sheet": sheet,
        "reviewer_labels": reviewer_labels(request.user, application, sheet),
        "assignments": application.assignments.select_related("reviewer"),
    }
    return render(request, "accreditation/decision_form.html", context)


@login_required
def decision_letter(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The letter as it was prepared after the decision; while it is being prepared, a page
    that says so."""
    application = permissions.get_application_for_user(request.user, pk, action="read_letter")
    # There is no letter before the decision.
    decision = get_object_or_404(
        Decision.objects.only("pk", "reference", "letter"), application=application
    )
    if not decision.letter:
        letters.decision_letter_request(decision=decision)
        decision.refresh_from_db(fields=["letter"])
    if not decision.letter:
        response = render(
            request,
            "accreditation/decision_letter_pending.html",
            {"application": application, "decision": decision},
        )
        response["Cache-Control"] = "no-store"
        return response
    return attachment_response(
        decision.letter,
        _("decision-letter-%(reference)s.pdf")
        % {"reference": decision.reference.replace("/", "-")},
        "application/pdf",
    )


# Accreditations ---------------------------------------------------------------------------------


@login_required
def accreditation_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = AccreditationFilter(request.GET, permissions.accreditations_for_user(request.user))
    page = keyset_page(filterset.qs, request, ordering=("valid_until", "id"))
    return render(
        request, "accreditation/accreditation_list.html", {"filter": filterset, "page": page}
    )


@login_required
@require_GET
def accreditation_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filter, from the accreditations the user may see."""
    filterset = AccreditationFilter(None, permissions.accreditations_for_user(request.user))
    return filter_suggestions(filterset, field, request)


@login_required
def accreditation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    accreditation = permissions.get_accreditation_for_user(user, pk)
    decision = accreditation.decision
    application = decision.application
    appeals = list(decision.appeals.select_related("decided_by"))
    open_deadlines = open_appeal_deadlines(decision, appeals)
    open_deadlines.pop("decision", None)  # appealed from the application's page
    actions = permissions.accreditation_actions(user, accreditation)
    context = {
        "accreditation": accreditation,
        "decision": decision,
        "application": application,
        "activity_types": list(application.activity_types.all()),
        "facilities": list(application.facilities.all()),
        "appeals": appeals,
        "actions": [
            (action, label, ReasonForm(auto_id=f"id_{action}_%s"))
            for action, (_service, label, _success) in ACTIONS.items()
            if getattr(actions, action)
        ],
        "decision_actions": permissions.decision_actions(
            user, decision, open_deadlines=open_deadlines
        ),
    }
    return render(request, "accreditation/accreditation_detail.html", context)


ACTIONS = {
    "suspend": (
        decisions.accreditation_suspend,
        gettext_lazy("Suspend"),
        gettext_lazy("The accreditation is suspended."),
    ),
    "reinstate": (
        decisions.accreditation_reinstate,
        gettext_lazy("Reinstate"),
        gettext_lazy("The accreditation is reinstated."),
    ),
    "revoke": (
        decisions.accreditation_revoke,
        gettext_lazy("Revoke"),
        gettext_lazy("The accreditation is revoked."),
    ),
}


@login_required
def accreditation_change(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    accreditation = permissions.get_accreditation_for_user(request.user, pk, action="change")
    service, label, success = ACTIONS[action]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: service(
                actor=request.user,
                accreditation=accreditation,
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(request, str(success))
            return redirect(accreditation)
    context = {"form": form, "accreditation": accreditation, "action": action, "label": label}
    return render(request, "accreditation/accreditation_change.html", context)


# Appeals ----------------------------------------------------------------------------------------


@login_required
def appeal_lodge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = permissions.get_decision_for_user(request.user, pk, action="appeal")
    deadlines = appeal_deadlines(decision)
    form = AppealForm(request.POST or None, deadlines=deadlines)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: decisions.appeal_lodge(
                actor=request.user,
                decision=decision,
                subject=form.cleaned_data["subject"],
                grounds=form.cleaned_data["grounds"],
            ),
        )
        if done:
            messages.success(request, _("Your appeal was lodged. Someone else will decide it."))
            return redirect(decision.application)
    context = {"form": form, "decision": decision, "deadlines": deadlines}
    return render(request, "accreditation/appeal_form.html", context)


@login_required
def appeal_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appeal = permissions.get_appeal_for_user(request.user, pk, action="decide")
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: decisions.appeal_decide(
                actor=request.user,
                appeal=appeal,
                upheld=form.upheld,
                reasons=form.cleaned_data["reasons"],
            ),
        )
        if done:
            messages.success(request, _("The appeal was decided and the organisation told."))
            return redirect(appeal.decision.application)
    return render(request, "accreditation/appeal_decide.html", {"form": form, "appeal": appeal})


# Conditions -------------------------------------------------------------------------------------


@login_required
def condition_list(request: AuthenticatedRequest) -> HttpResponse:
    """The conditions not yet met across the organisations the administration accredited."""
    filterset = ConditionFilter(request.GET, permissions.open_conditions_for_user(request.user))
    page = keyset_page(filterset.qs, request, ordering=("due_date", "id"))
    return render(request, "accreditation/condition_list.html", {"filter": filterset, "page": page})


@login_required
@require_GET
def condition_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filter: the organisations with a condition in the list."""
    filterset = ConditionFilter(None, permissions.open_conditions_for_user(request.user))
    return filter_suggestions(filterset, field, request)


def _condition_page(
    request: AuthenticatedRequest,
    condition: Condition,
    *,
    answer_form: ConditionAnswerForm | None = None,
    met_form: ConditionMetForm | None = None,
    not_met_form: ConditionNotMetForm | None = None,
) -> HttpResponse:
    """The condition with its history; the form for the next step each side may take."""
    actions = permissions.condition_actions(request.user, condition)
    if answer_form is None and actions.answer:
        answer_form = ConditionAnswerForm()
    if met_form is None and actions.mark_met:
        met_form = ConditionMetForm()
    if not_met_form is None and actions.mark_not_met:
        not_met_form = ConditionNotMetForm()
    context = {
        "condition": condition,
        "application": condition.decision.application,
        "responses": condition.responses.select_related("by").prefetch_related("documents"),
        "answer_form": answer_form,
        "met_form": met_form,
        "not_met_form": not_met_form,
    }
    return render(request, "accreditation/condition_detail.html", context)


@login_required
def condition_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _condition_page(request, permissions.get_condition_for_user(request.user, pk))


@login_required
@require_POST
def condition_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    condition = permissions.get_condition_for_user(request.user, pk, action="answer")
    form = ConditionAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: decisions.condition_answer(
                actor=request.user,
                condition=condition,
                note=form.cleaned_data["note"],
                uploads=form.cleaned_data["documents"],
            ),
        )
        if done:
            messages.success(request, _("Your answer was sent to the administration."))
            return redirect(condition)
    return _condition_page(request, condition, answer_form=form)


@login_required
def condition_met(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    condition = permissions.get_condition_for_user(request.user, pk, action="verify")
    form = ConditionMetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: decisions.condition_mark_met(
                actor=request.user, condition=condition, note=form.cleaned_data["note"]
            ),
        )
        if done:
            messages.success(request, _("The condition is recorded as met."))
            return redirect(condition)
    return _condition_page(request, condition, met_form=form)


@login_required
def condition_not_met(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    condition = permissions.get_condition_for_user(request.user, pk, action="verify")
    form = ConditionNotMetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: decisions.condition_mark_not_met(
                actor=request.user, condition=condition, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(
                request, _("The condition is recorded as not met; the organisation was told why.")
            )
            return redirect(condition)
    return _condition_page(request, condition, not_met_form=form)
