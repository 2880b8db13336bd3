"""The facility's calendar and capacity: its windows and caps, notice rules and closures, the
weeks ahead with the places taken and free; the review queue. The facility's visits officer
(or a director) keeps them; organisations whose MoU in force names the facility read the
windows and free places to choose a date."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activity.paging import keyset_page
from activity.shortcuts import errors_text, run_service
from activity.typing import AuthenticatedRequest
from directory.models import Facility

from .. import permissions, selectors
from ..forms.calendar import (
    ClosureForm,
    ClosureLiftForm,
    RulesForm,
    WeeksForm,
    WindowEndForm,
    WindowForm,
)
from ..models import Closure, local_today
from ..services import calendar as calendar_services
from ..services._common import rules_of

#: How many days the calendar shows at once: four weeks.
SHOWN_DAYS = 28


def calendar_url(facility: Facility) -> str:
    return reverse("visits:facility_calendar", args=[facility.pk])


@login_required
def calendar_list(request: AuthenticatedRequest) -> HttpResponse:
    """The facilities whose calendar the user keeps or reads."""
    user = request.user
    facilities = permissions.calendar_facilities_for_user(user).select_related("administration")
    page = keyset_page(facilities, request, ordering=("name", "id"))
    kept = set(permissions.managed_facilities(user).values_list("pk", flat=True))
    context = {"page": page, "kept": kept}
    return render(request, "visits/calendar_list.html", context)


@login_required
def facility_calendar(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    facility = permissions.get_calendar_facility_for_user(user, pk)
    keeps = permissions.can_manage_facility(user, facility)
    today = local_today(facility)
    weeks_form = WeeksForm(request.GET or None)
    start = weeks_form.start_or(today)
    start -= timedelta(days=start.weekday())  # from the Monday of its week
    windows = selectors.windows_of(facility, since=min(start, today))
    context = {
        "facility": facility,
        "keeps": keeps,
        "today": today,
        "windows": [w for w in windows if w.valid_until is None or w.valid_until >= today],
        "weeks": selectors.facility_calendar(facility, windows, start=start, days=SHOWN_DAYS),
        "weeks_form": weeks_form,
        "earlier": start - timedelta(days=SHOWN_DAYS),
        "later": start + timedelta(days=SHOWN_DAYS),
        "rules": rules_of(facility),
        "closures": list(
            Closure.objects.in_force()
            .filter(facility=facility, ends_on__gte=today)
            .select_related("area", "window")
            .order_by("starts_on", "pk")
        ),
    }
    return render(request, "visits/calendar_facility.html", context)


def _form_page(
    request: AuthenticatedRequest, facility: Facility, form: object, title: str
) -> HttpResponse:
    context = {"facility": facility, "form": form, "title": title, "back": calendar_url(facility)}
    return render(request, "visits/calendar_form.html", context)


@login_required
def window_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = permissions.get_calendar_facility_for_user(request.user, pk, action="manage")
    form = WindowForm(request.POST or None, facility=facility)
    if form.is_bound and form.is_valid():
        done, _window = run_service(
            form,
            lambda: calendar_services.window_create(
                actor=request.user, facility=facility, hours=form.hours(), places=form.places_()
            ),
        )
        if done:
            messages.success(request, _("The window is open for requests."))
            return redirect(calendar_url(facility))
    return _form_page(request, facility, form, _("New visiting window"))


@login_required
def window_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    window = permissions.get_window_for_user(request.user, pk, action="manage")
    facility = window.facility
    form = WindowForm(request.POST or None, facility=facility, window=window)
    if form.is_bound and form.is_valid():
        done, _window = run_service(
            form,
            lambda: calendar_services.window_change(
                actor=request.user, window=window, hours=form.hours(), places=form.places_()
            ),
        )
        if done:
            messages.success(request, _("The window is changed."))
            return redirect(calendar_url(facility))
    context = {
        "facility": facility,
        "form": form,
        "title": _("Change the window %(window)s") % {"window": window},
        "back": calendar_url(facility),
        "window": window,
        "end_form": WindowEndForm(),
    }
    return render(request, "visits/calendar_form.html", context)


@login_required
@require_POST
def window_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    window = permissions.get_window_for_user(request.user, pk, action="manage")
    form = WindowEndForm(request.POST)
    if form.is_valid():
        done, count = run_service(
            form,
            lambda: calendar_services.window_end(
                actor=request.user,
                window=window,
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(request, _in_review(_("The window ends."), count or 0))
            return redirect(calendar_url(window.facility))
    messages.error(request, errors_text(form))
    return redirect("visits:window_edit", window.pk)


def _in_review(done: str, count: int) -> str:
    if not count:
        return done
    reviewed = ngettext(
        "%(count)s visit went into review; its organisation is told.",
        "%(count)s visits went into review; their organisations are told.",
        count,
    ) % {"count": count}
    return f"{done} {reviewed}"


@login_required
def rules_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = permissions.get_calendar_facility_for_user(request.user, pk, action="manage")
    form = RulesForm(request.POST or None, instance=rules_of(facility))
    if form.is_bound and form.is_valid():
        done, _rules = run_service(
            form,
            lambda: calendar_services.rules_set(
                actor=request.user,
                facility=facility,
                min_notice_days=form.cleaned_data["min_notice_days"],
                max_notice_days=form.cleaned_data["max_notice_days"],
            ),
        )
        if done:
            messages.success(request, _("The notice rules are saved."))
            return redirect(calendar_url(facility))
    return _form_page(
        request, facility, form, _("Notice rules of %(facility)s") % {"facility": facility.name}
    )


@login_required
def closure_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = permissions.get_calendar_facility_for_user(request.user, pk, action="manage")
    form = ClosureForm(request.POST or None, facility=facility)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        done, result = run_service(
            form,
            lambda: calendar_services.closure_create(
                actor=request.user,
                facility=facility,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                area=data["area"],
                window=data["window"],
            ),
        )
        if done and result:
            messages.success(request, _in_review(_("The closure is recorded."), result[1]))
            return redirect(calendar_url(facility))
    return _form_page(
        request, facility, form, _("Close %(facility)s to visitors") % {"facility": facility.name}
    )


@login_required
@require_POST
def closure_lift(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    closure = permissions.get_closure_for_user(request.user, pk, action="manage")
    form = ClosureLiftForm(request.POST)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: calendar_services.closure_lift(
                actor=request.user, closure=closure, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(
                request,
                _(
                    "The closure is lifted. Visits it put into review stay there until you "
                    "confirm them."
                ),
            )
            return redirect(calendar_url(closure.facility))
    messages.error(request, errors_text(form))
    return redirect(calendar_url(closure.facility))


@login_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    """The visits in review at the facilities the user keeps, the longest waiting first."""
    visits = permissions.reviews_for_user(request.user).select_related("facility", "organisation")
    page = keyset_page(visits, request, ordering=("review_since", "id"))
    return render(request, "visits/review_list.html", {"page": page})
