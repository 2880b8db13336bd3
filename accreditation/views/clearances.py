"""Vetting people: organisations ask, the administration's directors and coordinators decide.
Only cleared people can later be named in an agreement or a visit."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.suggest import filter_suggestions
from activity.typing import AuthenticatedRequest

from .. import permissions
from ..filters import ClearanceFilter
from ..forms.clearances import ClearanceDecisionForm, ClearanceRequestForm
from ..models import Clearance
from ..services import clearances
from ..services.clearances import EXPIRY_NOTICES


@login_required
def clearance_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = ClearanceFilter(
        request.GET, queryset=permissions.clearances_for_user(request.user), request=request
    )
    # The queue is served first come, first served; decided requests newest first.
    if filterset.chosen_status == ClearanceFilter.PENDING:
        ordering: tuple[str, ...] = ("requested_at", "id")
    else:
        ordering = ("-decided_at", "-id")
    context = {
        "filter": filterset,
        "page": keyset_page(filterset.qs, request, ordering=ordering),
        "status": filterset.chosen_status,
        "can_decide": permissions.can_vet_people(request.user),
    }
    return render(request, "accreditation/clearance_list.html", context)


@login_required
@require_GET
def clearance_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the queue's filter: the organisations whose people's vetting the user
    sees."""
    filterset = ClearanceFilter(None, queryset=permissions.clearances_for_user(request.user))
    return filter_suggestions(filterset, field, request)


@login_required
def clearance_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clearance = permissions.get_clearance_for_user(request.user, pk, action="decide")
    form = ClearanceDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: clearances.clearance_decide(
                actor=request.user,
                clearance=clearance,
                cleared=form.cleared,
                valid_until=form.cleaned_data["valid_until"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(
                request,
                _("The decision on %(person)s was recorded.") % {"person": clearance.person},
            )
            return redirect("accreditation:clearance_list")
    context = {
        "clearance": clearance,
        "person": clearance.person,
        "form": form,
        "history": _history(clearance.person.pk, request),
    }
    return render(request, "accreditation/clearance_decide.html", context)


def _history(person_pk: int, request: AuthenticatedRequest) -> list[Clearance]:
    return list(
        permissions.clearances_for_user(request.user)
        .filter(person_id=person_pk)
        .select_related("decided_by")
        .order_by("-requested_at", "-id")
    )


@login_required
def clearance_request(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    if request.method == "POST":
        person = permissions.get_person_for_user(
            request.user, person_pk, action="request_clearance"
        )
        form = ClearanceRequestForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("administration", []):
                messages.error(request, str(error))
            return redirect("accreditation:clearance_request", person_pk=person.pk)
        clearance = clearances.clearance_request(
            actor=request.user, person=person, administration=form.cleaned_data["administration"]
        )
        if clearance.status == Clearance.Status.PENDING:
            messages.success(
                request,
                _("The request to vet %(person)s is with the administration.") % {"person": person},
            )
        else:
            until = clearance.valid_until or timezone.localdate()
            messages.info(
                request,
                _("%(person)s is cleared until %(date)s; a new request can be made from %(from)s.")
                % {
                    "person": person,
                    "date": date_format(until),
                    "from": date_format(until - timedelta(days=EXPIRY_NOTICES[-1])),
                },
            )
        return redirect("accreditation:clearance_request", person_pk=person.pk)
    person = permissions.get_person_for_user(request.user, person_pk, action="see_clearances")
    history = _history(person.pk, request)
    current: dict[int, Clearance] = {}
    for row in history:  # newest first: the first row per administration is its clearance
        current.setdefault(row.administration_id, row)
    context = {
        "person": person,
        "current": list(current.values()),
        "history": history,
        "actions": permissions.clearance_actions(request.user, person),
        "request_form": ClearanceRequestForm(),
    }
    return render(request, "accreditation/clearance_request.html", context)
