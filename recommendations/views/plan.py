"""The plan of action: the list of actions, an official's own, planning one, its page with the
progress reported, and rescheduling, cancelling and verifying it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.suggest import filter_suggestions
from activity.typing import AuthenticatedRequest
from directory.models import Administration

from .. import permissions
from ..forms.plan import (
    ActionFilter,
    ActionForm,
    AdministrationChoiceForm,
    ProgressForm,
    ReasonForm,
    RescheduleForm,
    VerifyForm,
)
from ..models import Action, Recommendation
from ..selectors import action_page, action_rows
from ..services import followup, plan


def _list(request: AuthenticatedRequest, visible: QuerySet[Action], *, mine: bool) -> HttpResponse:
    filterset = ActionFilter(request.GET, action_rows(visible), visible=visible)
    page = keyset_page(filterset.qs, request, ordering=("due_on", "id"))
    context = {
        "filter": filterset,
        "page": page,
        "mine": mine,
        "can_plan": bool(permissions.planning_administrations(request.user)),
    }
    return render(request, "recommendations/action_list.html", context)


@login_required
def action_list(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, permissions.actions_for_user(request.user), mine=False)


@login_required
@require_GET
def action_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filters, from the actions the user sees."""
    visible = permissions.actions_for_user(request.user)
    return filter_suggestions(ActionFilter(None, visible, visible=visible), field, request)


@login_required
def action_mine(request: AuthenticatedRequest) -> HttpResponse:
    """The actions the user is the responsible official of."""
    visible = permissions.actions_for_user(request.user).filter(responsible=request.user)
    return _list(request, visible, mine=True)


def _digits(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()][:100]


def _planning_administration(
    request: AuthenticatedRequest, planning: set[int], preselected: list[int]
) -> Administration | None:
    """Whose plan the new action joins: the one chosen, the one of the recommendations it
    starts from, or the only one the user keeps."""
    chosen = request.GET.get("administration", "")
    if chosen.isdigit() and int(chosen) in planning:
        return Administration.objects.get(pk=int(chosen))
    if preselected:
        owner = (
            Recommendation.objects.filter(pk__in=preselected, administration__in=planning)
            .values_list("administration_id", flat=True)
            .first()
        )
        if owner is not None:
            return Administration.objects.get(pk=owner)
    if len(planning) == 1:
        return Administration.objects.get(pk=next(iter(planning)))
    return None


@login_required
def action_new(request: AuthenticatedRequest) -> HttpResponse:
    """Plan an action answering recommendations; ``?recommendation=<pk>`` (repeatable) ticks
    them in advance."""
    user = request.user
    planning = permissions.planning_administrations(user)
    if not planning:
        raise permissions.cannot_plan(user)
    preselected = _digits(request.GET.getlist("recommendation"))
    administration = _planning_administration(request, planning, preselected)
    if administration is None:
        choice = AdministrationChoiceForm(
            administrations=Administration.objects.filter(pk__in=planning).order_by("name")
        )
        return render(request, "recommendations/action_new.html", {"choice": choice})
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={"recommendations": preselected},
        administration=administration,
        officials=plan.officials(administration),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, action = run_service(
            form,
            lambda: plan.action_create(
                actor=user,
                administration=administration,
                recommendations=list(data["recommendations"]),
                title=data["title"],
                description=data["description"],
                responsible=data["responsible"],
                due_on=data["due_on"],
                effort=data["effort"],
            ),
        )
        if done and action is not None:
            messages.success(request, _("The action is planned; its official is told."))
            return redirect(action)
    context = {"form": form, "administration": administration}
    return render(request, "recommendations/action_new.html", context)


#: The cancel form shares the action's page with the reschedule form, both with a ``reason``:
#: each its own element ids, so that each label names its own field.
_CANCEL_IDS = "id_cancel_%s"


def _detail(request: AuthenticatedRequest, pk: int, **forms: Any) -> HttpResponse:
    user = request.user
    action = permissions.get_action_for_user(user, pk)
    actions = permissions.action_actions(user, action)
    page = action_page(action)
    unfinished = action.status in Action.UNFINISHED_STATUSES
    reschedule_form = None
    if actions.manage and unfinished:
        reschedule_form = forms.get("reschedule_form") or RescheduleForm(
            action=action, officials=plan.officials(action.administration)
        )
    verify_rows = [
        (rec, forms.get(f"verify_{rec.pk}") or VerifyForm(prefix=f"r{rec.pk}"))
        for rec in page.recommendations
    ]
    context = {
        "action": action,
        "page": page,
        "actions": actions,
        "unfinished": unfinished,
        "progress_form": forms.get("progress_form") or ProgressForm(action=action),
        "reschedule_form": reschedule_form,
        "cancel_form": forms.get("cancel_form") or ReasonForm(auto_id=_CANCEL_IDS),
        "verify_rows": verify_rows if actions.verify else [],
    }
    return render(request, "recommendations/action_detail.html", context)


@login_required
def action_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
def action_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = permissions.get_action_for_user(request.user, pk, action="progress")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        done, _update = run_service(
            form,
            lambda: plan.progress_post(
                actor=request.user,
                action=action,
                progress=data["progress"],
                note=data["note"],
                completed=data["completed"],
                evidence=data["evidence"],
            ),
        )
        if done:
            messages.success(request, _("The progress is posted."))
            return redirect(action)
    return _detail(request, pk, progress_form=form)


@login_required
@require_POST
def action_reschedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = permissions.get_action_for_user(request.user, pk, action="manage")
    form = RescheduleForm(
        request.POST, action=action, officials=plan.officials(action.administration)
    )
    if form.is_valid():
        data = form.cleaned_data
        done, _result = run_service(
            form,
            lambda: plan.action_reschedule(
                actor=request.user,
                action=action,
                due_on=data["due_on"],
                responsible=data["responsible"],
                reason=data["reason"],
            ),
        )
        if done:
            messages.success(request, _("The action is changed; its official is reminded."))
            return redirect(action)
    return _detail(request, pk, reschedule_form=form)


@login_required
@require_POST
def action_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = permissions.get_action_for_user(request.user, pk, action="manage")
    form = ReasonForm(request.POST, auto_id=_CANCEL_IDS)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: plan.action_cancel(
                actor=request.user, action=action, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(request, _("The action is cancelled."))
            return redirect(action)
    return _detail(request, pk, cancel_form=form)


@login_required
@require_POST
def action_verify(request: AuthenticatedRequest, pk: int, recommendation_pk: int) -> HttpResponse:
    """The organisation verifies, from the evidence posted, one recommendation the action
    answers."""
    action = permissions.get_action_for_user(request.user, pk, action="verify")
    recommendation = action.recommendations.filter(pk=recommendation_pk).first()
    if recommendation is None:
        raise Http404
    form = VerifyForm(request.POST, prefix=f"r{recommendation.pk}")
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: followup.recommendation_verify(
                actor=request.user,
                recommendation=recommendation,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, _("What you verified is recorded."))
            return redirect(action)
    return _detail(request, pk, **{f"verify_{recommendation.pk}": form})
