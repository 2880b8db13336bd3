"""The gate: the day's manifest (on screen and on paper), each person's entry and exit with
their pass, refusals and no-shows, the briefing and the signed protocol, incidents and
packages; the searches above the protocol's default for the director; and the page where a
person reads the protocol in their language and acknowledges it."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.paging import keyset_page
from activity.permissions import deny
from activity.shortcuts import run_action, run_service
from activity.typing import AuthenticatedRequest

from .. import permissions
from ..forms.gate import (
    CheckInForm,
    CheckOutForm,
    IncidentForm,
    PackageForm,
    RefuseEntryForm,
    SearchFilter,
)
from ..models import SearchLevel, Visitor
from ..selectors import (
    entry_checks,
    experts_without_confidentiality,
    manifest,
    protocol_in_force,
)
from ..services import gate as gate_services


@login_required
def gate_home(request: AuthenticatedRequest) -> HttpResponse:
    """The gate officer's way in: their facility's manifest, or the choice of facility."""
    facilities = list(permissions.gate_facilities(request.user).order_by("name"))
    if not facilities:
        raise deny(request.user, "facility.gate", None, _("Only gate officers work at a gate."))
    if len(facilities) == 1:
        return redirect("visits:gate_manifest", facilities[0].pk)
    return render(request, "visits/gate_home.html", {"facilities": facilities})


def _manifest(request: AuthenticatedRequest, pk: int, template: str) -> HttpResponse:
    facility = permissions.get_gate_facility_for_user(request.user, pk)
    context = {"manifest": manifest(facility, permissions.visits_for_user(request.user))}
    return render(request, template, context)


@login_required
def gate_manifest(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _manifest(request, pk, "visits/gate_manifest.html")


@login_required
def gate_manifest_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The manifest on paper, for when the network is down."""
    return _manifest(request, pk, "visits/gate_manifest_print.html")


# One person at the gate -------------------------------------------------------------------------


def _visitor_page(request: AuthenticatedRequest, visitor: Visitor, **forms: object) -> HttpResponse:
    visit = visitor.visit
    protocol = protocol_in_force(visit.facility)
    checks = entry_checks([visitor], facility=visit.facility, day=visit.day, protocol=protocol)
    experts = experts_without_confidentiality(visit) if visit.monitoring else []
    default = protocol.default_level(visitor.category) if protocol else None
    context = {
        "visitor": visitor,
        "visit": visit,
        "protocol": protocol,
        "default_label": SearchLevel(default).label if default else None,
        "now": timezone.now(),
        "check": checks[visitor.pk],
        "experts": experts,
        "identity": permissions.can_see_identity(request.user, visit),
        "check_in_form": forms.get("check_in_form")
        or CheckInForm(visitor=visitor, default_level=default),
        "check_out_form": forms.get("check_out_form") or CheckOutForm(visit=visit),
        "refuse_form": forms.get("refuse_form") or RefuseEntryForm(),
    }
    return render(request, "visits/gate_visitor.html", context)


@login_required
def gate_visitor(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    return _visitor_page(request, visitor)


@login_required
@require_POST
def gate_check_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    protocol = protocol_in_force(visitor.visit.facility)
    default = protocol.default_level(visitor.category) if protocol else None
    form = CheckInForm(request.POST, visitor=visitor, default_level=default)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: gate_services.visitor_check_in(
                actor=request.user,
                visitor=visitor,
                identity_confirmed=form.cleaned_data["identity_confirmed"],
                search_level=form.cleaned_data["search_level"],
                search_justification=form.cleaned_data["search_justification"],
                items=form.cleaned_data["items"],
                items_note=form.cleaned_data["items_note"],
                at=form.moment(),
            ),
        )
        if done:
            messages.success(request, _("Checked in. Print the pass."))
            return redirect("visits:gate_pass", visitor.pk)
    return _visitor_page(request, visitor, check_in_form=form)


@login_required
@require_POST
def gate_check_out(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    form = CheckOutForm(request.POST, visit=visitor.visit)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: gate_services.visitor_check_out(
                actor=request.user,
                visitor=visitor,
                at=form.moment(),
                cut_short=form.cleaned_data["cut_short"],
            ),
        )
        if done:
            messages.success(request, _("Checked out."))
            return redirect("visits:gate_manifest", visitor.visit.facility_id)
    return _visitor_page(request, visitor, check_out_form=form)


@login_required
@require_POST
def gate_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    form = RefuseEntryForm(request.POST)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: gate_services.visitor_refuse_entry(
                actor=request.user, visitor=visitor, note=form.cleaned_data["note"]
            ),
        )
        if done:
            messages.success(request, _("Entry refused; the reason is recorded."))
            return redirect("visits:gate_manifest", visitor.visit.facility_id)
    return _visitor_page(request, visitor, refuse_form=form)


