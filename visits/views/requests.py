"""Requests and decisions: the list of visits, a visit's page, the request in two steps (the MoU,
then the visit), and the officer's approval, reschedule and refusal; the organisation's
withdrawal."""

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from activity.errors import DomainError
from activity.paging import keyset_page
from activity.shortcuts import errors_text, run_action, run_service
from activity.suggest import filter_suggestions
from activity.typing import AuthenticatedRequest
from agreements.models import Agreement
from agreements.selectors import agreements_in_force

from .. import permissions
from ..forms.requests import (
    AgreementChoiceForm,
    NoteForm,
    RefuseForm,
    RequestForm,
    RescheduleForm,
    VisitFilter,
)
from ..selectors import gate_page, visit_page
from ..services import requests as request_services
from ..terms import agreements_covering
from . import monitoring as monitoring_views


@login_required
def visit_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    visible = permissions.visits_for_user(user)
    filterset = VisitFilter(
        request.GET,
        visible.select_related("facility", "organisation"),
        facilities=permissions.visible_facilities(user),
    )
    page = keyset_page(filterset.qs, request, ordering=("-starts_at", "-id"))
    context = {
        "filter": filterset,
        "page": page,
        "can_request": permissions.requesting_organisations(user).exists(),
        "can_notify": permissions.notifying_organisations(user).exists(),
    }
    return render(request, "visits/visit_list.html", context)


@login_required
@require_GET
def visit_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filters, from the facilities whose visits the user sees."""
    user = request.user
    filterset = VisitFilter(
        None, permissions.visits_for_user(user), facilities=permissions.visible_facilities(user)
    )
    return filter_suggestions(filterset, field, request)


def _agreements_for_requests(request: AuthenticatedRequest) -> list[Agreement]:
    """The MoUs in force under which the user may request visits."""
    organisations = permissions.requesting_organisations(request.user).values_list("pk", flat=True)
    covering = Q(pk__in=[])
    for organisation in organisations:
        covering |= agreements_covering(organisation)
    return list(agreements_in_force().filter(covering).distinct().order_by("title"))


@login_required
def visit_new(request: AuthenticatedRequest) -> HttpResponse:
    """Request a visit: first the MoU, then the visit under it."""
    user = request.user
    if not permissions.requesting_organisations(user).exists():
        raise permissions.cannot_request(user)
    agreements = _agreements_for_requests(request)
    offered = Agreement.objects.filter(pk__in=[a.pk for a in agreements]).order_by("title")
    data: Mapping[str, str] | None = request.GET or None
    if data is None and len(agreements) == 1:
        data = {"agreement": str(agreements[0].pk)}
    choice = AgreementChoiceForm(data, agreements=offered)
    if not choice.is_valid():
        return render(
            request, "visits/visit_new.html", {"choice": choice, "agreements": agreements}
        )
    agreement: Agreement = choice.cleaned_data["agreement"]
    organisation = (
        permissions.requesting_organisations(user)
        .filter(
            pk__in=[
                agreement.organisation_id,
                *agreement.member_organisations.values_list("pk", flat=True),
            ]
        )
        .first()
    )
    assert organisation is not None  # the MoU was offered because it covers one of them
    form = RequestForm(request.POST if request.method == "POST" else None, agreement=agreement)
    if form.is_bound and form.is_valid():
        window = form.cleaned_data["window"]
        done, visits = run_service(
            form,
            lambda: request_services.visit_request(
                actor=user,
                organisation=organisation,
                agreement=agreement,
                facility=window.facility,
                window=window,
                day=form.cleaned_data["day"],
                purpose=form.cleaned_data["purpose"],
                people=list(form.cleaned_data["people"]),
                areas=list(form.cleaned_data["areas"]),
                equipment=form.cleaned_data["equipment"],
                activity_type=form.cleaned_data["activity_type"],
                notes=form.cleaned_data["notes"],
                weeks=form.cleaned_data["weeks"],
            ),
        )
        if done and visits:
            if len(visits) == 1:
                done_message = _(
                    "The visit is requested. The facility's visits officer decides it."
                )
            else:
                done_message = ngettext(
                    "%(count)s visit is requested. The facility's visits officer decides them.",
                    "%(count)s visits are requested. The facility's visits officer decides them.",
                    len(visits),
                ) % {"count": len(visits)}
            messages.success(request, done_message)
            return redirect(visits[0])
    context = {"choice": choice, "agreement": agreement, "organisation": organisation, "form": form}
    return render(request, "visits/visit_new.html", context)


def _detail(request: AuthenticatedRequest, pk: int, **forms: object) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk)
    actions = permissions.visit_actions(request.user, visit)
    page = visit_page(visit, identity=actions.identity)
    context = {
        "visit": visit,
        "page": page,
        "actions": actions,
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "reschedule_form": forms.get("reschedule_form") or RescheduleForm(visit=visit),
        "withdraw_form": forms.get("withdraw_form") or NoteForm(),
        "gate": gate_page(visit) if actions.gate or actions.brief else None,
        "now": timezone.now(),
        **monitoring_views.detail_context(request.user, visit, page, actions, forms),
    }
    return render(request, "visits/visit_detail.html", context)


@login_required
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
def visit_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="decide")
    run_action(
        request,
        lambda: request_services.visit_approve(actor=request.user, visit=visit),
        _("The visit is approved; the organisation is told."),
    )
    return redirect(visit)


@login_required
@require_POST
def visit_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="decide")
    form = RefuseForm(request.POST)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: request_services.visit_refuse(
                actor=request.user,
                visit=visit,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, _("The visit is refused; the organisation is told why."))
            return redirect(visit)
    return _detail(request, pk, refuse_form=form)


@login_required
@require_POST
def visit_reschedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="decide")
    form = RescheduleForm(request.POST, visit=visit)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: request_services.visit_reschedule(
                actor=request.user,
                visit=visit,
                day=form.cleaned_data["day"],
                window=form.cleaned_data["window"],
                note=form.cleaned_data["note"],
                override=form.cleaned_data["override"],
            ),
        )
        if done:
            messages.success(
                request, _("The visit is moved and approved; the organisation is told.")
            )
            return redirect(visit)
    return _detail(request, pk, reschedule_form=form)


@login_required
@require_POST
def visit_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="withdraw")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            request_services.visit_withdraw(
                actor=request.user, visit=visit, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The visit is withdrawn."))
    else:
        messages.error(request, errors_text(form))
    return redirect(visit)
