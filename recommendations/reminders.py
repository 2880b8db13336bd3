"""The reminders recommendations sends: one constant per kind, which the services pass to
``notify.remind``, registered with ``activity.reminders`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from activity import reminders

REPORT_SUBMITTED = "recommendations.report_submitted"
WINDOW_CLOSING = "recommendations.window_closing"
EMBARGO_LIFTED = "recommendations.embargo_lifted"
ACTION_ASSIGNED = "recommendations.action_assigned"
ACTION_DUE = "recommendations.action_due"
ACTION_OVERDUE = "recommendations.action_overdue"
VERIFICATION_PENDING = "recommendations.verification_pending"

#: Days before the end of the response window that the directors are reminded.
WINDOW_NOTICES = (7, 1)
#: Days before an action's due date that its official is reminded.
DUE_NOTICES = (7, 1)
#: An overdue action is brought up again every this many days.
OVERDUE_EVERY_DAYS = 7


def register() -> None:
    for code, label in [
        (REPORT_SUBMITTED, _("Visit report submitted to the administration")),
        (WINDOW_CLOSING, _("Response window of a report closing")),
        (EMBARGO_LIFTED, _("Embargo on a report lifted")),
        (ACTION_ASSIGNED, _("Action of a plan assigned to you")),
        (ACTION_DUE, _("Action of a plan due")),
        (ACTION_OVERDUE, _("Action of a plan overdue")),
        (VERIFICATION_PENDING, _("Completed action waiting for verification")),
    ]:
        reminders.register(code, label)
