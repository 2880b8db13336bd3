"""People annexes of a signed MoU: proposing a change of the people it allows to enter, the
annex's page, its signature by the director and then by an authorised signatory (each with the
step-up, as for the MoU), its signed copy, and withdrawing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.shortcuts import run_action, run_service
from activity.typing import AuthenticatedRequest

from .. import permissions
from ..forms import AnnexForm, ReasonForm
from ..models import PeopleAnnex, Side
from ..selectors import agreement_display_status, people_in_force
from ..services import annexes as annex_services
from .signing import sign_page, signed_copy_response


@login_required
def annex_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Propose a people annex: whom to add and whom to remove; nothing else of the MoU."""
    user = request.user
    agreement = permissions.get_agreement_for_user(user, pk, action="propose_annex")
    side = permissions.side_of(user, agreement)
    assert side is not None  # only a negotiator may propose (the rule above)
    form = AnnexForm(request.POST if request.method == "POST" else None, agreement=agreement)
    if form.is_bound and form.is_valid():
        done, annex = run_service(
            form,
            lambda: annex_services.annex_draft(
                actor=user,
                agreement=agreement,
                side=side,
                added=form.cleaned_data["added"],
                removed=form.cleaned_data["removed"],
            ),
        )
        if done and annex is not None:
            messages.success(
                request,
                _(
                    "The annex is proposed. The administration's director signs it first, then "
                    "a person the organisation authorised to sign."
                ),
            )
            return redirect(annex)
    context = {
        "agreement": agreement,
        "status": agreement_display_status(agreement),
        "people": people_in_force(agreement),
        "form": form,
    }
    return render(request, "agreements/annex_new.html", context)


def _annex_page(
    request: AuthenticatedRequest, annex: PeopleAnnex, reason_form: ReasonForm
) -> HttpResponse:
    agreement = annex.agreement
    context = {
        "annex": annex,
        "agreement": agreement,
        "mou_status": agreement_display_status(agreement),
        "actions": permissions.annex_actions(request.user, annex),
        "added": list(annex.added.order_by("full_name")),
        "removed": list(annex.removed.order_by("full_name")),
        "signatures": list(annex.signatures.select_related("signer")),
        "reason_form": reason_form,
    }
    return render(request, "agreements/annex_detail.html", context)


@login_required
def annex_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    annex = permissions.get_annex_for_user(request.user, pk)
    return _annex_page(request, annex, ReasonForm())


@login_required
@require_POST
def annex_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    annex = permissions.get_annex_for_user(request.user, pk, action="withdraw")
    form = ReasonForm(request.POST)
    if form.is_valid():
        done, _annex = run_service(
            form,
            lambda: annex_services.annex_withdraw(
                actor=request.user, annex=annex, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(request, _("The annex is withdrawn."))
            return redirect(annex)
    # The page again, with what was typed and why it was refused.
    return _annex_page(request, annex, form)


def _sign(request: AuthenticatedRequest, annex: PeopleAnnex, side: str) -> HttpResponse:
    return sign_page(
        request,
        document=annex,
        sign=lambda: annex_services.annex_sign(actor=request.user, annex=annex, side=side),
        template="agreements/annex_sign.html",
        context={"annex": annex, "agreement": annex.agreement, "side": side},
    )


@login_required
def annex_certify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    annex = permissions.get_annex_for_user(request.user, pk, action="certify")
    return _sign(request, annex, Side.ADMINISTRATION)


@login_required
def annex_countersign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    annex = permissions.get_annex_for_user(request.user, pk, action="countersign")
    return _sign(request, annex, Side.ORGANISATION)


@login_required
def annex_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    annex = permissions.get_annex_for_user(request.user, pk)
    return signed_copy_response(
        request, annex, _("annex-%(identifier)s.pdf") % {"identifier": annex.identifier}
    )


@login_required
@require_POST
def annex_pdf_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    annex = permissions.get_annex_for_user(request.user, pk, action="retry")
    run_action(
        request,
        lambda: annex_services.annex_pdf_retry(actor=request.user, annex=annex),
        _("The signed copy is being prepared again."),
    )
    return redirect(annex)
