from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import permissions, services
from .filters import AuditFilter, NotificationFilter
from .forms import PreferenceForm
from .models import NotificationPreference
from .paging import keyset_page
from .typing import AuthenticatedRequest
from .uploads import attachment_response


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
    return render(request, "activity/audit_list.html", {"filter": filterset, "page": page})


@login_required
def document_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    document = permissions.get_document_for_user(request.user, pk)
    services.document_read(actor=request.user, document=document)
    return attachment_response(document.file, document.original_name, document.content_type)
