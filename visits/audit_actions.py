"""How visits' entries read in the audit trail (see ``activity.audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from activity import audit_actions

from .models import Visit


def register() -> None:
    for code, label, sentence in [
        (
            "visit.requested",
            _("Visit requested"),
            _("%(actor)s asked to visit: %(object)s"),
        ),
        (
            "visit.approved",
            _("Visit approved"),
            _("%(actor)s approved the visit %(object)s"),
        ),
        (
            "visit.rescheduled",
            _("Visit rescheduled"),
            _("%(actor)s moved the visit %(object)s"),
        ),
        (
            "visit.refused",
            _("Visit refused"),
            _("%(actor)s refused the visit %(object)s: %(reason)s"),
        ),
        (
            "visit.withdrawn",
            _("Visit withdrawn"),
            _("%(actor)s withdrew the visit %(object)s"),
        ),
        (
            "visit.put_in_review",
            _("Visit put into review"),
            _("The visit %(object)s was put into review: %(reason)s"),
        ),
        (
            "calendarfeed.created",
            _("Calendar address created"),
            _("%(actor)s created a private calendar address for their visits"),
        ),
        (
            "calendarfeed.revoked",
            _("Calendar address revoked"),
            _("%(actor)s revoked their calendar address; a new one replaces it"),
        ),
    ]:
        choices = {"reason": Visit.RefusalReason} if code == "visit.refused" else {}
        audit_actions.register(code, label, sentence, choices=choices)
