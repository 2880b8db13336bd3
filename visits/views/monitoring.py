"""Monitoring mode and coordination meetings: a monitoring body notifies its visit (the body,
the facility, then the visit), staff record a delay, the body records its private interviews and
its experts' confidentiality agreements, and either side keeps a coordination meeting's
minutes. What these add to a visit's page is assembled here too."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accreditation.models import FormalMechanism
from activity.shortcuts import run_service
from activity.suggest import suggestions_response
from activity.typing import AnyUser, AuthenticatedRequest
from directory.models import Person

from .. import permissions
from ..forms.monitoring import (
    ConfidentialityForm,
    DelayForm,
    ExpertFormSet,
    FacilityChoiceForm,
    InterviewForm,
    MeetingForm,
    NotifyForm,
)
from ..models import Purpose, Visit, local_datetime
from ..selectors import VisitPage, expert_undertakings, meeting_of, monitoring_page
from ..services import meetings as meeting_services
from ..services import monitoring as monitoring_services
from . import requests as request_views


@login_required
def monitoring_new(request: AuthenticatedRequest) -> HttpResponse:
    """Notify a monitoring visit: first the body and the facility, then the visit."""
    user = request.user
    organisations = permissions.notifying_organisations(user)
    if not organisations.exists():
        raise permissions.cannot_notify(user)
    facilities = permissions.notifiable_facilities(user)
    data: Mapping[str, Any] | None = request.GET or None
    choice = FacilityChoiceForm(data, organisations=organisations, facilities=facilities)
    context: dict[str, Any] = {"choice": choice, "has_mandate": facilities.exists()}
    if not choice.is_valid():
        return render(request, "visits/monitoring_new.html", context)
    organisation = choice.cleaned_data["organisation"]
    facility = choice.cleaned_data["facility"]
    mechanism = FormalMechanism.objects.filter(
        organisation=organisation, administration=facility.administration_id
    ).first()
    members = mechanism.members.all() if mechanism else Person.objects.none()
    posted = request.POST if request.method == "POST" else None
    form = NotifyForm(posted, facility=facility, members=members)
    experts = ExpertFormSet(
        posted, prefix="experts", form_kwargs={"experts": permissions.expert_candidates()}
    )
    if form.is_bound and form.is_valid() and experts.is_valid():
        chosen = [row for row in experts.cleaned_data if row.get("person")]
        done, visit = run_service(
            form,
            lambda: monitoring_services.visit_notify(
                actor=user,
                organisation=organisation,
                facility=facility,
                day=form.cleaned_data["day"],
                starts=form.cleaned_data["starts"],
                ends=form.cleaned_data["ends"],
                purpose=form.cleaned_data["purpose"],
                members=list(form.cleaned_data["members"]),
                experts=[row["person"] for row in chosen],
                roles={row["person"].pk: row["role"] for row in chosen},
                areas=list(form.cleaned_data["areas"]),
                notes=form.cleaned_data["notes"],
            ),
        )
        if done and visit is not None:
            messages.success(
                request,
                _(
                    "The visit is notified. The facility, its gate and the director are told; "
                    "nobody decides it."
                ),
            )
            return redirect(visit)
    context.update(
        organisation=organisation,
        facility=facility,
        mechanism=mechanism,
        form=form,
        experts=experts,
        query=request.GET.urlencode(),
    )
    return render(request, "visits/monitoring_new.html", context)


@login_required
@require_GET
def monitoring_facility_choices(request: AuthenticatedRequest) -> JsonResponse:
    """Suggestions of the facilities the user's monitoring bodies may visit."""
    if not permissions.notifying_organisations(request.user).exists():
        raise permissions.cannot_notify(request.user)
    return suggestions_response(permissions.notifiable_facilities(request.user), request)


@login_required
@require_GET
def monitoring_expert_choices(request: AuthenticatedRequest) -> JsonResponse:
    """Suggestions of the people a monitoring body may bring along as experts."""
    if not permissions.notifying_organisations(request.user).exists():
        raise permissions.cannot_notify(request.user)
    return suggestions_response(permissions.expert_candidates(), request, field="full_name")


# On a visit's page ------------------------------------------------------------------------------


def detail_context(
    user: AnyUser,
    visit: Visit,
    page: VisitPage,
    actions: permissions.VisitActions,
    forms: Mapping[str, Any],
) -> dict[str, Any]:
    """What monitoring visits and coordination meetings add to a visit's page."""
    context: dict[str, Any] = {}
    if visit.monitoring:
        monitoring = monitoring_page(visit, page.visitors)
        context.update(
            monitoring=monitoring,
            delay_form=forms.get("delay_form") or DelayForm(),
            interview_form=forms.get("interview_form") or InterviewForm(facility=visit.facility),
            confidentiality_form=forms.get("confidentiality_form")
            or ConfidentialityForm(experts=[u.visitor for u in monitoring.undertakings]),
        )
    if visit.purpose == Purpose.COORDINATION and actions.minutes:
        meeting = meeting_of(visit)
        context.update(
            meeting=meeting,
            meeting_form=forms.get("meeting_form") or MeetingForm(instance=meeting),
        )
    return context


@login_required
@require_POST
def delay_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="delay")
    form = DelayForm(request.POST)
    if form.is_valid():
        done, _delay = run_service(
            form,
            lambda: monitoring_services.delay_record(
                actor=request.user,
                visit=visit,
                minutes=form.cleaned_data["minutes"],
                justification=form.cleaned_data["justification"],
            ),
        )
        if done:
            messages.success(request, _("The delay is recorded; the director is alerted."))
            return redirect(visit)
    return request_views._detail(request, pk, delay_form=form)


@login_required
@require_POST
def interview_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="interview")
    form = InterviewForm(request.POST, facility=visit.facility)
    if form.is_valid():
        done, _interview = run_service(
            form,
            lambda: monitoring_services.interview_record(
                actor=request.user,
                visit=visit,
                area=form.cleaned_data["area"],
                held_at=local_datetime(visit.facility, visit.day, form.cleaned_data["held_at"]),
            ),
        )
        if done:
            messages.success(request, _("The interview is recorded as having taken place."))
            return redirect(visit)
    return request_views._detail(request, pk, interview_form=form)


@login_required
@require_POST
def confidentiality_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="confidentiality")
    experts = [each.visitor for each in expert_undertakings(visit)]
    form = ConfidentialityForm(request.POST, request.FILES, experts=experts)
    if form.is_valid():
        done, _visitor = run_service(
            form,
            lambda: monitoring_services.confidentiality_add(
                actor=request.user,
                visitor=form.cleaned_data["visitor"],
                uploaded=form.cleaned_data["document"],
            ),
        )
        if done:
            messages.success(request, _("The signed confidentiality agreement is kept."))
            return redirect(visit)
    return request_views._detail(request, pk, confidentiality_form=form)


@login_required
@require_POST
def meeting_write(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="minutes")
    form = MeetingForm(request.POST, instance=meeting_of(visit))
    if form.is_valid():
        done, _meeting = run_service(
            form,
            lambda: meeting_services.meeting_write(
                actor=request.user,
                visit=visit,
                participants=form.cleaned_data["participants"],
                minutes=form.cleaned_data["minutes"],
                seen=form.cleaned_data["seen"],
            ),
        )
        if done:
            messages.success(request, _("The minutes are saved; both sides read them."))
            return redirect(visit)
    return request_views._detail(request, pk, meeting_form=form)
