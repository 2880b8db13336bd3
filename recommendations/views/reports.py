"""Reports: the list, a report's page, writing it, submitting it, the authorities' answers and
publication."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activity.paging import keyset_page
from activity.shortcuts import errors_text, run_action, run_service
from activity.suggest import filter_suggestions
from activity.typing import AuthenticatedRequest

from .. import permissions, selectors
from ..forms.reports import (
    AnswerForm,
    FindingForm,
    MeetingForm,
    NoteForm,
    PublishForm,
    RecommendationForm,
    ReportFilter,
    ReportForm,
    ReportNewForm,
)
from ..models import Finding, Report
from ..services import publication, window
from ..services import reports as report_services


@login_required
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = ReportFilter(request.GET, permissions.reports_for_user(request.user))
    page = keyset_page(
        selectors.report_rows(filterset.qs), request, ordering=("-created_at", "-id")
    )
    context = {
        "filter": filterset,
        "page": page,
        "can_start": permissions.can_start_report(request.user),
    }
    return render(request, "recommendations/report_list.html", context)


@login_required
@require_GET
def report_choices(request: AuthenticatedRequest, field: str) -> JsonResponse:
    """Suggestions for the list's filters, from the reports the user sees."""
    filterset = ReportFilter(None, permissions.reports_for_user(request.user))
    return filter_suggestions(filterset, field, request)


