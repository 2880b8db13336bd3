"""Exports of the plan of action and of the follow-up: the page that asks for them and lists
the user's PDFs, the request (a CSV at once, a PDF prepared in the background) and the
download of a prepared PDF, by its requester alone."""

from collections.abc import Iterator
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.audit_csv import stream
from activity.paging import keyset_page
from activity.permissions import deny, not_found
from activity.shortcuts import run_action
from activity.typing import AnyUser, AuthenticatedRequest
from activity.uploads import PDF, attachment_response

from .. import exports, permissions, selectors
from ..exports import Scope
from ..forms.exports import ExportForm
from ..models import Export, Report
from ..services import exports as export_services

#: Excel reads a CSV as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"


def _report(user: AnyUser, pk: int | None, variant: str) -> Report | None:
    """The report an export is of: one the user sees for the confidential variant, a
    published one for the public variant; else not found."""
    if pk is None:
        return None
    if variant == Export.Variant.CONFIDENTIAL:
        return permissions.get_report_for_user(user, pk)
    report = selectors.published_reports().filter(pk=pk).first()
    if report is None:
        raise not_found(user, "report.view", Report.objects.filter(pk=pk).first())
    return report


def _page(request: AuthenticatedRequest, forms: dict[str, ExportForm], report_pk: int | None):
    page = keyset_page(
        permissions.exports_for_user(request.user), request, ordering=("-created_at", "-id")
    )
    context = {
        "forms": [(Export.Kind(kind), form) for kind, form in forms.items()],
        "page": page,
        "pending": any(export.status == Export.Status.PENDING for export in page.items),
        "report_pk": report_pk,
    }
    return render(request, "recommendations/export_list.html", context)


def _report_param(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise Http404 from None


@login_required
def export_list(request: AuthenticatedRequest) -> HttpResponse:
    """The export forms, of one report when asked from its page, and the user's PDFs."""
    report_pk = _report_param(request.GET.get("report"))
    if report_pk is not None and not (
        permissions.reports_for_user(request.user).filter(pk=report_pk).exists()
        or selectors.published_reports().filter(pk=report_pk).exists()
    ):
        raise not_found(request.user, "report.view", Report.objects.filter(pk=report_pk).first())
    forms = {
        kind: ExportForm(user=request.user, prefix=kind, initial={"report": report_pk})
        for kind in Export.Kind.values
    }
    return _page(request, forms, report_pk)


def _csv(rows: Iterator[list[str]], filename: str) -> StreamingHttpResponse:
    content = chain([BOM], stream(rows, language=translation.get_language()))
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def export_make(request: AuthenticatedRequest, kind: str) -> HttpResponseBase:
    """A CSV, written as it downloads; or a PDF, asked for and prepared in the background."""
    if kind not in Export.Kind.values:
        raise Http404
    user = request.user
    form = ExportForm(request.POST, user=user, prefix=kind)
    if not form.is_valid():
        forms = {other: ExportForm(user=user, prefix=other) for other in Export.Kind.values}
        forms[kind] = form
        return _page(request, forms, form.cleaned_data.get("report"))
    data = form.cleaned_data
    variant = data["variant"]
    if variant == Export.Variant.CONFIDENTIAL and not permissions.can_export_confidential(user):
        raise deny(user, "export.confidential", None, str(permissions.CONFIDENTIAL_EXPORT_REFUSED))
    report = _report(user, data["report"], variant)
    scope = Scope(
        facility=data["facility"].pk if data["facility"] else None,
        organisation=data["organisation"].pk if data["organisation"] else None,
        report=report.pk if report else None,
    )
    confidential = variant == Export.Variant.CONFIDENTIAL
    administration = None
    if confidential and report is not None:
        administration = report.administration
    elif confidential and data["facility"] is not None:
        administration = data["facility"].administration
    if request.POST.get("format") == ExportForm.CSV:
        export_services.export_downloaded(
            actor=user, kind=kind, variant=variant, scope=scope, administration=administration
        )
        return _csv(exports.rows(user, kind, variant, scope), f"{kind}-{variant}.csv")
    run_action(
        request,
        lambda: export_services.export_request(
            actor=user,
            kind=kind,
            variant=variant,
            scope=scope,
            administration=administration,
            organisation=report.organisation if confidential and report else data["organisation"],
        ),
        _("The PDF is being prepared. It is usually ready within a minute: this page shows it."),
    )
    return redirect("recommendations:export_list")


@login_required
def export_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """A prepared PDF, to its requester; not found to anyone else, or while it is prepared."""
    export = permissions.get_export_for_user(request.user, pk)
    if export.status != Export.Status.READY or not export.file:
        raise not_found(request.user, "export.download", export)
    return attachment_response(export.file, f"{export.kind}-{export.variant}-{export.pk}.pdf", PDF)
