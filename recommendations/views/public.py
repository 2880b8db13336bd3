"""Pages anyone may open without logging in: the published reports, each read only from the
public version the organisation reviewed, and how far their recommendations are implemented,
facility by facility. A report that is not published is not found here, by anyone, its own
organisation included."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from activity.paging import keyset_page
from activity.suggest import filter_suggestions

from .. import selectors
from ..forms.public import PublicReportFilter


def public_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicReportFilter(request.GET, queryset=selectors.published_reports())
    page = keyset_page(filterset.qs, request, ordering=("-published_at", "-id"))
    # The facilities of the reports on the page: a country has a thousand.
    facilities = {report.facility_id for report in page.items}
    key = filterset.statistics_key
    if key is None:
        statistics = selectors.implementation_by_facility(
            filterset.qs.filter(facility__in=facilities)
        )
    else:
        statistics = selectors.kept_implementation(filterset.qs, facilities, key=key)
    context = {
        "filter": filterset,
        "page": page,
        "reports": selectors.public_report_rows(page.items),
        "statistics": statistics,
    }
    return render(request, "recommendations/public_list.html", context)


@require_GET
def public_choices(request: HttpRequest, field: str) -> JsonResponse:
    """Suggestions for the public list's filters: only what a published report names."""
    return filter_suggestions(
        PublicReportFilter(None, selectors.published_reports()), field, request
    )


def public_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.published_reports().filter(pk=pk).first()
    if report is None:
        raise Http404
    context = {"report": selectors.public_reports([report])[0]}
    return render(request, "recommendations/public_report.html", context)
