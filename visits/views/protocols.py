"""A facility's entrance protocol: the version in force, read by whoever may enter or works
there, and its versions; its keeper (the visits officer, a director) drafts, writes and
publishes the next version."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.errors import DomainError
from activity.shortcuts import errors_text, run_action, run_service
from activity.typing import AuthenticatedRequest

from .. import permissions
from ..forms.protocols import MeasureForm, ProtocolForm
from ..models import Acknowledgement, EntranceProtocol, ProtocolMeasure, SearchLevel
from ..selectors import protocol_in_force
from ..services import protocols as protocol_services


def version_url(protocol: EntranceProtocol) -> str:
    return reverse("visits:protocol_version", args=[protocol.pk])


def _levels(protocol: EntranceProtocol) -> list[tuple[SearchLevel, ProtocolMeasure | None]]:
    """Each search level with the protocol's measure for it, or none."""
    measures = {measure.level: measure for measure in protocol.measures.all()}
    return [(SearchLevel(level), measures.get(level)) for level in SearchLevel.values]


@login_required
def protocol_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The facility's protocol in force."""
    facility = permissions.get_protocol_facility_for_user(request.user, pk)
    keeps = permissions.can_manage_facility(request.user, facility)
    protocol = protocol_in_force(facility)
    draft = (
        EntranceProtocol.objects.filter(facility=facility, published_at__isnull=True).first()
        if keeps
        else None
    )
    person = permissions.own_person(request.user)
    context = {
        "facility": facility,
        "protocol": protocol,
        "in_force": protocol,
        "levels": _levels(protocol) if protocol else [],
        "draft": draft,
        "can_start": keeps and draft is None,
        # A person named by an organisation acknowledges the version in force here.
        "person": person,
        "acknowledged": person is not None
        and protocol is not None
        and Acknowledgement.objects.filter(person=person, protocol=protocol).exists(),
    }
    return render(request, "visits/protocol_detail.html", context)


@login_required
def protocol_versions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every version the user may read: the published ones, and the draft for its keepers."""
    facility = permissions.get_protocol_facility_for_user(request.user, pk)
    versions = (
        permissions.protocols_for_user(request.user)
        .filter(facility=facility)
        .select_related("published_by")
        .order_by("-version")
    )
    context = {
        "facility": facility,
        "versions": versions,
        "keeps": permissions.can_manage_facility(request.user, facility),
        "in_force": protocol_in_force(facility),
    }
    return render(request, "visits/protocol_versions.html", context)


@login_required
def protocol_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    protocol = permissions.get_protocol_for_user(request.user, pk)
    keeps = permissions.can_manage_facility(request.user, protocol.facility)
    draft = protocol.published_at is None
    context = {
        "facility": protocol.facility,
        "protocol": protocol,
        "levels": _levels(protocol),
        "keeps": keeps,
        "editable": keeps and draft,
        "problems": protocol_services.publication_problems(protocol) if keeps and draft else [],
        "in_force": protocol_in_force(protocol.facility),
    }
    return render(request, "visits/protocol_detail.html", context)


@login_required
@require_POST
def protocol_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    facility = permissions.get_protocol_facility_for_user(request.user, pk, action="manage")
    done, protocol = run_action(
        request,
        lambda: protocol_services.protocol_draft(actor=request.user, facility=facility),
        _("A new version was started as a draft. Write it, then publish it."),
    )
    if done and protocol:
        return redirect(version_url(protocol))
    return redirect("visits:protocol_detail", facility.pk)


def _published_refusal(
    request: AuthenticatedRequest, protocol: EntranceProtocol
) -> HttpResponse | None:
    """A published version never changes: its change pages send back to it, with the
    services' reason."""
    try:
        protocol_services.check_draft(protocol)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(version_url(protocol))
    return None


@login_required
def protocol_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    protocol = permissions.get_protocol_for_user(request.user, pk, action="manage")
    if refusal := _published_refusal(request, protocol):
        return refusal
    title = _("Change the draft %(protocol)s") % {"protocol": protocol}
    form = ProtocolForm(request.POST or None, instance=protocol)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: protocol_services.protocol_update(
                actor=request.user, protocol=protocol, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The draft was saved."))
            return redirect(version_url(protocol))
    context = {"form": form, "title": title, "back": version_url(protocol)}
    return render(request, "visits/protocol_form.html", context)


def _level(level: int) -> SearchLevel:
    if level not in SearchLevel.values:
        raise Http404
    return SearchLevel(level)


@login_required
def measure_edit(request: AuthenticatedRequest, pk: int, level: int) -> HttpResponse:
    protocol = permissions.get_protocol_for_user(request.user, pk, action="manage")
    if refusal := _published_refusal(request, protocol):
        return refusal
    search = _level(level)
    measure = ProtocolMeasure.objects.filter(protocol=protocol, level=search).first()
    form = MeasureForm(
        request.POST or None, instance=measure or ProtocolMeasure(protocol=protocol, level=search)
    )
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: protocol_services.measure_save(
                actor=request.user, protocol=protocol, level=search, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("“%(level)s” was saved.") % {"level": search.label})
            return redirect(version_url(protocol))
    title = _("%(level)s: what it involves and why") % {"level": search.label}
    context = {"form": form, "title": title, "back": version_url(protocol)}
    return render(request, "visits/protocol_form.html", context)


@login_required
@require_POST
def measure_remove(request: AuthenticatedRequest, pk: int, level: int) -> HttpResponse:
    protocol = permissions.get_protocol_for_user(request.user, pk, action="manage")
    search = _level(level)
    run_action(
        request,
        lambda: protocol_services.measure_remove(
            actor=request.user, protocol=protocol, level=search
        ),
        _("“%(level)s” was taken out of the draft.") % {"level": search.label},
    )
    return redirect(version_url(protocol))


@login_required
@require_POST
def protocol_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    protocol = permissions.get_protocol_for_user(request.user, pk, action="manage")
    form = forms.Form(request.POST)
    done, _result = run_service(
        form,
        lambda: protocol_services.protocol_publish(actor=request.user, protocol=protocol),
    )
    if done:
        messages.success(
            request,
            _("Version %(version)s is in force; visitors acknowledge it before they next enter.")
            % {"version": protocol.version},
        )
    else:
        messages.error(request, errors_text(form))
    return redirect(version_url(protocol))
