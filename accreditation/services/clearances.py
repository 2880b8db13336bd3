"""Vetting the people an organisation names: only cleared people can enter."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.dates import at_start_of
from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User
from directory.models import Administration, Person
from directory.selectors import organisation_users

from .. import reminders
from ..models import Clearance
from ..selectors import current_clearance

EXPIRY_NOTICES = (90, 30, 7)


@transaction.atomic
def clearance_request(*, actor: User, person: Person, administration: Administration) -> Clearance:
    """Ask an administration to vet a person, unless a request is pending there or its
    clearance is still valid for more than the shortest notice period."""
    latest = current_clearance(person, administration)
    if latest is not None and latest.status == Clearance.Status.PENDING:
        return latest
    if (
        latest is not None
        and latest.is_valid()
        and latest.valid_until is not None
        and latest.valid_until > timezone.localdate() + timedelta(days=EXPIRY_NOTICES[-1])
    ):
        return latest
    clearance = Clearance.objects.create(person=person, administration=administration)
    audit_record(
        actor=actor,
        action="clearance.request",
        target=person,
        administration=administration,
    )
    return clearance


@transaction.atomic
def clearance_decide(
    *,
    actor: User,
    clearance: Clearance,
    cleared: bool,
    valid_until: date | None = None,
    reason: str = "",
) -> None:
    """Clear a person until a date, or refuse with a reason."""
    clearance = Clearance.objects.select_for_update().select_related("person").get(pk=clearance.pk)
    if clearance.status != Clearance.Status.PENDING:
        raise DomainError(_("This request was already decided."))
    today = timezone.localdate()
    if cleared:
        if valid_until is None or valid_until <= today:
            raise DomainError(
                _("A clearance needs an end date in the future."), field="valid_until"
            )
        clearance.status = Clearance.Status.CLEARED
        clearance.valid_from = today
        clearance.valid_until = valid_until
    else:
        if not reason.strip():
            raise DomainError(_("A refusal needs a reason."), field="reason")
        clearance.status = Clearance.Status.REFUSED
    clearance.reason = reason
    clearance.decided_by = actor  # type: ignore[assignment]
    clearance.decided_at = timezone.now()
    clearance.save(
        update_fields=["status", "valid_from", "valid_until", "reason", "decided_by", "decided_at"]
    )
    audit_record(
        actor=actor,
        action=f"clearance.{clearance.status}",
        target=clearance.person,
        administration=clearance.administration,
        changes={"valid_until": valid_until, "reason": reason},
    )
    recipients = organisation_users(clearance.person.organisation)
    url = clearance.person.get_absolute_url()
    if cleared and valid_until is not None:
        for days in EXPIRY_NOTICES:
            notify.remind(
                recipients=recipients,
                kind=reminders.CLEARANCE_EXPIRING,
                key=notify.reminder_key(clearance, f"expiring:{days}d"),
                subject=gettext_lazy("The clearance of %(person)s expires on %(date)s"),
                body=gettext_lazy("Ask for a new clearance so that %(person)s can keep entering."),
                params={"person": clearance.person, "date": valid_until},
                url=url,
                due_at=at_start_of(valid_until - timedelta(days=days)),
            )
    notify.remind(
        recipients=recipients,
        kind=reminders.CLEARANCE_DECIDED,
        key=notify.reminder_key(clearance, "decided"),
        subject=gettext_lazy("Clearance of %(person)s: %(status)s"),
        params={"person": clearance.person, "status": clearance.get_status_display()},
        url=url,
    )