@login_required
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    """Start the report of a visit that took place."""
    user = request.user
    if not permissions.can_start_report(user):
        raise permissions.cannot_start_report(user)
    visits = permissions.reporting_visits(user)
    if request.method == "POST":
        form = ReportNewForm(request.POST, visits=visits)
    else:
        form = ReportNewForm(initial={"visit": request.GET.get("visit")}, visits=visits)
    if form.is_bound and form.is_valid():
        done, report = run_service(
            form,
            lambda: report_services.report_create(
                actor=user,
                visit=form.cleaned_data["visit"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            ),
        )
        if done and report is not None:
            messages.success(request, _("The report is started. Add its findings."))
            return redirect(report)
    return render(request, "recommendations/report_new.html", {"form": form})


@login_required
def report_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change the title and summary of a draft."""
    report = permissions.get_report_for_user(request.user, pk, action="write")
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        initial={"title": report.title, "summary": report.summary},
    )
    if form.is_bound and form.is_valid():
        done, _result = run_service(
            form,
            lambda: report_services.report_update(
                actor=request.user,
                report=report,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            ),
        )
        if done:
            messages.success(request, _("The report is saved."))
            return redirect(report)
    return render(request, "recommendations/report_edit.html", {"report": report, "form": form})


#: The new recommendation's form shares the report's page with the finding form, whose fields
#: have the same names: each its own element ids, so that each label names its own field.
_RECOMMENDATION_IDS = "id_recommendation_%s"


def _answer_ids(pk: int) -> str:
    """One answer form per recommendation on the page: each its own element ids."""
    return f"id_rec{pk}_%s"


def _detail(request: AuthenticatedRequest, report: Report, **forms: Any) -> HttpResponse:
    user = request.user
    actions = permissions.report_actions(user, report)
    page = selectors.report_page(user, report)
    draft = report.status == Report.Status.DRAFT
    writing = actions.write and draft
    answering = actions.answer and report.status in Report.SUBMITTED_STATUSES
    failed = forms.get("answer_failed")
    for rec in page.recommendations:
        rec.answer_form = (  # type: ignore[attr-defined]
            failed[1]
            if failed and failed[0] == rec.pk
            else AnswerForm(
                initial={"response": rec.response, "reason": rec.response_reason},
                auto_id=_answer_ids(rec.pk),
            )
        )
    context = {
        "report": report,
        "page": page,
        "actions": actions,
        "writing": writing,
        "answering": answering,
        "finding_form": forms.get("finding_form") or (FindingForm() if writing else None),
        "recommendation_form": forms.get("recommendation_form")
        or (
            RecommendationForm(
                report=report,
                repeatable=selectors.repeat_choices(user, report),
                auto_id=_RECOMMENDATION_IDS,
            )
            if writing
            else None
        ),
        "meeting_form": forms.get("meeting_form")
        or (
            MeetingForm(meetings=selectors.meeting_choices(report), auto_id="id_meeting_%s")
            if answering and report.status == Report.Status.SUBMITTED
            else None
        ),
        "consent_form": NoteForm(auto_id="id_consent_%s"),
    }
    return render(request, "recommendations/report_detail.html", context)


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, permissions.get_report_for_user(request.user, pk))


# Writing ----------------------------------------------------------------------------------------


@login_required
@require_POST
def finding_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="write")
    form = FindingForm(request.POST, request.FILES)
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: report_services.finding_add(
                actor=request.user,
                report=report,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data["evidence"],
                attachments=form.cleaned_data["attachments"],
            ),
        )
        if done:
            messages.success(request, _("The finding is added."))
            return redirect(report)
    return _detail(request, report, finding_form=form)


@login_required
@require_POST
def finding_remove(request: AuthenticatedRequest, pk: int, finding: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="write")
    found = get_object_or_404(Finding, pk=finding, report=report)
    run_action(
        request,
        lambda: report_services.finding_remove(actor=request.user, finding=found),
        _("The finding is removed."),
    )
    return redirect(report)


def _recommendation_values(form: RecommendationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "text": data["text"],
        "theme": data["theme"],
        "priority": data["priority"],
        "quick_win": data["quick_win"],
        "area": data["area"],
        "standards": data["standards"],
        "proposed_deadline": data["proposed_deadline"],
        "repeats": data["repeats"],
    }


@login_required
@require_POST
def recommendation_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="write")
    form = RecommendationForm(
        request.POST,
        report=report,
        repeatable=selectors.repeat_choices(request.user, report),
        auto_id=_RECOMMENDATION_IDS,
    )
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: report_services.recommendation_add(
                actor=request.user, report=report, **_recommendation_values(form)
            ),
        )
        if done:
            messages.success(request, _("The recommendation is added."))
            return redirect(report)
    return _detail(request, report, recommendation_form=form)


@login_required
def recommendation_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rec = permissions.get_recommendation_for_user(request.user, pk, action="write")
    report = rec.report
    if report.status != Report.Status.DRAFT:
        messages.error(request, _("The report is submitted: its recommendations stay as they are."))
        return redirect(rec)
    form = RecommendationForm(
        request.POST if request.method == "POST" else None,
        initial=RecommendationForm.initial_from(rec),
        report=report,
        repeatable=selectors.repeat_choices(request.user, report),
    )
    if form.is_bound and form.is_valid():
        done, _result = run_service(
            form,
            lambda: report_services.recommendation_update(
                actor=request.user, recommendation=rec, **_recommendation_values(form)
            ),
        )
        if done:
            messages.success(request, _("The recommendation is saved."))
            return redirect(report)
    context = {"recommendation": rec, "report": report, "form": form}
    return render(request, "recommendations/report_recommendation_edit.html", context)


@login_required
@require_POST
def recommendation_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rec = permissions.get_recommendation_for_user(request.user, pk, action="write")
    run_action(
        request,
        lambda: report_services.recommendation_remove(actor=request.user, recommendation=rec),
        _("The recommendation is removed."),
    )
    return redirect(rec.report)


@login_required
@require_POST
def report_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="write")
    run_action(
        request,
        lambda: report_services.report_submit(actor=request.user, report=report),
        _("The report is submitted to the administration, and to it alone."),
    )
    return redirect(report)


# The authorities' answers -----------------------------------------------------------------------


@login_required
@require_POST
def recommendation_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rec = permissions.get_recommendation_for_user(request.user, pk, action="answer")
    form = AnswerForm(request.POST, auto_id=_answer_ids(rec.pk))
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: window.recommendation_answer(
                actor=request.user,
                recommendation=rec,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(
                request,
                _("Your answer to recommendation %(number)s is recorded.") % {"number": rec.number},
            )
            return redirect(f"{rec.report.get_absolute_url()}#rec-{rec.number}")
    report = permissions.get_report_for_user(request.user, rec.report_id)
    return _detail(request, report, answer_failed=(rec.pk, form))


@login_required
@require_POST
def report_meeting_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="answer")
    form = MeetingForm(
        request.POST, meetings=selectors.meeting_choices(report), auto_id="id_meeting_%s"
    )
    if form.is_valid():
        done, _result = run_service(
            form,
            lambda: window.report_meeting_record(
                actor=request.user,
                report=report,
                meeting=form.cleaned_data["meeting"],
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, _("The coordination meeting is recorded."))
            return redirect(report)
    return _detail(request, report, meeting_form=form)


@login_required
@require_POST
def report_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="answer")
    form = NoteForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: window.report_consent(
                actor=request.user, report=report, note=form.cleaned_data["note"]
            ),
            _("Your agreement is recorded: the organisation may publish the report."),
        )
    else:
        messages.error(request, errors_text(form))
    return redirect(report)


@login_required
@require_POST
def report_release_under_mandate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for_user(request.user, pk, action="publish")
    run_action(
        request,
        lambda: window.report_release_under_mandate(actor=request.user, report=report),
        _("The embargo is lifted under your mandate: the report may be published."),
    )
    return redirect(report)


# Publication ------------------------------------------------------------------------------------


@login_required
def report_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Review the words taken out, preview the public version, and publish it."""
    report = permissions.get_report_for_user(request.user, pk, action="publish")
    if report.status != Report.Status.RELEASED:
        messages.error(
            request,
            _("The report is published already.")
            if report.status == Report.Status.PUBLISHED
            else _("The report is under embargo: it cannot be published yet."),
        )
        return redirect(report)
    preview = None
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            if "publish" in request.POST:
                done, _result = run_service(
                    form,
                    lambda: publication.report_publish(
                        actor=request.user, report=report, terms=form.terms_list()
                    ),
                )
                if done:
                    messages.success(request, _("The report is published."))
                    return redirect(report)
            else:
                done, preview = run_service(
                    form,
                    lambda: publication.report_preview(report=report, terms=form.terms_list()),
                )
    else:
        suggested = publication.redaction_suggestions(report)
        form = PublishForm(initial={"terms": "\n".join(suggested)})
    context = {
        "report": report,
        "form": form,
        "preview": preview,
        "redacted": publication.REDACTED,
    }
    return render(request, "recommendations/report_publish.html", context)
