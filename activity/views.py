from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from directory.selectors import work_time_zone

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
    # Until a language is saved, the form proposes the one the user is reading.
    initial = {} if pref and pref.language else {"language": translation.get_language()}
    form = PreferenceForm(
        request.POST or None,
        instance=pref or NotificationPreference(user=user),
        initial=initial,
        work_zone=work_time_zone(user),
    )
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=user, **form.cleaned_data)
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your preferences were saved."))
        response = redirect("activity:preferences")
        _language_cookie(response, form.cleaned_data["language"])
        return response
    return render(request, "activity/preferences.html", {"form": form})


def _language_cookie(response: HttpResponse, language: str) -> None:
    # Kept after logging out, so that the login page stays in the user's language.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


class LoginView(auth_views.LoginView):
    """Django's login. A user who has not chosen a language yet keeps the one they logged in
    with (their e-mails follow it from now on); one who has finds the pages in theirs."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        pref = services.preference_language_adopt(
            user=form.get_user(), language=translation.get_language()
        )
        _language_cookie(response, pref.language)
        return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's set_language (cookie, safe redirect), and for a
    logged-in user the choice is saved in their preferences, the one place it is kept."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.preference_set_language(user=request.user, language=language)
    return response


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
