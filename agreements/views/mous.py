"""The MoU pages: the list, starting an MoU, the MoU with its clauses and their comments, the
terms, the negotiation's actions, staff consultation and the redline between versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation.models import Accreditation
from accreditation.selectors import accreditation_in_force
from activity.paging import keyset_page
from activity.permissions import deny, not_found
from activity.shortcuts import run_action, run_service
from activity.typing import AuthenticatedRequest
from directory.models import ActivityType, Administration, Organisation, Role
from directory.permissions import administration_ids, get_organisation_for_user, organisation_ids

from .. import permissions, selectors
from ..forms import (
    AgreementFilter,
    AgreementStartForm,
    AnswerForm,
    CommentForm,
    ConsultationForm,
    MapFilter,
    NoteForm,
    OrganisationSearchForm,
    PositionForm,
    RedlineForm,
    RemarksForm,
    TermsForm,
)
from ..models import Agreement, AgreementClause, Comment, Consultation, PeopleAnnex, Side
from ..selectors import (
    AGREEMENT_TERM_PREFETCH,
    ANNEX_PEOPLE_PREFETCH,
    agreement_display_status,
    agreement_in_force,
    people_in_force,
    redline,
    rendered_clauses,
    term_values,
    translation_copies,
)
from ..services import mous as mou_services

#: How many organisations a search for one to start an MoU with shows.
SEARCH_RESULTS = 20


@login_required
def agreement_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = AgreementFilter(
        request.GET,
        permissions.agreements_for_user(request.user).select_related("organisation"),
    )
    page = keyset_page(filterset.qs, request, ordering=("-created_at", "-id"))
    context = {
        "filter": filterset,
        "page": page,
        "can_start": permissions.can_start_agreement(request.user),
        "can_view_map": permissions.can_view_coordination_map(request.user),
        "can_view_library": permissions.can_view_library(request.user),
        "signatory_organisations": Organisation.objects.filter(
            pk__in=organisation_ids(request.user, (Role.NGO_ADMIN,))
        ).order_by("name"),
    }
    return render(request, "agreements/agreement_list.html", context)


def _accrediting_administrations(
    request: AuthenticatedRequest, organisation: Organisation
) -> list[Administration]:
    """The administrations the user may start an MoU for with the organisation: their own,
    or, for the organisation's administrators, those that accredited it; only where the
    accreditation is in force."""
    user = request.user
    own = administration_ids(user, permissions.ADMINISTRATION_NEGOTIATORS)
    if not own and organisation.pk in organisation_ids(user, permissions.ORGANISATION_NEGOTIATORS):
        own = set(
            Accreditation.objects.filter(organisation=organisation).values_list(
                "decision__application__framework__administration", flat=True
            )
        )
    return [
        administration
        for administration in Administration.objects.filter(pk__in=own).order_by("name")
        if accreditation_in_force(organisation, administration) is not None
    ]


@login_required
def agreement_start(request: AuthenticatedRequest) -> HttpResponse:
    """Find the organisation (by name, among those the user may deal with), then start."""
    user = request.user
    if not permissions.can_start_agreement(user):
        raise deny(user, "agreement.create", None, _("Only negotiators start MoUs."))
    search = OrganisationSearchForm(request.GET or None)
    candidates: list[Organisation] = []
    if search.is_valid() and search.cleaned_data["q"]:
        own = organisation_ids(user, permissions.ORGANISATION_NEGOTIATORS)
        found = Organisation.objects.filter(name__icontains=search.cleaned_data["q"])
        if not administration_ids(user, permissions.ADMINISTRATION_NEGOTIATORS):
            found = found.filter(pk__in=own)
        else:
            found = found.filter(
                accreditations__status=Accreditation.Status.ACTIVE,
                accreditations__decision__application__framework__administration__in=(
                    administration_ids(user, permissions.ADMINISTRATION_NEGOTIATORS)
                ),
            ).distinct()
        candidates = list(found.order_by("name")[:SEARCH_RESULTS])
    elif not administration_ids(user, permissions.ADMINISTRATION_NEGOTIATORS):
        own = organisation_ids(user, permissions.ORGANISATION_NEGOTIATORS)
        candidates = list(Organisation.objects.filter(pk__in=own).order_by("name"))
    context = {"search": search, "candidates": candidates}
    return render(request, "agreements/agreement_start.html", context)


@login_required
def agreement_new(request: AuthenticatedRequest, organisation: int) -> HttpResponse:
    user = request.user
    party = get_organisation_for_user(user, organisation)
    if not permissions.can_start_agreement(user, party):
        raise deny(user, "agreement.create", party, _("Only negotiators start MoUs."))
    administrations = _accrediting_administrations(request, party)
    form = AgreementStartForm(
        request.POST or None,
        administrations=Administration.objects.filter(pk__in=[a.pk for a in administrations]),
    )
    if request.method == "POST" and form.is_valid():
        side = (
            Side.ADMINISTRATION
            if form.cleaned_data["administration"].pk
            in administration_ids(user, permissions.ADMINISTRATION_NEGOTIATORS)
            else Side.ORGANISATION
        )
        done, agreement = run_service(
            form,
            lambda: mou_services.agreement_create(
                actor=user,
                administration=form.cleaned_data["administration"],
                organisation=party,
                template=form.cleaned_data["template"],
                title=form.cleaned_data["title"],
                side=side,
            ),
        )
        if done and agreement is not None:
            messages.success(request, _("The draft MoU is ready. Set its terms next."))
            return redirect("agreements:agreement_terms", agreement.pk)
    context = {"form": form, "organisation": party, "administrations": administrations}
    return render(request, "agreements/agreement_new.html", context)


@login_required
def agreement_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    agreement = permissions.get_agreement_for_user(user, pk)
    # The terms are read by the clauses, the terms section and the gaps: once, with the areas'
    # facilities, whatever their number.
    prefetch_related_objects([agreement], *AGREEMENT_TERM_PREFETCH)
    actions = permissions.agreement_actions(user, agreement)
    comments = permissions.comments_for_user(user, agreement).select_related(
        "author", "answered_by"
    )
    clauses = {
        clause.pk: clause
        for clause in agreement.clauses.prefetch_related(
            Prefetch("comments", queryset=comments, to_attr="visible_comments")
        )
    }
    # Each clause has its own comment form, and each consultation its own remarks form: their
    # fields need ids of their own, or every label would name the first clause's field.
    rendered = [
        (
            item,
            clauses[item.clause.pk].visible_comments,
            CommentForm(auto_id=f"clause-{item.clause.pk}-%s"),
        )
        for item in rendered_clauses(agreement)
    ]
    negotiable = agreement.status in Agreement.NEGOTIABLE_STATUSES
    in_force = agreement_in_force(agreement)
    annexes = list(agreement.annexes.prefetch_related(*ANNEX_PEOPLE_PREFETCH).order_by("number"))
    context = {
        "agreement": agreement,
        "status": agreement_display_status(agreement),
        "in_force": in_force,
        "people": people_in_force(agreement),
        "annexes": annexes,
        "annexes_signed": any(a.status == PeopleAnnex.Status.SIGNED for a in annexes),
        "may_propose_annex": actions.negotiate
        and in_force
        and not any(a.status in PeopleAnnex.OPEN_STATUSES for a in annexes),
        "actions": actions,
        "negotiable": negotiable,
        "clauses": rendered,
        "left_out": agreement.clauses.filter(included=False).select_related(
            "clause_version__clause"
        ),
        "terms": term_values(agreement),
        "gaps": mou_services.agreement_gaps(agreement)
        if agreement.status == Agreement.Status.NEGOTIATION
        else [],
        "versions": list(agreement.versions.select_related("created_by")),
        "approvals": list(agreement.approvals.select_related("approved_by", "version")),
        "signatures": list(
            agreement.signatures.filter(annex__isnull=True).select_related("signer")
        ),
        "translations": translation_copies(agreement),
        "consultations": [
            (consultation, RemarksForm(auto_id=f"consultation-{consultation.pk}-%s"))
            for consultation in permissions.consultations_for_user(user, agreement).select_related(
                "staff", "facility"
            )
        ],
    }
    return render(request, "agreements/agreement_detail.html", context)


@login_required
def agreement_terms(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="negotiate")
    scope = accreditation_in_force(agreement.organisation, agreement.administration)
    form = TermsForm(request.POST or None, agreement=agreement, scope=scope)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: mou_services.agreement_set_terms(
                actor=request.user, agreement=agreement, terms=form.terms()
            ),
        )
        if done:
            messages.success(request, _("The terms are saved."))
            return redirect(agreement)
    return render(
        request, "agreements/agreement_terms.html", {"form": form, "agreement": agreement}
    )


# Negotiation ------------------------------------------------------------------------------------


def _clause_for(request: AuthenticatedRequest, pk: int) -> tuple[AgreementClause, str]:
    """The clause, if the user negotiates its MoU, and the side they speak for."""
    clause = AgreementClause.objects.filter(pk=pk).only("agreement_id").first()
    if clause is None:
        raise not_found(request.user, "agreement.negotiate", None)
    agreement = permissions.get_agreement_for_user(
        request.user, clause.agreement_id, action="negotiate"
    )
    side = permissions.side_of(request.user, agreement)
    assert side is not None  # a negotiator speaks for a side
    clause = AgreementClause.objects.select_related("agreement", "clause_version__clause").get(
        pk=pk
    )
    return clause, side


@login_required
@require_POST
def clause_comment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clause, side = _clause_for(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: mou_services.comment_add(
                actor=request.user,
                clause=clause,
                side=side,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
                suggested_wording=form.cleaned_data["suggested_wording"],
            ),
        )
        if done:
            messages.success(request, _("Your comment is added."))
            return redirect(f"{clause.agreement.get_absolute_url()}#clause-{clause.pk}")
    return render(
        request,
        "agreements/comment_form.html",
        {"form": form, "clause": clause, "agreement": clause.agreement},
    )


@login_required
@require_POST
def comment_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    comment = Comment.objects.filter(pk=pk).select_related("clause").first()
    if comment is None:
        raise not_found(request.user, "agreement.negotiate", None)
    clause, side = _clause_for(request, comment.clause_id)
    if comment not in permissions.comments_for_user(request.user, clause.agreement):
        raise not_found(request.user, "agreement.negotiate", clause.agreement)
    form = AnswerForm(request.POST)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: mou_services.comment_answer(
                actor=request.user,
                comment=comment,
                side=side,
                answer=form.cleaned_data["answer"],
                accept=form.accept(),
            ),
        )
        if done:
            messages.success(request, _("Your answer is recorded."))
            return redirect(f"{clause.agreement.get_absolute_url()}#clause-{clause.pk}")
    return render(
        request,
        "agreements/answer_form.html",
        {"form": form, "comment": comment, "clause": clause, "agreement": clause.agreement},
    )


@login_required
@require_POST
def clause_position(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clause, side = _clause_for(request, pk)
    form = PositionForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: mou_services.clause_take_position(
                actor=request.user, clause=clause, side=side, position=form.cleaned_data["position"]
            ),
            _("Your position is recorded."),
        )
    return redirect(f"{clause.agreement.get_absolute_url()}#clause-{clause.pk}")


@login_required
@require_POST
def clause_include(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clause, _side = _clause_for(request, pk)
    included = request.POST.get("included") == "1"
    run_action(
        request,
        lambda: mou_services.clause_include(actor=request.user, clause=clause, included=included),
        _("The clause is back in the MoU.") if included else _("The clause is left out."),
    )
    return redirect(clause.agreement)


@login_required
@require_POST
def agreement_share(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="negotiate")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_action(
        request,
        lambda: mou_services.agreement_share(actor=request.user, agreement=agreement, note=note),
        _("A new version is recorded and shared with the other side."),
    )
    return redirect(agreement)


@login_required
@require_POST
def agreement_agree(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="negotiate")
    run_action(
        request,
        lambda: mou_services.agreement_agree(actor=request.user, agreement=agreement),
        _("The text is agreed. Each side now approves it internally."),
    )
    return redirect(agreement)


@login_required
@require_POST
def agreement_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="approve")
    side = permissions.side_of(request.user, agreement)
    assert side is not None
    run_action(
        request,
        lambda: mou_services.agreement_approve(actor=request.user, agreement=agreement, side=side),
        _("Your side's approval is recorded."),
    )
    return redirect(agreement)


# Staff consultation -----------------------------------------------------------------------------


@login_required
def consultation_ask(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = permissions.get_agreement_for_user(request.user, pk, action="consult")
    form = ConsultationForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: mou_services.consultation_ask(
                actor=request.user,
                agreement=agreement,
                facility=form.cleaned_data["facility"],
                staff=form.cleaned_data["staff"],
                question=form.cleaned_data["question"],
            ),
        )
        if done:
            messages.success(request, _("The question is sent."))
            return redirect(agreement)
    return render(
        request, "agreements/consultation_form.html", {"form": form, "agreement": agreement}
    )


@login_required
@require_POST
def consultation_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consultation = Consultation.objects.filter(pk=pk, staff=request.user).first()
    if consultation is None:
        raise not_found(
            request.user, "consultation.answer", Consultation.objects.filter(pk=pk).first()
        )
    agreement = permissions.get_agreement_for_user(request.user, consultation.agreement_id)
    form = RemarksForm(request.POST)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: mou_services.consultation_answer(
                actor=request.user, consultation=consultation, remarks=form.cleaned_data["remarks"]
            ),
        )
        if done:
            messages.success(request, _("Your remarks are recorded."))
            return redirect(agreement)
    return render(
        request,
        "agreements/remarks_form.html",
        {"form": form, "agreement": agreement, "consultation": consultation},
    )


# Versions ---------------------------------------------------------------------------------------


@login_required
def agreement_redline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The words added and removed, clause by clause, between two versions (by default the
    last two)."""
    agreement = permissions.get_agreement_for_user(request.user, pk)
    versions = {v.number: v for v in agreement.versions.all()}
    numbers = sorted(versions)
    initial = {"older": numbers[-2], "newer": numbers[-1]} if len(numbers) > 1 else {}
    form = RedlineForm(request.GET or initial, numbers=numbers)
    changes = None
    if len(numbers) > 1 and form.is_valid():
        changes = redline(
            versions[form.cleaned_data["older"]], versions[form.cleaned_data["newer"]]
        )
    context = {"agreement": agreement, "form": form, "changes": changes, "versions": numbers}
    return render(request, "agreements/agreement_redline.html", context)


# Coordination map -------------------------------------------------------------------------------


@login_required
def coordination_map(request: AuthenticatedRequest) -> HttpResponse:
    """Activities × facilities from the MoUs in force, a page of facilities at a time."""
    user = request.user
    if not permissions.can_view_coordination_map(user):
        raise deny(
            user, "agreement.map", None, _("The coordination map is for the administration.")
        )
    filterset = MapFilter(request.GET, permissions.map_facilities_for_user(user))
    page = keyset_page(filterset.qs, request, ordering=("name", "id"))
    chosen = filterset.form.cleaned_data.get("activity") if filterset.is_valid() else None
    every = ActivityType.objects.order_by("code")
    activities = list(every.filter(code=chosen) if chosen else every)
    rows = selectors.coordination_map(page.items, activities)
    context = {
        "filter": filterset,
        "page": page,
        "activities": activities,
        "rows": rows,
        "gaps": sum(cell.is_gap for row in rows for cell in row.cells),
        "overlaps": sum(cell.is_overlap for row in rows for cell in row.cells),
    }
    return render(request, "agreements/coordination_map.html", context)
