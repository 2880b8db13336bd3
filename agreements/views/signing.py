"""Signing an MoU: the director signs for the administration and an authorised signatory
countersigns for the organisation, each confirming who they are (password and authenticator
code) in the very request that signs; the signed copy's download, and its copies in other
languages; and the organisation's page of authorised signatories."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.permissions import deny, not_found
from activity.shortcuts import run_action, run_service
from activity.typing import AuthenticatedRequest
from activity.uploads import PDF, attachment_response
from directory import twofactor
from directory.models import Organisation
from directory.permissions import get_organisation_for_user
from directory.selectors import organisation_users

from .. import permissions
from ..forms import SignatoryForm, SignForm
from ..models import Agreement, PdfStatus, PeopleAnnex, Side, Signatory
from ..permissions import ORGANISATION_READERS
from ..services import signing as signing_services


def sign_page(
    request: AuthenticatedRequest,
    *,
    document: Agreement | PeopleAnnex,
    sign: Callable[[], object],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The signing page of one side, for an MoU or a people annex: the password and a code,
    checked (``step_up``) in the same request as the signature (``sign``), so that nobody signs
    from a session left open."""
    user = request.user
    enrolled = twofactor.authenticator(user) is not None
    form = SignForm(request.POST if request.method == "POST" and enrolled else None)
    if form.is_bound and form.is_valid():

        def step_up_and_sign() -> object:
            twofactor.step_up(
                request, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
            return sign()

        done, _signature = run_service(form, step_up_and_sign)
        if done:
            messages.success(
                request,
                _(
                    "Your signature is recorded. The signed copy is being prepared: it will be "
                    "offered for download on this page."
                ),
            )
            return redirect(document)
    return render(request, template, {**context, "form": form, "enrolled": enrolled})


def _sign(request: AuthenticatedRequest, agreement: Agreement, side: str) -> HttpResponse:
    return sign_page(
        request,
        document=agreement,
        sign=lambda: signing_services.agreement_sign(
            actor=request.user, agreement=agreement, side=side
        ),
        template="agreements/agreement_sign.html",
        context={"agreement": agreement, "side": side},
    )


@login_required
def agreement_certify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="certify")
    return _sign(request, agreement, Side.ADMINISTRATION)


@login_required
def agreement_countersign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="countersign")
    return _sign(request, agreement, Side.ORGANISATION)


def signed_copy_response(
    request: AuthenticatedRequest, document: Agreement | PeopleAnnex, filename: str
) -> HttpResponseBase:
    """The signed copy of an MoU or annex, as kept: certified, or signed by both sides; not
    found while it is being prepared."""
    if document.pdf_status != PdfStatus.READY or not document.pdf:
        raise not_found(request.user, f"{document._meta.model_name}.download", document)
    return attachment_response(document.pdf, filename, PDF)


@login_required
def agreement_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    agreement = permissions.get_agreement_for_user(request.user, pk)
    return signed_copy_response(
        request, agreement, _("mou-%(reference)s.pdf") % {"reference": agreement.reference}
    )


@login_required
@require_POST
def agreement_pdf_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="negotiate")
    run_action(
        request,
        lambda: signing_services.agreement_pdf_retry(actor=request.user, agreement=agreement),
        _("The signed copy is being prepared again."),
    )
    return redirect(agreement)


@login_required
def agreement_translation(
    request: AuthenticatedRequest, pk: int, language: str
) -> HttpResponseBase:
    """A signed MoU's copy in another language, for reading: to whoever may download the
    signed copy."""
    agreement = permissions.get_agreement_for_user(request.user, pk)
    copy = agreement.translations.filter(language=language, status=PdfStatus.READY).first()
    if copy is None or not copy.pdf:
        raise not_found(request.user, "agreement.download", agreement)
    return attachment_response(
        copy.pdf,
        _("mou-%(reference)s-%(language)s.pdf")
        % {"reference": agreement.reference, "language": language},
        PDF,
    )


@login_required
@require_POST
def agreement_translation_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ask for a copy in another language, or again for one that failed."""
    agreement = permissions.get_agreement_for_user(request.user, pk)
    run_action(
        request,
        lambda: signing_services.agreement_translation_request(
            actor=request.user, agreement=agreement, language=request.POST.get("language", "")
        ),
        _("The copy is being prepared. It is usually ready within a minute."),
    )
    return redirect(f"{agreement.get_absolute_url()}#translations")


# Authorised signatories -------------------------------------------------------------------------


def _organisation_for_signatories(request: AuthenticatedRequest, pk: int) -> Organisation:
    organisation = get_organisation_for_user(request.user, pk)
    if not permissions.can_manage_signatories(request.user, organisation):
        raise deny(
            request.user,
            "signatory.manage",
            organisation,
            _("Only the organisation's administrators authorise its signatories."),
        )
    return organisation


@login_required
def signatories(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Who may sign MoUs for the organisation; its administrators authorise its people."""
    organisation = _organisation_for_signatories(request, pk)
    current = Signatory.objects.active().filter(organisation=organisation)
    candidates = organisation_users(organisation, ORGANISATION_READERS).exclude(
        pk__in=current.values("user")
    )
    form = SignatoryForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: signing_services.signatory_authorise(
                actor=request.user, organisation=organisation, user=form.cleaned_data["user"]
            ),
        )
        if done:
            messages.success(request, _("The person may now sign MoUs for the organisation."))
            return redirect("agreements:signatories", organisation.pk)
    context = {
        "organisation": organisation,
        "signatories": current.select_related("user", "authorised_by").order_by("user__username"),
        "form": form,
    }
    return render(request, "agreements/signatories.html", context)


@login_required
@require_POST
def signatory_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    signatory = Signatory.objects.filter(pk=pk).select_related("user").first()
    if signatory is None:
        raise not_found(request.user, "signatory.manage", None)
    organisation = _organisation_for_signatories(request, signatory.organisation_id)
    run_action(
        request,
        lambda: signing_services.signatory_revoke(actor=request.user, signatory=signatory),
        _("The authority to sign is withdrawn."),
    )
    return redirect("agreements:signatories", organisation.pk)
