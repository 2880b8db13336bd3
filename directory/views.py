from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.typing import AuthenticatedRequest

from . import permissions, services
from .filters import FacilityFilter, OrganisationFilter
from .forms import FacilityForm, OrganisationForm, PersonForm


@login_required
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = OrganisationFilter(
        request.GET, queryset=permissions.organisations_for_user(request.user)
    )
    page = keyset_page(filterset.qs.select_related("network"), request, ordering=("name", "id"))
    return render(request, "directory/organisation_list.html", {"filter": filterset, "page": page})


@login_required
def organisation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    org = permissions.get_organisation_for_user(request.user, pk)
    context = {
        "organisation": org,
        "people": org.people.all(),
        "members": org.members.all(),
        "can_change": permissions.can_change_organisation(request.user, org),
    }
    return render(request, "directory/organisation_detail.html", context)


@login_required
def organisation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    org = permissions.get_organisation_for_change(request.user, pk)
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: services.organisation_update(
                actor=request.user, organisation=org, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The organisation's profile was saved."))
            return redirect(org)
    return render(request, "form_page.html", {"form": form, "title": org, "back": org})


@login_required
def facility_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = FacilityFilter(request.GET, queryset=permissions.facilities_for_user(request.user))
    page = keyset_page(filterset.qs, request, ordering=("name", "id"))
    return render(request, "directory/facility_list.html", {"filter": filterset, "page": page})


@login_required
def facility_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = permissions.get_facility_for_user(request.user, pk)
    context = {
        "facility": facility,
        "areas": facility.areas.all(),
        "can_change": permissions.can_change_facility(request.user, facility),
    }
    return render(request, "directory/facility_detail.html", context)


@login_required
def facility_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = permissions.get_facility_for_change(request.user, pk)
    form = FacilityForm(request.POST or None, instance=facility)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: services.facility_update(
                actor=request.user, facility=facility, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The facility's details were saved."))
            return redirect(facility)
    return render(request, "form_page.html", {"form": form, "title": facility, "back": facility})


@login_required
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = permissions.get_person_for_user(request.user, pk)
    context = {
        "person": person,
        "show_identity": permissions.can_see_identity(request.user, person),
        "can_change": permissions.can_manage_people(request.user, person.organisation),
    }
    return render(request, "directory/person_detail.html", context)


@login_required
def person_create(request: AuthenticatedRequest, organisation_pk: int) -> HttpResponse:
    org = permissions.get_organisation_for_user(request.user, organisation_pk)
    permissions.check_can_manage_people(request.user, org)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, person = run_service(
            form,
            lambda: services.person_create(
                actor=request.user, organisation=org, data=form.cleaned_data
            ),
        )
        if done and person:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            return redirect(person)
    title = _("New person for %(organisation)s") % {"organisation": org}
    return render(request, "form_page.html", {"form": form, "title": title, "back": org})


@login_required
def person_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = permissions.get_person_for_change(request.user, pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: services.person_update(
                actor=request.user, person=person, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The details were saved."))
            return redirect(person)
    return render(request, "form_page.html", {"form": form, "title": person, "back": person})
