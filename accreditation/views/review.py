"""Review: a reviewer's assignments, the conflict declaration, scoring and submission."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.paging import keyset_page
from activity.shortcuts import run_service
from activity.typing import AuthenticatedRequest, User

from .. import permissions, selectors
from ..forms.review import AssignmentFilter, DeclarationForm, ScoresForm
from ..models import Criterion, ReviewAssignment
from ..services import review as reviewing
from .applications import file_context, reviewer_labels


@login_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = AssignmentFilter(
        request.GET, queryset=permissions.assignments_for_user(request.user)
    )
    page = keyset_page(filterset.qs, request, ordering=("due_at", "id"))
    return render(request, "accreditation/review_list.html", {"filter": filterset, "page": page})


def _criteria(assignment: ReviewAssignment) -> list[Criterion]:
    return list(assignment.application.framework.criteria.prefetch_related("levels"))


def _review_page(
    request: AuthenticatedRequest,
    assignment: ReviewAssignment,
    *,
    declaration: DeclarationForm | None = None,
    scores_form: ScoresForm | None = None,
) -> HttpResponse:
    """The review in its current stage: the declaration first; then the file and the scoring
    form; once submitted, the reviewer's own scores and the combined sheet."""
    user = request.user
    application = assignment.application
    context: dict[str, Any] = {"assignment": assignment, "application": application}
    status = assignment.status
    if status == ReviewAssignment.Status.AWAITING_DECLARATION or declaration is not None:
        context["declaration"] = declaration or DeclarationForm()
    if scores_form is not None and not assignment.may_see_file:
        # Scores sent before the declaration (or after a recusal): say why they were refused.
        context["refusal"] = scores_form.non_field_errors()
    if assignment.may_see_file:
        context.update(file_context(user, application))
        evidence = {c.pk: e for c, e in context["criteria_evidence"]}
        if status == ReviewAssignment.Status.SCORING or scores_form is not None:
            own = {s.criterion_id: s for s in assignment.scores.all()}
            form = scores_form or ScoresForm(criteria=_criteria(assignment), scores=own)
            context["form"] = form
            context["scoring_rows"] = [(row, evidence.get(row.criterion.pk)) for row in form.rows()]
        if status == ReviewAssignment.Status.SUBMITTED:
            own = {s.criterion_id: s for s in assignment.scores.all()}
            context["own_scores"] = [(c, own.get(c.pk)) for c, _e in context["criteria_evidence"]]
        if permissions.can_see_scores(user, application):
            sheet = selectors.application_score_sheet(application)
            context["sheet"] = sheet
            context["reviewer_labels"] = reviewer_labels(user, application, sheet)
    return render(request, "accreditation/review_detail.html", context)


@login_required
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = permissions.get_assignment_for_user(request.user, pk)
    return _review_page(request, assignment)


@login_required
@require_POST
def review_declare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = permissions.get_assignment_for_user(request.user, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        conflict = form.cleaned_data["conflict"]
        done, _result = run_service(
            form,
            lambda: reviewing.review_declare(
                actor=request.user,
                assignment=assignment,
                conflict=conflict,
                statement=form.cleaned_data["statement"],
            ),
        )
        if done:
            if conflict:
                messages.success(
                    request, _("You declared a conflict of interest; the director was told.")
                )
            else:
                messages.success(request, _("Thank you. You can now read the file and score it."))
            return redirect(assignment)
    return _review_page(request, assignment, declaration=form)


@login_required
@require_POST
def review_scores(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = permissions.get_assignment_for_user(request.user, pk)
    form = ScoresForm(request.POST, criteria=_criteria(assignment))
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: reviewing.review_save_scores(
                actor=request.user,
                assignment=assignment,
                scores=form.scores(),
                internal=form.internal_ids(),
            ),
        )
        if done:
            messages.success(request, _("Your scores were saved. Submit them when complete."))
            return redirect(assignment)
    return _review_page(request, assignment, scores_form=form)


@transaction.atomic
def _save_and_submit(
    actor: User,
    assignment: ReviewAssignment,
    scores: Mapping[int, tuple[int | None, str]],
    internal: list[int],
) -> None:
    # The submit button sits in the scoring form, so what is on screen is what is submitted;
    # if submission is refused, nothing typed since the last save is stored either.
    reviewing.review_save_scores(
        actor=actor, assignment=assignment, scores=scores, internal=internal
    )
    reviewing.review_submit(actor=actor, assignment=assignment)


@login_required
@require_POST
def review_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = permissions.get_assignment_for_user(request.user, pk)
    form = ScoresForm(request.POST, criteria=_criteria(assignment))
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: _save_and_submit(request.user, assignment, form.scores(), form.internal_ids()),
        )
        if done:
            messages.success(request, _("Your scores were submitted."))
            return redirect(assignment)
    return _review_page(request, assignment, scores_form=form)
