from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        from . import audit_actions, lookups, reminders  # noqa: F401 (lookups registers itself)

        reminders.register(reminders.MESSAGE, _("Message from the administration"))
        audit_actions.register(
            "notification_preference.updated",
            _("Notification preferences changed"),
            _("%(actor)s changed their notification preferences"),
            formerly=("notification_preference.update",),
        )
