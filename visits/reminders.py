"""The reminders visits sends: one constant per kind, which the services pass to
``notify.remind``, registered with ``activity.reminders`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from activity import reminders

REQUEST_AWAITING = "visits.request_awaiting"
REQUEST_EXPIRING = "visits.request_expiring"
DECIDED = "visits.decided"
IN_REVIEW = "visits.in_review"
TOMORROW = "visits.tomorrow"
BRIEFING_MISSING = "visits.briefing_missing"
MONITORING_NOTIFIED = "visits.monitoring_notified"
DELAY_RECORDED = "visits.delay_recorded"

#: How long before the decision limit the officers are told a request is about to expire.
EXPIRING_NOTICE_HOURS = 24


def register() -> None:
    for code, label in [
        (REQUEST_AWAITING, _("Visit request awaiting your decision")),
        (REQUEST_EXPIRING, _("Visit request about to expire undecided")),
        (DECIDED, _("Visit request decided")),
        (IN_REVIEW, _("Visit put into review")),
        (TOMORROW, _("Visit tomorrow")),
        (BRIEFING_MISSING, _("Briefing missing before a first visit")),
        (MONITORING_NOTIFIED, _("Monitoring visit notified")),
        (DELAY_RECORDED, _("Delay recorded during a monitoring visit")),
    ]:
        reminders.register(code, label)
