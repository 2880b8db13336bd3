from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import audit_actions, audit_csv, permissions, services
from .filters import AuditFilter, DeniedAccessFilter, NotificationFilter
from .forms import PreferenceForm
from .models import NotificationPreference
from .paging import keyset_page
from .typing import AuthenticatedRequest
from .uploads import attachment_response

#: How many of the latest refusals the audit trail page shows above the entries.
REFUSALS_SHOWN = 5


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = NotificationFilter(
        request.GET, queryset=permissions.notifications_for_user(request.user)
    )
    page = keyset_page(filterset.qs, request, ordering=("-created_at", "-id"))
    return render(request, "activity/notification_list.html", {"filter": filterset, "page": page})


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = permissions.get_notification_for_user(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    target = request.POST.get("next", "")
    if notification.url and request.POST.get("open"):
        target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "activity:notification_list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("activity:notification_list")


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # Nothing is stored until the user saves: a GET must not change state.
    pref = NotificationPreference.objects.filter(user=user).first()
    form = PreferenceForm(request.POST or None, instance=pref or NotificationPreference(user=user))
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=user, **form.cleaned_data)
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your preferences were saved."))
        response = redirect("activity:preferences")
        response.set_cookie("django_language", form.cleaned_data["language"], samesite="Lax")
        return response
    return render(request, "activity/preferences.html", {"form": form})


@login_required
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = AuditFilter(request.GET, queryset=permissions.audit_entries_for_user(request.user))
    page = keyset_page(filterset.qs, request, ordering=("-seq",))
    refusals = permissions.denied_access_for_user(request.user)[:REFUSALS_SHOWN]
    return render(
        request,
        "activity/audit_list.html",
        {
            "filter": filterset,
            "page": page,
            "entries": audit_actions.readable(page.items),
            "refusals": refusals,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def audit_detail(request: AuthenticatedRequest, seq: int) -> HttpResponse:
    entry = permissions.get_audit_entry_for_user(request.user, seq)
    return render(
        request, "activity/audit_detail.html", {"item": audit_actions.readable([entry])[0]}
    )


@login_required
def audit_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered entries the user may read, as CSV, streamed in pages of a few hundred."""
    filterset = AuditFilter(request.GET, queryset=permissions.audit_entries_for_user(request.user))
    rows = audit_csv.rows(filterset.qs.order_by("-seq"))
    response = StreamingHttpResponse(
        audit_csv.stream(rows, language=translation.get_language()), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


@login_required
def denied_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = DeniedAccessFilter(
        request.GET, queryset=permissions.denied_access_for_user(request.user)
    )
    page = keyset_page(filterset.qs, request, ordering=("-minute", "-id"))
    return render(request, "activity/denied_list.html", {"filter": filterset, "page": page})


@login_required
def document_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    document = permissions.get_document_for_user(request.user, pk)
    services.document_read(actor=request.user, document=document)
    return attachment_response(document.file, document.original_name, document.content_type)
