"""Pages anyone may open without logging in: the rules in force, the register of accredited
organisations and formal mechanisms, and the check of a verification code. They show only
what is public by design (see ``permissions``): never a draft, a reason or a score."""

from datetime import date, timedelta

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from activity.paging import keyset_page
from activity.suggest import filter_suggestions
from directory.models import ActivityType, Facility, Organisation

from .. import selectors
from ..filters import RegisterFilter
from ..forms.public import VerificationForm
from ..models import Accreditation, Criterion

# The scope of each accreditation as plain lists (``activities_listed``…): a row reads them
# without a related manager made for each.
SCOPE = (
    Prefetch(
        "decision__application__activity_types",
        queryset=ActivityType.objects.all(),
        to_attr="activities_listed",
    ),
    Prefetch(
        "decision__application__facilities",
        queryset=Facility.objects.only("name").order_by("name"),
        to_attr="facilities_listed",
    ),
    Prefetch(
        "decision__application__member_organisations",
        queryset=Organisation.objects.only("name").order_by("name"),
        to_attr="members_listed",
    ),
)


def criteria(request: HttpRequest) -> HttpResponse:
    frameworks = (
        selectors.frameworks_in_force()
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.prefetch_related("levels"))
        )
        .order_by("administration__name")
    )
    return render(request, "accreditation/public_criteria.html", {"frameworks": frameworks})


def register(request: HttpRequest) -> HttpResponse:
    filterset = RegisterFilter(
        request.GET, queryset=selectors.accreditations_in_public_register(), request=request
    )
    accreditations = filterset.qs.select_related(
        "decision__application__framework__administration"
    ).prefetch_related(*SCOPE)
    context = {
        "filter": filterset,
        "page": keyset_page(accreditations, request, ordering=("-valid_from", "-id")),
        "mechanisms": selectors.mechanisms_in_public_register().order_by("organisation__name"),
    }
    return render(request, "accreditation/public_register.html", context)


@require_GET
def register_choices(request: HttpRequest, field: str) -> JsonResponse:
    """Suggestions for the register's filter: only facilities the register names."""
    filterset = RegisterFilter(None, queryset=selectors.accreditations_in_public_register())
    return filter_suggestions(filterset, field, request)


def public_status(accreditation: Accreditation) -> tuple[str, str]:
    """What the holder of a code is told: in force, or why not."""
    today = timezone.localdate()
    if accreditation.status == Accreditation.Status.REVOKED:
        return "revoked", _("Revoked")
    if accreditation.status == Accreditation.Status.SUPERSEDED:
        return "renewed", _("Renewed: replaced by a later accreditation")
    if accreditation.is_expired(today):
        return "expired", _("Expired")
    if accreditation.status == Accreditation.Status.SUSPENDED:
        return "suspended", _("Suspended")
    if today < accreditation.valid_from:
        return "not_yet", _("Not yet in force")
    return "in_force", _("In force")


def lapsed_on(accreditation: Accreditation, status_key: str) -> date | None:
    """The day an accreditation stopped being in force, where its status says so: the day after
    its last day of validity, or the day it was revoked or suspended."""
    if status_key == "expired":
        return accreditation.valid_until + timedelta(days=1)
    if status_key in {"revoked", "suspended"} and accreditation.status_changed_at:
        return timezone.localdate(accreditation.status_changed_at)
    return None


def later_accreditation(accreditation: Accreditation) -> Accreditation | None:
    """The organisation's most recent accreditation by the same administration, granted after
    this one: what a renewed or lapsed code points to."""
    return (
        Accreditation.objects.filter(
            organisation=accreditation.organisation_id,
            decision__application__framework__administration=(
                accreditation.decision.application.framework.administration_id
            ),
            pk__gt=accreditation.pk,
        )
        .order_by("-pk")
        .only("pk", "verification_code", "valid_from")
        .first()
    )


def verify(request: HttpRequest) -> HttpResponse:
    form = VerificationForm(request.GET if "code" in request.GET else None)
    context: dict[str, object] = {"form": form}
    if form.is_bound and form.is_valid():
        accreditation = selectors.find_accreditation_by_code(form.cleaned_data["code"])
        context["searched"] = form.cleaned_data["code"]
        if accreditation is not None:
            key, label = public_status(accreditation)
            context["accreditation"] = accreditation
            context["status_key"], context["status_label"] = key, label
            context["application"] = accreditation.decision.application
            context["lapsed_on"] = lapsed_on(accreditation, key)
            if key not in {"in_force", "not_yet"}:
                context["later"] = later_accreditation(accreditation)
    return render(request, "accreditation/public_verify.html", context)
