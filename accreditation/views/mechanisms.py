"""The register of formal mechanisms: NPMs and bodies with a special agreement, registered by
the director with their mandate rather than accredited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activity.paging import keyset_page
from activity.permissions import deny
from activity.shortcuts import run_service
from activity.typing import AuthenticatedRequest
from directory.models import Organisation
from directory.permissions import organisations_for_user

from .. import permissions
from ..forms.mechanisms import MechanismForm
from ..services import mechanisms


@login_required
def mechanism_list(request: AuthenticatedRequest) -> HttpResponse:
    page = keyset_page(
        permissions.mechanisms_for_user(request.user), request, ordering=("-registered_at", "-id")
    )
    context = {"page": page, "can_register": permissions.can_register_mechanism(request.user)}
    return render(request, "accreditation/mechanism_list.html", context)


@login_required
def mechanism_register(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_register_mechanism(user):
        raise deny(
            user, "mechanism.register", None, _("Only the director registers formal mechanisms.")
        )
    form = MechanismForm(
        request.POST or None,
        request.FILES or None,
        administrations=permissions.directed_administrations_for_user(user),
        organisations=organisations_for_user(user).filter(
            kind__in=Organisation.FORMAL_KINDS, formal_mechanism__isnull=True
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, mechanism = run_service(
            form,
            lambda: mechanisms.mechanism_register(
                actor=user,
                administration=data["administration"],
                organisation=data["organisation"],
                legal_basis=data["legal_basis"],
                mandate=data["mandate"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                members=data["members"],
            ),
        )
        if done and mechanism:
            messages.success(
                request, _("%(body)s was registered.") % {"body": mechanism.organisation}
            )
            return redirect(mechanism)
    return render(request, "accreditation/mechanism_form.html", {"form": form})


@login_required
def mechanism_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mechanism = permissions.get_mechanism_for_user(request.user, pk)
    context = {
        "mechanism": mechanism,
        "members": mechanism.members.all(),
        "document": mechanism.mandate_document,
    }
    return render(request, "accreditation/mechanism_detail.html", context)
