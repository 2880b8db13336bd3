"""Pages anyone may open without logging in: the published reports, each read only from the
public version the organisation reviewed, and how far their recommendations are implemented,
facility by facility. A report that is not published is not found here, by anyone, its own
organisation included."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from activity.paging import keyset_page

from .. import selectors
from ..forms.public import PublicReportFilter


def public_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicReportFilter(request.GET, queryset=selectors.published_reports())
    page = keyset_page(filterset.qs, request, ordering=("-published_at", "-id"))
    context = {
        "filter": filterset,
        "page": page,
        "reports": selectors.public_reports(page.items),
        "statistics": selectors.implementation_by_facility(filterset.qs),
    }
    return render(request, "recommendations/public_list.html", context)


def public_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.published_reports().filter(pk=pk).first()
    if report is None:
        raise Http404
    context = {"report": selectors.public_reports([report])[0]}
    return render(request, "recommendations/public_report.html", context)
