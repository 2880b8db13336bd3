from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.typing import AuthenticatedRequest

from . import permissions, services, twofactor
from .filters import FacilityFilter, OrganisationFilter
from .forms import CodeForm, FacilityForm, OrganisationForm, PersonForm, StepUpForm


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
    org = permissions.get_organisation_for_user(request.user, pk, action="change")
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
    facility = permissions.get_facility_for_user(request.user, pk, action="change")
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
        "can_change": permissions.can_change_person(request.user, person),
    }
    return render(request, "directory/person_detail.html", context)


@login_required
def person_create(request: AuthenticatedRequest, organisation_pk: int) -> HttpResponse:
    org = permissions.get_organisation_for_user(request.user, organisation_pk, action="add_person")
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
    person = permissions.get_person_for_user(request.user, pk, action="change")
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


# The account page and two-factor sign-in ---------------------------------------------------------


def _next_url(request: HttpRequest, default: str = "dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    device = twofactor.authenticator(user)
    context = {
        "enrolled": device is not None,
        "required": twofactor.second_factor_required(user),
        "codes_left": twofactor.recovery_codes_left(user) if device else 0,
    }
    return render(request, "directory/account.html", context)


@login_required
def second_factor(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    device = twofactor.authenticator(request.user)
    if device is None or twofactor.is_verified(request):
        return redirect(_next_url(request))
    help_text = _("The 6-digit code your authenticator app shows, or one of your recovery codes.")
    form = CodeForm(request.POST or None, help_text=help_text)
    if request.method == "POST" and form.is_valid():
        done, verified = run_service(
            form,
            lambda: twofactor.second_factor_verify(
                actor=request.user, code=form.cleaned_data["code"]
            ),
        )
        if done and verified:
            twofactor.mark_verified(request, verified)
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "demo_code": twofactor.demo_code(device)}
    return render(request, "directory/second_factor.html", context)


@login_required
def two_factor_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code,
    and receive the recovery codes once. Replacing an enrolled app needs a step-up first."""
    user = request.user
    if twofactor.authenticator(user) is not None:
        if not twofactor.is_verified(request):
            return redirect(f"{reverse('directory:second_factor')}?{request.GET.urlencode()}")
        if not twofactor.is_stepped_up(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('directory:step_up')}?{query}")
    key = twofactor.pending_key(request)
    form = CodeForm(
        request.POST or None, help_text=_("The 6-digit code your authenticator app now shows.")
    )
    if request.method == "POST" and form.is_valid():
        done, result = run_service(
            form,
            lambda: twofactor.two_factor_enrol(
                actor=user, key_hex=key, code=form.cleaned_data["code"]
            ),
        )
        if done and result:
            device, codes = result
            del request.session[twofactor.PENDING_KEY_SESSION_KEY]
            twofactor.mark_verified(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(
                request,
                "directory/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": twofactor.qr_code_data_uri(twofactor.provisioning_uri(user, key)),
        "secret": twofactor.secret_text(key),
        "required": twofactor.second_factor_required(user),
    }
    return render(request, "directory/two_factor_enrol.html", context)


@login_required
@twofactor.step_up_required
def recovery_codes_renew(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            codes = twofactor.recovery_codes_renew(actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("directory:account")
        context = {"codes": codes, "next": reverse("directory:account")}
        return render(request, "directory/recovery_codes.html", context)
    context = {
        "title": _("New recovery codes"),
        "explanation": _("Your current recovery codes will stop working."),
        "button": _("Make new recovery codes"),
    }
    return render(request, "directory/account_confirm.html", context)


@login_required
@twofactor.step_up_required
def two_factor_disable(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            twofactor.two_factor_disable(actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
        return redirect("directory:account")
    context = {
        "title": _("Turn off two-factor sign-in"),
        "explanation": _("You will sign in with your password only."),
        "button": _("Turn off"),
    }
    return render(request, "directory/account_confirm.html", context)


@login_required
def step_up(request: AuthenticatedRequest) -> HttpResponse:
    """Confirm who you are before a sensitive action: the password, and a code if enrolled."""
    with_code = twofactor.authenticator(request.user) is not None
    form = StepUpForm(request.POST or None, with_code=with_code)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: twofactor.step_up(
                request,
                password=form.cleaned_data["password"],
                code=form.cleaned_data.get("code", ""),
            ),
        )
        if done:
            return redirect(_next_url(request))
    return render(request, "directory/step_up.html", {"form": form, "next": _next_url(request)})
