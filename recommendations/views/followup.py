"""Follow-up: the visits that carry a checklist of open recommendations, and a visit's
checklist, on which the visiting organisation records what it verified."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.typing import AuthenticatedRequest
from visits.models import Visit

from .. import permissions
from ..forms.plan import VerifyForm
from ..selectors import checklist_rows, followup_visits
from ..services import followup

#: Visits that will not take place: their checklist is no longer "upcoming".
_CALLED_OFF = (Visit.Status.REFUSED, Visit.Status.CANCELLED, Visit.Status.WITHDRAWN)


@login_required
def followup_list(request: AuthenticatedRequest) -> HttpResponse:
    """Upcoming follow-up visits first, soonest first; ``?when=past`` for those that are over."""
    past = request.GET.get("when") == "past"
    visits = followup_visits(permissions.followup_visits_for_user(request.user))
    now = timezone.now()
    if past:
        page = keyset_page(visits.filter(ends_at__lt=now), request, ordering=("-starts_at", "-id"))
    else:
        # A visit lasts a day at most: the bound on its start lets the list read the
        # administration's visits by their start instead of every visit's end.
        upcoming = visits.filter(ends_at__gte=now, starts_at__gte=now - timedelta(days=1)).exclude(
            status__in=_CALLED_OFF
        )
        page = keyset_page(upcoming, request, ordering=("starts_at", "id"))
    return render(request, "recommendations/followup_list.html", {"page": page, "past": past})


def _checklist(request: AuthenticatedRequest, visit_pk: int, **forms: Any) -> HttpResponse:
    user = request.user
    visit = permissions.get_followup_visit_for_user(user, visit_pk)
    rows = list(checklist_rows(permissions.checklist_for_user(user, visit)))
    can_verify = permissions.can_verify_on_visit(user, visit)
    items = [
        (
            row,
            (
                forms.get(f"row_{row.pk}")
                or VerifyForm(prefix=f"c{row.pk}", initial={"result": row.result, "note": row.note})
            )
            if can_verify
            else None,
        )
        for row in rows
    ]
    context = {
        "visit": visit,
        "items": items,
        "can_verify": can_verify,
        "started": visit.starts_at <= timezone.now(),
    }
    return render(request, "recommendations/checklist.html", context)


@login_required
def visit_checklist(request: AuthenticatedRequest, visit_pk: int) -> HttpResponse:
    return _checklist(request, visit_pk)


@login_required
@require_POST
def checklist_verify(request: AuthenticatedRequest, visit_pk: int, pk: int) -> HttpResponse:
    """Record what was verified of one item of the visit's checklist."""
    visit = permissions.get_followup_visit_for_user(request.user, visit_pk, action="verify")
    row = (
        permissions.checklist_for_user(request.user, visit)
        .select_related("recommendation")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    form = VerifyForm(request.POST, prefix=f"c{row.pk}")
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: followup.recommendation_verify(
                actor=request.user,
                recommendation=row.recommendation,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                visit=visit,
            ),
        )
        if done:
            messages.success(request, _("What you verified is recorded."))
            url = reverse("recommendations:visit_checklist", args=[visit.pk])
            return redirect(f"{url}#item-{row.pk}")
    return _checklist(request, visit_pk, **{f"row_{row.pk}": form})
