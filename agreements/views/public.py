"""The verification page, open to anyone without logging in: upload an MoU's PDF and learn
whether it is intact, who signed it and when, whether it was changed after signing, and whether
it is a copy of an MoU in the register. The upload is hostile input (``signing.verification``);
nothing is said of an MoU in the register unless the file is a copy of it."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..forms import VerificationForm
from ..selectors import register_match
from ..signing.verification import verify_pdf


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = VerificationForm(request.POST if posted else None, request.FILES if posted else None)
    context: dict[str, object] = {"form": form, "max_bytes": settings.SIGNED_PDF_MAX_BYTES}
    if posted and form.is_valid():
        report = verify_pdf(form.cleaned_data["document"])
        context["report"] = report
        context["match"] = register_match(report)
    response = render(request, "agreements/verify.html", context)
    response["Cache-Control"] = "no-store"
    return response
