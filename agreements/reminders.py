"""The reminders agreements sends: one constant per kind, which the services pass to
``notify.remind``, registered with ``activity.reminders`` in ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from activity import reminders

COMMENT_AWAITING = "agreements.comment_awaiting"
CONSULTATION = "agreements.consultation"
SIGNATURE_AWAITED = "agreements.signature_awaited"
SIGNATURE_FOLLOW_UP = "agreements.signature_follow_up"
OBLIGATION_DUE = "agreements.obligation_due"
OBLIGATION_OVERDUE = "agreements.obligation_overdue"
EXPIRING = "agreements.expiring"
SUSPENDED = "agreements.suspended"


def register() -> None:
    for code, label in [
        (COMMENT_AWAITING, _("Comment on an MoU awaiting an answer")),
        (CONSULTATION, _("Staff view asked on a draft MoU")),
        (SIGNATURE_AWAITED, _("MoU awaiting your signature")),
        (SIGNATURE_FOLLOW_UP, _("MoU still awaiting your signature")),
        (OBLIGATION_DUE, _("MoU obligation due")),
        (OBLIGATION_OVERDUE, _("MoU obligation overdue")),
        (EXPIRING, _("MoU expiring")),
        (SUSPENDED, _("MoU suspended or restored with the accreditation")),
    ]:
        reminders.register(code, label)
