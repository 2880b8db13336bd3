from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = _("Activity")

    def ready(self) -> None:
        from . import lookups, reminders  # noqa: F401 (lookups registers itself on import)

        reminders.register("activity.message", _("Message from the administration"))
