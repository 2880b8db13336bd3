"""Vetting the people an organisation names: only cleared people can enter."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.dates import at_start_of
from activity.errors import DomainError
from activity.services import audit_record
from activity.transitions import change_state
from activity.typing import User
from directory.models import Administration, Person
from directory.selectors import earliest_local_date, organisation_users

from .. import effects, reminders
from ..models import Clearance
from ..selectors import current_clearance

EXPIRY_NOTICES = (90, 30, 7)


def vetting_request_open(person: Person, administration: Administration) -> Clearance | None:
    """Ask the administration to vet the person, unless a request is pending there or their
    clearance is still valid for more than the shortest notice period: the request opened, or
    None. Part of a service, whose audit entry records it."""
    latest = current_clearance(person, administration)
    if latest is not None and latest.status == Clearance.Status.PENDING:
        return None
    if (
        latest is not None
        and latest.is_valid()
        and latest.valid_until is not None
        and latest.valid_until > timezone.localdate() + timedelta(days=EXPIRY_NOTICES[-1])
    ):
        return None
    try:
        with transaction.atomic():
            return Clearance.objects.create(person=person, administration=administration)
    except IntegrityError:
        return None  # asked at the same moment by someone else: the database holds one


@transaction.atomic
def clearance_request(*, actor: User, person: Person, administration: Administration) -> Clearance:
    """Ask an administration to vet a person, unless a request is pending there or its
    clearance is still valid for more than the shortest notice period; the person's request
    or clearance with the administration. Only one request is pending at a time: the
    database holds that rule, so nothing needs locking."""
    opened = vetting_request_open(person, administration)
    if opened is None:
        current = current_clearance(person, administration)
        assert current is not None  # pending or valid, as vetting_request_open found it
        return current
    audit_record(
        actor=actor,
        action="clearance.requested",
        target=person,
        administration=administration,
    )
    return opened


@transaction.atomic
def clearance_decide(
    *,
    actor: User,
    clearance: Clearance,
    cleared: bool,
    valid_until: date | None = None,
    reason: str = "",
) -> None:
    """Clear a person until a date, or refuse with a reason. A refusal is published to the
    modules subscribed to ``effects.subscribe_clearance`` (visits reviews the person's future
    visits with the administration)."""
    clearance = (
        Clearance.objects.select_for_update(of=("self",))
        .select_related("person__organisation")
        .get(pk=clearance.pk)
    )
    if clearance.status != Clearance.Status.PENDING:
        raise DomainError(_("This request was already decided."))
    if cleared:
        # In force from today wherever the administration's facilities are: at the gate this
        # evening too, where it is still yesterday in the server's reckoning.
        start = earliest_local_date(clearance.administration)
        if valid_until is None or valid_until <= start:
            raise DomainError(
                _("A clearance needs an end date in the future."), field="valid_until"
            )
        clearance.valid_from = start
        clearance.valid_until = valid_until
    elif not reason.strip():
        raise DomainError(_("A refusal needs a reason."), field="reason")
    clearance.reason = reason
    clearance.decided_by = actor  # type: ignore[assignment]
    clearance.decided_at = timezone.now()
    change_state(
        clearance,
        Clearance.Status.CLEARED if cleared else Clearance.Status.REFUSED,
        transitions=Clearance.TRANSITIONS,
        extra_fields=("valid_from", "valid_until", "reason", "decided_by", "decided_at"),
    )
    # One entry, about the person vetted: the vetting trail is read person by person.
    audit_record(
        actor=actor,
        action=f"clearance.{clearance.status}",
        target=clearance.person,
        administration=clearance.administration,
        changes={"valid_until": valid_until, "reason": reason},
    )
    if not cleared:
        # The later modules act on it (visits puts the person's future visits into review).
        effects.publish_clearance(
            effects.ClearanceChange(
                clearance_id=clearance.pk,
                person_id=clearance.person_id,
                organisation_id=clearance.person.organisation_id,
                administration_id=clearance.administration_id,
                status=clearance.status,
                reason=reason,
                actor_id=actor.pk,
            )
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
