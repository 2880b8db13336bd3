"""Coordination meetings: a visit whose purpose is to coordinate, before or after activities,
requested and decided like any other under the MoU. Either side writes and corrects its
participants and minutes; both read them; each save is in the audit trail."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User

from ..models import Meeting, Purpose, Visit
from ._common import locked


@transaction.atomic
def meeting_write(
    *,
    actor: User,
    visit: Visit,
    participants: str,
    minutes: str,
    seen: datetime | None = None,
) -> Meeting:
    """Write or correct the participants and minutes of a coordination meeting that is
    approved. ``seen``: when the version the writer started from was saved (None for a first
    writing); if the other side saved since, nothing is overwritten and the writer is told."""
    visit = locked(visit)
    if visit.purpose != Purpose.COORDINATION:
        raise DomainError(_("Minutes are kept for coordination meetings only."))
    if visit.status not in Visit.EXPECTED_STATUSES:
        raise DomainError(
            _("The meeting is %(status)s: it has no minutes.")
            % {"status": visit.get_status_display().lower()}
        )
    participants = participants.strip()
    if not participants:
        raise DomainError(_("Name the participants."), field="participants")
    meeting = Meeting.objects.select_for_update().filter(visit=visit).first()
    if meeting is not None and meeting.written_at != seen:
        raise DomainError(
            _(
                "%(user)s saved the minutes at %(time)s, after you opened them. Copy your text, "
                "reload the page and add your changes to theirs."
            )
            % {
                "user": meeting.written_by.get_username(),
                "time": time_format(timezone.localtime(meeting.written_at)),
            }
        )
    before = {"participants": meeting.participants, "minutes": meeting.minutes} if meeting else {}
    if meeting is None:
        meeting = Meeting.objects.create(
            visit=visit, participants=participants, minutes=minutes, written_by=actor
        )
    else:
        meeting.participants = participants
        meeting.minutes = minutes
        meeting.written_by = actor
        meeting.written_at = timezone.now()
        meeting.save(update_fields=["participants", "minutes", "written_by", "written_at"])
    after = {"participants": participants, "minutes": minutes}
    audit_record(
        actor=actor,
        action="meeting.written",
        target=meeting,
        changes={
            "visit": visit.pk,
            **{
                field: [before.get(field, ""), value]
                for field, value in after.items()
                if before.get(field) != value
            },
        },
    )
    return meeting