@login_required
@require_POST
def gate_no_show(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    run_action(
        request,
        lambda: gate_services.visitor_mark_no_show(actor=request.user, visitor=visitor),
        _("Recorded as not come."),
    )
    return redirect("visits:gate_visitor", visitor.pk)


@login_required
@require_POST
def gate_briefing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="brief")
    visit = visitor.visit
    run_action(
        request,
        lambda: gate_services.briefing_record(
            actor=request.user, person=visitor.person, facility=visit.facility
        ),
        _("The briefing is recorded."),
    )
    if permissions.can_work_gate(request.user, visit):
        return redirect("visits:gate_visitor", visitor.pk)
    return redirect(visit)


@login_required
@require_POST
def gate_acknowledgement(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The gate records the protocol the person signed on paper."""
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    protocol = protocol_in_force(visitor.visit.facility)
    if protocol is None:
        messages.error(request, _("The facility has no entrance protocol in force."))
    else:
        run_action(
            request,
            lambda: gate_services.protocol_acknowledge(
                actor=request.user, person=visitor.person, protocol=protocol, on_paper=True
            ),
            _("The signed acknowledgement is recorded."),
        )
    return redirect("visits:gate_visitor", visitor.pk)


def pass_qr(code: str) -> SafeString:
    """The pass code as a QR code, drawn here as inline SVG: nothing is fetched from
    elsewhere, and the pass prints without the network."""
    svg = segno.make_qr(code, error="m").svg_inline(scale=6, border=4, svgclass="pass-qr")
    # segno's own markup for a code drawn from ``Visitor.new_pass_code``'s alphabet: no user text.
    return mark_safe(svg)  # noqa: S308


@login_required
def gate_pass(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visitor = permissions.get_visitor_for_user(request.user, pk, action="gate")
    if visitor.checked_in_at is None:
        messages.error(request, _("The pass is issued at check-in."))
        return redirect("visits:gate_visitor", visitor.pk)
    visit = visitor.visit
    context = {
        "visitor": visitor,
        "visit": visit,
        "areas": list(visit.areas.order_by("name")),
        "qr": pass_qr(visitor.pass_code),
    }
    return render(request, "visits/gate_pass.html", context)


# Incidents and packages ----------------------------------------------------------------------


@login_required
def gate_incident(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="gate")
    form = IncidentForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: gate_services.incident_record(
                actor=request.user,
                visit=visit,
                occurred_at=form.moment(),
                description=form.cleaned_data["description"],
                entered_late=form.cleaned_data["entered_late"],
            ),
        )
        if done:
            messages.success(request, _("The incident is recorded."))
            return redirect(visit)
    context = {"visit": visit, "form": form, "heading": _("Record an incident")}
    return render(request, "visits/gate_form.html", context)


@login_required
def gate_package(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = permissions.get_visit_for_user(request.user, pk, action="gate")
    form = PackageForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: gate_services.package_register(
                actor=request.user,
                visit=visit,
                brought_by=form.cleaned_data["brought_by"],
                description=form.cleaned_data["description"],
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, _("The package is registered."))
            return redirect(visit)
    context = {"visit": visit, "form": form, "heading": _("Register a package or parcel")}
    return render(request, "visits/gate_form.html", context)


# The director's list of searches ------------------------------------------------------------


@login_required
def gate_searches(request: AuthenticatedRequest) -> HttpResponse:
    """Searches above the protocol's default, each with its written justification."""
    user = request.user
    searches = permissions.searches_for_user(user).select_related(
        "person", "visit__facility", "visit__organisation", "checked_in_by"
    )
    filterset = SearchFilter(
        request.GET,
        searches,
        facilities=permissions.visible_facilities(user),
    )
    page = keyset_page(filterset.qs, request, ordering=("-checked_in_at", "-id"))
    return render(request, "visits/gate_searches.html", {"filter": filterset, "page": page})


# The protocol, read and acknowledged by the person -----------------------------------------------


@login_required
@require_POST
def protocol_acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A person named by an organisation acknowledges, from the protocol's page, the facility's
    entrance protocol in force before their first visit."""
    facility = permissions.get_protocol_facility_for_user(request.user, pk)
    protocol = protocol_in_force(facility)
    if protocol is None:
        raise Http404
    person = permissions.own_person(request.user)
    if person is None:
        raise deny(
            request.user,
            "protocol.acknowledge",
            protocol,
            _("Only a person named by an organisation acknowledges the protocol."),
        )
    run_action(
        request,
        lambda: gate_services.protocol_acknowledge(
            actor=request.user, person=person, protocol=protocol
        ),
        _("Thank you: your acknowledgement is recorded."),
    )
    return redirect("visits:protocol_detail", pk)
